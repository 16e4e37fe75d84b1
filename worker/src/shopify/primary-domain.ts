import { HttpError } from '../http/errors';
import { findSite, updateOrigins } from '../store/sites';
import { type ShopRecord, setPrimaryUrl } from './store/shops';

/** What a shop/update body says about the shop's domains. */
export interface ShopUpdate {
	/** Origin of the primary domain, e.g. https://shop.example.com. */
	primaryUrl: string;
	/** The signed body's updated_at (ms), or null when it has none. */
	updatedAt: number | null;
}

/** What applying a shop/update did. */
export type ShopUpdateResult = { ignored: 'stale' } | { primaryUrl: string; changed: boolean };

/** Reads a shop/update body (the shop resource); a malformed one is a 400 naming the field. */
export function parseShopUpdate(payload: Record<string, unknown>, shop: string): ShopUpdate {
	if (payload.myshopify_domain !== shop) throw invalid('myshopify_domain must be the shop’s own domain');
	const primaryUrl = originOfDomain(payload.domain);
	if (!primaryUrl) throw invalid('domain must be a host name like shop.example.com');
	if (payload.updated_at === undefined || payload.updated_at === null) return { primaryUrl, updatedAt: null };
	const updatedAt = typeof payload.updated_at === 'string' ? Date.parse(payload.updated_at) : Number.NaN;
	if (Number.isNaN(updatedAt)) throw invalid('updated_at must be an ISO 8601 time');
	return { primaryUrl, updatedAt };
}

/**
 * The site's origins once the shop's primary domain moves from `former` to `primary` (origins both): the
 * myshopify origin and the new primary first, then every other origin but the former primary.
 */
export function originsAfterMove(origins: string[], shop: string, former: string, primary: string): string[] {
	return [...new Set([`https://${shop}`, primary, ...origins.filter((o) => o !== former)])];
}

/**
 * shop/update: the shop's site (origins, home URL) and record follow its primary domain. `version` is when the
 * update happened; one older than the latest install or than the last update applied is ignored, so a late or
 * replayed delivery cannot bring back a domain the shop gave up.
 */
export async function applyShopUpdate(
	db: D1Database,
	record: ShopRecord,
	primaryUrl: string,
	version: number,
): Promise<ShopUpdateResult> {
	if (version < Math.max(record.installedAt, record.shopUpdatedAt ?? 0)) return { ignored: 'stale' };
	return { primaryUrl, changed: await followPrimaryDomain(db, record, primaryUrl, version) };
}

/**
 * Points the shop's site and record at `primaryUrl`; whether anything changed. The site is written before the
 * record, whose former primary it reads, so a retry after a failure in between ends the same.
 */
export async function followPrimaryDomain(
	db: D1Database,
	record: ShopRecord,
	primaryUrl: string,
	version: number,
): Promise<boolean> {
	const site = await findSite(db, record.siteId);
	if (!site) return false;
	const origins = originsAfterMove(site.origins, record.shop, record.primaryUrl, primaryUrl);
	const homeUrl = `${primaryUrl}/`;
	const same =
		record.primaryUrl === primaryUrl && site.homeUrl === homeUrl && origins.join() === site.origins.join();
	if (same) return false;
	await updateOrigins(db, site.id, origins, homeUrl);
	await setPrimaryUrl(db, record.shop, primaryUrl, version);
	return true;
}

function originOfDomain(domain: unknown): string | null {
	if (typeof domain !== 'string' || domain.length > 253 || !/^[^\s/\\?#@:%]+\.[^\s/\\?#@:%]+$/.test(domain)) {
		return null;
	}
	try {
		return new URL(`https://${domain}`).origin;
	} catch {
		return null;
	}
}

function invalid(detail: string): HttpError {
	return new HttpError(400, 'invalid_webhook', `Webhook body is not a valid shop/update payload: ${detail}`);
}
