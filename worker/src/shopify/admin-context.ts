import type { Session, Shopify } from '@shopify/shopify-api';
import type { Env } from '../env';
import { RevokedTokenError } from './admin-api';
import { shopifyFor } from './config';
import { ensureInstalled, isReady } from './install';
import { forgetTokens, offlineSession } from './offline-token';
import { invalidSessionToken, requireSessionToken } from './session-token';
import { findShop, type ShopRecord } from './store/shops';

/** An authenticated request of the embedded admin page: the shop, its site and a way to reach the Admin API. */
export interface AdminContext {
	shopify: Shopify;
	shop: ShopRecord;
	/** The Shopify staff user the session token speaks for (its `sub`), when it names one. */
	userId: string | null;
	/** Runs Admin API calls with a valid offline token (exchanged or refreshed when needed). */
	withAdminApi<T>(work: (session: Session) => Promise<T>): Promise<T>;
}

/**
 * Verifies the App Bridge session token of every admin request. The first request after install (or a
 * reinstall) exchanges the token and creates the shop's site; later requests only touch the Admin API when a
 * route needs it.
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
	return { shopify, shop: record, userId: payload.sub || null, withAdminApi };
}
