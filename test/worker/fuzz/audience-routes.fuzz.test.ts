import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { call, OPERATOR } from '../helpers';
import { fuzzRoute, ROUTE_TIMEOUT_MS } from './check';
import { makeWorld, type World } from './fixtures';
import { authorization, contentType, method, pathId, request } from './requests';
import { bodyBytes, fieldsObject, maybe, nastyString, rarely, wrongValue } from './values';

// Saved segments, reach estimates and the tester flag under generated input: random filter trees, valid and not,
// must compile to SQL that runs (no 5xx) or be refused with a 400 naming the node, writing nothing.

let world: World;
beforeAll(async () => {
	world = await makeWorld();
	// Attributes of every type, so attribute leaves get past "unknown attribute" into the SQL.
	const response = await call(`/v1/sites/${world.site.siteId}/users/user_1`, {
		method: 'PUT',
		key: world.site.apiKey,
		body: JSON.stringify({
			attributes: { plan: 'pro', seats: 3, vip: true, trial_ends: { date: '2026-12-01' } },
		}),
	});
	if (response.status !== 200) throw new Error(`users: ${response.status}`);
});

const siteId = () => pathId([world.site.siteId], [world.other.siteId]);
const adminHeaders = () =>
	fc.record({
		authorization: authorization(world.site.apiKey, [world.other.apiKey, OPERATOR]),
		'content-type': contentType,
		origin: rarely(fc.constant(world.site.origin), 3),
	});

/** Sometimes the plausible value, sometimes a nasty string or a wrong type. */
const or = <T>(good: fc.Arbitrary<T>) =>
	fc.oneof(
		{ weight: 4, arbitrary: good },
		{ weight: 1, arbitrary: nastyString },
		{ weight: 1, arbitrary: wrongValue },
	);
const duration = or(fc.constantFrom('30m', '12h', '7d', '3650d', '0d', '3651d', '7 d'));
const iso = or(fc.constantFrom('2026-12-01', '2026-12-01T09:30:00Z', '2026-13-45', 'yesterday'));
const timeCondition = fc.oneof(
	fc.record({ within: duration }),
	fc.record({ notWithin: duration }),
	fc.record({ before: iso }),
	fc.record({ after: iso }),
	fc.record({ within: duration, after: iso }),
);
const scalar = fc.oneof(
	fc.string({ maxLength: 12 }),
	fc.integer({ min: -5, max: 100 }),
	fc.boolean(),
	fc.constant({ date: '2026-12-01' }),
	fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }),
	duration,
);
const list = (values: string[]) =>
	or(fc.array(or(fc.constantFrom(...values)), { minLength: 0, maxLength: 3 }));

const leaf = fc.oneof(
	fc.record({ status: list(['allowed', 'ask', 'blocked', 'suspended', 'gone']) }),
	fc.record({ browser: list(['firefox', 'chrome', 'safari']) }),
	fc.record({ os: list(['linux', 'android']) }),
	fc.record({ locale: list(['de', 'en-US', 'pt']) }),
	fc.record({ timezone: list(['Europe/Berlin', 'UTC']) }),
	fc.record({ category: list(['sale', 'news']) }),
	fc.record({ createdAt: or(timeCondition) }),
	fc.record({ lastSeenAt: or(timeCondition) }),
	fc.record({
		lastUrl: or(
			fc.oneof(
				fc.record({ eq: or(fc.webUrl()) }),
				fc.record({ startsWith: or(fc.constant('https://')) }),
				fc.record({ contains: or(fc.constant('%_')) }),
			),
		),
	}),
	fc.record({ identified: or(fc.boolean()) }),
	fc.record({ hasDevice: or(fc.boolean()) }),
	fc.record({ test: or(fc.boolean()) }),
	fc.record({ segment: or(fc.constantFrom('seg_missing', 'seg_')) }),
	fc.record(
		{
			attribute: or(fc.constantFrom('plan', 'seats', 'vip', 'trial_ends', 'nope')),
			op: or(
				fc.constantFrom(
					'eq',
					'ne',
					'gt',
					'gte',
					'lt',
					'lte',
					'exists',
					'contains',
					'in',
					'within',
					'withinNext',
					'before',
					'after',
				),
			),
			value: scalar,
		},
		{ requiredKeys: ['attribute', 'op'] },
	),
	fc.record(
		{
			event: or(fc.constantFrom('purchase', 'added_to_cart')),
			count: or(
				fc.record({
					op: or(fc.constantFrom('eq', 'gte', 'lt')),
					value: or(fc.integer({ min: -1, max: 20 })),
				}),
			),
			within: duration,
			where: or(
				fc.array(
					fc.record(
						{
							property: or(fc.constantFrom('price', 'sku', '"quoted"', 'a.b')),
							op: or(fc.constantFrom('eq', 'ne', 'gt', 'contains', 'exists', 'in')),
							value: scalar,
						},
						{ requiredKeys: ['property', 'op'] },
					),
					{ maxLength: 3 },
				),
			),
		},
		{ requiredKeys: ['event'] },
	),
);

