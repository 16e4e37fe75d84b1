import { API_KEY_SCOPES, type ApiKeyScope } from '#wire';

/** Where a site runs; decides nothing in the worker but is shown to operators and used by plugins. */
export type Platform = 'wordpress' | 'shopify' | 'custom';

/** Prompt settings a site exposes to its widget through the public config. */
export type SiteSettings = Record<string, unknown>;

/** A tenant, without its sealed private key. */
export interface Site {
	id: string;
	name: string;
	platform: Platform;
	origins: string[];
	homeUrl: string;
	iconUrl: string | null;
	settings: SiteSettings;
	vapidPublicKey: string;
	vapidKeyId: string;
	createdAt: number;
	/** Set when sending is turned off (e.g. the Shopify app was uninstalled). */
	disabledAt: number | null;
}

interface SiteRow {
	id: string;
	name: string;
	platform: Platform;
	origins: string;
	home_url: string;
	icon_url: string | null;
	settings: string;
	vapid_public_key: string;
	vapid_key_id: string;
	created_at: number;
	disabled_at: number | null;
}

const COLUMNS =
	'id, name, platform, origins, home_url, icon_url, settings, vapid_public_key, vapid_key_id, created_at';

function toSite(row: SiteRow): Site {
	return {
		id: row.id,
		name: row.name,
		platform: row.platform,
		origins: JSON.parse(row.origins) as string[],
		homeUrl: row.home_url,
		iconUrl: row.icon_url,
		settings: JSON.parse(row.settings) as SiteSettings,
		vapidPublicKey: row.vapid_public_key,
		vapidKeyId: row.vapid_key_id,
		createdAt: row.created_at,
		disabledAt: row.disabled_at,
	};
}

