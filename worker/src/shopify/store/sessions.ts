import { Session } from '@shopify/shopify-api';
import { openSecret, sealSecret } from '../../lib/secrets';

interface Row {
	id: string;
	shop: string;
	is_online: number;
	scope: string | null;
	expires_at: number | null;
	access_token: string;
	refresh_token: string | null;
	refresh_token_expires_at: number | null;
}

/** Sealing context of a session's tokens: bound to the session id so a row cannot be swapped for another. */
const context = (id: string, which: 'access' | 'refresh') => `shopify:${id}:${which}`;

/** Stores (inserts or replaces) a Shopify session; its access and refresh tokens are sealed with MASTER_KEY. */
export async function saveSession(db: D1Database, masterKey: string | null, session: Session): Promise<void> {
	if (!session.accessToken) throw new Error('a Shopify session without an access token cannot be stored');
	const access = await sealSecret(masterKey, session.accessToken, context(session.id, 'access'));
	const refresh = session.refreshToken
		? await sealSecret(masterKey, session.refreshToken, context(session.id, 'refresh'))
		: null;
	await db
		.prepare(
			`INSERT INTO shopify_sessions (id, shop, is_online, scope, expires_at, access_token, refresh_token,
				refresh_token_expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET shop = excluded.shop, is_online = excluded.is_online, scope = excluded.scope,
				expires_at = excluded.expires_at, access_token = excluded.access_token, refresh_token = excluded.refresh_token,
				refresh_token_expires_at = excluded.refresh_token_expires_at, updated_at = excluded.updated_at`,
		)
		.bind(
			session.id,
			session.shop,
			session.isOnline ? 1 : 0,
			session.scope ?? null,
			session.expires?.getTime() ?? null,
			access,
			refresh,
			session.refreshTokenExpires?.getTime() ?? null,
			Date.now(),
		)
		.run();
}

/** A stored session with its tokens opened, or null. */
export async function loadSession(
	db: D1Database,
	masterKey: string | null,
	id: string,
): Promise<Session | null> {
	const row = await db.prepare('SELECT * FROM shopify_sessions WHERE id = ?').bind(id).first<Row>();
	if (!row) return null;
	return new Session({
		id: row.id,
		shop: row.shop,
		state: '',
		isOnline: row.is_online === 1,
		...(row.scope ? { scope: row.scope } : {}),
		...(row.expires_at ? { expires: new Date(row.expires_at) } : {}),
		accessToken: await openSecret(masterKey, row.access_token, context(row.id, 'access')),
		...(row.refresh_token
			? { refreshToken: await openSecret(masterKey, row.refresh_token, context(row.id, 'refresh')) }
			: {}),
		...(row.refresh_token_expires_at ? { refreshTokenExpires: new Date(row.refresh_token_expires_at) } : {}),
	});
}

/** Deletes every session of a shop (uninstall: its tokens are void). */
export async function deleteSessions(db: D1Database, shop: string): Promise<void> {
	await db.prepare('DELETE FROM shopify_sessions WHERE shop = ?').bind(shop).run();
}
