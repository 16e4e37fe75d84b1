import { API_KEY, API_SECRET_KEY, getJwt } from '@shopify/shopify-api/test-helpers';
import { type LocalWorker, startWorker } from '../../support/local-worker.ts';
import { webhookHeaders } from '../../worker/shopify/fake-shopify.ts';
import { type FakeShopifyServer, startFakeShopify } from './fake-shopify-server.ts';
import type { ShopProduct } from './shop-product.ts';
import { type Storefront, startStorefront } from './storefront.ts';

/** A fake Shopify, a local worker set up as the Shopify app, and a storefront of one store behind the app proxy. */
export interface ShopifyStack {
	shopify: FakeShopifyServer;
	worker: LocalWorker;
	storefront: Storefront;
	close(): Promise<void>;
}

/**
 * Starts the stack for `store` (shop `<store>.myshopify.com`, the library's test API key and secret). The
 * storefront's embed reads the metafields the app wrote to the fake Shopify, and the shop's primary domain is
 * the storefront, so it becomes one of the site's origins. `products` are the storefront's product pages.
 */
export async function startShopifyStack(store: string, products?: ShopProduct[]): Promise<ShopifyStack> {
	const shop = `${store}.myshopify.com`;
	const shopify = await startFakeShopify(API_KEY, API_SECRET_KEY);
	let worker: LocalWorker | undefined;
	try {
		worker = await startWorker({
			SHOPIFY_API_KEY: API_KEY,
			SHOPIFY_API_SECRET: API_SECRET_KEY,
			SHOPIFY_FAKE_ADMIN_ORIGIN: shopify.origin,
		});
		const storefront = await startStorefront({
			workerUrl: worker.url,
			store,
			apiSecret: API_SECRET_KEY,
			metafields: () => {
				const m = shopify.fake.metafields.get(shop);
				return m && { site_id: m['beckon.site_id'] ?? '', api_origin: m['beckon.api_origin'] ?? '' };
			},
			...(products ? { products } : {}),
		});
		shopify.fake.primaryUrls.set(shop, storefront.origin);
		const started = worker;
		return {
			shopify,
			worker: started,
			storefront,
			close: async () => {
				await storefront.close();
				await started.stop();
				await shopify.close();
			},
		};
	} catch (error) {
		await worker?.stop();
		await shopify.close();
		throw error;
	}
}

/**
 * Calls the public admin API of the shop's site as the console in Shopify admin does: a session token (the library's
 * test helper) is exchanged for a console token (the first exchange installs the app). `path` is below the site
 * (`/settings` → /v1/sites/<site>/settings); resolves with the JSON answer (null for 204), throws on any other status.
 */
export async function shopApi<T>(
	workerUrl: string,
	store: string,
	path: string,
	init: RequestInit = {},
): Promise<T> {
	const sessionToken = (await getJwt(store, API_KEY, API_SECRET_KEY)).token;
	const exchanged = await fetch(`${workerUrl}/shopify/api/console-token`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sessionToken}` },
	});
	if (exchanged.status !== 201)
		throw new Error(`console token: HTTP ${exchanged.status} ${await exchanged.text()}`);
	const { token, siteId } = (await exchanged.json()) as { token: string; siteId: string };
	const response = await fetch(`${workerUrl}/v1/sites/${siteId}${path}`, {
		...init,
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
	});
	if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
	return (response.status === 204 ? null : await response.json()) as T;
}

/** Changes the shop's prompt settings as the console's Prompt & widget screen does. */
export async function patchShopPrompt(
	workerUrl: string,
	store: string,
	prompt: Record<string, unknown>,
): Promise<void> {
	await shopApi(workerUrl, store, '/settings', { method: 'PATCH', body: JSON.stringify({ prompt }) });
}

/** Delivers a webhook of the shop signed with the app secret, as Shopify does; resolves with status and JSON body. */
export async function deliverShopWebhook(
	workerUrl: string,
	store: string,
	topic: string,
	payload: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
	const body = JSON.stringify(payload);
	const response = await fetch(`${workerUrl}/shopify/webhooks`, {
		method: 'POST',
		headers: webhookHeaders(topic, `${store}.myshopify.com`, body),
		body,
	});
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
