import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { shopOf } from '../shopify/helpers';
import { promptFields, SEND_FIELDS, sendBodies, validPrompt } from './bodies';
import { fuzzRoute, ROUTE_TIMEOUT_MS } from './check';
import { contentType, headerValue, method, pathId, request, toRequest } from './requests';
import { makeShops, type Shops } from './shopify-fixtures';
import { bodyBytes, fieldsObject, maybe, nastyString } from './values';

// The embedded admin page's API under generated input, with valid and bogus session tokens: see check.ts for
// the properties every case must keep.

let shops: Shops;
beforeAll(async () => {
	shops = await makeShops();
});

const sessionAuth = () =>
	fc.option(
		fc.oneof(
			{ weight: 6, arbitrary: fc.constant(shops.tokens[0] as string) },
			{ weight: 2, arbitrary: fc.constantFrom(...shops.tokens.slice(1)) },
			{ weight: 1, arbitrary: headerValue },
			{ weight: 1, arbitrary: headerValue.map((t) => `Bearer ${t}`) },
		),
		{ freq: 10 },
	);
const adminHeaders = () => fc.record({ authorization: sessionAuth(), 'content-type': contentType });

/** An admin API route: method, path (arbitrary) and body model. */
async function fuzzAdmin(
	own: string,
	path: fc.Arbitrary<string>,
	body: Parameters<typeof bodyBytes>[0] | null,
	fields: readonly string[] = [],
): Promise<void> {
	// Found by these properties: a wrong method on an API path fell through to the assets (a bare 404).
	const wrongMethod = toRequest({ method: 'DELETE', path: '/shopify/api/overview', headers: {}, body: null });
	await fuzzRoute(
		request(
			fc.record({
				method: method(own),
				path,
				headers: adminHeaders(),
				body: body ? bodyBytes(body) : fc.constant(null),
			}),
		),
		{ method: own, fields },
		[wrongMethod],
	);
}

describe('shopify admin API under generated input', () => {
	it(
		'GET /shopify/api/overview',
		async () => {
			await fuzzAdmin('GET', fc.constant('/shopify/api/overview'), null);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /shopify/api/data-requests',
		async () => {
			await fuzzAdmin('GET', fc.constant('/shopify/api/data-requests'), null);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /shopify/api/links?q=',
		async () => {
			const q = fc.option(fc.oneof(nastyString, fc.string({ maxLength: 120 })), { freq: 6 });
			await fuzzAdmin(
				'GET',
				q.map((text) => `/shopify/api/links${text === null ? '' : `?q=${encodeURIComponent(text)}`}`),
				null,
				['q'],
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /shopify/api/notifications/:id',
		async () => {
			await fuzzAdmin(
				'GET',
				pathId(shops.notificationIds).map((id) => `/shopify/api/notifications/${id}`),
				null,
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'POST /shopify/api/notifications',
		async () => {
			const { fields, valid } = sendBodies(`https://${shopOf(shops.store)}`, ['sub_not_there']);
			await fuzzAdmin(
				'POST',
				fc.constant('/shopify/api/notifications'),
				{ fields, valid, limit: 64 * 1024 },
				SEND_FIELDS,
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'PATCH /shopify/api/settings',
		async () => {
			await fuzzAdmin(
				'PATCH',
				fc.constant('/shopify/api/settings'),
				{
					fields: fieldsObject({ prompt: maybe(promptFields) }),
					valid: fc.record({ prompt: validPrompt }),
					limit: 16 * 1024,
				},
				['prompt'],
			);
		},
		ROUTE_TIMEOUT_MS,
	);
});
