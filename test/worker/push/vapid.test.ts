import { describe, expect, it } from 'vitest';
import { decodeBase64Url } from '../../../worker/src/push/base64url';
import {
	generateVapidKeys,
	importVapidPrivateKey,
	VapidError,
	VapidSigner,
	validateVapidSubject,
} from '../../../worker/src/push/vapid';

const ENDPOINT = 'https://fcm.googleapis.com/fcm/send/abc:def?x=1';
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

interface Jwt {
	header: Record<string, unknown>;
	claims: { aud: string; exp: number; sub: string };
	signed: Uint8Array;
	signature: Uint8Array;
	key: string;
}

function parse(authorization: string): Jwt {
	const match = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(authorization);
	if (!match) throw new Error(`not a vapid header: ${authorization}`);
	const [, h = '', c = '', s = '', k = ''] = match;
	const json = (part: string) => JSON.parse(new TextDecoder().decode(decodeBase64Url(part)));
	return {
		header: json(h),
		claims: json(c),
		signed: new TextEncoder().encode(`${h}.${c}`),
		signature: decodeBase64Url(s),
		key: k,
	};
}

async function newSigner(subject = 'mailto:ops@shop.example') {
	const keys = await generateVapidKeys();
	const privateKey = await importVapidPrivateKey(keys.publicKey, keys.privateKey);
	return { keys, signer: new VapidSigner({ publicKey: keys.publicKey, privateKey, subject }) };
}

describe('generateVapidKeys', () => {
	it('returns a 65-byte uncompressed public key and a 32-byte private key', async () => {
		const keys = await generateVapidKeys();
		const point = decodeBase64Url(keys.publicKey);
		expect(point.length).toBe(65);
		expect(point[0]).toBe(4);
		expect(decodeBase64Url(keys.privateKey).length).toBe(32);
		expect(keys.publicKey).toMatch(/^[\w-]+$/);
	});
});

describe('importVapidPrivateKey', () => {
	it('throws a VapidError when the keys do not belong together', async () => {
		const a = await generateVapidKeys();
		const b = await generateVapidKeys();
		await expect(importVapidPrivateKey(a.publicKey, b.privateKey)).rejects.toThrow(VapidError);
	});

	it('throws a VapidError when a key has the wrong size or encoding', async () => {
		const a = await generateVapidKeys();
		await expect(importVapidPrivateKey(a.publicKey.slice(4), a.privateKey)).rejects.toThrow(/65-byte/);
		await expect(importVapidPrivateKey(a.publicKey, a.privateKey.slice(4))).rejects.toThrow(/32 bytes/);
		await expect(importVapidPrivateKey('*', a.privateKey)).rejects.toThrow(/base64url/);
	});
});

describe('VapidSigner', () => {
	it('signs an ES256 JWT for the endpoint origin that the public key verifies', async () => {
		const { keys, signer } = await newSigner();
		const jwt = parse(await signer.authorization(ENDPOINT, NOW));
		expect(jwt.header).toEqual({ typ: 'JWT', alg: 'ES256' });
		expect(jwt.claims.aud).toBe('https://fcm.googleapis.com');
		expect(jwt.claims.sub).toBe('mailto:ops@shop.example');
		expect(jwt.claims.exp).toBe(NOW / 1000 + 12 * 3600);
		expect(jwt.claims.exp).toBeLessThanOrEqual(NOW / 1000 + 24 * 3600);
		expect(jwt.key).toBe(keys.publicKey);
		const verifyKey = await crypto.subtle.importKey(
			'raw',
			decodeBase64Url(keys.publicKey),
			{ name: 'ECDSA', namedCurve: 'P-256' },
			false,
			['verify'],
		);
		expect(jwt.signature.length).toBe(64);
		const ok = await crypto.subtle.verify(
			{ name: 'ECDSA', hash: 'SHA-256' },
			verifyKey,
			jwt.signature,
			jwt.signed,
		);
		expect(ok).toBe(true);
	});

	it('reuses the header for the same origin and signs another for a different origin', async () => {
		const { signer } = await newSigner();
		const first = await signer.authorization(ENDPOINT, NOW);
		expect(await signer.authorization('https://fcm.googleapis.com/wp/other', NOW + 60_000)).toBe(first);
		const mozilla = await signer.authorization('https://updates.push.services.mozilla.com/wpush/v2/x', NOW);
		expect(mozilla).not.toBe(first);
		expect(parse(mozilla).claims.aud).toBe('https://updates.push.services.mozilla.com');
	});

	it('shares one signature between concurrent calls for the same origin', async () => {
		const { signer } = await newSigner();
		const all = await Promise.all([1, 2, 3].map((i) => signer.authorization(`${ENDPOINT}${i}`, NOW)));
		expect(new Set(all).size).toBe(1);
	});

	it('re-signs once the header is within an hour of expiry', async () => {
		const { signer } = await newSigner();
		const first = await signer.authorization(ENDPOINT, NOW);
		expect(await signer.authorization(ENDPOINT, NOW + 11 * 3600_000 - 1)).toBe(first);
		const renewed = await signer.authorization(ENDPOINT, NOW + 11 * 3600_000);
		expect(renewed).not.toBe(first);
		expect(parse(renewed).claims.exp).toBe(NOW / 1000 + 23 * 3600);
	});

	it('throws a VapidError when the subject is not mailto: or https:', async () => {
		await expect(newSigner('ops@shop.example')).rejects.toThrow(VapidError);
		await expect(newSigner('mailto: <ops@shop.example>')).rejects.toThrow(/mailto:name@example.com/);
		await expect(newSigner('http://shop.example')).rejects.toThrow(/https: URL/);
	});

	it('throws a TypeError when the endpoint is not a URL', async () => {
		const { signer } = await newSigner();
		expect(() => signer.authorization('not a url')).toThrow(TypeError);
	});
});

describe('validateVapidSubject', () => {
	it('accepts mailto: and https: subjects at public hosts', () => {
		for (const s of [
			'mailto:ops@shop.example',
			'https://shop.example/',
			'https://shop.example.com/contact',
		]) {
			expect(validateVapidSubject(s)).toBeNull();
		}
	});

	it('returns a message when the subject is unusable', () => {
		for (const s of [
			'',
			'mailto:',
			'mailto:nobody',
			'ftp://shop.example',
			'http://shop.example',
			'shop.example',
			// What Apple answers with 403 BadJwtToken.
			'http://localhost:8787',
			'https://localhost/',
			'https://127.0.0.1/',
			'mailto:ops@localhost',
			'mailto:ops@shop.invalid',
			'https://shop.invalid/',
		]) {
			expect(validateVapidSubject(s)).toMatch(/VAPID subject/);
		}
	});
});
