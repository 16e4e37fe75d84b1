/** A shop that installed the app, and the Beckon site it owns. */
export interface ShopRecord {
	shop: string;
	siteId: string;
	/** Unused since migration 0007 (shops keep no site API key); '' for new shops. */
	sealedApiKey: string;
	name: string;
	primaryUrl: string;
	installedAt: number;
	uninstalledAt: number | null;
	embedSyncedAt: number | null;
	/** The updated_at of the last shop/update applied (ms), or null. */
	shopUpdatedAt: number | null;
}

interface Row {
	shop: string;
	site_id: string;
	api_key: string;
	name: string;
	primary_url: string;
	installed_at: number;
	uninstalled_at: number | null;
	embed_synced_at: number | null;
	shop_updated_at: number | null;
}

function toShop(row: Row): ShopRecord {
	return {
		shop: row.shop,
		siteId: row.site_id,
		sealedApiKey: row.api_key,
		name: row.name,
		primaryUrl: row.primary_url,
		installedAt: row.installed_at,
		uninstalledAt: row.uninstalled_at,
		embedSyncedAt: row.embed_synced_at,
		shopUpdatedAt: row.shop_updated_at,
	};
}

/** A shop by its myshopify domain, or null. */
export async function findShop(db: D1Database, shop: string): Promise<ShopRecord | null> {
	const row = await db.prepare('SELECT * FROM shopify_shops WHERE shop = ?').bind(shop).first<Row>();
	return row ? toShop(row) : null;
}

/**
 * Records a new install unless the shop already has a site (two first requests racing); returns the record
 * that won, so the loser can remove the site it created in vain.
 */
export async function insertShop(db: D1Database, record: ShopRecord): Promise<ShopRecord> {
	const row = await db
		.prepare(
			`INSERT INTO shopify_shops (shop, site_id, api_key, name, primary_url, installed_at, uninstalled_at)
			VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (shop) DO UPDATE SET shop = shop RETURNING *`,
		)
		.bind(record.shop, record.siteId, record.sealedApiKey, record.name, record.primaryUrl, record.installedAt)
		.first<Row>();
	if (!row) throw new Error('shop insert returned no row');
	return toShop(row);
}

/** Deletes a site created by an install that lost the race to another request of the same shop. */
export async function deleteOrphanSite(db: D1Database, siteId: string): Promise<void> {
	await db
		.prepare('DELETE FROM sites WHERE id = ? AND NOT EXISTS (SELECT 1 FROM shopify_shops WHERE site_id = ?)')
		.bind(siteId, siteId)
		.run();
}

/** Records that the app embed's metafields were written. */
export async function markEmbedSynced(db: D1Database, shop: string, now: number): Promise<void> {
	await db.prepare('UPDATE shopify_shops SET embed_synced_at = ? WHERE shop = ?').bind(now, shop).run();
}

/** Records the shop's primary domain (storefront origin) as of `version`, the time it was known to be current. */
export async function setPrimaryUrl(
	db: D1Database,
	shop: string,
	primaryUrl: string,
	version: number,
): Promise<void> {
	await db
		.prepare('UPDATE shopify_shops SET primary_url = ?, shop_updated_at = ? WHERE shop = ?')
		.bind(primaryUrl, version, shop)
		.run();
}

/** Marks a shop installed again (reinstall after app/uninstalled) and lets its site send again. */
export async function markReinstalled(db: D1Database, record: ShopRecord, now: number): Promise<void> {
	await db.batch([
		db
			.prepare('UPDATE shopify_shops SET uninstalled_at = NULL, installed_at = ? WHERE shop = ?')
			.bind(now, record.shop),
		db.prepare('UPDATE sites SET disabled_at = NULL WHERE id = ?').bind(record.siteId),
	]);
}

/**
 * app/uninstalled, triggered at `triggeredAt`: marks the shop, turns its site's sending off and forgets its
 * tokens, keeping its data. An uninstall that happened before the shop's latest install (a late delivery or a
 * replay after a reinstall) changes nothing and answers 'stale'. One transaction, so a reinstall cannot slip in
 * between the check and the writes.
 */
export async function markUninstalled(
	db: D1Database,
	shop: string,
	triggeredAt: number,
	now: number,
): Promise<'uninstalled' | 'stale'> {
	const [installed] = await db.batch([
		db.prepare('SELECT installed_at FROM shopify_shops WHERE shop = ?').bind(shop),
		db
			.prepare(
				`UPDATE shopify_shops SET uninstalled_at = COALESCE(uninstalled_at, ?), embed_synced_at = NULL
				WHERE shop = ? AND installed_at <= ?`,
			)
			.bind(now, shop, triggeredAt),
		db
			.prepare(
				`UPDATE sites SET disabled_at = COALESCE(disabled_at, ?)
				WHERE id = (SELECT site_id FROM shopify_shops WHERE shop = ? AND installed_at <= ?)`,
			)
			.bind(now, shop, triggeredAt),
		// Sessions can exist before the shop row (token exchange comes first): kept only for a later install.
		db
			.prepare(
				`DELETE FROM shopify_sessions WHERE shop = ?
				AND NOT EXISTS (SELECT 1 FROM shopify_shops WHERE shop = ? AND installed_at > ?)`,
			)
			.bind(shop, shop, triggeredAt),
	]);
	const row = installed?.results[0] as { installed_at: number } | undefined;
	return row && row.installed_at > triggeredAt ? 'stale' : 'uninstalled';
}

/** The shop whose site this is, or null (sites of other platforms). */
export async function findShopOfSite(db: D1Database, siteId: string): Promise<string | null> {
	return db.prepare('SELECT shop FROM shopify_shops WHERE site_id = ?').bind(siteId).first<string>('shop');
}
