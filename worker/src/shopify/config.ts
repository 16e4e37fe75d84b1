import '@shopify/shopify-api/adapters/cf-worker';
import { ApiVersion, LogSeverity, type Shopify, shopifyApi } from '@shopify/shopify-api';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';
import type { Env } from '../env';
import { HttpError } from '../http/errors';

/** The Admin API version every request uses (also `[webhooks] api_version` in shopify.app.toml). */
export const SHOPIFY_API_VERSION = ApiVersion.October26;

/**
 * Scopes requested when SHOPIFY_SCOPES is not set: a logged-in customer's first name (identity attrs), orders
 * (orders/create → purchase events), product and collection links for the composer, and the storefront app proxy
 * (`[app_proxy]` needs write_app_proxy).
 */
export const DEFAULT_SCOPES =
	'read_customer_events,read_customers,read_fulfillments,read_orders,read_products,write_app_proxy,write_pixels';

/** The Shopify app's settings, read once from the bindings. */
export interface ShopifyConfig {
	apiKey: string;
	apiSecret: string;
	/** Public origin of this worker (application_url's origin); null = the origin requests arrive on. */
	appUrl: string | null;
	scopes: string;
	/** Local tests only: a loopback origin that stands in for https://<shop>.myshopify.com. */
	fakeAdminOrigin: string | null;
}

const configs = new WeakMap<Env, ShopifyConfig>();
const apis = new WeakMap<Env, Shopify>();

/** Reads the Shopify bindings; 404 when the app is not configured on this deployment. */
export function shopifyConfig(env: Env): ShopifyConfig {
	let cfg = configs.get(env);
	if (!cfg) {
		if (!env.SHOPIFY_API_KEY || !env.SHOPIFY_API_SECRET) {
			throw new HttpError(
				404,
				'shopify_not_configured',
				'The Shopify app is not configured here; set SHOPIFY_API_KEY and SHOPIFY_API_SECRET (see README)',
			);
		}
		cfg = {
			apiKey: env.SHOPIFY_API_KEY,
			apiSecret: env.SHOPIFY_API_SECRET,
			appUrl: env.SHOPIFY_APP_URL ? new URL(env.SHOPIFY_APP_URL).origin : null,
			scopes: env.SHOPIFY_SCOPES || DEFAULT_SCOPES,
			fakeAdminOrigin: loopbackOnly(env.SHOPIFY_FAKE_ADMIN_ORIGIN),
		};
		configs.set(env, cfg);
	}
	return cfg;
}

/** The @shopify/shopify-api instance of this deployment (built once per env). */
export function shopifyFor(env: Env, requestUrl: string): Shopify {
	let api = apis.get(env);
	if (!api) {
		const cfg = shopifyConfig(env);
		const appUrl = new URL(cfg.appUrl ?? requestUrl);
		api = shopifyApi({
			apiKey: cfg.apiKey,
			apiSecretKey: cfg.apiSecret,
			hostName: appUrl.host,
			hostScheme: appUrl.protocol === 'http:' ? 'http' : 'https',
			apiVersion: SHOPIFY_API_VERSION,
			scopes: cfg.scopes.split(','),
			isEmbeddedApp: true,
			logger: { level: LogSeverity.Error },
			_logDisabledFutureFlags: false,
		});
		if (cfg.fakeAdminOrigin) setAbstractFetchFunc(redirectTo(cfg.fakeAdminOrigin));
		apis.set(env, api);
	}
	return api;
}

/** The worker's public origin as Shopify and storefronts reach it. */
export function appOrigin(env: Env, requestUrl: string): string {
	return shopifyConfig(env).appUrl ?? new URL(requestUrl).origin;
}

function loopbackOnly(value: string | undefined): string | null {
	if (!value) return null;
	const url = new URL(value);
	if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(url.hostname)) {
		throw new Error('SHOPIFY_FAKE_ADMIN_ORIGIN must be a loopback http origin (local tests only)');
	}
	return url.origin;
}

/** Sends what the library addresses to https://<shop>/… to a local stand-in, naming the shop in a header. */
function redirectTo(origin: string): typeof fetch {
	return (input, init) => {
		const original = new Request(input, init);
		const url = new URL(original.url);
		const request = new Request(`${origin}${url.pathname}${url.search}`, original);
		request.headers.set('x-shopify-test-shop', url.hostname);
		return fetch(request);
	};
}
