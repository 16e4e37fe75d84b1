import type { RenderContext } from '../sending/liquid';

/** One recipient inside a queue message, with its click target already resolved. */
export interface Recipient {
	id: string;
	endpoint: string;
	p256dh: string;
	auth: string;
	url: string;
	/** The VAPID key id the subscription was made with (absent: the site's current key). */
	k?: string;
	/** What a personalised message's Liquid reads for this recipient (absent when the message has none). */
	ctx?: RenderContext;
	/** The A/B variant this recipient gets (index into the run's variants), when the run has some. */
	v?: number;
	/** The language variant this recipient's locale picked (a key of the dispatch's translations), if any. */
	lc?: string;
}

/** A queue message: one batch of recipients of one notification. */
export interface PushBatch {
	notificationId: string;
	batchId: number;
	attempt: number;
	recipients: Recipient[];
}

/** Budget for a message body: Queues accept ≤128 KB per message and ≤256 KB per sendBatch call. */
export const MESSAGE_BUDGET_BYTES = 100_000;
/** Most recipients in one message, whatever their size. */
export const MAX_RECIPIENTS_PER_MESSAGE = 250;

const encoder = new TextEncoder();

/** Splits recipients into message-sized groups by serialized size. */
export function chunkRecipients(recipients: Recipient[]): Recipient[][] {
	const chunks: Recipient[][] = [];
	let current: Recipient[] = [];
	let size = 0;
	for (const r of recipients) {
		let bytes =
			r.endpoint.length +
			r.p256dh.length +
			r.auth.length +
			r.url.length +
			r.id.length +
			(r.k?.length ?? 0) +
			64;
		// In bytes: names and attribute values are often not ASCII.
		if (r.ctx) bytes += encoder.encode(JSON.stringify(r.ctx)).byteLength + 8;
		if (
			current.length > 0 &&
			(size + bytes > MESSAGE_BUDGET_BYTES || current.length >= MAX_RECIPIENTS_PER_MESSAGE)
		) {
			chunks.push(current);
			current = [];
			size = 0;
		}
		current.push(r);
		size += bytes;
	}
	if (current.length > 0) chunks.push(current);
	return chunks;
}
