import type { Audience, Delivery, Message, PushPayload } from '#wire';
import { parse } from '../api/parse';
import { MAX_AWAY_IDS, MAX_URL_LENGTH, sendRequest } from '../api/schemas/send';
import { badRequest, HttpError } from '../http/errors';
import { checkTemplates, liftUrlTemplates } from './liquid';

export type { Action, Audience, Delivery, FrequencyCap, Message, PushPayload } from '#wire';
export { MAX_URL_LENGTH };

/** Longest plaintext we send: fits every service, including Firefox for Android's 3,070-byte bridge limit. */
export const MAX_PAYLOAD_BYTES = 2900;
const DEFAULT_TTL = 3 * 86_400;

/**
 * Validates a send request (the schema, then what depends on the site); throws a 400 naming the field, or a 413
 * when the message cannot fit a push. `origins` are the site's own origins: images may be served from them over
 * http (local development), from anywhere else only over https. Liquid in the title, body, URL and actions must
 * parse (sending/liquid.ts).
 */
export function parseSendRequest(
	body: Record<string, unknown>,
	origins: readonly string[],
): {
	message: Message;
	audience: Audience;
	delivery: Delivery;
	idempotencyKey: string | null;
} {
	const lifted = liftUrlTemplates(body);
	const input = parse(sendRequest, lifted.body);
	const message: Message = { title: input.title, body: input.body ?? '' };
	if (input.url) message.url = input.url;
	for (const field of ['icon', 'image', 'badge'] as const) {
		const value = input[field];
		if (value) message[field] = imageUrl(value, field, origins);
	}
	if (input.actions)
		message.actions = input.actions.map((a) => (a.url ? a : { action: a.action, title: a.title }));
	if (input.requireInteraction !== undefined) message.requireInteraction = input.requireInteraction;
	if (input.tag) message.tag = input.tag;
	lifted.restore(message);
	checkTemplates(message);

	const delivery: Delivery = { ttl: input.ttl ?? DEFAULT_TTL, urgency: input.urgency ?? 'normal' };
	if (input.topic !== undefined) delivery.topic = input.topic;
	if (input.onlyIfAway) {
		checkOneToOne(input.audience);
		delivery.onlyIfAway = input.onlyIfAway;
	}

	// On the template text as written: what each recipient's rendering adds is checked per recipient at send time.
	const probe: PushPayload = {
		...message,
		v: 1,
		nid: 'ntf_'.padEnd(24, 'x'),
		sid: 'sub_'.padEnd(24, 'x'),
		url: '',
	};
	probe.url = 'x'.repeat(MAX_URL_LENGTH);
	const size = new TextEncoder().encode(JSON.stringify(probe)).byteLength;
	if (size > MAX_PAYLOAD_BYTES) {
		throw new HttpError(
			413,
			'payload_too_large',
			`The notification is ${size - MAX_PAYLOAD_BYTES} bytes over the ${MAX_PAYLOAD_BYTES}-byte push limit; shorten the title, body or URLs`,
		);
	}
	return { message, audience: input.audience, delivery, idempotencyKey: input.idempotencyKey ?? null };
}

// Presence is read per listed id when the send is accepted: a broadcast has no "away" worth a read per subscriber.
function checkOneToOne(audience: Audience): void {
	const ids =
		'subscriberIds' in audience ? audience.subscriberIds : 'userIds' in audience ? audience.userIds : null;
	if (ids === null || ids.length > MAX_AWAY_IDS) {
		throw badRequest(
			'onlyIfAway',
			`is only for a 1:1 send: an audience of subscriberIds or userIds (at most ${MAX_AWAY_IDS})`,
		);
	}
}

// A notification image is fetched by every recipient's browser; plain http would let anyone on their network swap
// it (or see which notification they got). The site's own origins are trusted as configured.
function imageUrl(raw: string, field: string, origins: readonly string[]): string {
	const url = URL.parse(raw);
	if (url?.protocol === 'https:' || (url !== null && origins.includes(url.origin))) return url.href;
	throw badRequest(field, "must be an https URL (or a page of this site's own origin)");
}

/** Builds one recipient's payload: the click target is the message URL, else their last page, else home. */
export function payloadFor(
	message: Message,
	notificationId: string,
	subscriberId: string,
	lastUrl: string | null,
	homeUrl: string,
	iconUrl: string | null,
): PushPayload {
	const payload: PushPayload = {
		...message,
		v: 1,
		nid: notificationId,
		sid: subscriberId,
		url: message.url ?? lastUrl ?? homeUrl,
	};
	if (!payload.icon && iconUrl) payload.icon = iconUrl;
	if (!payload.tag) payload.tag = notificationId;
	return payload;
}
