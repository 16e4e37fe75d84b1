import { beforeAll, describe, expect, it } from 'vitest';
import type { Audience, AudienceEstimate, Filter, SegmentView } from '../../../worker/src/wire';
import {
	call,
	createSite,
	json,
	makeSubscription,
	seedSubscribers,
	storeRowCounts,
	storeSql,
	subscribe,
	type TestSite,
} from '../helpers';
import {
	DAY,
	dayOf,
	estimate,
	evaluate,
	eventDaysOf,
	HOUR,
	MINUTE,
	type RawEvent,
	type RefData,
	type RefSubscriber,
	readData,
	type Segments,
	seedData,
} from './reference';

// Every leaf kind and op of docs/SEGMENTS.md, every combinator, saved segments and audience estimates, each on a
// hand-built dataset whose expected members are written out here AND equal the reference evaluator's; then the
// 400s of invalid filters (path first, nothing written).

const NOW = Date.now();
const iso = (t: number) => new Date(t).toISOString();

/** A subscriber id of the shape the API gives (`sub_` + 20 characters) that still reads as its label. */
const sid = (label: string) => `sub_${label.padEnd(20, '0')}`;
const ids = (...labels: string[]) => labels.map(sid).sort();

/** The members of a filter as GET …/subscribers?filter= pages them (limit 200), sorted. */
async function members(site: TestSite, filter: Filter | string, param = 'filter'): Promise<string[]> {
	const found: string[] = [];
	let cursor: string | null = null;
	const value = typeof filter === 'string' ? filter : JSON.stringify(filter);
	for (let page = 0; page < 50; page++) {
		const query = `${param}=${encodeURIComponent(value)}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
		const response = await call(`/v1/sites/${site.siteId}/subscribers?${query}`, { key: site.apiKey });
		if (response.status !== 200) {
			throw new Error(`list ${value}: ${response.status} ${await response.text()}`);
		}
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
	return json<AudienceEstimate>(response);
}

/** Drops zero entries (an implementation may list browsers with none reachable). */
function normalised(e: AudienceEstimate): AudienceEstimate {
	return {
		count: e.count,
		reachable: e.reachable,
		byBrowser: Object.fromEntries(Object.entries(e.byBrowser).filter(([, n]) => n !== 0)),
	};
}

async function createSegment(site: TestSite, name: string, filter: Filter): Promise<SegmentView> {
	const response = await call(`/v1/sites/${site.siteId}/segments`, {
		method: 'POST',
		key: site.apiKey,
		body: JSON.stringify({ name, filter }),
	});
	if (response.status !== 201)
		throw new Error(`segment ${name}: ${response.status} ${await response.text()}`);
	return json<SegmentView>(response);
}

async function errorOf(response: Response): Promise<{ status: number; message: string }> {
	const status = response.status;
	const body = await json<{ error?: { message?: string } }>(response);
	return { status, message: body.error?.message ?? JSON.stringify(body) };
}

function listRaw(site: TestSite, filter: unknown): Promise<Response> {
	const text = typeof filter === 'string' ? filter : JSON.stringify(filter);
	return call(`/v1/sites/${site.siteId}/subscribers?filter=${encodeURIComponent(text)}&limit=200`, {
		key: site.apiKey,
	});
}

function subscriber(label: string, fields: Partial<RefSubscriber>): RefSubscriber {
	return {
		id: sid(label),
		status: 'allowed',
		browser: 'firefox',
		os: 'linux',
		categories: [],
		externalUserId: null,
		timezone: null,
		locale: null,
		lastUrl: null,
		lastSeenAt: NOW - HOUR,
		createdAt: NOW - DAY,
		test: false,
		...fields,
	};
}

// ---- The profile dataset: every subscriber and attribute leaf ----------------------------------------------

const RENEWS_ALICE = NOW + 5 * DAY;
const RENEWS_BOB = NOW - 3 * DAY;

const PROFILES: RefData = {
	subscribers: [
		subscriber('s1', {
			browser: 'firefox',
			os: 'linux',
			categories: ['sale'],
			externalUserId: 'alice',
			timezone: 'Europe/Berlin',
			locale: 'de-AT',
			lastUrl: 'https://shop.example/sale/shoes',
			createdAt: NOW - 40 * DAY,
			lastSeenAt: NOW - 60 * MINUTE,
			test: true,
		}),
		subscriber('s2', {
			browser: 'chrome',
			os: 'android',
			categories: ['news', 'sale'],
			externalUserId: 'alice',
			timezone: 'Europe/Berlin',
			locale: 'de',
			lastUrl: 'https://shop.example/news',
			createdAt: NOW - 10 * DAY,
			lastSeenAt: NOW - 2 * DAY,
		}),
		subscriber('s3', {
			status: 'blocked',
			browser: 'chrome',
			os: 'windows',
			externalUserId: 'bob',
			timezone: 'America/New_York',
			locale: 'en-US',
			lastUrl: 'https://shop.example/Sale/hats',
			createdAt: NOW - 5 * DAY,
			lastSeenAt: NOW - 5 * DAY,
		}),
		subscriber('s4', {
			status: 'ask',
			browser: 'safari',
			os: 'macos',
			createdAt: NOW - 150 * MINUTE,
			lastSeenAt: NOW - 150 * MINUTE,
		}),
		subscriber('s5', {
			browser: 'safari',
			os: 'ios',
			categories: ['news'],
			timezone: 'Asia/Tokyo',
			locale: 'DE-ch',
			lastUrl: 'https://shop.example/a_b%c',
			createdAt: NOW - 60 * DAY,
			lastSeenAt: NOW - 31 * DAY,
		}),
		subscriber('s6', {
			status: 'suspended',
			browser: 'edge',
			os: 'windows',
			categories: ['sale'],
			externalUserId: 'bob',
			timezone: 'Europe/Berlin',
			locale: 'pt-BR',
			lastUrl: 'https://shop.example/axb',
			createdAt: NOW - 20 * DAY,
			lastSeenAt: NOW - 20 * DAY,
		}),
		subscriber('s7', {
			status: 'unsupported',
			browser: 'samsung',
			os: 'android',
			externalUserId: 'carol',
			locale: 'pt',
			lastUrl: 'https://shop.example/sale',
			createdAt: NOW - 3 * DAY,
			lastSeenAt: NOW - 3 * DAY,
		}),
		subscriber('s8', {
			browser: 'opera',
			os: 'windows',
			categories: ['tech'],
			externalUserId: 'dave',
			timezone: 'Europe/Paris',
			locale: 'dex',
			lastUrl: 'https://shop.example/SALE/x',
			createdAt: NOW - DAY,
			lastSeenAt: NOW - 50 * MINUTE,
			test: true,
		}),
		subscriber('s9', {
			status: 'blocked',
			browser: 'other',
			os: 'other',
			categories: ['tech'],
			externalUserId: 'erin',
			timezone: 'UTC',
			locale: 'en',
			lastUrl: 'http://shop.example/sale',
			createdAt: NOW - 8 * DAY,
			lastSeenAt: NOW - 8 * DAY,
		}),
	],
	users: [
		{
			id: 'alice',
			attributes: { plan: 'pro', seats: 5, vip: true, renews: RENEWS_ALICE, signup: NOW - 100 * DAY },
		},
		{ id: 'bob', attributes: { plan: 'free', seats: 1, vip: false, renews: RENEWS_BOB } },
		{ id: 'carol', attributes: { plan: 'Pro team', seats: 10, signup: NOW - 2 * DAY } },
		{ id: 'erin', attributes: {} },
		// dave (s8) signed in but has no profile row.
	],
	attributeDefs: {
		plan: 'string',
		seats: 'number',
		vip: 'boolean',
		renews: 'date',
		signup: 'date',
		nickname: 'string',
	},
	eventDays: [],
};

const ALL_PROFILES = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9'];
const except = (...labels: string[]) => ALL_PROFILES.filter((l) => !labels.includes(l));

const PROFILE_CASES: Array<[string, Filter, string[]]> = [
	// subscriber leaves
	['status', { status: ['blocked', 'suspended'] }, ['s3', 's6', 's9']],
	['status ask/unsupported', { status: ['ask', 'unsupported'] }, ['s4', 's7']],
	['browser', { browser: ['safari', 'opera'] }, ['s4', 's5', 's8']],
	['os', { os: ['windows'] }, ['s3', 's6', 's8']],
	['locale: a language matches its regions, case-insensitive', { locale: ['de'] }, ['s1', 's2', 's5']],
	['locale: a region, other case', { locale: ['PT-br'] }, ['s6']],
	['locale: pt matches pt and pt-BR, not other languages', { locale: ['pt'] }, ['s6', 's7']],
	['locale: a region in other case, and a language', { locale: ['de-at', 'en'] }, ['s1', 's3', 's9']],
	['locale: a region matches only that region', { locale: ['en-US'] }, ['s3']],
	['timezone', { timezone: ['Europe/Berlin', 'UTC'] }, ['s1', 's2', 's6', 's9']],
	['category (any of)', { category: ['news', 'tech'] }, ['s2', 's5', 's8', 's9']],
	['category none chosen', { category: ['nothing'] }, []],
	['createdAt within 7d', { createdAt: { within: '7d' } }, ['s3', 's4', 's7', 's8']],
	['createdAt notWithin 30d', { createdAt: { notWithin: '30d' } }, ['s1', 's5']],
	['lastSeenAt within 3h', { lastSeenAt: { within: '3h' } }, ['s1', 's4', 's8']],
	['lastSeenAt within 90m', { lastSeenAt: { within: '90m' } }, ['s1', 's8']],
	['lastSeenAt notWithin 90m', { lastSeenAt: { notWithin: '90m' } }, except('s1', 's8')],
	['lastSeenAt before', { lastSeenAt: { before: iso(NOW - 25 * DAY) } }, ['s5']],
	['lastSeenAt after', { lastSeenAt: { after: iso(NOW - 4 * DAY) } }, ['s1', 's2', 's4', 's7', 's8']],
	[
		'createdAt after a date-only day',
		{ createdAt: { after: iso(NOW - 45 * DAY).slice(0, 10) } },
		except('s5'),
	],
	['lastUrl eq', { lastUrl: { eq: 'https://shop.example/sale' } }, ['s7']],
	[
		'lastUrl startsWith is case-sensitive',
		{ lastUrl: { startsWith: 'https://shop.example/sale' } },
		['s1', 's7'],
	],
	['lastUrl contains is case-sensitive', { lastUrl: { contains: 'Sale' } }, ['s3']],
	['lastUrl contains: _ is a character, not a wildcard', { lastUrl: { contains: 'a_b' } }, ['s5']],
	['lastUrl contains: % is a character, not a wildcard', { lastUrl: { contains: '%' } }, ['s5']],
	['lastUrl startsWith: _ is a character', { lastUrl: { startsWith: 'https://shop_example' } }, []],
	['identified', { identified: true }, ['s1', 's2', 's3', 's6', 's7', 's8', 's9']],
	['anonymous', { identified: false }, ['s4', 's5']],
	[
		'hasDevice (the user has an allowed device, or the anonymous browser is allowed)',
		{ hasDevice: true },
		['s1', 's2', 's5', 's8'],
	],
	['hasDevice false', { hasDevice: false }, ['s3', 's4', 's6', 's7', 's9']],
	['test', { test: true }, ['s1', 's8']],
	['not test', { test: false }, except('s1', 's8')],
	// attribute leaves
	['attribute exists', { attribute: 'plan', op: 'exists' }, ['s1', 's2', 's3', 's6', 's7']],
	[
		'no such attribute: not exists (anonymous, no profile, profile without it)',
		{ not: { attribute: 'plan', op: 'exists' } },
		['s4', 's5', 's8', 's9'],
	],
	['an attribute nobody has', { attribute: 'nickname', op: 'exists' }, []],
	['string eq', { attribute: 'plan', op: 'eq', value: 'pro' }, ['s1', 's2']],
	['string ne: set and not equal', { attribute: 'plan', op: 'ne', value: 'pro' }, ['s3', 's6', 's7']],
	[
		'string contains (case-sensitive)',
		{ attribute: 'plan', op: 'contains', value: 'ro' },
		['s1', 's2', 's7'],
	],
	['string contains Pro', { attribute: 'plan', op: 'contains', value: 'Pro' }, ['s7']],
	['string in', { attribute: 'plan', op: 'in', value: ['free', 'Pro team'] }, ['s3', 's6', 's7']],
	['number eq', { attribute: 'seats', op: 'eq', value: 10 }, ['s7']],
	['number ne', { attribute: 'seats', op: 'ne', value: 5 }, ['s3', 's6', 's7']],
	['number gt', { attribute: 'seats', op: 'gt', value: 1 }, ['s1', 's2', 's7']],
	['number gte', { attribute: 'seats', op: 'gte', value: 5 }, ['s1', 's2', 's7']],
	['number lt', { attribute: 'seats', op: 'lt', value: 5 }, ['s3', 's6']],
	['number lte', { attribute: 'seats', op: 'lte', value: 5 }, ['s1', 's2', 's3', 's6']],
	['number in', { attribute: 'seats', op: 'in', value: [1, 10] }, ['s3', 's6', 's7']],
	['boolean eq true', { attribute: 'vip', op: 'eq', value: true }, ['s1', 's2']],
	['boolean eq false', { attribute: 'vip', op: 'eq', value: false }, ['s3', 's6']],
	['boolean ne true', { attribute: 'vip', op: 'ne', value: true }, ['s3', 's6']],
	['date eq', { attribute: 'renews', op: 'eq', value: { date: iso(RENEWS_ALICE) } }, ['s1', 's2']],
	['date ne', { attribute: 'renews', op: 'ne', value: { date: iso(RENEWS_ALICE) } }, ['s3', 's6']],
	[
		'date gt',
		{ attribute: 'renews', op: 'gt', value: { date: iso(NOW - 4 * DAY) } },
		['s1', 's2', 's3', 's6'],
	],
	[
		'date gte',
		{ attribute: 'renews', op: 'gte', value: { date: iso(RENEWS_BOB) } },
		['s1', 's2', 's3', 's6'],
	],
	['date lt', { attribute: 'renews', op: 'lt', value: { date: iso(RENEWS_ALICE) } }, ['s3', 's6']],
	[
		'date lte',
		{ attribute: 'renews', op: 'lte', value: { date: iso(RENEWS_ALICE) } },
		['s1', 's2', 's3', 's6'],
	],
	['date within (past)', { attribute: 'renews', op: 'within', value: '7d' }, ['s3', 's6']],
	['date withinNext (future)', { attribute: 'renews', op: 'withinNext', value: '7d' }, ['s1', 's2']],
	['date withinNext too short', { attribute: 'renews', op: 'withinNext', value: '3d' }, []],
	['date within 30d', { attribute: 'signup', op: 'within', value: '30d' }, ['s7']],
	['date before (strict)', { attribute: 'renews', op: 'before', value: { date: iso(RENEWS_BOB) } }, []],
	['date before', { attribute: 'signup', op: 'before', value: { date: iso(NOW - 50 * DAY) } }, ['s1', 's2']],
	[
		'date after (strict)',
		{ attribute: 'renews', op: 'after', value: { date: iso(RENEWS_BOB) } },
		['s1', 's2'],
	],
	// combinators
	['all', { all: [{ browser: ['chrome', 'safari'] }, { status: ['allowed'] }] }, ['s2', 's5']],
	['any', { any: [{ os: ['ios'] }, { category: ['tech'] }] }, ['s5', 's8', 's9']],
	[
		'not keeps rows whose field is missing (NULL)',
		{ not: { locale: ['de'] } },
		['s3', 's4', 's6', 's7', 's8', 's9'],
	],
	['not of lastUrl keeps NULL lastUrl', { not: { lastUrl: { contains: 'shop' } } }, ['s4']],
	[
		'not of timezone keeps NULL timezone',
		{ not: { timezone: ['Europe/Berlin'] } },
		['s3', 's4', 's5', 's7', 's8', 's9'],
	],
	[
		'not of an attribute comparison keeps the anonymous',
		{ not: { attribute: 'seats', op: 'gt', value: 1 } },
		['s3', 's4', 's5', 's6', 's8', 's9'],
	],
	[
		'nested',
		{
			any: [{ all: [{ identified: true }, { not: { hasDevice: true } }] }, { lastUrl: { contains: '%' } }],
		},
		['s3', 's5', 's6', 's7', 's9'],
	],
	[
		'deeper nesting',
		{
			all: [
				{ not: { any: [{ status: ['blocked'] }, { browser: ['opera'] }] } },
				{
					any: [
						{ all: [{ category: ['sale'] }, { not: { test: true } }] },
						{ createdAt: { notWithin: '50d' } },
					],
				},
			],
		},
		['s2', 's5', 's6'],
	],
	[
		'depth 6 is allowed',
		{ not: { not: { not: { not: { not: { status: ['allowed'] } } } } } },
		['s3', 's4', 's6', 's7', 's9'],
	],
];

describe('filter leaves on subscribers and user attributes', () => {
	let site: TestSite;
	beforeAll(async () => {
		site = await createSite();
		await seedData(site.siteId, PROFILES);
	});

	it.each(PROFILE_CASES)('%s', async (_title, filter, expected) => {
		const reference = [...evaluate(filter, PROFILES, NOW)].sort();
		expect(reference, 'reference vs the expectation written here').toEqual(ids(...expected));
		expect(await members(site, filter)).toEqual(ids(...expected));
	});

	it('accepts 50 nodes (combinators included)', async () => {
		const leaves = (n: number) => Array.from({ length: n }, () => ({ test: false }) as Filter);
		const fifty: Filter = { all: [{ any: leaves(20) }, { any: leaves(20) }, { any: leaves(6) }] };
		expect(await members(site, fifty)).toEqual(ids(...except('s1', 's8')));
	});

	it('saved segments: used by reference, nested, edited later, listed by ?segment=', async () => {
		const chrome = await createSegment(site, 'Chrome', { browser: ['chrome'] });
		expect(chrome.segmentId).toMatch(/^seg_/);
		expect(chrome.filter).toEqual({ browser: ['chrome'] });
		const allowedChrome = await createSegment(site, 'Allowed chrome', {
			all: [{ segment: chrome.segmentId }, { status: ['allowed'] }],
		});
		const segments: Segments = {
			[chrome.segmentId]: chrome.filter,
			[allowedChrome.segmentId]: allowedChrome.filter,
		};
		const cases: Array<[Filter, string[]]> = [
			[{ segment: chrome.segmentId }, ['s2', 's3']],
			[{ any: [{ segment: chrome.segmentId }, { test: true }] }, ['s1', 's2', 's3', 's8']],
			[{ segment: allowedChrome.segmentId }, ['s2']],
			[{ not: { segment: allowedChrome.segmentId } }, except('s2')],
		];
		for (const [filter, expected] of cases) {
			expect([...evaluate(filter, PROFILES, NOW, segments)].sort()).toEqual(ids(...expected));
			expect(await members(site, filter), JSON.stringify(filter)).toEqual(ids(...expected));
		}
		expect(await members(site, chrome.segmentId, 'segment')).toEqual(ids('s2', 's3'));
		expect(await members(site, allowedChrome.segmentId, 'segment')).toEqual(ids('s2'));

		// Editing a segment changes every filter that references it (compiled when used).
		const patched = await call(`/v1/sites/${site.siteId}/segments/${chrome.segmentId}`, {
			method: 'PATCH',
			key: site.apiKey,
			body: JSON.stringify({ filter: { browser: ['chrome', 'safari'] } }),
		});
		expect(patched.status).toBe(200);
		expect((await json<SegmentView>(patched)).filter).toEqual({ browser: ['chrome', 'safari'] });
		expect(await members(site, { segment: allowedChrome.segmentId })).toEqual(ids('s2', 's5'));

		const got = await call(`/v1/sites/${site.siteId}/segments/${allowedChrome.segmentId}`, {
			key: site.apiKey,
		});
		expect(got.status).toBe(200);
		expect(await json<SegmentView>(got)).toMatchObject({ name: 'Allowed chrome', description: '' });
		const list = await call(`/v1/sites/${site.siteId}/segments`, { key: site.apiKey });
		expect(list.status).toBe(200);
		expect(JSON.stringify(await json(list))).toContain(chrome.segmentId);
	});

	it('audience estimates: count (any state), reachable (allowed) and byBrowser, with exclude', async () => {
		const chrome = await createSegment(site, 'Chrome or Edge', { browser: ['chrome', 'edge'] });
		const segments: Segments = { [chrome.segmentId]: chrome.filter };
		const cases: Array<[Audience, AudienceEstimate]> = [
			[{ filter: { category: ['sale'] } }, { count: 3, reachable: 2, byBrowser: { firefox: 1, chrome: 1 } }],
			[
				{ filter: { category: ['sale', 'news'] }, exclude: { browser: ['chrome'] } },
				{ count: 3, reachable: 2, byBrowser: { firefox: 1, safari: 1 } },
			],
			[{ segment: chrome.segmentId }, { count: 3, reachable: 1, byBrowser: { chrome: 1 } }],
			[
				{ segment: chrome.segmentId, exclude: { status: ['blocked'] } },
				{ count: 2, reachable: 1, byBrowser: { chrome: 1 } },
			],
			[{ test: true }, { count: 2, reachable: 2, byBrowser: { firefox: 1, opera: 1 } }],
			[
				{ test: true, exclude: { browser: ['opera'] } },
				{ count: 1, reachable: 1, byBrowser: { firefox: 1 } },
			],
			[{ userIds: ['bob', 'alice'] }, { count: 4, reachable: 2, byBrowser: { firefox: 1, chrome: 1 } }],
			[
				{ subscriberIds: [sid('s4'), sid('s5'), sid('nobody')] },
				{ count: 2, reachable: 1, byBrowser: { safari: 1 } },
			],
			[{ categories: ['tech'] }, { count: 2, reachable: 1, byBrowser: { opera: 1 } }],
			[{ filter: { category: ['nothing'] } }, { count: 0, reachable: 0, byBrowser: {} }],
		];
		for (const [audience, expected] of cases) {
			expect(estimate(audience, PROFILES, NOW, segments), `reference ${JSON.stringify(audience)}`).toEqual(
				expected,
			);
			expect(normalised(await estimateOf(site, audience)), JSON.stringify(audience)).toEqual(expected);
		}
	});

	it('{all: true} selects every allowed subscriber (count = reachable), also with exclude', async () => {
		// docs/SEGMENTS.md, Audiences: `{"all": true}` is "every allowed subscriber"; AudienceEstimate.count is the
		// subscribers the audience selects. A count that includes ask/blocked/unsupported/suspended rows disagrees.
		const chrome = await createSegment(site, 'All: chrome or edge', { browser: ['chrome', 'edge'] });
		const segments: Segments = { [chrome.segmentId]: chrome.filter };
		const cases: Array<[Audience, AudienceEstimate]> = [
			[{ all: true }, { count: 4, reachable: 4, byBrowser: { firefox: 1, chrome: 1, safari: 1, opera: 1 } }],
			[
				{ all: true, exclude: { segment: chrome.segmentId } },
				{ count: 3, reachable: 3, byBrowser: { firefox: 1, safari: 1, opera: 1 } },
			],
		];
		for (const [audience, expected] of cases) {
			expect(estimate(audience, PROFILES, NOW, segments)).toEqual(expected);
			const got = normalised(await estimateOf(site, audience));
			expect(got.reachable).toBe(expected.reachable);
			expect(got.byBrowser).toEqual(expected.byBrowser);
			expect(got.count, `${JSON.stringify(audience)}: {all: true} selects only allowed subscribers`).toBe(
				expected.count,
			);
		}
	});
});

// ---- The event dataset: the counting rule on the stored form -------------------------------------------------

// A window of 7 days and some hours, chosen so that its start falls between 12:00 and 13:00 UTC: the first day
// holds occurrences hours before and after the start, far from the worker's own `now`.
const TIME_OF_DAY = NOW % DAY;
const SHIFT_H = (((Math.floor((TIME_OF_DAY - 12 * HOUR) / HOUR) % 24) + 24) % 24) as number;
const WINDOW_H = 7 * 24 + SHIFT_H;
const W = `${WINDOW_H}h` as const;
const START = NOW - WINDOW_H * HOUR;
const START_DAY = dayOf(START);
const D0 = START_DAY * DAY;

const at = (base: number, n: number, step = MINUTE) => Array.from({ length: n }, (_, i) => base + i * step);

function occurrences(
	subject: string,
	name: string,
	times: number[],
	p?: (i: number) => Record<string, string | number | boolean>,
): RawEvent[] {
	return times.map((t, i) => (p ? { subject, name, t, p: p(i) } : { subject, name, t }));
}

const s = (label: string) => `s:${sid(label)}`;

const RAW_EVENTS: RawEvent[] = [
	// e1: the first day, first occurrence after the start: counts fully (3).
	...occurrences(s('e1'), 'purchase', at(START + 2 * HOUR, 3)),
	// e2: the first day, 12 occurrences, 6 before the start (the first 2 not kept), 6 after: counts 6 in the window.
	...occurrences(s('e2'), 'purchase', at(START - 3 * HOUR, 6), () => ({ price: 100 })),
	...occurrences(s('e2'), 'purchase', at(START + 2 * HOUR, 6), () => ({ price: 1 })),
	// e3: the first day, 15 occurrences all after the start (5 not kept): counts 15.
	...occurrences(s('e3'), 'purchase', at(START + HOUR, 15)),
	// e4: the day before the window (5) and the day after its first (1).
	...occurrences(s('e4'), 'purchase', at(D0 - DAY + 12 * HOUR, 5)),
	...occurrences(s('e4'), 'purchase', at(D0 + DAY + 10 * HOUR, 1)),
	// e5: 20 occurrences on a later day (10 kept): counts 20.
	...occurrences(s('e5'), 'purchase', at(D0 + 2 * DAY + 12 * HOUR, 20)),
	// e6 and e6b are devices of user ue6: one user event, one event of e6 itself.
	...occurrences('u:ue6', 'purchase', at(D0 + DAY + 10 * HOUR, 1)),
	...occurrences(s('e6'), 'purchase', at(D0 + 2 * DAY + 10 * HOUR, 1)),
	// e7: the first day, all 4 before the start: 0 in the window.
	...occurrences(s('e7'), 'purchase', at(START - 4 * HOUR, 4)),
	// e8: 13 on a later day; the 3 not kept carry price 50, the kept ones 3..12.
	...occurrences(s('e8'), 'purchase', at(D0 + DAY + 12 * HOUR, 13), (i) => ({ price: i < 3 ? 50 : i })),
	// e9: two views whose properties have other types than the conditions below.
	...occurrences(
		s('e9'),
		'view',
		at(D0 + DAY + 12 * HOUR, 2),
		(i): Record<string, string | number | boolean> =>
			i === 0 ? { price: '20', kind: 'Sale', flag: true } : { price: 25, kind: 'sale', flag: 1, note: 'x' },
	),
	// A user with no device on the site: its events select nobody.
	...occurrences('u:nobody', 'purchase', at(D0 + DAY + 12 * HOUR, 3)),
];

const EVENT_LABELS = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e6b', 'e7', 'e8', 'e9', 'z1'];

const EVENTS: RefData = {
	subscribers: EVENT_LABELS.map((label) =>
		subscriber(label, { externalUserId: label.startsWith('e6') ? 'ue6' : null }),
	),
	users: [{ id: 'ue6', attributes: {} }],
	attributeDefs: {},
	eventDays: eventDaysOf(RAW_EVENTS),
};

const purchase = (extra: Partial<Extract<Filter, { event: string }>> = {}): Filter => ({
	event: 'purchase',
	...extra,
});

const EVENT_CASES: Array<[string, Filter, string[]]> = [
	['did it within the window', purchase({ within: W }), ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e6b', 'e8']],
	[
		'first day with first_at before the start counts its kept occurrences at or after the start',
		purchase({ within: W, count: { op: 'eq', value: 6 } }),
		['e2'],
	],
	[
		'first day with first_at after the start counts fully (n > 10)',
		purchase({ within: W, count: { op: 'gte', value: 12 } }),
		['e3', 'e5', 'e8'],
	],
	['n > 10 on the first day counts 15', purchase({ within: W, count: { op: 'eq', value: 15 } }), ['e3']],
	['a later day counts fully (n = 20)', purchase({ within: W, count: { op: 'eq', value: 20 } }), ['e5']],
	['user and subscriber events are summed', purchase({ within: W, count: { op: 'eq', value: 2 } }), ['e6']],
	[
		'a day before the window counts nothing',
		purchase({ within: W, count: { op: 'eq', value: 1 } }),
		['e4', 'e6b'],
	],
	[
		'count 0 includes subscribers with no rows',
		purchase({ within: W, count: { op: 'eq', value: 0 } }),
		['e7', 'e9', 'z1'],
	],
	['not did it', { not: purchase({ within: W }) }, ['e7', 'e9', 'z1']],
	['count lt', purchase({ within: W, count: { op: 'lt', value: 3 } }), ['e4', 'e6', 'e6b', 'e7', 'e9', 'z1']],
	['count gt', purchase({ within: W, count: { op: 'gt', value: 13 } }), ['e3', 'e5']],
	[
		'count lte',
		purchase({ within: W, count: { op: 'lte', value: 3 } }),
		['e1', 'e4', 'e6', 'e6b', 'e7', 'e9', 'z1'],
	],
	[
		'no window: every kept day counts fully',
		purchase({ count: { op: 'gte', value: 12 } }),
		['e2', 'e3', 'e5', 'e8'],
	],
	['no window: two days summed', purchase({ count: { op: 'eq', value: 6 } }), ['e4']],
	['no window: before-start rows count', purchase({ count: { op: 'eq', value: 4 } }), ['e7']],
	[
		'where counts only kept occurrences at or after the start',
		purchase({ within: W, where: [{ property: 'price', op: 'gte', value: 50 }] }),
		[],
	],
	[
		'where without a window: kept occurrences of every day',
		purchase({ where: [{ property: 'price', op: 'gte', value: 50 }], count: { op: 'eq', value: 4 } }),
		['e2'],
	],
	[
		'where: at most the 10 kept occurrences count, never n',
		purchase({ where: [{ property: 'price', op: 'gte', value: 0 }], count: { op: 'eq', value: 10 } }),
		['e2', 'e8'],
	],
	[
		'where on the first day: only kept occurrences after the start',
		purchase({
			within: W,
			where: [{ property: 'price', op: 'lte', value: 1 }],
			count: { op: 'eq', value: 6 },
		}),
		['e2'],
	],
	[
		'where with two conditions (all must hold)',
		purchase({
			where: [
				{ property: 'price', op: 'gte', value: 8 },
				{ property: 'price', op: 'lt', value: 11 },
			],
			count: { op: 'eq', value: 3 },
		}),
		['e8'],
	],
	[
		'where on a number property compared with a number skips the string "20"',
		{ event: 'view', where: [{ property: 'price', op: 'gte', value: 10 }], count: { op: 'eq', value: 1 } },
		['e9'],
	],
	[
		'where eq a string matches the string only',
		{ event: 'view', where: [{ property: 'price', op: 'eq', value: '20' }], count: { op: 'eq', value: 1 } },
		['e9'],
	],
	[
		'where eq true does not match the number 1',
		{ event: 'view', where: [{ property: 'flag', op: 'eq', value: true }], count: { op: 'gte', value: 2 } },
		[],
	],
	[
		'where eq true matches true',
		{ event: 'view', where: [{ property: 'flag', op: 'eq', value: true }] },
		['e9'],
	],
	[
		'where contains is case-sensitive',
		{
			event: 'view',
			where: [{ property: 'kind', op: 'contains', value: 'Sa' }],
			count: { op: 'gte', value: 2 },
		},
		[],
	],
	[
		'where contains',
		{
			event: 'view',
			where: [{ property: 'kind', op: 'contains', value: 'al' }],
			count: { op: 'eq', value: 2 },
		},
		['e9'],
	],
	[
		'where in keeps types apart',
		{
			event: 'view',
			where: [{ property: 'price', op: 'in', value: [20, 25] }],
			count: { op: 'eq', value: 1 },
		},
		['e9'],
	],
	[
		'where in strings',
		{ event: 'view', where: [{ property: 'price', op: 'in', value: ['20'] }], count: { op: 'eq', value: 1 } },
		['e9'],
	],
	[
		'where exists',
		{ event: 'view', where: [{ property: 'note', op: 'exists' }], count: { op: 'eq', value: 1 } },
		['e9'],
	],
	[
		'where exists on a missing property',
		{ event: 'view', where: [{ property: 'missing', op: 'exists' }] },
		[],
	],
	[
		'where ne: a property of another type does not match',
		{ event: 'view', where: [{ property: 'price', op: 'ne', value: 25 }] },
		[],
	],
	[
		'where ne',
		{ event: 'view', where: [{ property: 'kind', op: 'ne', value: 'sale' }], count: { op: 'eq', value: 1 } },
		['e9'],
	],
];

describe('event leaves: the counting rule', () => {
	let site: TestSite;
	beforeAll(async () => {
		site = await createSite();
		await seedData(site.siteId, EVENTS);
	});

	it('the dataset is what it says (window start mid-day, rows as described)', () => {
		const startTod = START % DAY;
		expect(startTod).toBeGreaterThanOrEqual(12 * HOUR);
		expect(startTod).toBeLessThan(13 * HOUR);
		const row = (label: string) =>
			EVENTS.eventDays.find((r) => r.subject === s(label) && r.day === START_DAY);
		expect(row('e2')).toMatchObject({ n: 12 });
		expect(row('e2')?.recent).toHaveLength(10);
		expect(row('e2')?.firstAt).toBeLessThan(START);
		expect(row('e3')).toMatchObject({ n: 15 });
		expect(row('e3')?.firstAt).toBeGreaterThan(START);
	});

	it.each(EVENT_CASES)('%s', async (_title, filter, expected) => {
		const reference = [...evaluate(filter, EVENTS, NOW)].sort();
		expect(reference, 'reference vs the expectation written here').toEqual(ids(...expected));
		expect(await members(site, filter)).toEqual(ids(...expected));
	});
});

// ---- The public paths write what the tests seed -------------------------------------------------------------

describe('data written through the API', () => {
	it('PUT users and POST events write the rows the seeding writes, and filters read them alike', async () => {
		const site = await createSite();
		await seedSubscribers(site.siteId, [
			{ id: sid('p1'), endpoint: 'https://push.example/p1', p256dh: 'p', auth: 'a', externalUserId: 'pat' },
			{ id: sid('p2'), endpoint: 'https://push.example/p2', p256dh: 'p', auth: 'a' },
		]);
		const renews = NOW + 2 * DAY;
		const put = await call(`/v1/sites/${site.siteId}/users/pat`, {
			method: 'PUT',
			key: site.apiKey,
			body: JSON.stringify({
				attributes: { plan: 'pro', seats: 3, vip: true, renews: { date: iso(renews) } },
			}),
		});
		expect(put.status).toBe(200);
		const yesterday = (dayOf(NOW) - 1) * DAY + 12 * HOUR;
		const raw: RawEvent[] = [
			...occurrences('u:pat', 'purchase', at(yesterday, 12), (i) => ({ price: i, sku: `k${i}` })).map(
				(e, i) => ({
					...e,
					id: `o${i}`,
				}),
			),
			...occurrences(`s:${sid('p2')}`, 'view', at(yesterday - 2 * HOUR, 2)),
		];
		const events = raw.map((e) => ({
			name: e.name,
			...(e.subject.startsWith('u:') ? { userId: e.subject.slice(2) } : { subscriberId: e.subject.slice(2) }),
			time: iso(e.t),
			...(e.id ? { id: e.id } : {}),
			...(e.p ? { properties: e.p } : {}),
		}));
		const posted = await call(`/v1/sites/${site.siteId}/events`, {
			method: 'POST',
			key: site.apiKey,
			body: JSON.stringify({ events }),
		});
		expect(posted.status).toBe(202);

		const expected: RefData = {
			subscribers: [subscriber('p1', { externalUserId: 'pat' }), subscriber('p2', {})],
			users: [{ id: 'pat', attributes: { plan: 'pro', seats: 3, vip: true, renews } }],
			attributeDefs: { plan: 'string', seats: 'number', vip: 'boolean', renews: 'date' },
			eventDays: eventDaysOf(raw),
		};
		const users = await storeSql<{ id: string; attributes: string }>(
			site.siteId,
			'SELECT id, attributes FROM users',
		);
		expect(users.map((u) => ({ id: u.id, attributes: JSON.parse(u.attributes) }))).toEqual(expected.users);
		const defs = await storeSql<{ name: string; type: string }>(
			site.siteId,
			'SELECT name, type FROM attribute_defs',
		);
		expect(Object.fromEntries(defs.map((d) => [d.name, d.type]))).toEqual(expected.attributeDefs);
		const rows = await storeSql<{
			subject: string;
			name: string;
			day: number;
			n: number;
			first_at: number;
			last_at: number;
			recent: string;
		}>(site.siteId, 'SELECT * FROM event_days ORDER BY subject, name, day');
		const stored = rows.map((r) => ({
			subject: r.subject,
			name: r.name,
			day: r.day,
			n: r.n,
			firstAt: r.first_at,
			lastAt: r.last_at,
			recent: JSON.parse(r.recent),
		}));
		const byKey = (a: { subject: string; name: string }, b: { subject: string; name: string }) =>
			`${a.subject}|${a.name}`.localeCompare(`${b.subject}|${b.name}`);
		expect(stored.sort(byKey)).toEqual([...expected.eventDays].sort(byKey));

		// The seeded subscribers' times are the helper's `now`: read them back so the reference sees the same.
		const times = await storeSql<{ id: string; created_at: number; last_seen_at: number }>(
			site.siteId,
			'SELECT id, created_at, last_seen_at FROM subscribers',
		);
		for (const sub of expected.subscribers) {
			const t = times.find((r) => r.id === sub.id);
			sub.createdAt = t?.created_at ?? 0;
			sub.lastSeenAt = t?.last_seen_at ?? 0;
		}
		const filters: Array<[Filter, string[]]> = [
			[{ event: 'purchase', within: '3d', count: { op: 'eq', value: 12 } }, ['p1']],
			[
				{
					event: 'purchase',
					where: [{ property: 'price', op: 'gte', value: 2 }],
					count: { op: 'eq', value: 10 },
				},
				['p1'],
			],
			[{ event: 'view', within: '3d', count: { op: 'eq', value: 2 } }, ['p2']],
			[{ attribute: 'renews', op: 'withinNext', value: '3d' }, ['p1']],
			[{ attribute: 'vip', op: 'eq', value: true }, ['p1']],
			[{ hasDevice: true }, ['p1', 'p2']],
		];
		for (const [filter, expectedIds] of filters) {
			expect([...evaluate(filter, expected, Date.now())].sort()).toEqual(ids(...expectedIds));
			expect(await members(site, filter), JSON.stringify(filter)).toEqual(ids(...expectedIds));
		}
	});

	it('event property names that are not identifiers (a.b, quotes, spaces, $) are matched literally', async () => {
		const site = await createSite();
		await seedSubscribers(site.siteId, [
			{ id: sid('x1'), endpoint: 'https://push.example/x1', p256dh: 'p', auth: 'a' },
			{ id: sid('x2'), endpoint: 'https://push.example/x2', p256dh: 'p', auth: 'a' },
		]);
		const posted = await call(`/v1/sites/${site.siteId}/events`, {
			method: 'POST',
			key: site.apiKey,
			body: JSON.stringify({
				events: [
					{
						name: 'view',
						subscriberId: sid('x1'),
						properties: { 'a.b': 1, 'x"y': 'q', 'sp ace': true, "it's": 'z', $: 5, '[0]': 'k' },
					},
					{ name: 'view', subscriberId: sid('x2'), properties: { a: 1, b: 1 } },
				],
			}),
		});
		expect(posted.status).toBe(202);
		const data = await readData(site.siteId);
		const cases: Array<[Filter, string[]]> = [
			[{ event: 'view', where: [{ property: 'a.b', op: 'eq', value: 1 }] }, ['x1']],
			[{ event: 'view', where: [{ property: 'x"y', op: 'eq', value: 'q' }] }, ['x1']],
			[{ event: 'view', where: [{ property: 'sp ace', op: 'exists' }] }, ['x1']],
			[{ event: 'view', where: [{ property: "it's", op: 'in', value: ['z'] }] }, ['x1']],
			[{ event: 'view', where: [{ property: '$', op: 'gte', value: 5 }] }, ['x1']],
			[{ event: 'view', where: [{ property: '[0]', op: 'contains', value: 'k' }] }, ['x1']],
			[{ event: 'view', where: [{ property: 'a', op: 'exists' }] }, ['x2']],
		];
		for (const [filter, expected] of cases) {
			expect([...evaluate(filter, data, Date.now())].sort()).toEqual(ids(...expected));
			const response = await listRaw(site, filter);
			expect(response.status, `${JSON.stringify(filter)}: ${response.status}`).toBe(200);
			expect(await members(site, filter), JSON.stringify(filter)).toEqual(ids(...expected));
		}
	});

	it('built-in events (subscribed, unsubscribed, pageview with url) count like custom ones', async () => {
		const site = await createSite();
		const first = await subscribe(site, await makeSubscription());
		const second = await subscribe(site, await makeSubscription());
		const beacon = (id: string, body: unknown) =>
			call(`/v1/sites/${site.siteId}/subscribers/${id}/events`, {
				method: 'POST',
				headers: { origin: site.origin, 'content-type': 'text/plain;charset=UTF-8' },
				body: JSON.stringify(body),
			});
		expect((await beacon(first, { type: 'pageview', url: `${site.origin}/p/sale` })).status).toBe(202);
		expect((await beacon(second, { type: 'pageview', url: `${site.origin}/p/news` })).status).toBe(202);
		expect((await beacon(first, { type: 'permission', permission: 'denied' })).status).toBe(202);
		const data = await readData(site.siteId);
		const sorted = (...list: string[]) => [...list].sort();
		const cases: Array<[Filter, string[]]> = [
			[{ event: 'subscribed', within: '1h' }, sorted(first, second)],
			[{ event: 'pageview', where: [{ property: 'url', op: 'contains', value: '/p/sale' }] }, [first]],
			[{ event: 'pageview', within: '1h', count: { op: 'eq', value: 1 } }, sorted(first, second)],
			[{ event: 'unsubscribed' }, [first]],
			[{ not: { event: 'unsubscribed', within: '30d' } }, [second]],
		];
		for (const [filter, expected] of cases) {
			expect([...evaluate(filter, data, Date.now())].sort(), JSON.stringify(filter)).toEqual(expected);
			expect(await members(site, filter), JSON.stringify(filter)).toEqual(expected);
		}
	});

	it('hasDevice: a blocked browser of a user with another allowed browser has a device', async () => {
		const site = await createSite();
		await seedSubscribers(site.siteId, [
			{ id: sid('h1'), endpoint: 'https://push.example/h1', p256dh: 'p', auth: 'a', externalUserId: 'zed' },
			{
				id: sid('h2'),
				endpoint: 'https://push.example/h2',
				p256dh: 'p',
				auth: 'a',
				status: 'blocked',
				externalUserId: 'zed',
			},
			{
				id: sid('h3'),
				endpoint: 'https://push.example/h3',
				p256dh: 'p',
				auth: 'a',
				status: 'suspended',
				externalUserId: 'yan',
			},
			{ id: sid('h4'), endpoint: 'https://push.example/h4', p256dh: 'p', auth: 'a', status: 'blocked' },
		]);
		const data = await readData(site.siteId);
		expect([...evaluate({ hasDevice: true }, data, Date.now())].sort()).toEqual(ids('h1', 'h2'));
		expect(await members(site, { hasDevice: true })).toEqual(ids('h1', 'h2'));
		expect(await members(site, { hasDevice: false })).toEqual(ids('h3', 'h4'));
	});

	it('PATCH …/subscribers/:id {test} marks a tester that {test: true} then selects', async () => {
		const site = await createSite();
		await seedSubscribers(site.siteId, [
			{ id: sid('t1'), endpoint: 'https://push.example/t1', p256dh: 'p', auth: 'a' },
			{ id: sid('t2'), endpoint: 'https://push.example/t2', p256dh: 'p', auth: 'a', browser: 'chrome' },
		]);
		expect(await members(site, { test: true })).toEqual([]);
		const patch = (id: string, test: boolean) =>
			call(`/v1/sites/${site.siteId}/subscribers/${id}`, {
				method: 'PATCH',
				key: site.apiKey,
				body: JSON.stringify({ test }),
			});
		const marked = await patch(sid('t2'), true);
		expect([200, 204]).toContain(marked.status);
		if (marked.status === 200) expect((await json<{ test: boolean }>(marked)).test).toBe(true);
		expect(await storeSql(site.siteId, 'SELECT id FROM subscribers WHERE test = 1')).toEqual([
			{ id: sid('t2') },
		]);
		expect(await members(site, { test: true })).toEqual(ids('t2'));
		expect(await members(site, { test: false })).toEqual(ids('t1'));
		expect(normalised(await estimateOf(site, { test: true }))).toEqual({
			count: 1,
			reachable: 1,
			byBrowser: { chrome: 1 },
		});
		expect([200, 204]).toContain((await patch(sid('t2'), false)).status);
		expect(await members(site, { test: true })).toEqual([]);
	});
});

// ---- Invalid filters: a 400 naming the path, nothing written --------------------------------------------------

const OK: Filter = { test: false };
const wrap = (bad: unknown) => ({ all: [OK, bad] });
const deep = (levels: number): Filter => {
	let f: Filter = { status: ['allowed'] };
	for (let i = 1; i < levels; i++) f = { not: f };
	return f;
};

const INVALID: Array<[string, unknown, string]> = [
	['an unknown op', wrap({ attribute: 'plan', op: 'bogus', value: 'x' }), 'filter.all[1].op:'],
	['an unknown node', { all: [OK, { any: [{ nonsense: 1 }] }] }, 'filter.all[1].any[0]'],
	['a node with two kinds', wrap({ status: ['allowed'], browser: ['chrome'] }), 'filter.all[1]'],
	['a bad status', wrap({ status: ['gone'] }), 'filter.all[1].status'],
	[
		'101 values',
		wrap({ timezone: Array.from({ length: 101 }, (_, i) => `Etc/Zone${i}`) }),
		'filter.all[1].timezone',
	],
	['an empty all', wrap({ all: [] }), 'filter.all[1].all'],
	['21 children', wrap({ any: Array.from({ length: 21 }, () => OK) }), 'filter.all[1].any'],
	['not with a list', wrap({ not: [OK] }), 'filter.all[1].not'],
	['identified not a boolean', wrap({ identified: 'yes' }), 'filter.all[1].identified'],
	[
		'two time conditions',
		wrap({ createdAt: { within: '1d', before: '2026-01-01T00:00:00Z' } }),
		'filter.all[1].createdAt',
	],
	['a zero duration', wrap({ lastSeenAt: { within: '0m' } }), 'filter.all[1].lastSeenAt'],
	['a duration over 3650d', wrap({ lastSeenAt: { within: '3651d' } }), 'filter.all[1].lastSeenAt'],
	['a duration in weeks', wrap({ lastSeenAt: { notWithin: '2w' } }), 'filter.all[1].lastSeenAt'],
	['a fractional duration', wrap({ createdAt: { within: '1.5d' } }), 'filter.all[1].createdAt'],
	['a bad date', wrap({ createdAt: { before: 'soon' } }), 'filter.all[1].createdAt'],
	['lastUrl with two tests', wrap({ lastUrl: { eq: 'a', contains: 'b' } }), 'filter.all[1].lastUrl'],
	['lastUrl with no test', wrap({ lastUrl: {} }), 'filter.all[1].lastUrl'],
	['an unknown attribute', wrap({ attribute: 'nope', op: 'exists' }), 'filter.all[1]'],
	['a string for a number attribute', wrap({ attribute: 'seats', op: 'eq', value: 'five' }), 'filter.all[1]'],
	['a number for a string attribute', wrap({ attribute: 'plan', op: 'eq', value: 5 }), 'filter.all[1]'],
	['a string for a boolean attribute', wrap({ attribute: 'vip', op: 'eq', value: 'true' }), 'filter.all[1]'],
	[
		'a plain string for a date attribute',
		wrap({ attribute: 'renews', op: 'eq', value: '2026-01-01' }),
		'filter.all[1]',
	],
	['a number for a date comparison', wrap({ attribute: 'renews', op: 'gt', value: 5 }), 'filter.all[1]'],
	['gt on a string attribute', wrap({ attribute: 'plan', op: 'gt', value: 'a' }), 'filter.all[1]'],
	[
		'contains on a number attribute',
		wrap({ attribute: 'seats', op: 'contains', value: '1' }),
		'filter.all[1]',
	],
	['within on a number attribute', wrap({ attribute: 'seats', op: 'within', value: '7d' }), 'filter.all[1]'],
	['in on a boolean attribute', wrap({ attribute: 'vip', op: 'in', value: [true] }), 'filter.all[1]'],
	[
		'in with 101 values',
		wrap({ attribute: 'plan', op: 'in', value: Array.from({ length: 101 }, (_, i) => `p${i}`) }),
		'filter.all[1]',
	],
	['a bad duration for within', wrap({ attribute: 'renews', op: 'within', value: '7x' }), 'filter.all[1]'],
	['eq without a value', wrap({ attribute: 'plan', op: 'eq' }), 'filter.all[1]'],
	[
		'an event count over 10,000',
		wrap({ event: 'purchase', count: { op: 'gte', value: 10_001 } }),
		'filter.all[1].count',
	],
	[
		'a negative event count',
		wrap({ event: 'purchase', count: { op: 'gte', value: -1 } }),
		'filter.all[1].count',
	],
	['an event count op ne', wrap({ event: 'purchase', count: { op: 'ne', value: 1 } }), 'filter.all[1].count'],
	['a bad event window', wrap({ event: 'purchase', within: '7' }), 'filter.all[1].within'],
	[
		'six where conditions',
		wrap({ event: 'purchase', where: Array.from({ length: 6 }, () => ({ property: 'p', op: 'exists' })) }),
		'filter.all[1].where',
	],
	['an empty where', wrap({ event: 'purchase', where: [] }), 'filter.all[1].where'],
	[
		'where gt with a string',
		wrap({ event: 'purchase', where: [OK_WHERE(), { property: 'price', op: 'gt', value: '5' }] }),
		'filter.all[1].where[1]',
	],
	[
		'where contains with a number',
		wrap({ event: 'purchase', where: [{ property: 'kind', op: 'contains', value: 5 }] }),
		'filter.all[1].where[0]',
	],
	[
		'where in with a string',
		wrap({ event: 'purchase', where: [{ property: 'kind', op: 'in', value: 'a' }] }),
		'filter.all[1].where[0]',
	],
	['an unknown segment', wrap({ segment: 'seg_AAAAAAAAAAAAAAAAAAAA' }), 'filter.all[1]'],
	['depth 7', deep(7), 'filter'],
	[
		'51 nodes',
		{ all: [{ any: Array(20).fill(OK) }, { any: Array(20).fill(OK) }, { any: Array(7).fill(OK) }] },
		'filter',
	],
	['not JSON', '{"status":', 'filter'],
	['not an object', '[]', 'filter'],
];

function OK_WHERE() {
	return { property: 'price', op: 'exists' };
}

describe('invalid filters', () => {
	let site: TestSite;
	beforeAll(async () => {
		site = await createSite();
		await seedData(site.siteId, PROFILES);
	});

	it.each(INVALID)(
		'%s: GET …/subscribers?filter= is a 400 starting with the path',
		async (_title, filter, path) => {
			const { status, message } = await errorOf(await listRaw(site, filter));
			expect(status).toBe(400);
			expect(message.startsWith(path), `${message} should start with ${path}`).toBe(true);
		},
	);

	it.each(INVALID.filter(([, f]) => typeof f !== 'string'))(
		'%s: POST …/segments is a 400 with the same path and writes nothing',
		async (_title, filter, path) => {
			const before = await storeRowCounts(site.siteId);
			const response = await call(`/v1/sites/${site.siteId}/segments`, {
				method: 'POST',
				key: site.apiKey,
				body: JSON.stringify({ name: `bad ${_title}`, filter }),
			});
			const { status, message } = await errorOf(response);
			expect(status).toBe(400);
			expect(message.startsWith(path), `${message} should start with ${path}`).toBe(true);
			expect(await storeRowCounts(site.siteId)).toEqual(before);
		},
	);

	it('the estimate names audience.filter… and audience.exclude… paths', async () => {
		const before = await storeRowCounts(site.siteId);
		const bad = wrap({ attribute: 'plan', op: 'bogus', value: 'x' });
		const post = (audience: unknown) =>
			call(`/v1/sites/${site.siteId}/audience/estimate`, {
				method: 'POST',
				key: site.apiKey,
				body: JSON.stringify({ audience }),
			});
		const inFilter = await errorOf(await post({ filter: bad }));
		expect(inFilter.status).toBe(400);
		expect(inFilter.message).toMatch(/^audience\.filter\.all\[1\]\.op: /);
		const inExclude = await errorOf(await post({ all: true, exclude: bad }));
		expect(inExclude.status).toBe(400);
		expect(inExclude.message).toMatch(/^audience\.exclude\.all\[1\]\.op: /);
		const unknown = await errorOf(await post({ segment: 'seg_AAAAAAAAAAAAAAAAAAAA' }));
		expect(unknown.status).toBe(400);
		expect(unknown.message).toMatch(/^audience\.segment/);
		expect(await storeRowCounts(site.siteId)).toEqual(before);
	});

	it('a saved segment counts with its own depth and its nodes once expanded', async () => {
		const five = await createSegment(site, 'Depth five', deep(5));
		expect(await members(site, { segment: five.segmentId })).toEqual(ids('s1', 's2', 's5', 's8'));
		const tooDeep = await errorOf(await listRaw(site, { not: { not: { segment: five.segmentId } } }));
		expect(tooDeep.status).toBe(400);
		expect(tooDeep.message.startsWith('filter')).toBe(true);

		const thirtyOne = await createSegment(site, 'Thirty-one nodes', {
			any: [{ any: Array(20).fill(OK) }, { any: Array(8).fill(OK) }],
		});
		expect(await members(site, { segment: thirtyOne.segmentId })).toEqual(ids(...except('s1', 's8')));
		const tooMany = await errorOf(
			await listRaw(site, { any: [{ segment: thirtyOne.segmentId }, { segment: thirtyOne.segmentId }] }),
		);
		expect(tooMany.status).toBe(400);
		expect(tooMany.message.startsWith('filter')).toBe(true);
	});

	it('a segment cycle (A → B → A, or A → A) is a 400 and the PATCH writes nothing', async () => {
		const a = await createSegment(site, 'Cycle A', { browser: ['chrome'] });
		const b = await createSegment(site, 'Cycle B', {
			all: [{ segment: a.segmentId }, { status: ['allowed'] }],
		});
		const before = await storeRowCounts(site.siteId);
		const patch = (filter: Filter) =>
			call(`/v1/sites/${site.siteId}/segments/${a.segmentId}`, {
				method: 'PATCH',
				key: site.apiKey,
				body: JSON.stringify({ filter }),
			});
		for (const filter of [{ any: [{ segment: b.segmentId }] }, { segment: a.segmentId }] as Filter[]) {
			const { status, message } = await errorOf(await patch(filter));
			expect(status, message).toBe(400);
			expect(message.startsWith('filter'), message).toBe(true);
		}
		expect(await storeRowCounts(site.siteId)).toEqual(before);
		const got = await json<SegmentView>(
			await call(`/v1/sites/${site.siteId}/segments/${a.segmentId}`, { key: site.apiKey }),
		);
		expect(got.filter).toEqual({ browser: ['chrome'] });
		expect(got.updatedAt).toBe(a.updatedAt);
		expect(await members(site, { segment: b.segmentId })).toEqual(ids('s2'));
	});
});
