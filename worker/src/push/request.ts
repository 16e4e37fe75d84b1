import { decodeBase64Url } from './base64url';
import { encryptPayload } from './ece';

/** RFC 8030 §5.3 urgency levels. */
export type Urgency = 'very-low' | 'low' | 'normal' | 'high';

/** Where a push goes: a subscription as the browser's `PushSubscription.toJSON()` describes it. */
export interface PushTarget {
	endpoint: string;
	p256dh: string;
	auth: string;
}

/** Per-message delivery options (RFC 8030 §5). */
export interface PushOptions {
	/** Seconds the push service may hold the message for an offline device (0 = deliver now or drop). */
	ttl: number;
	urgency?: Urgency;
	/** Replaces an undelivered message with the same topic; at most 32 base64url characters. */
	topic?: string;
}

/** Everything `fetch(url, init)` needs to send one push. */
export interface PushRequest {
	url: string;
	init: { method: 'POST'; headers: Record<string, string>; body: Uint8Array };
}

/** Thrown for inputs that can never produce a valid push request; the message says which and why. */
export class PushRequestError extends Error {
	override name = 'PushRequestError';
}

const URGENCIES: ReadonlySet<string> = new Set<Urgency>(['very-low', 'low', 'normal', 'high']);
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Checks a subscription's keys before storing or sending to it.
 * Resolves to a message a person can act on, or null when both keys are usable.
 */
export async function validateSubscriptionKeys(p256dh: string, auth: string): Promise<string | null> {
	let point: Uint8Array<ArrayBuffer>;
	try {
		point = decodeBase64Url(p256dh);
	} catch {
		return 'p256dh is not base64url';
	}
	if (point.length !== 65)
		return `p256dh must be 65 bytes (an uncompressed P-256 point), got ${point.length}`;
	if (point[0] !== 4) return 'p256dh must be an uncompressed P-256 point (first byte 0x04)';
	try {
		await crypto.subtle.importKey('raw', point, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
	} catch {
		return 'p256dh is not a point on the P-256 curve';
	}
	let secret: Uint8Array;
	try {
		secret = decodeBase64Url(auth);
	} catch {
		return 'auth is not base64url';
	}
	if (secret.length !== 16) return `auth must be 16 bytes, got ${secret.length}`;
	return null;
}

/**
 * Builds the encrypted RFC 8030 request for one subscription without sending it.
 * @param payload the plaintext (at most 3,993 bytes)
 * @param authorization a `vapid t=…, k=…` value, normally from `VapidSigner.authorization(target.endpoint)`
 * @throws {PushRequestError} when the target's keys or the options are invalid
 * @throws {RangeError} when the payload is too large
 */
export async function buildPushRequest(
	target: PushTarget,
	payload: Uint8Array,
	options: PushOptions,
	authorization: string,
): Promise<PushRequest> {
	const { ttl, urgency, topic } = options;
	if (!Number.isSafeInteger(ttl) || ttl < 0) {
		throw new PushRequestError('ttl must be a whole number of seconds ≥ 0');
	}
	if (urgency !== undefined && !URGENCIES.has(urgency)) {
		throw new PushRequestError('urgency must be very-low, low, normal or high');
	}
	if (topic !== undefined && !TOPIC.test(topic)) {
		throw new PushRequestError('topic must be 1 to 32 base64url characters (A-Z a-z 0-9 - _)');
	}
	let uaPublicKey: Uint8Array;
	let authSecret: Uint8Array;
	try {
		uaPublicKey = decodeBase64Url(target.p256dh);
		authSecret = decodeBase64Url(target.auth);
	} catch (error) {
		throw new PushRequestError(`Subscription keys are not base64url: ${(error as Error).message}`);
	}
	if (uaPublicKey.length !== 65) throw new PushRequestError('p256dh must be 65 bytes');
	if (authSecret.length !== 16) throw new PushRequestError('auth must be 16 bytes');

	let body: Uint8Array;
	try {
		body = await encryptPayload(payload, uaPublicKey, authSecret);
	} catch (error) {
		if (error instanceof RangeError) throw error;
		throw new PushRequestError('p256dh is not a point on the P-256 curve');
	}
	const headers: Record<string, string> = {
		TTL: String(ttl),
		'Content-Encoding': 'aes128gcm',
		'Content-Type': 'application/octet-stream',
		'Content-Length': String(body.length),
		Authorization: authorization,
	};
	if (urgency) headers.Urgency = urgency;
	if (topic) headers.Topic = topic;
	return { url: target.endpoint, init: { method: 'POST', headers, body } };
}
