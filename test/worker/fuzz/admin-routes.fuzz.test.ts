import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { OPERATOR } from '../helpers';
import { anyUrl, promptFields, SEND_FIELDS, sendBodies, validPrompt } from './bodies';
import { fuzzRoute, ROUTE_TIMEOUT_MS } from './check';
import { makeWorld, type World } from './fixtures';
import { authorization, contentType, headerValue, method, origin, pathId, request } from './requests';
import { bodyBytes, fieldsObject, maybe, nastyString, rarely } from './values';

// Operator and site admin routes under generated input: see check.ts for the properties every case must keep.

let world: World;
beforeAll(async () => {
	world = await makeWorld();
});

const siteId = () => pathId([world.site.siteId], [world.other.siteId]);
const adminHeaders = () =>
	fc.record({
		authorization: authorization(world.site.apiKey, [world.other.apiKey, OPERATOR]),
		'content-type': contentType,
		origin: rarely(origin(world.site.origin, [world.other.origin]), 3),
	});

/** A GET route with only a path id (and headers) to vary. */
async function fuzzGet(path: (siteId: string) => fc.Arbitrary<string>, fields: string[] = []): Promise<void> {
	await fuzzRoute(
		request(
			fc.record({
				method: method('GET'),
				path: siteId().chain(path),
				headers: adminHeaders(),
				body: fc.constant(null),
			}),
		),
		{ method: 'GET', fields },
	);
}

