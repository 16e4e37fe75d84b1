import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { encodeBase64Url } from '../../../worker/src/push/base64url';
import { CATEGORIES } from './bodies';
import { fuzzRoute, ROUTE_TIMEOUT_MS } from './check';
import { browserHeaders, makeWorld, pageUrl, siteIdOf, subscriberIdOf, type World } from './fixtures';
import { method, request, toRequest } from './requests';
import { bodyBytes, fieldsObject, maybe, nastyString, utf8, wrongValue } from './values';

// A browser's own subscriber routes (categories, unsubscribe, identify, events) under generated input: see
// check.ts for the properties every case must keep.

let world: World;
beforeAll(async () => {
	world = await makeWorld();
});

const siteId = () => siteIdOf(world);
const subscriberId = () => subscriberIdOf(world);
const headers = () => browserHeaders(world);

/** Signs a payload with HMAC-SHA256 the way platforms sign identity tokens. */
async function signed(secret: string, payload: string): Promise<string> {
	const key = await crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
		'sign',
	]);
	const part = encodeBase64Url(utf8(payload));
	const mac = await crypto.subtle.sign('HMAC', key, utf8(part));
	return `${part}.${encodeBase64Url(new Uint8Array(mac))}`;
}

describe('subscriber routes under generated input', () => {
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
						headers: headers(),
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
						headers: headers(),
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
					headers: headers(),
					token,
					raw: fc.boolean(),
				}),
				{
					method: 'POST',
					fields: ['token'],
					build: async (c) => {
						const { secret, claims, value: unsigned } = c.token;
						const value = secret ? await signed(secret, JSON.stringify(claims)) : unsigned;
						// Mostly {token}; sometimes the bare value (a string as is, anything else as JSON).
						const text =
							c.raw && typeof value === 'string' ? value : JSON.stringify(c.raw ? value : { token: value });
						return toRequest({ method: c.method, path: c.path, headers: c.headers, body: utf8(text) });
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
				// The batch form (Beckon.track): `events` selects it.
				events: maybe(fc.array(trackedEvent(), { maxLength: 22 })),
			});
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: fc
							.tuple(siteId(), subscriberId())
							.map(([site, sub]) => `/v1/sites/${site}/subscribers/${sub}/events`),
						headers: headers(),
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
								fc.record({ events: fc.array(validTrackedEvent(), { minLength: 1, maxLength: 20 }) }),
							),
							limit: 64 * 1024,
						}),
					}),
				),
				{ method: 'POST', fields: ['type', 'url', 'permission', 'notificationId', 'events'] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);
});

/** A `Beckon.track` event that may be wrong anywhere: its name, time, id or properties. */
function trackedEvent() {
	return fc.oneof(
		validTrackedEvent(),
		fieldsObject({
			name: maybe(fc.oneof(fc.constantFrom('pageview', 'clicked', '9x', 'a b', 'x'.repeat(65)), nastyString)),
			time: maybe(fc.oneof(fc.constantFrom('2001-01-01', '2999-01-01T00:00:00Z', 'yesterday'), wrongValue)),
			id: maybe(fc.oneof(nastyString, wrongValue)),
			properties: maybe(
				fc.oneof(
					fc.dictionary(fc.string({ maxLength: 70 }), fc.oneof(fc.string(), fc.integer(), wrongValue), {
						maxKeys: 24,
					}),
					wrongValue,
				),
			),
			userId: maybe(fc.constant('u')),
		}),
		wrongValue,
	);
}

/** A `Beckon.track` event the route accepts. */
function validTrackedEvent() {
	return fc.record(
		{
			name: fc
				.stringMatching(/^[A-Za-z][A-Za-z0-9_.:-]{0,20}$/)
				.filter((n) => !['subscribed', 'unsubscribed', 'pageview', 'clicked'].includes(n)),
			id: fc.string({ minLength: 1, maxLength: 64 }),
			properties: fc.dictionary(
				fc.string({ minLength: 1, maxLength: 20 }),
				fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean()),
				{ maxKeys: 5 },
			),
		},
		{ requiredKeys: ['name'] },
	);
}

/** A token field that is not a signed token at all: junk strings, other JSON types, or missing. */
function wrongValueToken() {
	return fc.oneof(nastyString, wrongValue, fc.constantFrom('a.b', 'a.b.c', '.', 'e30.e30')).map((value) => ({
		value: value as unknown,
		claims: null as unknown,
		secret: null as string | null,
	}));
}
