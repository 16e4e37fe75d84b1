import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { shopOf } from '../shopify/helpers';
import { promptFields, SEND_FIELDS, sendBodies, validPrompt } from './bodies';
import { fuzzRoute, ROUTE_TIMEOUT_MS } from './check';
import { contentType, headerValue, method, pathId, request, toRequest } from './requests';
import { makeShops, type Shops } from './shopify-fixtures';
import { bodyBytes, fieldsObject, maybe } from './values';

// The embedded admin page's API under generated input: POST /shopify/api/console-token with valid and bogus
// session tokens, then the public admin API routes the console calls with the console token it mints (valid,
// another shop's, weaker, expired, forged). See check.ts for the properties every case must keep.

let shops: Shops;
beforeAll(async () => {
	shops = await makeShops();
});

/** A bearer from `valid` (index 0 most often), junk, or none. */
const bearer = (valid: string[]) =>
	fc.option(
		fc.oneof(
			{ weight: 6, arbitrary: fc.constant(valid[0] as string) },
			{ weight: 2, arbitrary: fc.constantFrom(...valid.slice(1)) },
			{ weight: 1, arbitrary: headerValue },
			{ weight: 1, arbitrary: headerValue.map((t) => `Bearer ${t}`) },
		),
		{ freq: 10 },
	);

/** A path id: the shop's site (most often, so validation runs), the other shop's, or an odd id. */
const siteId = () =>
	fc.oneof(
		{ weight: 3, arbitrary: fc.constant(shops.siteId) },
		{ weight: 1, arbitrary: pathId([shops.siteId], [shops.hookSiteId]) },
	);

/** A route: method, path and body model (arbitrary), with the session or console tokens to authenticate. */
async function fuzzAdmin(
	own: string,
	path: fc.Arbitrary<string>,
	body: Parameters<typeof bodyBytes>[0] | null,
	auth: string[],
	fields: readonly string[] = [],
	extraHeaders: fc.Arbitrary<Record<string, string | null>> = fc.constant({}),
): Promise<void> {
	// Found by these properties: a wrong method on an API path fell through to the assets (a bare 404). The
	// removed JSON routes of the embedded page answer the JSON 404 too.
	const examples = [
		toRequest({ method: 'DELETE', path: '/shopify/api/console-token', headers: {}, body: null }),
		toRequest({
			method: 'GET',
			path: '/shopify/api/overview',
			headers: { authorization: shops.tokens[0] as string },
			body: null,
		}),
	];
	await fuzzRoute(
		request(
			fc.record({
				method: method(own),
				path,
				headers: fc
					.tuple(fc.record({ authorization: bearer(auth), 'content-type': contentType }), extraHeaders)
					.map(([a, b]) => ({ ...a, ...b })),
				body: body ? bodyBytes(body) : fc.constant(null),
			}),
		),
		{ method: own, fields },
		examples,
	);
}

describe('shopify admin API under generated input', () => {
	it(
		'POST /shopify/api/console-token',
		async () => {
			await fuzzAdmin(
				'POST',
				fc.constant('/shopify/api/console-token'),
				{ fields: fieldsObject({}), limit: 1024 },
				shops.tokens,
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /v1/sites/:siteId/data-requests (console token)',
		async () => {
			await fuzzAdmin(
				'GET',
				siteId().map((id) => `/v1/sites/${id}/data-requests`),
				null,
				shops.consoleTokens,
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /v1/sites/:siteId/notifications/:id (console token)',
		async () => {
			await fuzzAdmin(
				'GET',
				fc
					.tuple(siteId(), pathId(shops.notificationIds))
					.map(([id, n]) => `/v1/sites/${id}/notifications/${n}`),
				null,
				shops.consoleTokens,
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'POST /v1/sites/:siteId/notifications (console token)',
		async () => {
			const { fields, valid } = sendBodies(`https://${shopOf(shops.store)}`, ['sub_not_there']);
			await fuzzAdmin(
				'POST',
				siteId().map((id) => `/v1/sites/${id}/notifications`),
				{ fields, valid, limit: 64 * 1024 },
				shops.consoleTokens,
				SEND_FIELDS,
				fc.record({ 'idempotency-key': fc.option(headerValue, { freq: 4 }) }),
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'PATCH /v1/sites/:siteId/settings (console token)',
		async () => {
			await fuzzAdmin(
				'PATCH',
				siteId().map((id) => `/v1/sites/${id}/settings`),
				{
					fields: fieldsObject({ prompt: maybe(promptFields) }),
					valid: fc.record({ prompt: validPrompt }),
					limit: 16 * 1024,
				},
				shops.consoleTokens,
				['prompt'],
			);
		},
		ROUTE_TIMEOUT_MS,
	);
});
