import { decodeBase64Url } from '../../worker/src/push/base64url';

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
const text = (s: string) => new TextEncoder().encode(s);

async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
	const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
	return new Uint8Array(await crypto.subtle.sign('HMAC', k, data));
}

/** HKDF (RFC 5869) from HMAC for outputs of one block: built apart from the code under test (native HKDF). */
async function hkdf(
	salt: Uint8Array,
	ikm: Uint8Array,
	info: Uint8Array,
	length: number,
): Promise<Uint8Array> {
	const prk = await hmac(salt, ikm);
	return (await hmac(prk, concat(info, new Uint8Array([1])))).subarray(0, length);
}

function concat(...parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

/** The header fields of an aes128gcm body (RFC 8188 §2.1). */
export function header(body: Uint8Array): { salt: Uint8Array; rs: number; keyid: Uint8Array } {
	const idlen = body[20] as number;
	return {
		salt: body.subarray(0, 16),
		rs: new DataView(body.buffer, body.byteOffset).getUint32(16),
		keyid: body.subarray(21, 21 + idlen),
	};
}

/** A user agent's side of RFC 8291: derives the keys and opens the single record; returns the plaintext. */
export async function decryptBody(
	body: Uint8Array,
	uaPrivate: CryptoKey,
	uaPublic: Uint8Array,
	auth: Uint8Array,
): Promise<Uint8Array> {
	const { salt, keyid } = header(body);
	const asKey = await crypto.subtle.importKey('raw', keyid, ECDH, false, []);
	const ecdh = { name: 'ECDH', public: asKey };
	const shared = new Uint8Array(await crypto.subtle.deriveBits(ecdh, uaPrivate, 256));
	const ikm = await hkdf(auth, shared, concat(text('WebPush: info\0'), uaPublic, keyid), 32);
	const cek = await hkdf(salt, ikm, text('Content-Encoding: aes128gcm\0'), 16);
	const nonce = await hkdf(salt, ikm, text('Content-Encoding: nonce\0'), 12);
	const key = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt']);
	const record = new Uint8Array(
		await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce }, key, body.subarray(21 + keyid.length)),
	);
	let end = record.length - 1;
	while (end >= 0 && record[end] === 0) end--;
	if (record[end] !== 2) throw new Error('bad padding delimiter');
	return record.subarray(0, end);
}

/** Decrypts a body the sink recorded (base64url) for a test subscription and parses its JSON. */
export async function decryptRecorded(
	recorded: string,
	sub: { privateKey: CryptoKey; auth: Uint8Array; json: { keys: { p256dh: string } } },
): Promise<Record<string, unknown>> {
	const plain = await decryptBody(
		decodeBase64Url(recorded),
		sub.privateKey,
		decodeBase64Url(sub.json.keys.p256dh),
		sub.auth,
	);
	return JSON.parse(new TextDecoder().decode(plain)) as Record<string, unknown>;
}
