import { createECDH, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	decodeBase64Url,
	encodeBase64Url,
	encryptPayload,
	generateVapidKeys,
	importVapidPrivateKey,
	VapidSigner,
} from '../../../worker/src/push/index';
import { ece } from '../../support/http-ece';

function subscriber() {
	const ua = createECDH('prime256v1');
	ua.generateKeys();
	return { ua, p256dh: new Uint8Array(ua.getPublicKey()), auth: crypto.getRandomValues(new Uint8Array(16)) };
}

describe('encryptPayload', () => {
	it('is decrypted by the http_ece package when the payload is a typical notification', async () => {
		const { ua, p256dh, auth } = subscriber();
		const plaintext = Buffer.from(JSON.stringify({ title: 'Back in stock', body: 'y'.repeat(150) }));
		const body = await encryptPayload(plaintext, p256dh, auth);
		expect(body.length).toBe(plaintext.length + 103);
		const opened = ece.decrypt(Buffer.from(body), {
			version: 'aes128gcm',
			privateKey: ua,
			authSecret: encodeBase64Url(auth),
		});
		expect(opened.equals(plaintext)).toBe(true);
	});

	it('is decrypted by the http_ece package when the payload is empty, maximal or padded', async () => {
		const { ua, p256dh, auth } = subscriber();
		for (const [length, padding] of [
			[0, 0],
			[3993, 0],
			[200, 300],
		] as const) {
			const plaintext = Buffer.from(crypto.getRandomValues(new Uint8Array(length)));
			const body = await encryptPayload(plaintext, p256dh, auth, { padding });
			const opened = ece.decrypt(Buffer.from(body), {
				version: 'aes128gcm',
				privateKey: ua,
				authSecret: encodeBase64Url(auth),
			});
			expect(opened.equals(plaintext)).toBe(true);
		}
	});
});

describe('VapidSigner', () => {
	it('produces a JWT that node:crypto verifies with the VAPID public key', async () => {
		const keys = await generateVapidKeys();
		const signer = new VapidSigner({
			publicKey: keys.publicKey,
			privateKey: await importVapidPrivateKey(keys.publicKey, keys.privateKey),
			subject: 'https://shop.example/contact',
		});
		const header = await signer.authorization('https://web.push.apple.com/QGuQyavXutnMH');
		const match = /^vapid t=([\w-]+\.[\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(header);
		expect(match).not.toBeNull();
		const [, signed = '', signature = '', k = ''] = match ?? [];
		expect(k).toBe(keys.publicKey);
		const point = decodeBase64Url(k);
		const publicKey = createPublicKey({
			format: 'jwk',
			key: {
				kty: 'EC',
				crv: 'P-256',
				x: encodeBase64Url(point.subarray(1, 33)),
				y: encodeBase64Url(point.subarray(33)),
			},
		});
		const ok = verify(
			'sha256',
			Buffer.from(signed),
			{ key: publicKey, dsaEncoding: 'ieee-p1363' },
			decodeBase64Url(signature),
		);
		expect(ok).toBe(true);
		const claims = JSON.parse(Buffer.from(signed.split('.')[1] ?? '', 'base64url').toString());
		expect(claims.aud).toBe('https://web.push.apple.com');
		expect(claims.sub).toBe('https://shop.example/contact');
		expect(claims.exp - Date.now() / 1000).toBeLessThanOrEqual(24 * 3600);
	});
});
