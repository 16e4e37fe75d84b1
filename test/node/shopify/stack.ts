import { API_KEY, API_SECRET_KEY, getJwt } from '@shopify/shopify-api/test-helpers';
import { type LocalWorker, startWorker } from '../../support/local-worker.ts';
import { type FakeShopifyServer, startFakeShopify } from './fake-shopify-server.ts';
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
 * the storefront, so it becomes one of the site's origins.
 */
export async function startShopifyStack(store: string): Promise<ShopifyStack> {
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
 * Changes the shop's prompt settings as the console in Shopify admin does: a session token (the library's test
 * helper) is exchanged for a console token, which patches the site's settings through the public admin API.
 */
export async function patchShopPrompt(
	workerUrl: string,
	store: string,
	prompt: Record<string, unknown>,
): Promise<void> {
	const sessionToken = (await getJwt(store, API_KEY, API_SECRET_KEY)).token;
	const exchanged = await fetch(`${workerUrl}/shopify/api/console-token`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sessionToken}` },
	});
	if (exchanged.status !== 201)
		throw new Error(`console token: HTTP ${exchanged.status} ${await exchanged.text()}`);
	const { token, siteId } = (await exchanged.json()) as { token: string; siteId: string };
	const settings = await fetch(`${workerUrl}/v1/sites/${siteId}/settings`, {
		method: 'PATCH',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ prompt }),
	});
	if (settings.status !== 200) throw new Error(`settings: HTTP ${settings.status} ${await settings.text()}`);
}
