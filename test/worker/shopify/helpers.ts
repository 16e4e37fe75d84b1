import { env } from 'cloudflare:workers';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';
import {
	API_KEY,
	API_SECRET_KEY,
	getJwt,
	RequestType,
	setUpValidRequest,
} from '@shopify/shopify-api/test-helpers';
import { expect } from 'vitest';
import { call, json, makeSubscription, type TestSite, type TestSubscription } from '../helpers';
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

/** POST /shopify/api/console-token with a fresh valid session token of the store, as the console does. */
export async function consoleTokenResponse(store: string): Promise<Response> {
	return call('/shopify/api/console-token', {
		method: 'POST',
		headers: { authorization: `Bearer ${await sessionToken(store)}` },
	});
}

/** What POST /shopify/api/console-token returns: a console token of the shop's site. */
export interface ConsoleToken {
	token: string;
	expiresAt: string;
	siteId: string;
	staff: { id: string; name: string | null; email: string | null };
	role: string;
}

/** Opens the app for a store as the console does (installs on first call) and returns its console token. */
export async function install(store: string): Promise<ConsoleToken> {
	const response = await consoleTokenResponse(store);
	if (response.status !== 201) throw new Error(`install: ${response.status} ${await response.text()}`);
	return json<ConsoleToken>(response);
}

/** Calls the public admin API of the shop's site (`/v1/sites/:siteId<path>`) with its console token. */
export function siteApi(
	installed: ConsoleToken,
	path: string,
	init: RequestInit & { ip?: string } = {},
): Promise<Response> {
	return call(`/v1/sites/${installed.siteId}${path}`, { ...init, key: installed.token });
}

/** Sends a notification through the public admin API as the console's composer does (expects 202). */
export async function sendAs(installed: ConsoleToken, body: Record<string, unknown>): Promise<string> {
	const response = await siteApi(installed, '/notifications', { method: 'POST', body: JSON.stringify(body) });
	if (response.status !== 202) throw new Error(`send: ${response.status} ${await response.text()}`);
	return (await json<{ notificationId: string }>(response)).notificationId;
}

/** The site's subscriber stats (GET /v1/sites/:siteId/stats). */
export async function statsOf(installed: ConsoleToken): Promise<SiteStats> {
	const response = await siteApi(installed, '/stats');
	if (response.status !== 200) throw new Error(`stats: ${response.status} ${await response.text()}`);
	return json<SiteStats>(response);
}

/** What GET /v1/sites/:siteId/stats returns (the parts the tests read). */
export interface SiteStats {
	byStatus: Record<string, number>;
	active: number;
	byBrowser: Record<string, number>;
}

/** The shop's row as install left it (its domain, site and primary storefront origin), or null. */
export async function shopRow(
	store: string,
): Promise<{ siteId: string; name: string; primaryUrl: string; installedAt: number } | null> {
	return env.DB.prepare(
		'SELECT site_id AS siteId, name, primary_url AS primaryUrl, installed_at AS installedAt FROM shopify_shops WHERE shop = ?',
	)
		.bind(shopOf(store))
		.first();
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

/** The Shopify customer id of {@link shopWithCustomer}'s identified subscriber. */
export const CUSTOMER = 7_000_001;

/** A shop with one anonymous subscriber and one tied to CUSTOMER (through the proxy's identity route). */
export async function shopWithCustomer(store: string): Promise<{
	installed: ConsoleToken;
	customerSubscriber: string;
	guestSubscriber: string;
	subs: TestSubscription[];
}> {
	const installed = await install(store);
	const site: TestSite = {
		siteId: installed.siteId,
		apiKey: '',
		identitySecret: '',
		vapidPublicKey: '',
		origin: `https://${shopOf(store)}`,
	};
	const ids: string[] = [];
	const subs: TestSubscription[] = [];
	for (let i = 0; i < 2; i++) {
		const sub = await makeSubscription();
		subs.push(sub);
		const response = await call(`/v1/sites/${site.siteId}/subscribers`, {
			method: 'POST',
			headers: { origin: site.origin },
			body: JSON.stringify({
				subscription: sub.json,
				permission: 'granted',
				url: `${site.origin}/products/x`,
			}),
		});
		ids.push((await json<{ subscriberId: string }>(response)).subscriberId);
	}
	const { token } = await json<{ token: string }>(
		await proxied(store, '/identity', { logged_in_customer_id: String(CUSTOMER) }),
	);
	const identified = await call(`/v1/sites/${site.siteId}/subscribers/${ids[1]}/identify`, {
		method: 'POST',
		headers: { origin: site.origin },
		body: JSON.stringify({ token }),
	});
	expect(identified.status).toBe(200);
	return { installed, customerSubscriber: ids[1] as string, guestSubscriber: ids[0] as string, subs };
}
