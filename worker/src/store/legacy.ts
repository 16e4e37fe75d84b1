/*
 * Reads of the shared D1 tables that held every site's subscribers and notifications before per-site storage
 * (migrations 0002–0004). Only a site store's one-off copy (upgrade) uses them; nothing writes these tables any
 * more.
 */

/** How many rows a site has (in D1, or in its store after the copy). */
export interface LegacyCounts {
	subscribers: number;
	notifications: number;
}

/** A subscriber row as D1 holds it. */
export interface LegacySubscriber {
	id: string;
	status: string;
	endpoint: string | null;
	p256dh: string | null;
	auth: string | null;
	vapid_key_id: string | null;
	push_service: string | null;
	browser: string;
	os: string;
	categories: string;
	external_user_id: string | null;
	timezone: string | null;
	locale: string | null;
	last_url: string | null;
	last_seen_at: number;
	created_at: number;
	updated_at: number;
	suspended_from: string | null;
}

/** A notification row as D1 holds it (JSON columns as text). */
export interface LegacyNotification {
	id: string;
	message: string;
	audience: string;
	delivery: string;
	status: string;
	counts: string;
	created_at: number;
	finished_at: number | null;
	idempotency_key: string | null;
}

/** The site's row counts in D1. */
export async function countLegacyRows(db: D1Database, siteId: string): Promise<LegacyCounts> {
	const row = await db
		.prepare(
			`SELECT (SELECT count(*) FROM subscribers WHERE site_id = ?1) AS subscribers,
				(SELECT count(*) FROM notifications WHERE site_id = ?1) AS notifications`,
		)
		.bind(siteId)
		.first<LegacyCounts>();
	return { subscribers: row?.subscribers ?? 0, notifications: row?.notifications ?? 0 };
}

/** One keyset page of the site's subscribers after `afterId`. */
export async function legacySubscriberPage(
	db: D1Database,
	siteId: string,
	afterId: string,
	limit: number,
): Promise<LegacySubscriber[]> {
	const { results } = await db
		.prepare(
			`SELECT id, status, endpoint, p256dh, auth, vapid_key_id, push_service, browser, os, categories,
				external_user_id, timezone, locale, last_url, last_seen_at, created_at, updated_at, suspended_from
			FROM subscribers WHERE site_id = ? AND id > ? ORDER BY id LIMIT ?`,
		)
		.bind(siteId, afterId, limit)
		.all<LegacySubscriber>();
	return results;
}

/** One keyset page of the site's notifications after `afterId`. */
export async function legacyNotificationPage(
	db: D1Database,
	siteId: string,
	afterId: string,
	limit: number,
): Promise<LegacyNotification[]> {
	const { results } = await db
		.prepare(
			`SELECT id, message, audience, delivery, status, counts, created_at, finished_at, idempotency_key
			FROM notifications WHERE site_id = ? AND id > ? ORDER BY id LIMIT ?`,
		)
		.bind(siteId, afterId, limit)
		.all<LegacyNotification>();
	return results;
}

/** The site's daily growth rows. */
export async function legacyDaily(
	db: D1Database,
	siteId: string,
): Promise<Array<{ day: string; added: number; removed: number }>> {
	const { results } = await db
		.prepare('SELECT day, added, removed FROM site_daily WHERE site_id = ? ORDER BY day')
		.bind(siteId)
		.all<{ day: string; added: number; removed: number }>();
	return results;
}
