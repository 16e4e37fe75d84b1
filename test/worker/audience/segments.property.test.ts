import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type {
	AttributeLeaf,
	Audience,
	AudienceEstimate,
	Duration,
	EventLeaf,
	Filter,
	PropertyCondition,
	TimeCondition,
} from '../../../worker/src/wire';
import { call, createSite, json, type TestSite } from '../helpers';
import {
	clearData,
	estimate,
	evaluate,
	eventDaysOf,
	HOUR,
	MINUTE,
	type RawEvent,
	type RefData,
	type RefSubscriber,
	type RefUser,
	type Scalar,
	seedData,
} from './reference';

// Random stores × random filters (every leaf kind but `segment`, depth ≤ 4): the members GET …/subscribers?filter=
// pages through, and the audience estimate, equal the reference evaluator's (reference.ts, written from
// docs/SEGMENTS.md). Every generated time sits 30 minutes off the whole hours from NOW, and every window the
// filters make is a whole number of hours from now, so the few milliseconds between the test's clock and the
// worker's never decide a case.

/** Fixed so runs are reproducible; `VITE_FUZZ_SEED=<n>` overrides it (as in test/worker/fuzz). */
const SEED = Number((import.meta as { env?: Record<string, string> }).env?.VITE_FUZZ_SEED ?? 20_260_801);
const RUNS = 120;
const EVENT_RUNS = 80;

const NOW = Date.now();
const OFF = 30 * MINUTE;
const iso = (t: number) => new Date(t).toISOString();
/** A past time: `h` whole hours and 30 minutes before NOW. */
const ago = (h: number) => NOW - h * HOUR - OFF;

const STATUSES = ['ask', 'allowed', 'blocked', 'unsupported', 'suspended'] as const;
const BROWSERS = ['chrome', 'edge', 'firefox', 'safari', 'opera', 'samsung', 'other'];
const OSES = ['android', 'ios', 'windows', 'macos', 'chromeos', 'linux', 'other'];
const CATEGORIES = ['sale', 'news', 'tech'];
const TIMEZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC'];
const STORED_LOCALES = [null, 'de', 'de-AT', 'DE-ch', 'dex', 'pt-BR', 'pt', 'en-US', 'en'];
const FILTER_LOCALES = ['de', 'de-AT', 'pt', 'PT-br', 'en', 'en-us', 'fr'];
const URLS = [
	null,
	'https://shop.example/sale',
	'https://shop.example/sale/shoes',
	'https://shop.example/Sale/x',
	'https://shop.example/a_b%c',
	'https://shop.example/axb',
	'http://shop.example/',
];
const URL_TEXTS = [
	'https://shop.example/sale',
	'https://shop.example/',
	'sale',
	'Sale',
	'a_b',
	'%',
	'x',
	'/',
];
const USER_IDS = ['u1', 'u2', 'u3', 'u4', 'u5'];
const DURATIONS: Duration[] = [
	'1d',
	'2d',
	'3d',
	'7d',
	'14d',
	'30d',
	'45d',
	'6h',
	'12h',
	'36h',
	'120m',
	'1440m',
];
/** Hour offsets of date attribute values (from NOW, plus 30 minutes): comparisons reuse them exactly. */
const DATE_HOURS = [-1000, -200, -49, -25, -3, -1, 0, 2, 30, 100, 500];
const dateAt = (h: number) => NOW + h * HOUR + OFF;

// ---- The store ------------------------------------------------------------------------------------------------

const propsArb = fc.option(
	fc.record(
		{
			price: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom('5', '20')),
			kind: fc.constantFrom('a', 'b', 'Sale', 'sale'),
			flag: fc.oneof(fc.boolean(), fc.constantFrom(0, 1)),
		},
		{ requiredKeys: [] },
	),
	{ nil: undefined },
);

