import { decodeBase64Url, encodeBase64Url } from '../push/base64url';
import { MasterKeyError } from './secrets';

// Stateless signed tokens `<prefix>.<payload>.<mac>`: the payload is base64url JSON, the MAC an HMAC-SHA-256 under a
// key derived (HKDF) from MASTER_KEY with a label of its own per kind of token (console tokens, tester links), so a
// token of one kind never verifies as another. Compared in constant time; nothing is stored.

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function macKey(masterKey: string | null, label: string): Promise<CryptoKey> {
	if (!masterKey) throw new MasterKeyError('MASTER_KEY is not set; see README "Secrets"');
	const id = `${label}\n${masterKey}`;
	let key = keys.get(id);
	if (!key) {
		key = (async () => {
			const base = await crypto.subtle.importKey('raw', decodeBase64Url(masterKey), 'HKDF', false, [
				'deriveKey',
			]);
			return crypto.subtle.deriveKey(
				{ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(label) },
				base,
				{ name: 'HMAC', hash: 'SHA-256', length: 256 },
				false,
				['sign'],
			);
		})();
		keys.set(id, key);
	}
	return key;
}

async function mac(masterKey: string | null, label: string, payload: string): Promise<Uint8Array> {
	return new Uint8Array(
		await crypto.subtle.sign('HMAC', await macKey(masterKey, label), encoder.encode(payload)),
	);
}

/** Signs `body` as `<prefix>.<payload>.<mac>`. */
export async function signToken(
	masterKey: string | null,
	label: string,
	prefix: string,
	body: Record<string, unknown>,
): Promise<string> {
	const payload = encodeBase64Url(encoder.encode(JSON.stringify(body)));
	return `${prefix}.${payload}.${encodeBase64Url(await mac(masterKey, label, payload))}`;
}

/** Checks a token's shape and MAC (constant time); returns its parsed payload or why it was refused. */
export async function openToken(
	masterKey: string | null,
	label: string,
	prefix: string,
	token: string,
): Promise<{ body: Record<string, unknown> } | { problem: 'malformed' | 'bad_signature' }> {
	const parts = token.split('.');
	if (parts.length !== 3 || parts[0] !== prefix || !parts[1] || !parts[2]) return { problem: 'malformed' };
	let given: Uint8Array;
	try {
		given = decodeBase64Url(parts[2]);
	} catch {
		return { problem: 'malformed' };
	}
	const expected = await mac(masterKey, label, parts[1]);
	if (given.byteLength !== expected.byteLength || !crypto.subtle.timingSafeEqual(given, expected)) {
		return { problem: 'bad_signature' };
	}
	try {
		const body: unknown = JSON.parse(new TextDecoder().decode(decodeBase64Url(parts[1])));
		if (body === null || typeof body !== 'object' || Array.isArray(body)) return { problem: 'malformed' };
		return { body: body as Record<string, unknown> };
	} catch {
		return { problem: 'malformed' };
	}
}