/** Inserts a site, and its first API key unless `apiKey` is null (Shopify sites need none), in one transaction. */
export async function insertSite(
	db: D1Database,
	site: Site,
	sealed: { privateKey: string; identitySecret: string },
	apiKey: { hash: string; prefix: string; name: string } | null,
): Promise<void> {
	const statements = [
		db
			.prepare(
				`INSERT INTO sites (${COLUMNS}, vapid_private_key, identity_secret) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			)
			.bind(
				site.id,
				site.name,
				site.platform,
				JSON.stringify(site.origins),
				site.homeUrl,
				site.iconUrl,
				JSON.stringify(site.settings),
				site.vapidPublicKey,
				site.vapidKeyId,
				site.createdAt,
				sealed.privateKey,
				sealed.identitySecret,
			),
	];
	if (apiKey) statements.push(insertApiKeyStatement(db, site.id, apiKey, site.createdAt));
	await db.batch(statements);
}

function insertApiKeyStatement(
	db: D1Database,
	siteId: string,
	key: { hash: string; prefix: string; name: string; scope?: ApiKeyScope },
	now: number,
): D1PreparedStatement {
	return db
		.prepare(
			'INSERT INTO api_keys (key_hash, site_id, prefix, name, scope, created_at) VALUES (?, ?, ?, ?, ?, ?)',
		)
		.bind(key.hash, siteId, key.prefix, key.name, key.scope ?? 'full', now);
}

/** An API key as its site lists it; the id is the first 16 hex digits of its hash (no secret in it). */
export interface ApiKeyRecord {
	keyId: string;
	name: string;
	prefix: string;
	scope: ApiKeyScope;
	createdAt: number;
	lastUsedAt: number | null;
}

interface ApiKeyRow {
	key_hash: string;
	name: string;
	prefix: string;
	scope: string;
	created_at: number;
	last_used_at: number | null;
}

const keyIdOf = (hash: string) => `key_${hash.slice(0, 16)}`;

const toKey = (r: ApiKeyRow): ApiKeyRecord => ({
	keyId: keyIdOf(r.key_hash),
	name: r.name,
	prefix: r.prefix,
	scope: (API_KEY_SCOPES as readonly string[]).includes(r.scope) ? (r.scope as ApiKeyScope) : 'read',
	createdAt: r.created_at,
	lastUsedAt: r.last_used_at,
});

/** A site's key rows, oldest first. */
async function keyRows(db: D1Database, siteId: string): Promise<ApiKeyRow[]> {
	const { results } = await db
		.prepare(
			'SELECT key_hash, name, prefix, scope, created_at, last_used_at FROM api_keys WHERE site_id = ? ORDER BY created_at',
		)
		.bind(siteId)
		.all<ApiKeyRow>();
	return results;
}

/** A site's API keys, oldest first. */
export async function listApiKeys(db: D1Database, siteId: string): Promise<ApiKeyRecord[]> {
	return (await keyRows(db, siteId)).map(toKey);
}

/** A new key's record (never used yet). */
function newRecord(
	key: { hash: string; prefix: string; name: string; scope: ApiKeyScope },
	now: number,
): ApiKeyRecord {
	return toKey({ ...key, key_hash: key.hash, created_at: now, last_used_at: null });
}

/** Adds an API key to a site. */
export async function insertApiKey(
	db: D1Database,
	siteId: string,
	key: { hash: string; prefix: string; name: string; scope: ApiKeyScope },
	now: number,
): Promise<ApiKeyRecord> {
	await insertApiKeyStatement(db, siteId, key, now).run();
	return newRecord(key, now);
}

/**
 * Replaces one of a site's keys by a new secret with the same name and scope, in one batch: the old key stops
 * working at once. Null when the site has no such key.
 */
export async function replaceApiKey(
	db: D1Database,
	siteId: string,
	keyId: string,
	key: { hash: string; prefix: string },
	now: number,
): Promise<ApiKeyRecord | null> {
	const old = (await keyRows(db, siteId)).find((k) => keyIdOf(k.key_hash) === keyId);
	if (!old) return null;
	const fresh = { ...key, name: old.name, scope: toKey(old).scope };
	const [, deleted] = await db.batch([
		insertApiKeyStatement(db, siteId, fresh, now),
		db
			.prepare('DELETE FROM api_keys WHERE key_hash = ? AND site_id = ? RETURNING key_hash')
			.bind(old.key_hash, siteId),
	]);
	if (!deleted?.results.length) {
		// Revoked meanwhile: the new key must not outlive it.
		await db.prepare('DELETE FROM api_keys WHERE key_hash = ?').bind(key.hash).run();
		return null;
	}
	return newRecord(fresh, now);
}

/**
 * Revokes one of a site's keys unless it is the site's last one (a site must keep a way in for its servers).
 * Returns what happened.
 */
export async function deleteApiKey(
	db: D1Database,
	siteId: string,
	keyId: string,
): Promise<'deleted' | 'not_found' | 'last_key'> {
	const keys = await keyRows(db, siteId);
	const target = keys.find((k) => keyIdOf(k.key_hash) === keyId);
	if (!target) return 'not_found';
	if (keys.length === 1) return 'last_key';
	// The count is checked again in the statement, so two revocations racing cannot remove the last key.
	const gone = await db
		.prepare(
			`DELETE FROM api_keys WHERE key_hash = ? AND site_id = ?
			AND (SELECT COUNT(*) FROM api_keys WHERE site_id = ?) > 1 RETURNING key_hash`,
		)
		.bind(target.key_hash, siteId, siteId)
		.first();
	return gone ? 'deleted' : 'last_key';
}

/** Every site, by id, for the operator (keyset paged). */
export async function listSites(db: D1Database, afterId: string, limit: number): Promise<Site[]> {
	const { results } = await db
		.prepare(`SELECT ${COLUMNS}, disabled_at FROM sites WHERE id > ? ORDER BY id LIMIT ?`)
		.bind(afterId, limit)
		.all<SiteRow>();
	return results.map(toSite);
}

/** A site by id, or null. */
export async function findSite(db: D1Database, id: string): Promise<Site | null> {
	const row = await db
		.prepare(`SELECT ${COLUMNS}, disabled_at FROM sites WHERE id = ?`)
		.bind(id)
		.first<SiteRow>();
	return row ? toSite(row) : null;
}

/** An API key by its hash: its site, scope and when it was last used; null for none. */
export async function findApiKeyByHash(
	db: D1Database,
	hash: string,
): Promise<{ siteId: string; scope: ApiKeyScope; lastUsedAt: number | null } | null> {
	const row = await db
		.prepare(
			'SELECT site_id, key_hash, name, prefix, scope, created_at, last_used_at FROM api_keys WHERE key_hash = ?',
		)
		.bind(hash)
		.first<ApiKeyRow & { site_id: string }>();
	if (!row) return null;
	const key = toKey(row);
	return { siteId: row.site_id, scope: key.scope, lastUsedAt: key.lastUsedAt };
}

/** Notes that a key was used (the caller writes at most every few minutes per key). */
export async function touchApiKey(db: D1Database, hash: string, now: number): Promise<void> {
	await db.prepare('UPDATE api_keys SET last_used_at = ? WHERE key_hash = ?').bind(now, hash).run();
}

/** The sealed VAPID private key of a site (for the sender only). */
export async function findSealedVapidKey(
	db: D1Database,
	id: string,
): Promise<{ publicKey: string; sealed: string; keyId: string } | null> {
	const row = await db
		.prepare('SELECT vapid_public_key, vapid_private_key, vapid_key_id FROM sites WHERE id = ?')
		.bind(id)
		.first<{ vapid_public_key: string; vapid_private_key: string; vapid_key_id: string }>();
	return row
		? { publicKey: row.vapid_public_key, sealed: row.vapid_private_key, keyId: row.vapid_key_id }
		: null;
}

/** The newest site with this name (the demo store looks itself up this way). */
export async function findSiteIdByName(db: D1Database, name: string): Promise<string | null> {
	return db
		.prepare('SELECT id FROM sites WHERE name = ? ORDER BY created_at DESC LIMIT 1')
		.bind(name)
		.first<string>('id');
}

/** The sealed identity secret of a site, or null if it has none yet. */
export async function findSealedIdentitySecret(db: D1Database, id: string): Promise<string | null> {
	return db
		.prepare('SELECT identity_secret FROM sites WHERE id = ?')
		.bind(id)
		.first<string>('identity_secret');
}

/** Replaces a site's sealed identity secret (rotation invalidates every token signed with the old one). */
export async function setIdentitySecret(db: D1Database, id: string, sealed: string): Promise<void> {
	await db.prepare('UPDATE sites SET identity_secret = ? WHERE id = ?').bind(sealed, id).run();
}

/** Replaces a site's settings. */
export async function saveSettings(db: D1Database, id: string, settings: SiteSettings): Promise<void> {
	await db.prepare('UPDATE sites SET settings = ? WHERE id = ?').bind(JSON.stringify(settings), id).run();
}

/** Whether a site must not send (disabled_at set, e.g. its Shopify app was uninstalled). */
export async function isSendingDisabled(db: D1Database, id: string): Promise<boolean> {
	const row = await db
		.prepare('SELECT disabled_at FROM sites WHERE id = ?')
		.bind(id)
		.first<{ disabled_at: number | null }>();
	return row?.disabled_at != null;
}

/** Replaces a site's origins and home URL (a Shopify shop's primary domain moved). */
export async function updateOrigins(
	db: D1Database,
	id: string,
	origins: string[],
	homeUrl: string,
): Promise<void> {
	await db
		.prepare('UPDATE sites SET origins = ?, home_url = ? WHERE id = ?')
		.bind(JSON.stringify(origins), homeUrl, id)
		.run();
}

/** Deletes a site and its API keys (an import that failed half way takes its new site back). */
export async function deleteSite(db: D1Database, id: string): Promise<void> {
	await db.batch([
		db.prepare('DELETE FROM api_keys WHERE site_id = ?').bind(id),
		db.prepare('DELETE FROM vapid_keys WHERE site_id = ?').bind(id),
		db.prepare('DELETE FROM sites WHERE id = ?').bind(id),
	]);
}
