import type { Session, Shopify } from '@shopify/shopify-api';
import type { Env } from '../env';
import { createSite } from '../services/sites';
import { connectWebPixel, fetchShopInfo, type ShopInfo, setEmbedMetafields } from './admin-api';
import { appOrigin } from './config';
import { followPrimaryDomain } from './primary-domain';
import {
	deleteOrphanSite,
	insertShop,
	markEmbedSynced,
	markReinstalled,
	type ShopRecord,
} from './store/shops';

/** Whether a shop is installed with its app embed configured (nothing to do on an admin request). */
export function isReady(record: ShopRecord | null): record is ShopRecord {
	return record !== null && record.uninstalledAt === null && record.embedSyncedAt !== null;
}

/**
 * Makes sure the shop has its Beckon site and the app embed knows it: creates the site on first install
 * (platform shopify, origins = the myshopify and primary domains), re-enables it after a reinstall, points it at
 * the primary domain if that moved meanwhile (no shop/update reaches an uninstalled app), writes the embed's
 * metafields and connects the web pixel. Safe to run twice and when two first requests race.
 */
export async function ensureInstalled(
	env: Env,
	shopify: Shopify,
	session: Session,
	existing: ShopRecord | null,
	requestUrl: string,
): Promise<ShopRecord> {
	if (isReady(existing)) return existing;
	const info = await fetchShopInfo(shopify, session);
	let record = existing ?? (await createShopSite(env, session.shop, info));
	const now = Date.now();
	if (record.uninstalledAt !== null) {
		await markReinstalled(env.DB, record, now);
		record = { ...record, uninstalledAt: null, installedAt: now };
	}
	if (record.primaryUrl !== info.primaryUrl) {
		await followPrimaryDomain(env.DB, record, info.primaryUrl, now);
		record = { ...record, primaryUrl: info.primaryUrl, shopUpdatedAt: now };
	}
	const settings = { siteId: record.siteId, apiOrigin: appOrigin(env, requestUrl) };
	await setEmbedMetafields(shopify, session, info.appInstallationId, settings);
	// The pixel feeds browse abandonment; a shop that refuses it (scopes not yet granted) still gets the rest.
	await connectWebPixel(shopify, session, settings).catch((error: unknown) =>
		console.log(`web pixel not connected for ${session.shop}: ${(error as Error).message}`),
	);
	await markEmbedSynced(env.DB, record.shop, now);
	return { ...record, embedSyncedAt: now };
}

/** Creates the shop's site through the site service (no API key: the admin reaches it with session tokens). */
async function createShopSite(env: Env, shop: string, info: ShopInfo): Promise<ShopRecord> {
	const origins = [...new Set([`https://${shop}`, info.primaryUrl])];
	const { site } = await createSite(
		env,
		{ name: info.name, origins, platform: 'shopify', homeUrl: `${info.primaryUrl}/` },
		{ withApiKey: false },
	);
	const mine: ShopRecord = {
		shop,
		siteId: site.id,
		sealedApiKey: '',
		name: info.name,
		primaryUrl: info.primaryUrl,
		installedAt: Date.now(),
		uninstalledAt: null,
		embedSyncedAt: null,
		shopUpdatedAt: null,
	};
	const winner = await insertShop(env.DB, mine);
	if (winner.siteId !== mine.siteId) await deleteOrphanSite(env.DB, mine.siteId);
	return winner;
}
