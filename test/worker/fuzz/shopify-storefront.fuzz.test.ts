import { API_SECRET_KEY, getHmac } from '@shopify/shopify-api/test-helpers';
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { newStore, shopOf, signProxyQuery } from '../shopify/helpers';
import { fuzzRoute, ROUTE_TIMEOUT_MS } from './check';
import { contentType, headerValue, method, toRequest } from './requests';
import { makeShops, type Shops } from './shopify-fixtures';
import { bodyBytes, fieldsObject, nastyString, oneWrong, rarely, utf8 } from './values';

// The storefront side of the Shopify app under generated input: app proxy queries signed, forged and tampered,
// and webhooks signed and forged: see check.ts for the properties every case must keep.

let shops: Shops;
beforeAll(async () => {
	shops = await makeShops();
});

describe('shopify app proxy and webhooks under generated input', () => {
	for (const route of ['sw.js', 'identity']) {
		it(
			`GET /shopify/proxy/${route}`,
			async () => {
				await fuzzRoute(proxyCase(), {
					method: 'GET',
					fields: [],
					build: async (c) => toRequest(await proxyRequest(route, c)),
				});
			},
			ROUTE_TIMEOUT_MS,
		);
	}

	it(
		'POST /shopify/webhooks',
		async () => {
			const found: WebhookCase = {
				method: 'POST',
				topic: 'app/uninstalled',
				shop: shopOf(shops.hookStore),
				body: 'null',
				hmac: 'valid',
				webhookId: '00000000-0000-1000-8000-000000000000',
				apiVersion: '2026-10',
				triggeredAt: '1970-01-01T00:00:00.000Z',
				contentType: null,
			};
			await fuzzRoute(
				webhookCase(),
				{ method: 'POST', fields: WEBHOOK_FIELDS, build: (c) => toRequest(webhookRequest(c)) },
				// Found by this property: a signed body of `null` answered 500, and a delivery without
				// X-Shopify-API-Version was refused without naming the header.
				[found, { ...found, body: '{"shop_id":0}', apiVersion: undefined }],
			);
		},
		ROUTE_TIMEOUT_MS,
	);
});

/** One generated app proxy request: its query parameters, how it is signed, and whether one is changed after. */
function proxyCase() {
	const absent = fc.constant(undefined);
	return fc.record({
		method: method('GET'),
		shop: fc.oneof(
			{ weight: 5, arbitrary: fc.constant(shopOf(shops.store)) },
			{ weight: 1, arbitrary: fc.constantFrom(shopOf(newStore()), 'evil.example', '') },
			{ weight: 1, arbitrary: nastyString },
			{ weight: 1, arbitrary: absent },
		),
		timestamp: fc.oneof(
			{ weight: 5, arbitrary: fc.constant(0) },
			{ weight: 1, arbitrary: fc.integer({ min: -100_000, max: 100_000 }) },
			{ weight: 1, arbitrary: nastyString },
			{ weight: 1, arbitrary: absent },
		),
		customer: fc.oneof(
			fc.bigInt({ min: 1n, max: 10n ** 22n }).map(String),
			fc.constant(''),
			nastyString,
			absent,
		),
		// Lower-case keys: the library sorts with localeCompare, the test signer by code unit; they agree on these.
		extra: rarely(fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), nastyString, { maxKeys: 2 }), 4),
		signature: fc.oneof(
			{ weight: 6, arbitrary: fc.constant('valid') },
			{ weight: 1, arbitrary: fc.constant('other-secret') },
			{ weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{64}$/) },
			{ weight: 1, arbitrary: nastyString },
			{ weight: 1, arbitrary: absent },
		),
		tamper: rarely(fc.tuple(fc.constantFrom('shop', 'timestamp', 'logged_in_customer_id'), nastyString), 8),
	});
}

async function proxyRequest(
	route: string,
	c: ReturnType<typeof proxyCase> extends fc.Arbitrary<infer T> ? T : never,
) {
	const params: Record<string, string> = { ...(c.extra ?? {}), path_prefix: '/apps/beckon' };
	if (c.shop !== undefined) params.shop = c.shop;
	if (c.timestamp !== undefined) {
		params.timestamp =
			typeof c.timestamp === 'number' ? String(Math.floor(Date.now() / 1000) + c.timestamp) : c.timestamp;
	}
	if (c.customer !== undefined) params.logged_in_customer_id = c.customer;
	delete params.signature;
	let signature: string | undefined = c.signature;
	if (c.signature === 'valid') signature = await signProxyQuery(params);
	else if (c.signature === 'other-secret') signature = await signProxyQuery(params, 'not-the-app-secret');
	if (c.tamper) params[c.tamper[0]] = c.tamper[1];
	const query = new URLSearchParams(params);
	if (signature !== undefined) query.set('signature', signature);
	return { method: c.method, path: `/shopify/proxy/${route}?${query}`, headers: {}, body: null };
}

