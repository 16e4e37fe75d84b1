import { decodeBase64Url, encodeBase64Url } from '../push/base64url';
import { MasterKeyError } from './secrets';

// Tester links: "add this browser as a tester" from the console. The console asks for a link to a page of the site
// whose fragment carries `beckon-tester=btl.<payload>.<mac>`; the widget on that page, once the browser has a
// subscriber id, hands the token back with its id and the subscriber is marked as a tester. The payload is base64url
// JSON {v, sid, exp}; the MAC an HMAC-SHA-256 under a key derived (HKDF) from MASTER_KEY with its own label, so a
// tester link is never a console token and the reverse. Nothing is stored; a link dies at its `exp` (15 minutes).

/** How long a tester link works. */
export const TESTER_LINK_TTL_SECONDS = 15 * 60;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function macKey(masterKey: string | null): Promise<CryptoKey> {
	if (!masterKey) throw new MasterKeyError('MASTER_KEY is not set; see README "Secrets"');
	let key = keys.get(masterKey);
	if (!key) {
		key = (async () => {
			const base = await crypto.subtle.importKey('raw', decodeBase64Url(masterKey), 'HKDF', false, [
				'deriveKey',
			]);
			return crypto.subtle.deriveKey(
				{
					name: 'HKDF',
					hash: 'SHA-256',
					salt: new Uint8Array(0),
					info: encoder.encode('beckon tester link v1'),
				},
				base,
				{ name: 'HMAC', hash: 'SHA-256', length: 256 },
				false,
				['sign'],
			);
		})();
		keys.set(masterKey, key);
	}
	return key;
}

async function mac(masterKey: string | null, payload: string): Promise<Uint8Array> {
	return new Uint8Array(await crypto.subtle.sign('HMAC', await macKey(masterKey), encoder.encode(payload)));
}

/** Signs a tester token for a site; returns it and its expiry (ISO). */
export async function signTesterToken(
	masterKey: string | null,
	siteId: string,
	now = Date.now(),
): Promise<{ token: string; expiresAt: string }> {
	const exp = Math.floor(now / 1000) + TESTER_LINK_TTL_SECONDS;
	const payload = encodeBase64Url(encoder.encode(JSON.stringify({ v: 1, sid: siteId, exp })));
	return {
		token: `btl.${payload}.${encodeBase64Url(await mac(masterKey, payload))}`,
		expiresAt: new Date(exp * 1000).toISOString(),
	};
}

/** Why a tester token was refused. */
export type TesterTokenProblem = 'malformed' | 'bad_signature' | 'expired' | 'other_site';

/** Verifies a tester token for a site: MAC in constant time, expiry, site. */
export async function verifyTesterToken(
	masterKey: string | null,
	siteId: string,
	token: string,
	now = Date.now(),
): Promise<TesterTokenProblem | null> {
	const parts = token.split('.');
	if (parts.length !== 3 || parts[0] !== 'btl' || !parts[1] || !parts[2]) return 'malformed';
	let given: Uint8Array;
	let body: { v?: unknown; sid?: unknown; exp?: unknown };
	try {
		given = decodeBase64Url(parts[2]);
		body = JSON.parse(new TextDecoder().decode(decodeBase64Url(parts[1])));
	} catch {
		return 'malformed';
	}
	const expected = await mac(masterKey, parts[1]);
	if (given.byteLength !== expected.byteLength || !crypto.subtle.timingSafeEqual(given, expected)) {
		return 'bad_signature';
	}
	if (body === null || typeof body !== 'object' || body.v !== 1 || typeof body.exp !== 'number') {
		return 'malformed';
	}
	if (body.sid !== siteId) return 'other_site';
	if (body.exp * 1000 <= now) return 'expired';
	return null;
}
