import type { AttributeValue } from '#wire';
import type { Env } from '../../env';
import { type SiteStore, siteStore } from '../../objects/site-store';
import type { SubscriberView } from '../../store/subscribers';

/** What Beckon holds about one customer of a shop (customers/data_request). */
export interface CustomerExport {
	shop: string;
	customerId: string;
	subscribers: SubscriberView[];
	notificationsTargetingCustomer: string[];
	/** The customer's profile attributes and event days (exports made before profiles existed lack them). */
	attributes?: Record<string, AttributeValue>;
	events?: Awaited<ReturnType<SiteStore['exportUser']>>['events'];
	generatedAt: string;
}

/** A stored data-request export as the admin page lists it. */
export interface DataRequestRecord {
	id: string;
	customerId: string;
	createdAt: string;
	export: CustomerExport;
}

/** Collects a customer's subscribers (every browser tied to them, suspended ones included) from the site's store. */
export async function exportCustomer(
	env: Env,
	shop: string,
	siteId: string,
	customerId: string,
	now: number,
): Promise<CustomerExport> {
	const held = await siteStore(env, siteId).exportUser(siteId, customerId);
	return {
		shop,
		customerId,
		subscribers: held.subscribers,
		notificationsTargetingCustomer: held.notifications,
		attributes: held.attributes,
		events: held.events,
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
 * customers/redact: deletes every subscriber row tied to the customer (the counters follow in the same
 * transaction), removes their id from notification audiences and drops exports made for them. Returns how many
 * subscriber rows went.
 */
export async function redactCustomer(
	env: Env,
	shop: string,
	siteId: string,
	customerId: string,
): Promise<number> {
	const removed = await siteStore(env, siteId).redactUser(siteId, customerId);
	await env.DB.prepare('DELETE FROM shopify_data_requests WHERE shop = ? AND customer_id = ?')
		.bind(shop, customerId)
		.run();
	return removed;
}

/**
 * shop/redact, in D1: deletes the shop's site (its API keys by the foreign key's cascade, with any rows of
 * before per-site storage) and every Shopify row of the shop but the webhook log. The site's store is purged
 * before (see purgeShop).
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
			// API keys (and subscribers and notifications from before per-site storage) go with it (ON DELETE CASCADE).
			db.prepare('DELETE FROM sites WHERE id = ?').bind(siteId),
			db.prepare('DELETE FROM site_counts WHERE site_id = ?').bind(siteId),
			db.prepare('DELETE FROM site_daily WHERE site_id = ?').bind(siteId),
		);
	}
	await db.batch(statements);
	return siteId !== null;
}
