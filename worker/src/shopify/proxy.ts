import { InvalidHmacError, type Shopify } from '@shopify/shopify-api';
import type { Env } from '../env';
import { HttpError } from '../http/errors';
import { signIdentity } from '../lib/identity';
import { siteStore } from '../objects/site-store';
import { openIdentitySecret } from '../routes/sites';
import { fetchCustomerFirstName } from './admin-api';
import { appOrigin, shopifyFor } from './config';
import { storedOfflineSession } from './offline-token';
import { findShop, type ShopRecord } from './store/shops';

/** Result of checking an app proxy request's signature (and its timestamp). */
export type ProxyCheck =
	| { valid: true; shop: string; customerId: string | null }
	| {
			valid: false;
			reason: 'missing_signature' | 'bad_signature' | 'stale_or_missing_timestamp' | 'bad_shop';
	  };

/** Lifetime of the identity tokens handed to logged-in customers' pages. */
export const IDENTITY_TTL_S = 3600;

/**
 * Verifies the signature Shopify adds to every proxied request (HMAC-SHA256 of the sorted query with the app
 * secret) and that its timestamp is within 90 s; only then are `shop` and `logged_in_customer_id` trusted.
 */
export async function checkProxyRequest(shopify: Shopify, url: URL): Promise<ProxyCheck> {
	const params = url.searchParams;
	if (!params.get('signature')) return { valid: false, reason: 'missing_signature' };
	let ok: boolean;
	try {
		ok = await shopify.utils.validateHmac(params, { signator: 'appProxy' });
	} catch (error) {
		if (!(error instanceof InvalidHmacError)) throw error;
		const timestamp = /timestamp/i.test(error.message);
		return { valid: false, reason: timestamp ? 'stale_or_missing_timestamp' : 'bad_signature' };
	}
	if (!ok) return { valid: false, reason: 'bad_signature' };
	const shop = shopify.utils.sanitizeShop(params.get('shop') ?? '');
	if (!shop) return { valid: false, reason: 'bad_shop' };
	const customer = params.get('logged_in_customer_id') ?? '';
	return { valid: true, shop, customerId: /^\d{1,20}$/.test(customer) ? customer : null };
}

async function proxied(
	request: Request,
	env: Env,
): Promise<{ record: ShopRecord; customerId: string | null }> {
	const check = await checkProxyRequest(shopifyFor(env, request.url), new URL(request.url));
	if (!check.valid) {
		throw new HttpError(
			401,
			`proxy_${check.reason}`,
			'This request did not come through the Shopify app proxy',
		);
	}
	const record = await findShop(env.DB, check.shop);
	if (!record || record.uninstalledAt !== null) {
		throw new HttpError(404, 'shop_not_installed', 'Beckon is not installed on this shop');
	}
	return { record, customerId: check.customerId };
}

/**
 * GET /apps/<subpath>/sw.js → /shopify/proxy/sw.js: the same-origin service-worker stub. Its scope is the
 * proxy path (push works whatever the scope); it imports the site's service worker from this worker.
 */
export async function proxyServiceWorker(request: Request, env: Env): Promise<Response> {
	const { record } = await proxied(request, env);
	const sw = `${appOrigin(env, request.url)}/v1/sites/${record.siteId}/sw.js`;
	return new Response(`importScripts(${JSON.stringify(sw)});\n`, {
		headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' },
	});
}

/**
 * GET /apps/<subpath>/identity → /shopify/proxy/identity: an identity token for the logged-in customer that
 * Shopify names in the signed `logged_in_customer_id` (never a value from the browser), or null for guests.
 */
export async function proxyIdentity(request: Request, env: Env): Promise<Response> {
	const { record, customerId } = await proxied(request, env);
	const headers = { 'cache-control': 'private, no-store' };
	if (!customerId) return Response.json({ token: null }, { headers });
	const secret = await openIdentitySecret(env, record.siteId, headers);
	const expiresAt = Math.floor(Date.now() / 1000) + IDENTITY_TTL_S;
	const attrs = await firstNameAttrs(env, request.url, record, customerId);
	return Response.json(
		{ token: await signIdentity(secret, customerId, expiresAt, attrs), expiresAt },
		{ headers },
	);
}

/**
 * `{first_name}` for a customer the site does not know the first name of yet, read once from the Admin API with
 * the shop's stored offline token (read_customers); undefined when the site knows it already, the customer has
 * none, or Shopify cannot be asked now (the token then simply carries no attrs).
 */
async function firstNameAttrs(
	env: Env,
	url: string,
	record: ShopRecord,
	customerId: string,
): Promise<{ first_name: string } | undefined> {
	const key = `${record.siteId}:${customerId}`;
	if ((nameless.get(key) ?? 0) > Date.now()) return undefined;
	const known = await siteStore(env, record.siteId).user(record.siteId, customerId, Date.now());
	if (known && 'first_name' in known.attributes) return undefined;
	const shopify = shopifyFor(env, url);
	const session = await storedOfflineSession(env, shopify, record.shop);
	if (!session) return undefined;
	try {
		const name = await fetchCustomerFirstName(shopify, session, customerId);
		if (name !== null) return { first_name: name };
	} catch {
		// Shopify did not answer (or the scope is not granted yet): asked again after the pause below.
	}
	if (nameless.size > 10_000) nameless.clear();
	nameless.set(key, Date.now() + NAMELESS_PAUSE_MS);
	return undefined;
}

/** Customers Shopify gave no first name for (site:customer → until when not to ask again), in this isolate. */
const nameless = new Map<string, number>();
const NAMELESS_PAUSE_MS = 3_600_000;
