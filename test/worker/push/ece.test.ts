import { describe, expect, it } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from '../../../worker/src/push/base64url';
import { BODY_OVERHEAD, encryptPayload, MAX_PLAINTEXT } from '../../../worker/src/push/ece';
import { decryptBody, header } from '../decrypt';

// RFC 8291 Appendix A.
const V = {
	plaintext: 'V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24',
	asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
	asPublic: 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
	uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
	uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
	authSecret: 'BTBZMqHH6r4Tts7J_aSIgg',
	salt: 'DGv6ra1nlYgDCS1FRnbzlw',
	body: 'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
const text = (s: string) => new TextEncoder().encode(s);

async function importPair(publicKey: string, privateKey: string): Promise<CryptoKeyPair> {
	const point = decodeBase64Url(publicKey);
	const jwk: JsonWebKey = {
		kty: 'EC',
		crv: 'P-256',
		x: encodeBase64Url(point.subarray(1, 33)),
		y: encodeBase64Url(point.subarray(33)),
		d: privateKey,
	};
	return {
		privateKey: await crypto.subtle.importKey('jwk', jwk, ECDH, false, ['deriveBits']),
		publicKey: await crypto.subtle.importKey('raw', point, ECDH, true, []),
	};
}

/** Opens a body as the browser would (test/worker/decrypt.ts), checking the RFC 8188 header on the way. */
async function decrypt(body: Uint8Array, ua: CryptoKeyPair, authSecret: Uint8Array): Promise<Uint8Array> {
	const { rs, keyid } = header(body);
	expect(rs).toBe(4096);
	expect(keyid.length).toBe(65);
	const uaPublic = new Uint8Array((await crypto.subtle.exportKey('raw', ua.publicKey)) as ArrayBuffer);
	return decryptBody(body, ua.privateKey, uaPublic, authSecret);
}

async function newSubscriber(): Promise<{ ua: CryptoKeyPair; p256dh: Uint8Array; auth: Uint8Array }> {
	const ua = (await crypto.subtle.generateKey(ECDH, true, ['deriveBits'])) as CryptoKeyPair;
	const p256dh = new Uint8Array((await crypto.subtle.exportKey('raw', ua.publicKey)) as ArrayBuffer);
	return { ua, p256dh, auth: crypto.getRandomValues(new Uint8Array(16)) };
}

describe('encryptPayload', () => {
	it('produces the RFC 8291 Appendix A body when given its salt and key pair', async () => {
		const body = await encryptPayload(
			decodeBase64Url(V.plaintext),
			decodeBase64Url(V.uaPublic),
			decodeBase64Url(V.authSecret),
			{ salt: decodeBase64Url(V.salt), localKeyPair: await importPair(V.asPublic, V.asPrivate) },
		);
		expect(body.length).toBe(144);
		expect(encodeBase64Url(body)).toBe(V.body);
	});

	it('is decrypted by the RFC 8291 Appendix A user agent when its key pair is random', async () => {
		const ua = await importPair(V.uaPublic, V.uaPrivate);
		const plaintext = decodeBase64Url(V.plaintext);
		const body = await encryptPayload(plaintext, decodeBase64Url(V.uaPublic), decodeBase64Url(V.authSecret));
		expect(await decrypt(body, ua, decodeBase64Url(V.authSecret))).toEqual(plaintext);
	});

	it('round-trips with a fresh salt and key pair on every call', async () => {
		const { ua, p256dh, auth } = await newSubscriber();
		const plaintext = text(
			JSON.stringify({ title: 'Sale', body: 'x'.repeat(180), url: 'https://shop.example/' }),
		);
		const a = await encryptPayload(plaintext, p256dh, auth);
		const b = await encryptPayload(plaintext, p256dh, auth);
		expect(a.length).toBe(plaintext.length + 103);
		expect(BODY_OVERHEAD).toBe(103);
		expect(a.subarray(0, 16)).not.toEqual(b.subarray(0, 16));
		expect(a.subarray(21, 86)).not.toEqual(b.subarray(21, 86));
		expect(await decrypt(a, ua, auth)).toEqual(plaintext);
		expect(await decrypt(b, ua, auth)).toEqual(plaintext);
	});

	it('round-trips empty, maximal and padded plaintexts', async () => {
		const { ua, p256dh, auth } = await newSubscriber();
		for (const [length, padding] of [
			[0, 0],
			[MAX_PLAINTEXT, 0],
			[100, 50],
		] as const) {
			const plaintext = crypto.getRandomValues(new Uint8Array(length));
			const body = await encryptPayload(plaintext, p256dh, auth, { padding });
			expect(body.length).toBe(length + 103 + padding);
			expect(await decrypt(body, ua, auth)).toEqual(plaintext);
		}
	});

	it('rejects a plaintext that does not fit in 4,096 bytes', async () => {
		const { p256dh, auth } = await newSubscriber();
		await expect(encryptPayload(new Uint8Array(MAX_PLAINTEXT + 1), p256dh, auth)).rejects.toThrow(RangeError);
		await expect(encryptPayload(new Uint8Array(3900), p256dh, auth, { padding: 100 })).rejects.toThrow(
			/too large/,
		);
	});

	it('rejects keys of the wrong size and points off the curve', async () => {
		const { p256dh, auth } = await newSubscriber();
		await expect(encryptPayload(new Uint8Array(1), p256dh.subarray(1), auth)).rejects.toThrow(/65-byte/);
		await expect(encryptPayload(new Uint8Array(1), p256dh, auth.subarray(1))).rejects.toThrow(/16 bytes/);
		const offCurve = p256dh.slice();
		offCurve[64] = (offCurve[64] as number) ^ 1;
		await expect(encryptPayload(new Uint8Array(1), offCurve, auth)).rejects.toThrow();
	});
});
