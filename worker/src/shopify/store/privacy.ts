import { findSubscriberView, type SubscriberView } from '../../store/subscribers';

/** What Beckon holds about one customer of a shop (customers/data_request). */
export interface CustomerExport {
	shop: string;
	customerId: string;
	subscribers: SubscriberView[];
	notificationsTargetingCustomer: string[];
	generatedAt: string;
}

/** A stored data-request export as the admin page lists it. */
export interface DataRequestRecord {
	id: string;
	customerId: string;
	createdAt: string;
	export: CustomerExport;
}

async function subscriberIdsOf(db: D1Database, siteId: string, customerId: string): Promise<string[]> {
	const { results } = await db
		.prepare('SELECT id FROM subscribers WHERE site_id = ? AND external_user_id = ? ORDER BY created_at')
		.bind(siteId, customerId)
		.all<{ id: string }>();
	return results.map((r) => r.id);
}

async function notificationsNaming(
	db: D1Database,
	siteId: string,
	customerId: string,
): Promise<Array<{ id: string; audience: { userIds?: string[] } }>> {
	const { results } = await db
		.prepare(
			`SELECT n.id, n.audience FROM notifications n WHERE n.site_id = ?
			AND EXISTS (SELECT 1 FROM json_each(n.audience, '$.userIds') WHERE json_each.value = ?)`,
		)
		.bind(siteId, customerId)
		.all<{ id: string; audience: string }>();
	return results.map((r) => ({ id: r.id, audience: JSON.parse(r.audience) as { userIds?: string[] } }));
}

/** Collects a customer's subscribers (every browser tied to them, suspended ones included). */
export async function exportCustomer(
	db: D1Database,
	shop: string,
	siteId: string,
	customerId: string,
	now: number,
): Promise<CustomerExport> {
	const ids = await subscriberIdsOf(db, siteId, customerId);
	const views = await Promise.all(ids.map((id) => findSubscriberView(db, siteId, id)));
	return {
		shop,
		customerId,
		subscribers: views.filter((v): v is SubscriberView => v !== null),
		notificationsTargetingCustomer: (await notificationsNaming(db, siteId, customerId)).map((n) => n.id),
		generatedAt: new Date(now).toISOString(),
	};
}

/** Stores an export once per Shopify data request id. */
export async function saveDataRequest(
	db: D1Database,
	id: string,
	data: CustomerExport,
	now: number,
): Promise<void> {
	await db
		.prepare(
			`INSERT INTO shopify_data_requests (id, shop, customer_id, export, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`,
		)
		.bind(id, data.shop, data.customerId, JSON.stringify(data), now)
		.run();
}

/** The shop's data-request exports, newest first. */
export async function listDataRequests(
	db: D1Database,
	shop: string,
	limit = 20,
): Promise<DataRequestRecord[]> {
	const { results } = await db
		.prepare(
			'SELECT id, customer_id, export, created_at FROM shopify_data_requests WHERE shop = ? ORDER BY created_at DESC LIMIT ?',
		)
		.bind(shop, limit)
		.all<{ id: string; customer_id: string; export: string; created_at: number }>();
	return results.map((r) => ({
		id: r.id,
		customerId: r.customer_id,
		createdAt: new Date(r.created_at).toISOString(),
		export: JSON.parse(r.export) as CustomerExport,
	}));
}

/**
 * customers/redact: deletes every subscriber row tied to the customer (the counters follow through the
 * triggers), removes their id from notification audiences and drops exports made for them. Returns how many
 * subscriber rows went.
 */
export async function redactCustomer(
	db: D1Database,
	shop: string,
	siteId: string,
	customerId: string,
): Promise<number> {
	const named = await notificationsNaming(db, siteId, customerId);
	const statements = named.map((n) =>
		db.prepare('UPDATE notifications SET audience = ? WHERE id = ? AND site_id = ?').bind(
			JSON.stringify({
				...n.audience,
				userIds: (n.audience.userIds ?? []).filter((u) => u !== customerId),
			}),
			n.id,
			siteId,
		),
	);
	statements.push(
		db.prepare('DELETE FROM shopify_data_requests WHERE shop = ? AND customer_id = ?').bind(shop, customerId),
		db
			.prepare('DELETE FROM subscribers WHERE site_id = ? AND external_user_id = ? RETURNING id')
			.bind(siteId, customerId),
	);
	const results = await db.batch(statements);
	return results.at(-1)?.results.length ?? 0;
}

/** Up to `limit` ids of the shop's site's notifications (shop/redact purges their dispatchers round by round). */
export async function notificationIdsOfShop(db: D1Database, shop: string, limit: number): Promise<string[]> {
	const { results } = await db
		.prepare(
			`SELECT n.id FROM notifications n JOIN shopify_shops s ON s.site_id = n.site_id WHERE s.shop = ?
			ORDER BY n.id LIMIT ?`,
		)
		.bind(shop, limit)
		.all<{ id: string }>();
	return results.map((r) => r.id);
}

/** Deletes some of the shop's notification rows (at most 90 ids: D1 binds 100 values per statement); how many went. */
export async function deleteShopNotifications(db: D1Database, shop: string, ids: string[]): Promise<number> {
	if (ids.length === 0) return 0;
	const { meta } = await db
		.prepare(
			`DELETE FROM notifications WHERE id IN (${ids.map(() => '?').join(', ')})
			AND site_id = (SELECT site_id FROM shopify_shops WHERE shop = ?)`,
		)
		.bind(...ids, shop)
		.run();
	return meta.changes;
}

/**
 * shop/redact: deletes the shop's site with everything hanging off it (API keys, subscribers and notifications by
 * the foreign keys' cascade; counters and growth rows, which have no foreign key, by hand) and every Shopify row
 * of the shop but the webhook log.
 */
export async function redactShop(db: D1Database, shop: string): Promise<boolean> {
	const siteId = await db
		.prepare('SELECT site_id FROM shopify_shops WHERE shop = ?')
		.bind(shop)
		.first<string>('site_id');
	const statements = [
		db.prepare('DELETE FROM shopify_sessions WHERE shop = ?').bind(shop),
		db.prepare('DELETE FROM shopify_data_requests WHERE shop = ?').bind(shop),
		db.prepare('DELETE FROM shopify_shops WHERE shop = ?').bind(shop),
	];
	if (siteId) {
		statements.push(
			// API keys, subscribers and notifications go with the site (ON DELETE CASCADE).
			db.prepare('DELETE FROM sites WHERE id = ?').bind(siteId),
			db.prepare('DELETE FROM site_counts WHERE site_id = ?').bind(siteId),
			db.prepare('DELETE FROM site_daily WHERE site_id = ?').bind(siteId),
		);
	}
	await db.batch(statements);
	return siteId !== null;
}
