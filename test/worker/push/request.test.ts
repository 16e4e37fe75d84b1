import { describe, expect, it } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from '../../../worker/src/push/base64url';
import {
	buildPushRequest,
	PushRequestError,
	validateSubscriptionKeys,
} from '../../../worker/src/push/request';

const AUTHORIZATION = 'vapid t=a.b.c, k=BPk';

async function subscription() {
	const ua = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
		'deriveBits',
	])) as CryptoKeyPair;
	return {
		endpoint: 'https://updates.push.services.mozilla.com/wpush/v2/gAAAA',
		p256dh: encodeBase64Url((await crypto.subtle.exportKey('raw', ua.publicKey)) as ArrayBuffer),
		auth: encodeBase64Url(crypto.getRandomValues(new Uint8Array(16))),
	};
}

describe('buildPushRequest', () => {
	it('builds an RFC 8030 POST with every header when all options are given', async () => {
		const target = await subscription();
		const payload = new TextEncoder().encode('{"title":"Hi"}');
		const { url, init } = await buildPushRequest(
			target,
			payload,
			{ ttl: 3600, urgency: 'high', topic: 'order-42_shipped' },
			AUTHORIZATION,
		);
		expect(url).toBe(target.endpoint);
		expect(init.method).toBe('POST');
		expect(init.body.length).toBe(payload.length + 103);
		expect(init.headers).toEqual({
			TTL: '3600',
			'Content-Encoding': 'aes128gcm',
			'Content-Type': 'application/octet-stream',
			'Content-Length': String(payload.length + 103),
			Authorization: AUTHORIZATION,
			Urgency: 'high',
			Topic: 'order-42_shipped',
		});
	});

	it('omits Urgency and Topic when they are not given', async () => {
		const { init } = await buildPushRequest(
			await subscription(),
			new Uint8Array(10),
			{ ttl: 0 },
			AUTHORIZATION,
		);
		expect(init.headers.TTL).toBe('0');
		expect(init.headers).not.toHaveProperty('Urgency');
		expect(init.headers).not.toHaveProperty('Topic');
	});

	it('throws a PushRequestError when the topic, ttl or urgency is invalid', async () => {
		const target = await subscription();
		const build = (options: Parameters<typeof buildPushRequest>[2]) =>
			buildPushRequest(target, new Uint8Array(1), options, AUTHORIZATION);
		await expect(build({ ttl: 60, topic: 'x'.repeat(33) })).rejects.toThrow(/32 base64url/);
		await expect(build({ ttl: 60, topic: 'has space' })).rejects.toThrow(PushRequestError);
		await expect(build({ ttl: 60, topic: '' })).rejects.toThrow(PushRequestError);
		await expect(build({ ttl: -1 })).rejects.toThrow(/ttl/);
		await expect(build({ ttl: 1.5 })).rejects.toThrow(/ttl/);
		await expect(build({ ttl: 60, urgency: 'urgent' as 'high' })).rejects.toThrow(/urgency/);
	});

	it('throws a PushRequestError when the subscription keys are unusable', async () => {
		const target = await subscription();
		const build = (t: typeof target) => buildPushRequest(t, new Uint8Array(1), { ttl: 60 }, AUTHORIZATION);
		await expect(build({ ...target, p256dh: target.p256dh.slice(4) })).rejects.toThrow(/65 bytes/);
		await expect(build({ ...target, auth: target.auth.slice(4) })).rejects.toThrow(/16 bytes/);
		await expect(build({ ...target, auth: '!!' })).rejects.toThrow(/base64url/);
		const point = decodeBase64Url(target.p256dh);
		point[64] = (point[64] as number) ^ 1;
		await expect(build({ ...target, p256dh: encodeBase64Url(point) })).rejects.toThrow(/not a point/);
	});

	it('throws a RangeError when the payload is too large', async () => {
		await expect(
			buildPushRequest(await subscription(), new Uint8Array(3994), { ttl: 60 }, AUTHORIZATION),
		).rejects.toThrow(RangeError);
	});
});

describe('validateSubscriptionKeys', () => {
	it('returns null when both keys are usable', async () => {
		const { p256dh, auth } = await subscription();
		expect(await validateSubscriptionKeys(p256dh, auth)).toBeNull();
	});

	it('returns a message when p256dh has the wrong size or encoding', async () => {
		const { p256dh, auth } = await subscription();
		expect(await validateSubscriptionKeys(p256dh.slice(0, 40), auth)).toMatch(/^p256dh must be 65 bytes/);
		expect(await validateSubscriptionKeys(`A${p256dh.slice(1)}`, auth)).toMatch(
			/^p256dh must be an uncompressed/,
		);
		expect(await validateSubscriptionKeys('p256dh!', auth)).toBe('p256dh is not base64url');
	});

	it('returns a message when p256dh is not on the curve', async () => {
		const { p256dh, auth } = await subscription();
		const point = decodeBase64Url(p256dh);
		point[64] = (point[64] as number) ^ 1;
		expect(await validateSubscriptionKeys(encodeBase64Url(point), auth)).toBe(
			'p256dh is not a point on the P-256 curve',
		);
	});

	it('returns a message when auth is not 16 bytes', async () => {
		const { p256dh } = await subscription();
		expect(await validateSubscriptionKeys(p256dh, 'AAAA')).toBe('auth must be 16 bytes, got 3');
		expect(await validateSubscriptionKeys(p256dh, '#')).toBe('auth is not base64url');
	});
});
