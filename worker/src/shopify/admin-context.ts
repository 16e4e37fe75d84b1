import type { Session, Shopify } from '@shopify/shopify-api';
import { config, type Env } from '../env';
import { openSecret } from '../lib/secrets';
import { RevokedTokenError } from './admin-api';
import { shopifyFor } from './config';
import { ensureInstalled, isReady } from './install';
import { forgetTokens, offlineSession } from './offline-token';
import { invalidSessionToken, requireSessionToken } from './session-token';
import { apiKeyContext, findShop, type ShopRecord } from './store/shops';

/** An authenticated request of the embedded admin page: the shop, its site and a way to reach the Admin API. */
export interface AdminContext {
	shopify: Shopify;
	shop: ShopRecord;
	/** The site API key: Shopify routes call the site admin routes with it. */
	apiKey: string;
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
	const { shop, token } = await requireSessionToken(shopify, request);
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
	const apiKey = await openSecret(config(env).masterKey, record.sealedApiKey, apiKeyContext(record.siteId));
	return { shopify, shop: record, apiKey, withAdminApi };
}

/** A request to one of the shop's site admin routes, authenticated with the site's API key. */
export function siteRequest(ctx: AdminContext, method: string, path: string, from?: Request): Request {
	const headers = new Headers({ authorization: `Bearer ${ctx.apiKey}` });
	const idempotencyKey = from?.headers.get('idempotency-key');
	if (idempotencyKey) headers.set('idempotency-key', idempotencyKey);
	const length = from?.headers.get('content-length');
	if (length) headers.set('content-length', length);
	if (from) headers.set('content-type', 'application/json');
	return new Request(`https://beckon.internal/v1/sites/${ctx.shop.siteId}${path}`, {
		method,
		headers,
		body: from ? from.body : null,
	});
}
