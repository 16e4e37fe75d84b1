import type { ApiKeyScope, ApiKeyView, ConsoleToken, NewApiKey, Role, Staff } from '#wire';
import type { Env } from '../env';
import { HttpError } from '../http/errors';
import { signConsoleToken } from '../lib/console-token';
import { newSecret } from '../lib/ids';
import { sha256Hex } from '../lib/secrets';
import { type ApiKeyRecord, deleteApiKey, insertApiKey, listApiKeys, replaceApiKey } from '../store/sites';
import { requireMasterKey } from './sites';

// Who may reach a site's admin API: its API keys (servers, plugins) and console tokens (staff in the console).

/** Mints a console token for a staff member of a site (the caller has checked who may ask for it). */
export function mintConsoleToken(
	env: Env,
	siteId: string,
	staff: Staff,
	role: Role,
	ttlSeconds: number,
): Promise<ConsoleToken> {
	return signConsoleToken(requireMasterKey(env), { siteId, staff, role }, ttlSeconds);
}

function keyView(key: ApiKeyRecord): ApiKeyView {
	return {
		keyId: key.keyId,
		name: key.name,
		prefix: key.prefix,
		scope: key.scope,
		createdAt: new Date(key.createdAt).toISOString(),
		lastUsedAt: key.lastUsedAt === null ? null : new Date(key.lastUsedAt).toISOString(),
	};
}

/** A site's API keys (never the keys themselves). */
export async function apiKeys(env: Env, siteId: string): Promise<ApiKeyView[]> {
	return (await listApiKeys(env.DB, siteId)).map(keyView);
}

const keyNotFound = (keyId: string) =>
	new HttpError(404, 'api_key_not_found', `No API key ${keyId} on this site`);

/** A new key's secret (shown once), its SHA-256 (all that is stored) and its prefix. */
async function newKeySecret(): Promise<{ apiKey: string; hash: string; prefix: string }> {
	const apiKey = newSecret('bk_');
	return { apiKey, hash: await sha256Hex(apiKey), prefix: apiKey.slice(0, 7) };
}

/** Makes a new API key for a site; the key is in the answer this once and stored only as its SHA-256. */
export async function createApiKey(
	env: Env,
	siteId: string,
	name: string,
	scope: ApiKeyScope = 'full',
): Promise<NewApiKey> {
	const { apiKey, ...key } = await newKeySecret();
	const record = await insertApiKey(env.DB, siteId, { ...key, name, scope }, Date.now());
	return { ...keyView(record), apiKey };
}

/** Rotates an API key: a new secret with the same name and scope (shown this once); the old one stops at once. */
export async function rotateApiKey(env: Env, siteId: string, keyId: string): Promise<NewApiKey> {
	const { apiKey, ...key } = await newKeySecret();
	const record = await replaceApiKey(env.DB, siteId, keyId, key, Date.now());
	if (!record) throw keyNotFound(keyId);
	return { ...keyView(record), apiKey };
}

/** Revokes an API key: it stops working at once. A site's last key cannot be revoked (409). */
export async function revokeApiKey(env: Env, siteId: string, keyId: string): Promise<void> {
	const outcome = await deleteApiKey(env.DB, siteId, keyId);
	if (outcome === 'not_found') throw keyNotFound(keyId);
	if (outcome === 'last_key') {
		throw new HttpError(
			409,
			'last_key',
			"This is the site's last API key; create another one before revoking it",
		);
	}
}
