import type { JwtPayload, Shopify } from '@shopify/shopify-api';
import { bearer } from '../http/auth';
import { HttpError } from '../http/errors';

/** Result of checking an App Bridge session token: the shop it speaks for, or why it was refused. */
export type SessionTokenCheck =
	| { valid: true; shop: string; token: string; payload: JwtPayload }
	| { valid: false; reason: 'missing' | 'invalid' };

/** The header App Bridge watches: on a 401 carrying it, it fetches a fresh session token and retries once. */
export const RETRY_HEADER = 'x-shopify-retry-invalid-session-request';

/**
 * Verifies a session token (HS256 with the app secret, audience = our client id, exp/nbf with the library's
 * 10 s leeway) and reads the shop from its `dest`, which must agree with its `iss`.
 */
export async function checkSessionToken(shopify: Shopify, token: string | null): Promise<SessionTokenCheck> {
	if (!token) return { valid: false, reason: 'missing' };
	try {
		const payload = await shopify.session.decodeSessionToken(token);
		const shop = shopify.utils.sanitizeShop(new URL(payload.dest).hostname);
		// The issuer is the same shop's admin (https://<shop>/admin); a token naming two shops is refused.
		if (!shop || hostOf(payload.iss) !== shop) return { valid: false, reason: 'invalid' };
		return { valid: true, shop, token, payload };
	} catch {
		return { valid: false, reason: 'invalid' };
	}
}

/** The host of `https://<shop>/admin` (the library's test tokens leave out the scheme). */
function hostOf(issuer: string): string {
	return issuer.replace(/^https:\/\//, '').split('/')[0] ?? '';
}

/** The 401 App Bridge answers by retrying with a new session token. */
export function invalidSessionToken(reason: string): HttpError {
	return new HttpError(
		401,
		'invalid_session_token',
		`${reason}; App Bridge retries with a fresh session token`,
		{
			[RETRY_HEADER]: '1',
			'www-authenticate': 'Bearer',
		},
	);
}

/** Verifies the session token of a fetch from the embedded admin page; throws the 401 App Bridge expects. */
export async function requireSessionToken(
	shopify: Shopify,
	request: Request,
): Promise<Extract<SessionTokenCheck, { valid: true }>> {
	const check = await checkSessionToken(shopify, bearer(request));
	if (!check.valid) {
		throw invalidSessionToken(
			check.reason === 'missing'
				? 'Send the App Bridge session token as "Authorization: Bearer <token>"'
				: 'The session token is invalid or expired',
		);
	}
	return check;
}