/** Some occurrences of one event, spread over a few hours from `h` hours ago (maybe across a UTC midnight). */
const clusterArb = fc.record({
	name: fc.constantFrom('purchase', 'view'),
	h: fc.oneof(
		{ arbitrary: fc.integer({ min: 0, max: 48 }), weight: 2 },
		{ arbitrary: fc.integer({ min: 0, max: 10 * 24 }), weight: 2 },
		{ arbitrary: fc.integer({ min: 0, max: 40 * 24 }), weight: 1 },
	),
	count: fc.oneof(
		{ arbitrary: fc.integer({ min: 1, max: 3 }), weight: 4 },
		{ arbitrary: fc.integer({ min: 9, max: 14 }), weight: 1 },
	),
	props: fc.array(propsArb, { minLength: 1, maxLength: 3 }),
});
type Cluster = typeof clusterArb extends fc.Arbitrary<infer T> ? T : never;

const subscriberArb = fc.record({
	status: fc.constantFrom(...STATUSES),
	browser: fc.constantFrom(...BROWSERS),
	os: fc.constantFrom(...OSES),
	categories: fc.subarray(CATEGORIES),
	user: fc.option(fc.constantFrom(...USER_IDS, 'ghost'), { nil: null, freq: 2 }),
	timezone: fc.constantFrom(null, ...TIMEZONES),
	locale: fc.constantFrom(...STORED_LOCALES),
	lastUrl: fc.constantFrom(...URLS),
	createdH: fc.integer({ min: 0, max: 1200 }),
	seenH: fc.integer({ min: 0, max: 1200 }),
	test: fc.boolean(),
	events: fc.array(clusterArb, { maxLength: 3 }),
});

const userArb = fc.option(
	fc.record({
		attributes: fc.record(
			{
				plan: fc.constantFrom('pro', 'free', 'Pro team', 'basic'),
				seats: fc.integer({ min: 0, max: 12 }),
				vip: fc.boolean(),
				renews: fc.constantFrom(...DATE_HOURS),
				signup: fc.constantFrom(...DATE_HOURS),
			},
			{ requiredKeys: [] },
		),
		events: fc.array(clusterArb, { maxLength: 2 }),
	}),
	{ nil: null, freq: 4 },
);

const worldArb = fc.record({
	subscribers: fc.array(subscriberArb, { minLength: 20, maxLength: 60 }),
	users: fc.tuple(...USER_IDS.map(() => userArb)),
	/** Events of a user id some subscribers name but who has no profile row. */
	ghostEvents: fc.array(clusterArb, { maxLength: 1 }),
});
type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function occurrencesOf(subject: string, clusters: Cluster[]): RawEvent[] {
	return clusters.flatMap((c) =>
		Array.from({ length: c.count }, (_, i) => {
			const e: RawEvent = { subject, name: c.name, t: ago(c.h + Math.floor(i / 4)) - i * 1000 };
			const p = c.props[i % c.props.length];
			if (p !== undefined) e.p = p as Record<string, Scalar>;
			return e;
		}),
	);
}

const sid = (i: number) => `sub_p${String(i).padStart(19, '0')}`;

/** The generated world as store rows. */
function build(w: World): RefData {
	const subscribers: RefSubscriber[] = w.subscribers.map((g, i) => ({
		id: sid(i),
		status: g.status,
		browser: g.browser,
		os: g.os,
		categories: g.categories,
		externalUserId: g.user,
		timezone: g.timezone,
		locale: g.locale,
		lastUrl: g.lastUrl,
		lastSeenAt: ago(g.seenH),
		createdAt: ago(g.createdH),
		test: g.test,
	}));
	const users: RefUser[] = [];
	const raw: RawEvent[] = [];
	w.subscribers.forEach((g, i) => {
		raw.push(...occurrencesOf(`s:${sid(i)}`, g.events));
	});
	w.users.forEach((u, i) => {
		const id = USER_IDS[i] as string;
		if (u === null) return;
		const attributes: Record<string, Scalar> = { ...u.attributes };
		if (u.attributes.renews !== undefined) attributes.renews = dateAt(u.attributes.renews);
		if (u.attributes.signup !== undefined) attributes.signup = dateAt(u.attributes.signup);
		users.push({ id, attributes });
		raw.push(...occurrencesOf(`u:${id}`, u.events));
	});
	raw.push(...occurrencesOf('u:ghost', w.ghostEvents));
	return {
		subscribers,
		users,
		attributeDefs: {
			plan: 'string',
			seats: 'number',
			vip: 'boolean',
			renews: 'date',
			signup: 'date',
			nickname: 'string',
		},
		eventDays: eventDaysOf(raw),
	};
}

