import type { Session, Shopify } from '@shopify/shopify-api';
import { config, type Env } from '../env';
import { HttpError } from '../http/errors';
import { sealSecret } from '../lib/secrets';
import { createSite } from '../routes/sites';
import { fetchShopInfo, type ShopInfo, setEmbedMetafields } from './admin-api';
import { appOrigin } from './config';
import { followPrimaryDomain } from './primary-domain';
import {
	apiKeyContext,
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
 * the primary domain if that moved meanwhile (no shop/update reaches an uninstalled app), and writes the embed's
 * metafields. Safe to run twice and when two first requests race.
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
	let record = existing ?? (await createShopSite(env, session.shop, info, requestUrl));
	const now = Date.now();
	if (record.uninstalledAt !== null) {
		await markReinstalled(env.DB, record, now);
		record = { ...record, uninstalledAt: null, installedAt: now };
	}
	if (record.primaryUrl !== info.primaryUrl) {
		await followPrimaryDomain(env.DB, record, info.primaryUrl, now);
		record = { ...record, primaryUrl: info.primaryUrl, shopUpdatedAt: now };
	}
	await setEmbedMetafields(shopify, session, info.appInstallationId, {
		siteId: record.siteId,
		apiOrigin: appOrigin(env, requestUrl),
	});
	await markEmbedSynced(env.DB, record.shop, now);
	return { ...record, embedSyncedAt: now };
}

/** Creates the shop's site through the operator API's own handler, so sites are made one way only. */
async function createShopSite(
	env: Env,
	shop: string,
	info: ShopInfo,
	requestUrl: string,
): Promise<ShopRecord> {
	const cfg = config(env);
	if (!cfg.adminToken || !cfg.masterKey) {
		throw new HttpError(503, 'not_configured', 'ADMIN_TOKEN and MASTER_KEY must be set to install shops');
	}
	const origins = [...new Set([`https://${shop}`, info.primaryUrl])];
	const response = await createSite(
		new Request(new URL('/v1/sites', requestUrl), {
			method: 'POST',
			headers: { authorization: `Bearer ${cfg.adminToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ name: info.name, origins, platform: 'shopify', homeUrl: `${info.primaryUrl}/` }),
		}),
		env,
	);
	const site = (await response.json()) as { siteId: string; apiKey: string };
	const mine: ShopRecord = {
		shop,
		siteId: site.siteId,
		sealedApiKey: await sealSecret(cfg.masterKey, site.apiKey, apiKeyContext(site.siteId)),
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
