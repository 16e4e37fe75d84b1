// @ts-expect-error plain ESM script without types (npm start uses it too)
import { startSmtpSink as start } from '../../scripts/smtp-sink.mjs';
import type { OutboxAddress, OutboxMessage } from '../../worker/src/wire/index.ts';

/** A mailbox as the sink's parser read it. */
export type SinkAddress = OutboxAddress;

/** One message the sink received (GET /messages): what the worker's GET …/dev/outbox passes on. */
export type SinkMessage = OutboxMessage;

/** A running sink: `smtpPort` takes mail on 127.0.0.1, `url` is its HTTP side. */
export interface SmtpSink {
	smtpPort: number;
	url: string;
	messages: SinkMessage[];
	close(): Promise<void>;
}

/** Starts the SMTP sink (scripts/smtp-sink.mjs); with `auth`, AUTH PLAIN/LOGIN is offered and checked. */
export function startSmtpSink(options?: {
	smtpPort?: number;
	httpPort?: number;
	auth?: { user: string; password: string };
}): Promise<SmtpSink> {
	return start(options);
}