describe('admin routes under generated input', () => {
	it(
		'POST /v1/sites',
		async () => {
			const fields = fieldsObject({
				name: maybe(fc.string({ minLength: 1, maxLength: 120 })),
				origins: maybe(
					fc.array(
						fc.oneof(
							fc.webUrl().map((u) => new URL(u).origin),
							fc.webUrl(),
							fc.constantFrom(
								'https://shop.example',
								'https://SHOP.example',
								'null',
								'https://a.example:99999',
							),
						),
						{ maxLength: 22 },
					),
				),
				platform: maybe(fc.constantFrom('wordpress', 'shopify', 'custom', 'magento')),
				homeUrl: maybe(anyUrl),
				iconUrl: maybe(anyUrl),
			});
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: fc.constantFrom('/v1/sites', '/v1/sites/', '/v1//sites'),
						headers: fc.record({
							authorization: authorization(OPERATOR, [world.site.apiKey]),
							'content-type': contentType,
						}),
						body: bodyBytes({
							fields,
							valid: fc.record(
								{
									name: fc.string({ minLength: 1, maxLength: 100 }).filter((n) => n.trim() !== ''),
									origins: fc.array(
										fc.webUrl().map((u) => new URL(u).origin),
										{ minLength: 1, maxLength: 3 },
									),
									platform: fc.constantFrom('wordpress', 'shopify', 'custom'),
									homeUrl: fc.webUrl(),
									iconUrl: fc.webUrl(),
								},
								{ requiredKeys: ['name', 'origins'] },
							),
							limit: 16 * 1024,
						}),
					}),
				),
				{ method: 'POST', fields: ['name', 'origins', 'platform', 'homeUrl', 'iconUrl'] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /v1/sites/:siteId',
		async () => {
			await fuzzGet((id) => fc.constant(`/v1/sites/${id}`));
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /v1/sites/:siteId/stats',
		async () => {
			await fuzzGet((id) => fc.constant(`/v1/sites/${id}/stats`));
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /v1/sites/:siteId/subscribers/:id',
		async () => {
			const sub = pathId(world.subscriberIds, world.otherSubscriberIds);
			await fuzzGet((id) => sub.map((s) => `/v1/sites/${id}/subscribers/${s}`));
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /v1/sites/:siteId/notifications?limit=',
		async () => {
			const limit = fc.option(
				fc.oneof(
					fc.integer({ min: -5, max: 120 }).map(String),
					nastyString.map(encodeURIComponent),
					fc.constantFrom('', '1.5', '0x10', '1e2', '20&limit=30'),
				),
				{ freq: 4 },
			);
			await fuzzGet(
				(id) => limit.map((l) => `/v1/sites/${id}/notifications${l === null ? '' : `?limit=${l}`}`),
				['limit'],
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /v1/sites/:siteId/notifications/:id',
		async () => {
			const ntf = pathId(world.notificationIds, world.otherNotificationIds);
			await fuzzGet((id) => ntf.map((n) => `/v1/sites/${id}/notifications/${n}`));
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'POST /v1/sites/:siteId/identity-secret',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: siteId().map((id) => `/v1/sites/${id}/identity-secret`),
						headers: adminHeaders(),
						body: bodyBytes({ fields: fieldsObject({}), limit: 1024 }),
					}),
				),
				{ method: 'POST', fields: [] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'PATCH /v1/sites/:siteId/settings',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('PATCH'),
						path: siteId().map((id) => `/v1/sites/${id}/settings`),
						headers: adminHeaders(),
						body: bodyBytes({
							fields: fieldsObject({ prompt: maybe(promptFields) }),
							valid: fc.record({ prompt: validPrompt }),
							limit: 16 * 1024,
						}),
					}),
				),
				{ method: 'PATCH', fields: ['prompt'] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'POST /v1/sites/:siteId/notifications',
		async () => {
			const { fields, valid } = sendBodies(world.site.origin, [
				...world.subscriberIds,
				...world.otherSubscriberIds,
			]);
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: siteId().map((id) => `/v1/sites/${id}/notifications`),
						headers: fc
							.tuple(
								adminHeaders(),
								rarely(
									fc.oneof(
										headerValue,
										fc.nat(300).map((n) => 'k'.repeat(n)),
									),
									4,
								),
							)
							.map(([headers, key]) => ({ ...headers, 'idempotency-key': key })),
						body: bodyBytes({ fields, valid, limit: 64 * 1024 }),
					}),
				),
				{ method: 'POST', fields: SEND_FIELDS },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'PUT /v1/sites/:siteId/users/:userId',
		async () => {
			const name = fc.oneof(
				fc.constantFrom('plan', 'first_name', 'ltv', 'trial_ends', 'vip'),
				fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/),
				nastyString,
			);
			const value = fc.oneof(
				fc.string({ maxLength: 20 }),
				fc.integer(),
				fc.boolean(),
				fc.constant(null),
				fc.constantFrom({ date: '2026-12-01' }, { date: '2026-12-01T09:30:00Z' }, { date: 'soon' }),
			);
			const attributes = fc.dictionary(name, value, { maxKeys: 6 });
			await fuzzRoute(
				request(
					fc.record({
						method: method('PUT'),
						path: fc
							.tuple(siteId(), pathId(['user_1', 'user_2']))
							.map(([id, user]) => `/v1/sites/${id}/users/${user}`),
						headers: adminHeaders(),
						body: bodyBytes({
							fields: fieldsObject({ attributes: maybe(attributes) }),
							valid: fc.record({
								attributes: fc.dictionary(
									fc.constantFrom('plan', 'first_name', 'seats'),
									fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)),
									{ maxKeys: 3 },
								),
							}),
							limit: 64 * 1024,
						}),
					}),
				),
				{ method: 'PUT', fields: ['attributes', 'userId'] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'POST /v1/sites/:siteId/events',
		async () => {
			const subscriber = fc.constantFrom(...world.subscriberIds, ...world.otherSubscriberIds, 'sub_none');
			const event = fc.record(
				{
					name: fc.oneof(fc.constantFrom('purchase', 'added_to_cart', 'app:open'), nastyString),
					userId: fc.constantFrom('user_1', 'user_2'),
					subscriberId: subscriber,
					time: fc.constantFrom(new Date().toISOString(), '2001-01-01', '2999-01-01', 'yesterday'),
					id: fc.string({ minLength: 1, maxLength: 70 }),
					properties: fc.dictionary(
						fc.string({ minLength: 1, maxLength: 10 }),
						fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()),
						{ maxKeys: 4 },
					),
				},
				{ requiredKeys: ['name'] },
			);
			const valid = fc.record({
				events: fc.array(
					fc.record(
						{
							name: fc.constantFrom('purchase', 'added_to_cart'),
							userId: fc.constantFrom('user_1', 'user_2'),
							id: fc.string({ minLength: 1, maxLength: 10 }),
						},
						{ requiredKeys: ['name', 'userId'] },
					),
					{ minLength: 1, maxLength: 5 },
				),
			});
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: siteId().map((id) => `/v1/sites/${id}/events`),
						headers: adminHeaders(),
						body: bodyBytes({
							fields: fieldsObject({ events: maybe(fc.array(event, { maxLength: 5 })) }),
							valid,
							limit: 64 * 1024,
						}),
					}),
				),
				{ method: 'POST', fields: ['events'] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);
});
