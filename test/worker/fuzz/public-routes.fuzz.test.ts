import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { encodeBase64Url } from '../../../worker/src/push/base64url';
import {
	authorization,
	bodyBytes,
	contentType,
	fieldsObject,
	maybe,
	method,
	nastyString,
	origin,
	pathId,
	rarely,
	request,
	toRequest,
	utf8,
	wrongValue,
} from './arbitraries';
import { CATEGORIES } from './bodies';
import { fuzzRoute, ROUTE_TIMEOUT_MS } from './check';
import { authSecret, authSecret16, endpoint, makeWorld, p256dh, pageUrl, type World } from './fixtures';

// Browser-facing routes under generated input: see check.ts for the properties every case must keep.

let world: World;
beforeAll(async () => {
	world = await makeWorld();
});

const siteId = () => pathId([world.site.siteId], [world.other.siteId]);
const subscriberId = () => pathId(world.subscriberIds, world.otherSubscriberIds);
const browserHeaders = () =>
	fc.record({
		origin: origin(world.site.origin, [world.other.origin]),
		'content-type': contentType,
		authorization: rarely(authorization(null, [world.site.apiKey]), 4),
	});

/** Signs a payload with HMAC-SHA256 the way platforms sign identity tokens. */
async function signed(secret: string, payload: string): Promise<string> {
	const key = await crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
		'sign',
	]);
	const part = encodeBase64Url(utf8(payload));
	const mac = await crypto.subtle.sign('HMAC', key, utf8(part));
	return `${part}.${encodeBase64Url(new Uint8Array(mac))}`;
}

describe('public routes under generated input', () => {
	it(
		'GET /v1/sites/:siteId/config',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('GET'),
						path: siteId().map((id) => `/v1/sites/${id}/config`),
						headers: browserHeaders(),
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
						headers: browserHeaders(),
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
						headers: browserHeaders(),
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
						headers: browserHeaders(),
						body: bodyBytes({ fields, valid, limit: 16 * 1024 }),
					}),
				),
				{
					method: 'POST',
					fields: [
						'permission',
						'subscription',
						'subscriberId',
						'oldEndpoint',
						'url',
						'timezone',
						'locale',
						'categories',
					],
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

	it(
		'PATCH /v1/sites/:siteId/subscribers/:id',
		async () => {
			const fields = fieldsObject({
				categories: maybe(fc.array(fc.oneof(fc.constantFrom(...CATEGORIES), nastyString), { maxLength: 14 })),
			});
			await fuzzRoute(
				request(
					fc.record({
						method: method('PATCH'),
						path: fc
							.tuple(siteId(), subscriberId())
							.map(([site, sub]) => `/v1/sites/${site}/subscribers/${sub}`),
						headers: browserHeaders(),
						body: bodyBytes({
							fields,
							valid: fc.record({ categories: fc.subarray(CATEGORIES) }),
							limit: 4096,
						}),
					}),
				),
				{ method: 'PATCH', fields: ['categories'] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'DELETE /v1/sites/:siteId/subscribers/:id',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('DELETE'),
						path: fc
							.tuple(siteId(), subscriberId())
							.map(([site, sub]) => `/v1/sites/${site}/subscribers/${sub}`),
						headers: browserHeaders(),
						body: bodyBytes({ fields: fieldsObject({}), limit: 1024 }),
					}),
				),
				{ method: 'DELETE', fields: [] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'POST /v1/sites/:siteId/subscribers/:id/identify',
		async () => {
			const now = Math.floor(Date.now() / 1000);
			const claims = fc.oneof(
				fc.jsonValue({ maxDepth: 2 }),
				fc.record(
					{
						sub: maybe(fc.string({ minLength: 1, maxLength: 40 })),
						exp: maybe(fc.integer({ min: now - 1000, max: now + 8 * 86_400 })),
					},
					{ requiredKeys: [] },
				),
			);
			// The token field: junk, claims signed with the wrong secret, or claims signed with the site's own.
			const token: fc.Arbitrary<{ value: unknown; claims: unknown; secret: string | null }> = fc.oneof(
				wrongValueToken(),
				claims.map((c) => ({ value: null, claims: c, secret: 'not-the-identity-secret' })),
				claims.map((c) => ({ value: null, claims: c, secret: world.site.identitySecret })),
			);
			await fuzzRoute(
				fc.record({
					method: method('POST'),
					path: fc
						.tuple(siteId(), subscriberId())
						.map(([site, sub]) => `/v1/sites/${site}/subscribers/${sub}/identify`),
					headers: browserHeaders(),
					token,
					raw: fc.boolean(),
				}),
				{
					method: 'POST',
					fields: ['token'],
					build: async ({ method, path, headers, token, raw }) => {
						const value = token.secret
							? await signed(token.secret, JSON.stringify(token.claims))
							: token.value;
						const body = utf8(
							raw && typeof value === 'string' ? value : JSON.stringify(raw ? value : { token: value }),
						);
						return toRequest({ method, path, headers, body });
					},
				},
				// Found by this property: a token whose signed payload is `null` answered 500.
				[
					{
						method: 'POST',
						path: `/v1/sites/${world.site.siteId}/subscribers/${world.subscriberIds[0]}/identify`,
						headers: { origin: null, 'content-type': null, authorization: null },
						token: { value: null, claims: null, secret: world.site.identitySecret },
						raw: false,
					},
				],
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'POST /v1/sites/:siteId/subscribers/:id/events',
		async () => {
			const fields = fieldsObject({
				type: maybe(fc.constantFrom('pageview', 'permission', 'shown', 'clicked', 'closed')),
				url: maybe(pageUrl(world)),
				permission: maybe(fc.constantFrom('granted', 'denied', 'default', 'unsupported', 'allowed')),
				notificationId: maybe(
					fc.oneof(
						fc.constantFrom(...world.notificationIds, ...world.otherNotificationIds),
						fc.string({ minLength: 1, maxLength: 70 }),
					),
				),
			});
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: fc
							.tuple(siteId(), subscriberId())
							.map(([site, sub]) => `/v1/sites/${site}/subscribers/${sub}/events`),
						headers: browserHeaders(),
						body: bodyBytes({
							fields,
							valid: fc.oneof(
								fc.record({
									type: fc.constant('pageview'),
									url: fc.webPath().map((p) => `${world.site.origin}/${p.replace(/^\//, '')}`),
								}),
								fc.record({
									type: fc.constant('permission'),
									permission: fc.constantFrom('granted', 'denied', 'default', 'unsupported'),
								}),
								fc.record({
									type: fc.constantFrom('shown', 'clicked', 'closed'),
									notificationId: fc.constantFrom(...world.notificationIds),
								}),
							),
							limit: 4096,
						}),
					}),
				),
				{ method: 'POST', fields: ['type', 'url', 'permission', 'notificationId'] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);
});

/** A token field that is not a signed token at all: junk strings, other JSON types, or missing. */
function wrongValueToken() {
	return fc.oneof(nastyString, wrongValue, fc.constantFrom('a.b', 'a.b.c', '.', 'e30.e30')).map((value) => ({
		value: value as unknown,
		claims: null as unknown,
		secret: null as string | null,
	}));
}