/** What a webhook's 400 may name: its headers and the payload fields the handlers read. */
const WEBHOOK_FIELDS = [
	'X-Shopify-Topic',
	'X-Shopify-Shop-Domain',
	'X-Shopify-Hmac-Sha256',
	'X-Shopify-API-Version',
	'X-Shopify-Webhook-Id',
	'X-Shopify-Triggered-At',
	'shop_domain',
	'myshopify_domain',
	'domain',
	'updated_at',
	'customer',
	'orders_requested',
	'orders_to_redact',
	'data_request',
	'body',
];

const TOPICS = [
	'app/uninstalled',
	'shop/update',
	'customers/data_request',
	'customers/redact',
	'shop/redact',
];

/** A valid payload of each topic for a shop. */
function payloadOf(topic: string, shop: string) {
	const customer = fc.record({ id: fc.integer({ min: 1, max: 2 ** 40 }) });
	switch (topic) {
		case 'app/uninstalled':
			return fc.record({ id: fc.nat(), myshopify_domain: fc.constant(shop), name: fc.string() });
		case 'shop/update':
			return fc.record({
				myshopify_domain: fc.constant(shop),
				domain: fc.constantFrom(shop, 'shop.example.com', 'www.beckon-fuzz.example'),
				updated_at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
			});
		case 'customers/data_request':
			return fc.record({
				shop_domain: fc.constant(shop),
				customer,
				orders_requested: fc.array(fc.nat(), { maxLength: 3 }),
				data_request: fc.record({ id: fc.nat() }),
			});
		case 'customers/redact':
			return fc.record({ shop_domain: fc.constant(shop), customer, orders_to_redact: fc.array(fc.nat()) });
		default:
			return fc.record({ shop_id: fc.nat(), shop_domain: fc.constant(shop) });
	}
}

/** One generated webhook delivery: topic, shop, payload (valid, one thing wrong, or junk) and headers. */
function webhookCase() {
	const shop = shopOf(shops.hookStore);
	const absent = fc.constant(undefined);
	const topic = fc.oneof(
		{ weight: 8, arbitrary: fc.constantFrom(...TOPICS) },
		{ weight: 1, arbitrary: fc.constantFrom('orders/create', 'APP_UNINSTALLED') },
		{ weight: 1, arbitrary: headerValue },
	);
	return topic.chain((t) => {
		const valid = payloadOf(TOPICS.includes(t) ? t : 'shop/redact', shop) as fc.Arbitrary<
			Record<string, unknown>
		>;
		return fc.record({
			method: method('POST'),
			topic: fc.oneof({ weight: 9, arbitrary: fc.constant(t) }, { weight: 1, arbitrary: absent }),
			shop: fc.oneof(
				{ weight: 8, arbitrary: fc.constant(shop) },
				{ weight: 1, arbitrary: fc.constantFrom(shopOf(newStore()), 'evil.example') },
				{ weight: 1, arbitrary: fc.oneof(headerValue, absent) },
			),
			// As text: the HMAC signs exactly what is sent (lone bytes would become U+FFFD on the way).
			body: bodyBytes({
				fields: fieldsObject({}),
				valid: fc.oneof(valid, oneWrong(valid)),
				limit: 256 * 1024,
			}).map((bytes) => (bytes === null ? null : new TextDecoder().decode(bytes))),
			hmac: fc.oneof(
				{ weight: 8, arbitrary: fc.constant('valid') },
				{ weight: 1, arbitrary: fc.constantFrom('other-secret', 'aGVsbG8=') },
				{ weight: 1, arbitrary: fc.oneof(headerValue, absent) },
			),
			webhookId: fc.oneof(
				{ weight: 8, arbitrary: fc.uuid() },
				{ weight: 1, arbitrary: fc.constant('fuzz-replayed-delivery') },
				{ weight: 1, arbitrary: fc.oneof(headerValue, absent) },
			),
			apiVersion: fc.oneof(
				{ weight: 8, arbitrary: fc.constant('2026-10') },
				{ weight: 1, arbitrary: absent },
			),
			triggeredAt: fc.oneof(
				fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
				headerValue,
				absent,
			),
			contentType,
		});
	});
}

type WebhookCase = ReturnType<typeof webhookCase> extends fc.Arbitrary<infer T> ? T : never;

function webhookRequest(c: WebhookCase) {
	const raw = c.body ?? '';
	const hmac =
		c.hmac === 'valid'
			? getHmac(raw, API_SECRET_KEY)
			: c.hmac === 'other-secret'
				? getHmac(raw, 'not-the-app-secret')
				: c.hmac;
	const headers: Record<string, string | undefined> = {
		'content-type': c.contentType ?? undefined,
		'x-shopify-topic': c.topic,
		'x-shopify-shop-domain': c.shop,
		'x-shopify-hmac-sha256': hmac,
		'x-shopify-webhook-id': c.webhookId,
		'x-shopify-api-version': c.apiVersion,
		'x-shopify-triggered-at': c.triggeredAt,
	};
	return {
		method: c.method,
		path: '/shopify/webhooks',
		headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v ?? null])),
		body: c.body === null ? null : utf8(c.body),
	};
}
