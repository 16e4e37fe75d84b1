import type { Session } from '@shopify/shopify-api';
import type { Env } from '../env';
import { RevokedTokenError } from './admin-api';
import { shopifyFor } from './config';
import { ensureInstalled, isReady } from './install';
import { forgetTokens, offlineSession } from './offline-token';
import { invalidSessionToken, requireSessionToken } from './session-token';
import { findShop, type ShopRecord } from './store/shops';

/** An authenticated request of the embedded admin page: the shop and its site. */
export interface AdminContext {
	shop: ShopRecord;
	/** The Shopify staff user the session token speaks for (its `sub`), when it names one. */
	userId: string | null;
}

/**
 * Verifies the App Bridge session token of an admin request (POST /shopify/api/console-token). The first
 * request after install (or a reinstall) exchanges the token for an offline token and creates the shop's site;
 * later requests do not touch the Admin API. A revoked offline token is forgotten and answered with the 401
 * that makes App Bridge retry with a fresh session token, which exchanges anew.
 */
export async function adminContext(request: Request, env: Env): Promise<AdminContext> {
	const shopify = shopifyFor(env, request.url);
	const { shop, token, payload } = await requireSessionToken(shopify, request);
	const withAdminApi = async <T>(work: (session: Session) => Promise<T>): Promise<T> => {
		try {
			return await work(await offlineSession(env, shopify, shop, token));
		} catch (error) {
			if (!(error instanceof RevokedTokenError)) throw error;
			await forgetTokens(env, shop);
			throw invalidSessionToken('Shopify no longer accepts the stored access token');
		}
	};
	let record = await findShop(env.DB, shop);
	if (!isReady(record)) {
		const existing = record;
		record = await withAdminApi((session) => ensureInstalled(env, shopify, session, existing, request.url));
	}
	return { shop: record, userId: payload.sub || null };
}
