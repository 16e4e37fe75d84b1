import { decodeBase64Url, encodeBase64Url } from '../push/base64url';

const encoder = new TextEncoder();

/** Hex SHA-256 of a string: how API keys are stored and looked up. */
export async function sha256Hex(value: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value)));
	let hex = '';
	for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
	return hex;
}

/** Constant-time equality of two strings (compares their SHA-256 digests so lengths leak nothing). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
	const [da, db] = await Promise.all([
		crypto.subtle.digest('SHA-256', encoder.encode(a)),
		crypto.subtle.digest('SHA-256', encoder.encode(b)),
	]);
	return crypto.subtle.timingSafeEqual(da, db);
}

/** Thrown when MASTER_KEY is missing or malformed: an operator error, reported without its value. */
export class MasterKeyError extends Error {
	override name = 'MasterKeyError';
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function masterKey(secret: string | null): Promise<CryptoKey> {
	if (!secret) throw new MasterKeyError('MASTER_KEY is not set; see README "Secrets"');
	let key = keyCache.get(secret);
	if (!key) {
		let raw: Uint8Array;
		try {
			raw = decodeBase64Url(secret);
		} catch {
			throw new MasterKeyError('MASTER_KEY must be base64url');
		}
		if (raw.byteLength !== 32) throw new MasterKeyError('MASTER_KEY must decode to 32 bytes');
		key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
		keyCache.set(secret, key);
	}
	return key;
}

/** Encrypts a secret at rest: base64url(iv ‖ AES-256-GCM(plaintext)), bound to `context` (e.g. the site id). */
export async function sealSecret(secret: string | null, plaintext: string, context: string): Promise<string> {
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const sealed = await crypto.subtle.encrypt(
		{ name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
		await masterKey(secret),
		encoder.encode(plaintext),
	);
	const out = new Uint8Array(12 + sealed.byteLength);
	out.set(iv);
	out.set(new Uint8Array(sealed), 12);
	return encodeBase64Url(out);
}

/** Reverses {@link sealSecret}; fails if the value or its context was tampered with. */
export async function openSecret(secret: string | null, sealed: string, context: string): Promise<string> {
	const bytes = decodeBase64Url(sealed);
	const plain = await crypto.subtle.decrypt(
		{ name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: encoder.encode(context) },
		await masterKey(secret),
		bytes.subarray(12),
	);
	return new TextDecoder().decode(plain);
}