// ---- The filters ----------------------------------------------------------------------------------------------

const list = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1 });
const duration = fc.constantFrom(...DURATIONS);

const timeArb: fc.Arbitrary<TimeCondition> = fc.oneof(
	duration.map((within) => ({ within })),
	duration.map((notWithin) => ({ notWithin })),
	fc.integer({ min: 0, max: 1200 }).map((h) => ({ before: iso(ago(h)) })),
	fc.integer({ min: 0, max: 1200 }).map((h) => ({ after: iso(ago(h)) })),
);

const dateValue = fc.constantFrom(...DATE_HOURS).map((h) => ({ date: iso(dateAt(h)) }));
const dateAttr = fc.constantFrom('renews', 'signup');

const attributeArb: fc.Arbitrary<AttributeLeaf> = fc.oneof(
	fc
		.constantFrom('plan', 'seats', 'vip', 'renews', 'signup', 'nickname')
		.map((attribute) => ({ attribute, op: 'exists' as const })),
	fc.record({
		attribute: fc.constantFrom('plan', 'nickname'),
		op: fc.constantFrom('eq' as const, 'ne' as const, 'contains' as const),
		value: fc.constantFrom('pro', 'free', 'Pro', 'ro', 'basic', 'Pro team'),
	}),
	fc.record({
		attribute: fc.constant('plan'),
		op: fc.constant('in' as const),
		value: list(['pro', 'free', 'Pro team', 'x']),
	}),
	fc.record({
		attribute: fc.constant('seats'),
		op: fc.constantFrom(
			'eq' as const,
			'ne' as const,
			'gt' as const,
			'gte' as const,
			'lt' as const,
			'lte' as const,
		),
		value: fc.integer({ min: 0, max: 12 }),
	}),
	fc.record({
		attribute: fc.constant('seats'),
		op: fc.constant('in' as const),
		value: list([0, 1, 5, 10, 12]),
	}),
	fc.record({
		attribute: fc.constant('vip'),
		op: fc.constantFrom('eq' as const, 'ne' as const),
		value: fc.boolean(),
	}),
	fc.record({
		attribute: dateAttr,
		op: fc.constantFrom(
			'eq' as const,
			'ne' as const,
			'gt' as const,
			'gte' as const,
			'lt' as const,
			'lte' as const,
			'before' as const,
			'after' as const,
		),
		value: dateValue,
	}),
	fc.record({
		attribute: dateAttr,
		op: fc.constantFrom('within' as const, 'withinNext' as const),
		value: duration,
	}),
);

