import { badRequest, HttpError } from '../http/errors';
import {
	optBoolean,
	optEnum,
	optInteger,
	optObject,
	optString,
	optStringArray,
	optUrl,
	reqString,
	within,
} from '../http/validate';

/** A button on a notification. */
export interface Action {
	action: string;
	title: string;
	url?: string;
}

/** What the service worker shows. */
export interface Message {
	title: string;
	body: string;
	url?: string;
	icon?: string;
	image?: string;
	badge?: string;
	actions?: Action[];
	requireInteraction?: boolean;
	tag?: string;
}

/** Who receives it. */
export type Audience =
	| { all: true }
	| { subscriberIds: string[] }
	| { userIds: string[] }
	| { categories: string[] };

/** Push-service delivery options (RFC 8030). */
export interface Delivery {
	ttl: number;
	urgency: 'very-low' | 'low' | 'normal' | 'high';
	topic?: string;
}

/** The JSON the service worker receives, one per recipient. */
export interface PushPayload extends Message {
	v: 1;
	nid: string;
	sid: string;
	url: string;
}

/** Longest plaintext we send: fits every service, including Firefox for Android's 3,070-byte bridge limit. */
export const MAX_PAYLOAD_BYTES = 2900;
/** Longest click URL we keep for a subscriber; the payload budget reserves this much. */
export const MAX_URL_LENGTH = 1024;
const MAX_TTL = 28 * 86_400;
const DEFAULT_TTL = 3 * 86_400;

/**
 * Validates a send request; throws a 400 naming the field. `origins` are the site's own origins: images may be
 * served from them over http (local development), from anywhere else only over https.
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
	const message: Message = {
		title: reqString(body, 'title', 200),
		body: optString(body, 'body', 1000) ?? '',
	};
	const url = optUrl(body, 'url', MAX_URL_LENGTH);
	if (url) message.url = url.href;
	for (const field of ['icon', 'image', 'badge'] as const) {
		const value = optImageUrl(body, field, origins);
		if (value) message[field] = value;
	}
	const actions = parseActions(body.actions);
	if (actions) message.actions = actions;
	const requireInteraction = optBoolean(body, 'requireInteraction');
	if (requireInteraction !== undefined) message.requireInteraction = requireInteraction;
	const tag = optString(body, 'tag', 64);
	if (tag) message.tag = tag;

	const delivery: Delivery = {
		ttl: optInteger(body, 'ttl', 0, MAX_TTL) ?? DEFAULT_TTL,
		urgency: optEnum(body, 'urgency', ['very-low', 'low', 'normal', 'high'] as const) ?? 'normal',
	};
	const topic = optString(body, 'topic', 32);
	if (topic !== undefined) {
		if (!/^[A-Za-z0-9_-]{1,32}$/.test(topic)) throw badRequest('topic', 'must be 1–32 base64url characters');
		delivery.topic = topic;
	}

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
	const idempotencyKey = optString(body, 'idempotencyKey', 128) ?? null;
	return { message, audience: parseAudience(body), delivery, idempotencyKey };
}

// A notification image is fetched by every recipient's browser; plain http would let anyone on their network swap
// it (or see which notification they got). The site's own origins are trusted as configured.
function optImageUrl(
	body: Record<string, unknown>,
	field: string,
	origins: readonly string[],
): string | undefined {
	const raw = optString(body, field, 1024);
	if (raw === undefined) return undefined;
	let url: URL | undefined;
	try {
		url = new URL(raw);
	} catch {
		url = undefined;
	}
	if (url?.protocol === 'https:' || (url !== undefined && origins.includes(url.origin))) return url.href;
	throw badRequest(field, "must be an https URL (or a page of this site's own origin)");
}

function parseActions(value: unknown): Action[] | undefined {
	if (value === undefined || value === null) return undefined;
	if (!Array.isArray(value)) throw badRequest('actions', 'must be an array');
	if (value.length > 2) throw badRequest('actions', 'at most 2 actions are shown by browsers');
	return value.map((item, i) => {
		if (typeof item !== 'object' || item === null || Array.isArray(item)) {
			throw badRequest(`actions[${i}]`, 'must be an object {action, title, url?}');
		}
		const obj = item as Record<string, unknown>;
		return within(`actions[${i}]`, () => {
			const action: Action = { action: reqString(obj, 'action', 32), title: reqString(obj, 'title', 64) };
			const url = optUrl(obj, 'url', MAX_URL_LENGTH);
			if (url) action.url = url.href;
			return action;
		});
	});
}

function parseAudience(body: Record<string, unknown>): Audience {
	const audience = optObject(body, 'audience');
	if (!audience)
		throw badRequest(
			'audience',
			'is required: {all:true}, {subscriberIds:[…]}, {userIds:[…]} or {categories:[…]}',
		);
	const keys = Object.keys(audience);
	if (keys.length !== 1)
		throw badRequest('audience', 'must have exactly one of all, subscriberIds, userIds, categories');
	if (audience.all === true) return { all: true };
	const subscriberIds = within('audience', () => optStringArray(audience, 'subscriberIds', 10_000, 64));
	if (subscriberIds?.length) return { subscriberIds };
	const userIds = within('audience', () => optStringArray(audience, 'userIds', 10_000, 255));
	if (userIds?.length) return { userIds };
	const categories = within('audience', () => optStringArray(audience, 'categories', 12, 64));
	if (categories?.length) return { categories };
	throw badRequest('audience', 'must be {all:true} or a non-empty subscriberIds, userIds or categories list');
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
