import * as z from 'zod';

const address = z.object({ address: z.string(), name: z.string() });

/** One message of the local SMTP sink (scripts/smtp-sink.mjs), as GET /v1/dev/outbox lists it. */
export const outboxMessage = z.object({
	id: z.number().int(),
	from: address.nullable(),
	to: z.array(address),
	subject: z.string(),
	text: z.string(),
	html: z.string().nullable(),
	date: z.string().nullable().describe('The Date header, ISO 8601'),
	messageId: z.string().nullable(),
	headers: z.record(z.string(), z.string()).describe('Header names in lower case'),
	envelope: z.object({ from: z.string(), to: z.array(z.string()) }),
	user: z.string().nullable().describe('The SMTP login that sent it, if any'),
	raw: z.string().describe('The message as received'),
	receivedAt: z.string(),
});

/** GET /v1/dev/outbox: oldest first. */
export const outbox = z.array(outboxMessage);
