import { decodeBase64Url } from '../../worker/src/push/base64url';

const enc = new TextEncoder();

async function hkdf(
	salt: Uint8Array,
	ikm: Uint8Array,
	info: Uint8Array,
	length: number,
): Promise<Uint8Array> {
	const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
	return new Uint8Array(
		await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, length * 8),
	);
}

/** Decrypts an aes128gcm Web Push body as a browser would (test-side, written from RFC 8291 alone). */
export async function decryptPush(
	body: Uint8Array,
	uaPrivate: CryptoKey,
	uaPublic: Uint8Array,
	auth: Uint8Array,
) {
	const salt = body.subarray(0, 16);
	const idlen = body[20] as number;
	const asPublic = body.subarray(21, 21 + idlen);
	const record = body.subarray(21 + idlen);
	const asKey = await crypto.subtle.importKey(
		'raw',
		asPublic,
		{ name: 'ECDH', namedCurve: 'P-256' },
		false,
		[],
	);
	const ecdh = { name: 'ECDH', public: asKey };
	const shared = new Uint8Array(await crypto.subtle.deriveBits(ecdh, uaPrivate, 256));
	const keyInfo = new Uint8Array([...enc.encode('WebPush: info\0'), ...uaPublic, ...asPublic]);
	const ikm = await hkdf(auth, shared, keyInfo, 32);
	const cek = await hkdf(salt, ikm, enc.encode('Content-Encoding: aes128gcm\0'), 16);
	const nonce = await hkdf(salt, ikm, enc.encode('Content-Encoding: nonce\0'), 12);
	const aes = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt']);
	const plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce }, aes, record));
	let end = plain.length - 1;
	while (end > 0 && plain[end] === 0) end--;
	if (plain[end] !== 2) throw new Error('bad padding delimiter');
	return JSON.parse(new TextDecoder().decode(plain.subarray(0, end))) as Record<string, unknown>;
}

/** Decrypts a body the sink recorded (base64url) for a test subscription. */
export function decryptRecorded(
	recorded: string,
	sub: { privateKey: CryptoKey; auth: Uint8Array; json: { keys: { p256dh: string } } },
) {
	return decryptPush(
		decodeBase64Url(recorded),
		sub.privateKey,
		decodeBase64Url(sub.json.keys.p256dh),
		sub.auth,
	);
}