const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
	tree: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		leaf,
		fc.record({ all: fc.array(tie('tree'), { maxLength: 4 }) }),
		fc.record({ any: fc.array(tie('tree'), { maxLength: 4 }) }),
		fc.record({ not: tie('tree') }),
	),
}));

/** Trees of valid leaves only, so most cases compile and run their SQL. */
const validLeaf = fc.oneof(
	fc.record({ status: fc.constant(['allowed']) }),
	fc.record({
		attribute: fc.constant('seats'),
		op: fc.constantFrom('gt', 'lte'),
		value: fc.integer({ min: 0, max: 5 }),
	}),
	fc.record({
		attribute: fc.constant('trial_ends'),
		op: fc.constantFrom('within', 'withinNext'),
		value: fc.constantFrom('7d', '90d'),
	}),
	fc.record({
		event: fc.constant('purchase'),
		within: fc.constant('30d'),
		where: fc.constant([{ property: 'price', op: 'gte', value: 10 }]),
	}),
	fc.record({ lastUrl: fc.record({ contains: fc.string({ minLength: 1, maxLength: 5 }) }) }),
);
const validTree = fc.oneof(
	validLeaf,
	fc.record({ any: fc.array(validLeaf, { minLength: 1, maxLength: 3 }) }),
	fc.record({ not: validLeaf }),
);

describe('audience routes under generated input', () => {
	it(
		'POST /v1/sites/:siteId/segments',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: siteId().map((id) => `/v1/sites/${id}/segments`),
						headers: adminHeaders(),
						body: bodyBytes({
							fields: fieldsObject({
								name: maybe(fc.string({ minLength: 1, maxLength: 30 })),
								description: maybe(fc.string({ maxLength: 30 })),
								filter: tree,
							}),
							valid: fc.record({ name: fc.uuid(), filter: validTree }),
							limit: 64 * 1024,
						}),
					}),
				),
				{ method: 'POST', fields: ['name', 'description', 'filter'] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'POST /v1/sites/:siteId/audience/estimate',
		async () => {
			const audience = fc.oneof(
				fc.record({ filter: tree }),
				fc.record({ all: fc.constant(true), exclude: tree }),
				fc.record({ segment: or(fc.constant('seg_missing')) }),
				fc.record({ test: or(fc.constant(true)) }),
				fc.record({ subscriberIds: fc.constant(world.subscriberIds), exclude: tree }),
			);
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: siteId().map((id) => `/v1/sites/${id}/audience/estimate`),
						headers: adminHeaders(),
						body: bodyBytes({
							fields: fieldsObject({ audience: maybe(audience) }),
							valid: fc.record({
								audience: fc.oneof(
									fc.record({ filter: validTree }),
									fc.record({ all: fc.constant(true), exclude: validTree }),
								),
							}),
							limit: 1_048_576,
						}),
					}),
				),
				{ method: 'POST', fields: ['audience'] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'PATCH /v1/sites/:siteId/subscribers/:id with a token',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('PATCH'),
						path: fc
							.tuple(siteId(), pathId(world.subscriberIds, world.otherSubscriberIds))
							.map(([site, id]) => `/v1/sites/${site}/subscribers/${id}`),
						headers: adminHeaders(),
						body: bodyBytes({
							fields: fieldsObject({ test: maybe(fc.boolean()) }),
							valid: fc.record({ test: fc.boolean() }),
							limit: 4096,
						}),
					}),
				),
				{ method: 'PATCH', fields: ['test', 'categories'] },
			);
		},
		ROUTE_TIMEOUT_MS,
	);
});
