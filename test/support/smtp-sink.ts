// @ts-expect-error plain ESM script without types (npm start uses it too)
import { startSmtpSink as start } from '../../scripts/smtp-sink.mjs';

/** A mailbox as the sink's parser read it. */
export interface SinkAddress {
	address: string;
	name: string;
}

/** One message the sink received (GET /messages). */
export interface SinkMessage {
	id: number;
	from: SinkAddress | null;
	to: SinkAddress[];
	subject: string;
	text: string;
	html: string | null;
	date: string | null;
	messageId: string | null;
	headers: Record<string, string>;
	envelope: { from: string; to: string[] };
	/** The login that authenticated, or null. */
	user: string | null;
	raw: string;
	receivedAt: string;
}

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
