import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';
import {
	API_KEY,
	API_SECRET_KEY,
	getJwt,
	RequestType,
	setUpValidRequest,
} from '@shopify/shopify-api/test-helpers';
import { call, json } from '../helpers';
import { FakeShopify, type WebhookOptions, webhookHeaders } from './fake-shopify';

/** Routes the library's outgoing requests (its abstract fetch) to a fresh fake Shopify. */
export function useFakeShopify(): FakeShopify {
	const fake = new FakeShopify(API_KEY, API_SECRET_KEY);
	setAbstractFetchFunc(async (input, init) => {
		const request = new Request(input as RequestInfo, init as RequestInit);
		return fake.handle(request, new URL(request.url).hostname);
	});
	return fake;
}

/** A store name no other test uses; its shop domain is `<store>.myshopify.com`. */
export function newStore(): string {
	return `beckon-${crypto.randomUUID().slice(0, 8)}`;
}

/** The shop domain of a store name. */
export const shopOf = (store: string) => `${store}.myshopify.com`;

/** A session token as App Bridge would mint it (signed by the library's own test helper). */
export async function sessionToken(
	store: string,
	overrides: Parameters<typeof getJwt>[3] = {},
	secret = API_SECRET_KEY,
): Promise<string> {
	return (await getJwt(store, API_KEY, secret, overrides)).token;
}

/** Calls an embedded-admin API route with a fresh valid session token of the store. */
export async function admin(store: string, path: string, init: RequestInit = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	headers.set('authorization', `Bearer ${await sessionToken(store)}`);
	return call(path, { ...init, headers });
}

/** Opens the app for a store (install on first call) and returns the overview. */
export async function install(store: string): Promise<Overview> {
	const response = await admin(store, '/shopify/api/overview');
	if (response.status !== 200) throw new Error(`install: ${response.status} ${await response.text()}`);
	return json<Overview>(response);
}

/** What GET /shopify/api/overview returns. */
export interface Overview {
	shop: { domain: string; name: string; primaryUrl: string; siteId: string };
	stats: { byStatus: Record<string, number>; active: number; byBrowser: Record<string, number> };
	notifications: Array<{ notificationId: string; status: string }>;
	prompt: Record<string, unknown>;
}

/** Delivers a webhook signed like Shopify signs it (the library's getHmac), unless told otherwise. */
export function deliverWebhook(
	topic: string,
	shop: string,
	payload: Record<string, unknown>,
	options: WebhookOptions = {},
): Promise<Response> {
	const body = JSON.stringify(payload);
	const headers = webhookHeaders(topic, shop, body, options);
	return call('/shopify/webhooks', { method: 'POST', headers, body });
}

/** A storefront request as the app proxy forwards it, signed by the library's test helper. */
export async function proxied(
	store: string,
	path: string,
	params: Record<string, string> = {},
	secret = API_SECRET_KEY,
): Promise<Response> {
	const url = new URL(`https://beckon.test/shopify/proxy${path}`);
	url.searchParams.set('path_prefix', '/apps/beckon');
	url.searchParams.set('logged_in_customer_id', '');
	for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
	const signed = await setUpValidRequest(
		{ type: RequestType.Public, store, apiSecretKey: secret },
		new Request(url.href),
	);
	const out = new URL(signed.url);
	return call(`${out.pathname}${out.search}`);
}

/** Signs an app proxy query independently of the library (sorted `key=value` pairs, HMAC-SHA256, hex). */
export async function signProxyQuery(
	params: Record<string, string>,
	secret = API_SECRET_KEY,
): Promise<string> {
	const message = Object.keys(params)
		.sort()
		.map((k) => `${k}=${params[k]}`)
		.join('');
	const key = await crypto.subtle.importKey(
		'raw',
		new TextEncoder().encode(secret),
		{ name: 'HMAC', hash: 'SHA-256' },
		false,
		['sign'],
	);
	const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)));
	return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
}
