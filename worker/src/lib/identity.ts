import { decodeBase64Url, encodeBase64Url } from '../push/base64url';

const encoder = new TextEncoder();

/** Why an identity token was refused. */
export type IdentityProblem = 'malformed' | 'bad_signature' | 'expired' | 'too_long_lived';

/**
 * Result of checking a token: the user id (and the `attrs` claim as signed, unchecked: the caller validates it
 * like the attributes of PUT …/users/{userId}), or the reason it was refused.
 */
export type IdentityCheck =
	| { ok: true; userId: string; expiresAt: number; attrs?: unknown }
	| { ok: false; problem: IdentityProblem };

/** Longest lifetime a token may claim; platforms mint short-lived ones per page. */
export const MAX_TOKEN_LIFETIME_S = 7 * 86_400;

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
	return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
		usage,
	]);
}

/**
 * Signs a user id for a site: `<base64url({"sub","exp"[,"attrs"]})>.<base64url(HMAC-SHA256(secret, first part))>`.
 * Platforms (WordPress, Shopify) compute the same thing with the site's identity secret; the optional `attrs`
 * (attribute name → value) are merged into the user's attributes when a browser identifies with the token.
 */
export async function signIdentity(
	secret: string,
	userId: string,
	expiresAt: number,
	attrs?: Record<string, unknown>,
): Promise<string> {
	const claims =
		attrs === undefined ? { sub: userId, exp: expiresAt } : { sub: userId, exp: expiresAt, attrs };
	const payload = encodeBase64Url(encoder.encode(JSON.stringify(claims)));
	const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), encoder.encode(payload));
	return `${payload}.${encodeBase64Url(mac)}`;
}

/** Verifies a token in constant time (WebCrypto HMAC verify), then its expiry. */
export async function verifyIdentity(
	secret: string,
	token: string,
	nowS = Math.floor(Date.now() / 1000),
): Promise<IdentityCheck> {
	const [payload, mac, extra] = token.split('.');
	if (!payload || !mac || extra !== undefined) return { ok: false, problem: 'malformed' };
	let signature: Uint8Array;
	// `null` parses too (a signed payload of `null` must read as malformed, not throw).
	let claims: { sub?: unknown; exp?: unknown; attrs?: unknown } | null;
	try {
		signature = decodeBase64Url(mac);
		claims = JSON.parse(new TextDecoder().decode(decodeBase64Url(payload)));
	} catch {
		return { ok: false, problem: 'malformed' };
	}
	const valid = await crypto.subtle.verify(
		'HMAC',
		await hmacKey(secret, 'verify'),
		signature,
		encoder.encode(payload),
	);
	if (!valid) return { ok: false, problem: 'bad_signature' };
	if (
		claims === null ||
		typeof claims.sub !== 'string' ||
		claims.sub === '' ||
		claims.sub.length > 255 ||
		typeof claims.exp !== 'number'
	) {
		return { ok: false, problem: 'malformed' };
	}
	if (claims.exp <= nowS) return { ok: false, problem: 'expired' };
	if (claims.exp > nowS + MAX_TOKEN_LIFETIME_S) return { ok: false, problem: 'too_long_lived' };
	const check: IdentityCheck = { ok: true, userId: claims.sub, expiresAt: claims.exp };
	if (claims.attrs !== undefined) check.attrs = claims.attrs;
	return check;
}