const conditionArb: fc.Arbitrary<PropertyCondition> = fc.oneof(
	fc
		.constantFrom('price', 'kind', 'flag', 'missing')
		.map((property) => ({ property, op: 'exists' as const })),
	fc.record({
		property: fc.constantFrom('price', 'kind', 'flag'),
		op: fc.constantFrom('eq' as const, 'ne' as const),
		value: fc.constantFrom<string | number | boolean>(5, 20, '20', 'a', 'Sale', true, false, 1),
	}),
	fc.record({
		property: fc.constantFrom('price', 'flag'),
		op: fc.constantFrom('gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
		value: fc.integer({ min: 0, max: 30 }),
	}),
	fc.record({
		property: fc.constantFrom('kind', 'price'),
		op: fc.constant('contains' as const),
		value: fc.constantFrom('a', 'Sa', 'al', '2'),
	}),
	fc.record({
		property: fc.constantFrom('price', 'kind'),
		op: fc.constant('in' as const),
		value: list<string | number>([5, '20', 20, 'a', 'sale']),
	}),
);

const countOps = fc.constantFrom('eq' as const, 'gt' as const, 'gte' as const, 'lt' as const, 'lte' as const);
const eventArb: fc.Arbitrary<EventLeaf> = fc
	.record({
		event: fc.constantFrom('purchase', 'purchase', 'purchase', 'view', 'view', 'never'),
		count: fc.option(
			fc.oneof(
				{
					arbitrary: fc.record({ op: fc.constant('gte' as const), value: fc.integer({ min: 1, max: 4 }) }),
					weight: 3,
				},
				{ arbitrary: fc.record({ op: countOps, value: fc.integer({ min: 0, max: 4 }) }), weight: 2 },
				{ arbitrary: fc.record({ op: countOps, value: fc.integer({ min: 9, max: 16 }) }), weight: 1 },
			),
			{ nil: undefined, freq: 3 },
		),
		within: fc.option(duration, { nil: undefined, freq: 4 }),
		where: fc.oneof(
			{ arbitrary: fc.constant(undefined), weight: 3 },
			{ arbitrary: fc.array(conditionArb, { minLength: 1, maxLength: 2 }), weight: 2 },
		),
	})
	.map(({ event, count, within, where }) => {
		const leaf: EventLeaf = { event };
		if (count !== undefined) leaf.count = count;
		if (within !== undefined) leaf.within = within;
		if (where !== undefined) leaf.where = where;
		return leaf;
	});

const leafArb: fc.Arbitrary<Filter> = fc.oneof(
	list(STATUSES).map((status) => ({ status })),
	list(BROWSERS).map((browser) => ({ browser })),
	list(OSES).map((os) => ({ os })),
	list(FILTER_LOCALES).map((locale) => ({ locale })),
	list(TIMEZONES).map((timezone) => ({ timezone })),
	list([...CATEGORIES, 'none']).map((category) => ({ category })),
	timeArb.map((createdAt) => ({ createdAt })),
	timeArb.map((lastSeenAt) => ({ lastSeenAt })),
	fc
		.tuple(fc.constantFrom('eq', 'startsWith', 'contains'), fc.constantFrom(...URL_TEXTS))
		.map(([op, text]) => ({ lastUrl: { [op]: text } }) as Filter),
	fc.boolean().map((identified) => ({ identified })),
	fc.boolean().map((hasDevice) => ({ hasDevice })),
	fc.boolean().map((test) => ({ test })),
	attributeArb,
	attributeArb,
	eventArb,
	eventArb,
	eventArb,
	eventArb,
	eventArb,
);

/** A filter whose leaves are at most `depth` deep (≤ 3 children per combinator: at most 40 nodes at depth 4). */
function filterArb(depth: number): fc.Arbitrary<Filter> {
	if (depth <= 1) return leafArb;
	const child = filterArb(depth - 1);
	return fc.oneof(
		{ arbitrary: leafArb, weight: 3 },
		{ arbitrary: fc.array(child, { minLength: 1, maxLength: 3 }).map((all) => ({ all })), weight: 1 },
		{ arbitrary: fc.array(child, { minLength: 1, maxLength: 3 }).map((any) => ({ any })), weight: 1 },
		{ arbitrary: child.map((f) => ({ not: f })), weight: 1 },
	);
}

// ---- The property ---------------------------------------------------------------------------------------------

async function members(site: TestSite, filter: Filter): Promise<string[]> {
	const found: string[] = [];
	let cursor: string | null = null;
	for (let page = 0; page < 20; page++) {
		const query = `filter=${encodeURIComponent(JSON.stringify(filter))}&limit=16${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
		const response = await call(`/v1/sites/${site.siteId}/subscribers?${query}`, { key: site.apiKey });
		if (response.status !== 200) throw new Error(`list: ${response.status} ${await response.text()}`);
		const body = await json<{ subscribers: Array<{ subscriberId: string }>; nextCursor: string | null }>(
			response,
		);
		found.push(...body.subscribers.map((s) => s.subscriberId));
		cursor = body.nextCursor;
		if (!cursor) break;
	}
	return found.sort();
}

async function estimateOf(site: TestSite, audience: Audience): Promise<AudienceEstimate> {
	const response = await call(`/v1/sites/${site.siteId}/audience/estimate`, {
		method: 'POST',
		key: site.apiKey,
		body: JSON.stringify({ audience }),
	});
	if (response.status !== 200) throw new Error(`estimate: ${response.status} ${await response.text()}`);
	const e = await json<AudienceEstimate>(response);
	return {
		count: e.count,
		reachable: e.reachable,
		byBrowser: Object.fromEntries(Object.entries(e.byBrowser).filter(([, n]) => n !== 0)),
	};
}

/** The estimate's audience besides `{filter}` (null): the other kinds of the spec but `{all: true}` and `{segment}`. */
const otherAudienceArb: fc.Arbitrary<Audience | null> = fc.oneof(
	{ arbitrary: fc.constant(null), weight: 4 },
	{ arbitrary: list(CATEGORIES).map((categories) => ({ categories })), weight: 1 },
	{ arbitrary: list([...USER_IDS, 'ghost', 'nobody']).map((userIds) => ({ userIds })), weight: 1 },
	{
		arbitrary: fc
			.subarray(
				Array.from({ length: 70 }, (_, i) => sid(i)),
				{ minLength: 1, maxLength: 70 },
			)
			.map((subscriberIds) => ({ subscriberIds })),
		weight: 1,
	},
	{ arbitrary: fc.constant({ test: true as const }), weight: 1 },
);

/** Filters made of event leaves only (depth ≤ 3): the counting rule under random data. */
const eventFilterArb: fc.Arbitrary<Filter> = fc.oneof(
	{ arbitrary: eventArb, weight: 3 },
	{ arbitrary: eventArb.map((f) => ({ not: f })), weight: 1 },
	{ arbitrary: fc.array(eventArb, { minLength: 2, maxLength: 3 }).map((all) => ({ all })), weight: 1 },
	{
		arbitrary: fc
			.array(
				fc.oneof(
					eventArb,
					eventArb.map((f) => ({ not: f })),
				),
				{ minLength: 2, maxLength: 3 },
			)
			.map((any) => ({ any })),
		weight: 1,
	},
);

describe('segment filters against the reference evaluator', () => {
	let site: TestSite;
	beforeAll(async () => {
		site = await createSite();
	});

	/** Runs the property; answers how many runs selected some but not all subscribers (not vacuous). */
	async function check(filters: fc.Arbitrary<Filter>, runs: number): Promise<number> {
		let mixed = 0;
		await fc.assert(
			fc.asyncProperty(
				worldArb,
				filters,
				fc.option(filterArb(2), { nil: undefined }),
				otherAudienceArb,
				async (world, filter, exclude, other) => {
					const data = build(world);
					await clearData(site.siteId);
					await seedData(site.siteId, data);
					const expected = [...evaluate(filter, data, NOW)].sort();
					if (expected.length > 0 && expected.length < data.subscribers.length) mixed++;
					expect(await members(site, filter)).toEqual(expected);
					const base: Audience = other ?? { filter };
					const audience: Audience = exclude === undefined ? base : { ...base, exclude };
					expect(await estimateOf(site, audience)).toEqual(estimate(audience, data, NOW));
				},
			),
			{ seed: SEED, numRuns: runs, interruptAfterTimeLimit: 100_000, markInterruptAsFailure: true },
		);
		return mixed;
	}

	it('GET …/subscribers?filter= and the estimate select what the reference selects', async () => {
		const mixed = await check(filterArb(4), RUNS);
		expect(mixed, 'runs whose filter selected some but not all').toBeGreaterThan(RUNS / 3);
	}, 120_000);

	it('the same for filters of event leaves only', async () => {
		const mixed = await check(eventFilterArb, EVENT_RUNS);
		expect(mixed, 'runs whose filter selected some but not all').toBeGreaterThan(EVENT_RUNS / 3);
	}, 120_000);
});
