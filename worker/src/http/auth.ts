import { config, type Env } from '../env';
import { secretsEqual, sha256Hex } from '../lib/secrets';
import { findSiteIdByKeyHash } from '../store/sites';
import { HttpError } from './errors';

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearer(request: Request): string | null {
	const header = request.headers.get('authorization') ?? '';
	const match = /^Bearer\s+(\S+)$/i.exec(header);
	return match?.[1] ?? null;
}

/** Allows only the operator (ADMIN_TOKEN), compared in constant time. */
export async function requireOperator(request: Request, env: Env): Promise<void> {
	const expected = config(env).adminToken;
	if (!expected) {
		throw new HttpError(
			503,
			'not_configured',
			'ADMIN_TOKEN is not set on this deployment; see README "Secrets"',
		);
	}
	const token = bearer(request);
	if (!token || !(await secretsEqual(token, expected))) {
		throw new HttpError(
			401,
			'unauthorized',
			'Send the operator token as "Authorization: Bearer <ADMIN_TOKEN>"',
			{
				'www-authenticate': 'Bearer',
			},
		);
	}
}

/**
 * Allows only an API key of this site. Keys are high-entropy random strings looked up by their SHA-256, so
 * the lookup reveals nothing about other keys; a valid key of another site is refused the same way.
 */
export async function requireSiteKey(request: Request, env: Env, siteId: string): Promise<void> {
	const key = bearer(request);
	if (!key) {
		throw new HttpError(401, 'unauthorized', 'Send the site API key as "Authorization: Bearer <apiKey>"', {
			'www-authenticate': 'Bearer',
		});
	}
	const owner = await findSiteIdByKeyHash(env.DB, await sha256Hex(key));
	if (owner === null) {
		throw new HttpError(401, 'unauthorized', 'This API key is not valid', { 'www-authenticate': 'Bearer' });
	}
	if (owner !== siteId) throw new HttpError(403, 'forbidden', 'This API key does not belong to this site');
}
