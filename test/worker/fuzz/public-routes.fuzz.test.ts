import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { CATEGORIES } from './bodies';
import { fuzzRoute, ROUTE_TIMEOUT_MS, SUBSCRIBE_FIELDS } from './check';
import {
	authSecret,
	authSecret16,
	browserHeaders,
	endpoint,
	makeWorld,
	p256dh,
	pageUrl,
	siteIdOf,
	type World,
} from './fixtures';
import { method, request, toRequest } from './requests';
import { bodyBytes, fieldsObject, maybe, utf8 } from './values';

// Browser-facing site routes under generated input: see check.ts for the properties every case must keep.

let world: World;
beforeAll(async () => {
	world = await makeWorld();
});

const siteId = () => siteIdOf(world);
const headers = () => browserHeaders(world);

describe('public routes under generated input', () => {
	it(
		'GET /v1/sites/:siteId/config',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('GET'),
						path: siteId().map((id) => `/v1/sites/${id}/config`),
						headers: headers(),
						body: fc.constant(null),
					}),
				),
				{ method: 'GET', fields: [] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /v1/sites/:siteId/sw.js',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('GET'),
						path: siteId().map((id) => `/v1/sites/${id}/sw.js`),
						headers: headers(),
						body: fc.constant(null),
					}),
				),
				{ method: 'GET', fields: [] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'OPTIONS /v1/sites/:siteId/* (preflight)',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('OPTIONS'),
						path: fc
							.tuple(siteId(), fc.constantFrom('config', 'subscribers', 'subscribers/x/events', 'anything'))
							.map(([id, rest]) => `/v1/sites/${id}/${rest}`),
						headers: headers(),
						body: fc.constant(null),
					}),
				),
				{ method: 'OPTIONS', fields: [] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'POST /v1/sites/:siteId/subscribers',
		async () => {
			const keys = fc.record({ p256dh: maybe(p256dh(world)), auth: maybe(authSecret) }, { requiredKeys: [] });
			const subscription = fc.record(
				{ endpoint: maybe(endpoint), keys: maybe(keys), expirationTime: maybe(fc.constant(null)) },
				{ requiredKeys: [] },
			);
			const fields = fieldsObject({
				subscription: maybe(subscription),
				permission: maybe(
					fc.constantFrom(
						'granted',
						'denied',
						'default',
						'unsupported',
						'allowed',
						'blocked',
						'ask',
						'prompt',
					),
				),
				subscriberId: maybe(fc.constantFrom(...world.subscriberIds, ...world.otherSubscriberIds)),
				oldEndpoint: maybe(endpoint),
				url: maybe(pageUrl(world)),
				timezone: maybe(fc.constantFrom('Europe/Berlin', 'UTC', 'Mars/Olympus_Mons', 'Etc/GMT+99')),
				locale: maybe(fc.constantFrom('en-GB', 'de', 'pt-BR', 'e', 'en_GB', 'x-klingon-1234567890')),
				categories: maybe(fc.array(fc.constantFrom(...CATEGORIES, 'nope'), { maxLength: 4 })),
			});
			const valid = fc.record(
				{
					subscription: fc.record({
						endpoint: fc.uuid().map((id) => `${world.endpoint}-${id}`),
						expirationTime: fc.constant(null),
						keys: fc.record({ p256dh: fc.constantFrom(...world.p256dh), auth: authSecret16 }),
					}),
					permission: fc.constantFrom('granted', 'allowed'),
					url: fc.webPath().map((p) => `${world.site.origin}/${p.replace(/^\//, '')}`),
					timezone: fc.constantFrom('Europe/Berlin', 'UTC'),
					locale: fc.constantFrom('en-GB', 'de'),
					categories: fc.subarray(CATEGORIES),
					subscriberId: fc.constantFrom(...world.subscriberIds),
				},
				{ requiredKeys: ['subscription'] },
			);
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: siteId().map((id) => `/v1/sites/${id}/subscribers`),
						headers: headers(),
						body: bodyBytes({ fields, valid, limit: 16 * 1024 }),
					}),
				),
				{
					method: 'POST',
					fields: SUBSCRIBE_FIELDS,
				},
				// Found by this property: nested fields were named without their parent ("endpoint: must be a string").
				[
					toRequest({
						method: 'POST',
						path: `/v1/sites/${world.site.siteId}/subscribers`,
						headers: { origin: world.site.origin },
						body: utf8('{"subscription":{"endpoint":{}}}'),
					}),
					toRequest({
						method: 'POST',
						path: `/v1/sites/${world.site.siteId}/subscribers`,
						headers: { origin: world.site.origin },
						body: utf8(`{"subscription":{"endpoint":"${world.endpoint}","keys":{"p256dh":1}}}`),
					}),
				],
			);
		},
		ROUTE_TIMEOUT_MS,
	);
});
