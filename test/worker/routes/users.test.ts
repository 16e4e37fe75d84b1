import { describe, expect, it } from 'vitest';
import {
	call,
	createSite,
	json,
	seedSubscribers,
	storeOf,
	storeRowCounts,
	storeSql,
	type TestSite,
} from '../helpers';

const DAY = 86_400_000;

function putUser(site: TestSite, userId: string, body: unknown, key = site.apiKey) {
	return call(`/v1/sites/${site.siteId}/users/${userId}`, {
		method: 'PUT',
		key,
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
}

function track(site: TestSite, events: unknown[], key = site.apiKey) {
	return call(`/v1/sites/${site.siteId}/events`, { method: 'POST', key, body: JSON.stringify({ events }) });
}

async function error(response: Response): Promise<string> {
	return (await json<{ error: { message: string } }>(response)).error.message;
}

function seedDevice(siteId: string, id: string, userId: string | null) {
	return seedSubscribers(siteId, [
		{ id, endpoint: `https://push.example/${id}`, p256dh: 'p', auth: 'a', externalUserId: userId },
	]);
}

describe('PUT /v1/sites/:siteId/users/:userId', () => {
	it('creates a user, merges attributes and deletes a key given null; dates go both ways as {date}', async () => {
		const site = await createSite();
		const first = await putUser(site, 'alice', {
			attributes: {
				first_name: 'Alice',
				plan: 'pro',
				seats: 3,
				vip: true,
				trial_ends: { date: '2026-12-01' },
			},
		});
		expect(first.status).toBe(200);
		const body = await json<{ userId: string; attributes: Record<string, unknown> }>(first);
		expect(body.userId).toBe('alice');
		expect(body.attributes).toEqual({
			first_name: 'Alice',
			plan: 'pro',
			seats: 3,
			vip: true,
			trial_ends: { date: '2026-12-01T00:00:00.000Z' },
		});
		const second = await json<{ attributes: Record<string, unknown> }>(
			await putUser(site, 'alice', { attributes: { plan: null, seats: 5 } }),
		);
		expect(second.attributes).toEqual({
			first_name: 'Alice',
			seats: 5,
			vip: true,
			trial_ends: { date: '2026-12-01T00:00:00.000Z' },
		});
		const [row] = await storeSql<{ attributes: string }>(
			site.siteId,
			'SELECT attributes FROM users WHERE id = ?',
			'alice',
		);
		expect(JSON.parse(row?.attributes ?? '{}').trial_ends).toBe(Date.parse('2026-12-01'));
		const types = await storeSql(site.siteId, 'SELECT name, type FROM attribute_defs ORDER BY name');
		expect(types).toEqual([
			{ name: 'first_name', type: 'string' },
			{ name: 'plan', type: 'string' },
			{ name: 'seats', type: 'number' },
			{ name: 'trial_ends', type: 'date' },
			{ name: 'vip', type: 'boolean' },
		]);
	});

	it.each<[string, unknown, string]>([
		[
			'a value of another type',
			{ attributes: { seats: 'three' } },
			'attributes.seats: is a number attribute; got a string',
		],
		[
			'a string as a date',
			{ attributes: { trial_ends: '2026-12-01' } },
			'attributes.trial_ends: is a date attribute; got a string',
		],
		[
			'a bad name',
			{ attributes: { 'First-Name': 'x' } },
			'attributes.First-Name: is not a valid attribute name',
		],
		[
			'a long string',
			{ attributes: { bio: 'x'.repeat(1001) } },
			'attributes.bio: must be at most 1000 characters',
		],
		['a bad date', { attributes: { when: { date: 'soon' } } }, 'attributes.when: must be an ISO-8601 date'],
		[
			'a nested object',
			{ attributes: { tags: { a: 1 } } },
			'attributes.tags: must be a string, number, boolean',
		],
		['an array', { attributes: { tags: ['a'] } }, 'attributes.tags: must be a string, number, boolean'],
		['no attributes', {}, 'attributes: is required'],
	])('refuses %s with a 400 naming it and writes nothing', async (_, body, message) => {
		const site = await createSite();
		await putUser(site, 'bob', { attributes: { seats: 2, trial_ends: { date: '2026-01-01' } } });
		const before = await storeRowCounts(site.siteId);
		const response = await putUser(site, 'bob', body);
		expect(response.status).toBe(400);
		expect(await error(response)).toContain(message);
		expect(await storeRowCounts(site.siteId)).toEqual(before);
	});

	it('refuses a 51st attribute on a user and a 201st name on a site, writing nothing', async () => {
		const site = await createSite();
		const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`a${i}`, i]));
		expect((await putUser(site, 'u1', { attributes: fifty })).status).toBe(200);
		const before = await storeRowCounts(site.siteId);
		const over = await putUser(site, 'u1', { attributes: { a50: 1 } });
		expect(over.status).toBe(400);
		expect(await error(over)).toBe('attributes: a user has at most 50 attributes');
		expect(await storeRowCounts(site.siteId)).toEqual(before);
		for (let u = 2; u <= 4; u++) {
			const names = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`b${u}_${i}`, i]));
			expect((await putUser(site, `u${u}`, { attributes: names })).status).toBe(200);
		}
		const full = await storeRowCounts(site.siteId);
		expect(full.attribute_defs).toBe(200);
		const extra = await putUser(site, 'u5', { attributes: { one_more: 1 } });
		expect(extra.status).toBe(400);
		expect(await error(extra)).toBe(
			'attributes.one_more: is one attribute name too many: a site has at most 200',
		);
		expect(await storeRowCounts(site.siteId)).toEqual(full);
	});

	it("refuses another site's key (403)", async () => {
		const a = await createSite();
		const b = await createSite();
		expect((await putUser(b, 'alice', { attributes: { x: 1 } }, a.apiKey)).status).toBe(403);
		expect((await track(b, [{ name: 'x', userId: 'alice' }], a.apiKey)).status).toBe(403);
		expect((await storeRowCounts(b.siteId)).users).toBe(0);
		expect((await storeRowCounts(b.siteId)).event_days).toBe(0);
	});

	it('lets a viewer read a user but not write one or record events (403)', async () => {
		const site = await createSite();
		const minted = await call(`/v1/sites/${site.siteId}/console-tokens`, {
			method: 'POST',
			key: site.apiKey,
			body: JSON.stringify({ role: 'viewer' }),
		});
		const { token } = await json<{ token: string }>(minted);
		await putUser(site, 'alice', { attributes: { plan: 'pro' } });
		expect((await call(`/v1/sites/${site.siteId}/users/alice`, { key: token })).status).toBe(200);
		expect((await putUser(site, 'alice', { attributes: { plan: 'free' } }, token)).status).toBe(403);
		expect((await track(site, [{ name: 'x', userId: 'alice' }], token)).status).toBe(403);
		const erase = await call(`/v1/sites/${site.siteId}/users/alice`, { method: 'DELETE', key: token });
		expect(erase.status).toBe(403);
		expect((await storeRowCounts(site.siteId)).users).toBe(1);
	});
});

describe('GET and DELETE /v1/sites/:siteId/users/:userId', () => {
	it('answers the profile with devices and recent events, then erases all of it (204, then 404)', async () => {
		const site = await createSite();
		await seedDevice(site.siteId, 'sub_a1', 'alice');
		await seedDevice(site.siteId, 'sub_other', 'bob');
		await putUser(site, 'alice', { attributes: { plan: 'pro' } });
		const t = (ago: number) => new Date(Date.now() - ago).toISOString();
		await track(site, [
			{ name: 'purchase', userId: 'alice', time: t(2 * DAY), id: 'o1', properties: { total: 12.5 } },
			{ name: 'purchase', userId: 'alice', time: t(60_000), id: 'o2' },
			{ name: 'viewed', subscriberId: 'sub_a1' },
			{ name: 'viewed', userId: 'bob' },
		]);
		const got = await call(`/v1/sites/${site.siteId}/users/alice`, { key: site.apiKey });
		expect(got.status).toBe(200);
		const user = await json<{
			attributes: unknown;
			subscribers: Array<{ subscriberId: string }>;
			events: Array<{ name: string; id: string | null; properties: unknown }>;
		}>(got);
		expect(user.attributes).toEqual({ plan: 'pro' });
		expect(user.subscribers.map((s) => s.subscriberId)).toEqual(['sub_a1']);
		expect(user.events.map((e) => e.id)).toEqual(['o2', 'o1']);
		expect(user.events[1]?.properties).toEqual({ total: 12.5 });

		const erased = await call(`/v1/sites/${site.siteId}/users/alice`, { method: 'DELETE', key: site.apiKey });
		expect(erased.status).toBe(204);
		const left = await storeSql<{ subject: string }>(
			site.siteId,
			'SELECT subject FROM event_days ORDER BY subject',
		);
		expect(left.map((r) => r.subject)).toEqual(['u:bob']);
		expect(await storeSql(site.siteId, 'SELECT id FROM subscribers')).toEqual([{ id: 'sub_other' }]);
		expect(await storeSql(site.siteId, 'SELECT id FROM users')).toEqual([]);
		expect((await call(`/v1/sites/${site.siteId}/users/alice`, { key: site.apiKey })).status).toBe(404);
		const again = await call(`/v1/sites/${site.siteId}/users/alice`, { method: 'DELETE', key: site.apiKey });
		expect(again.status).toBe(404);
	});

	it('erasing a subscriber (admin) deletes its events', async () => {
		const site = await createSite();
		await seedDevice(site.siteId, 'sub_x', null);
		expect((await track(site, [{ name: 'viewed', subscriberId: 'sub_x' }])).status).toBe(202);
		const response = await call(`/v1/sites/${site.siteId}/subscribers/sub_x`, {
			method: 'DELETE',
			key: site.apiKey,
		});
		expect(response.status).toBe(204);
		expect((await storeRowCounts(site.siteId)).event_days).toBe(0);
	});

	it('Shopify customer redaction deletes the profile and events; a data request exports them', async () => {
		const site = await createSite();
		await seedDevice(site.siteId, 'sub_c', '42');
		await putUser(site, '42', { attributes: { first_name: 'Cy' } });
		await track(site, [
			{ name: 'purchase', userId: '42', id: 'o1' },
			{ name: 'viewed', subscriberId: 'sub_c' },
		]);
		const store = storeOf(site.siteId);
		const held = await store.exportUser(site.siteId, '42');
		expect(held.attributes).toEqual({ first_name: 'Cy' });
		expect(held.events.map((e) => [e.name, e.count])).toEqual([['purchase', 1]]);
		expect(await store.redactUser(site.siteId, '42')).toBe(1);
		const counts = await storeRowCounts(site.siteId);
		expect([counts.users, counts.event_days, counts.subscribers]).toEqual([0, 0, 0]);
	});
});

describe('POST /v1/sites/:siteId/events', () => {
	it('writes one row for 100 events of one user × event × day', async () => {
		const site = await createSite();
		const now = Date.now();
		const day = Math.floor(now / DAY);
		const time = new Date(Math.max(day * DAY, now - 3_600_000)).toISOString();
		const events = Array.from({ length: 100 }, (_, i) => ({ name: 'page', userId: 'u', time, id: `e${i}` }));
		const result = await storeOf(site.siteId).recordEvents(
			site.siteId,
			events.map((e) => ({
				subject: 'u:u',
				name: e.name,
				time: Date.parse(e.time),
				id: e.id,
				properties: null,
			})),
			now,
		);
		expect(result).toMatchObject({ accepted: 100, duplicates: 0, rowsWritten: 1 });
		const [row] = await storeSql<{ n: number; recent: string }>(
			site.siteId,
			'SELECT n, recent FROM event_days',
		);
		expect(row?.n).toBe(100);
		expect(JSON.parse(row?.recent ?? '[]')).toHaveLength(10);
	});

	it('stays under 1.5 rows written per event for a realistic mixed batch', async () => {
		const site = await createSite();
		const now = Date.now();
		// 1,000 events: 50 users × 4 event names over the last 3 days, repeats on a day common as in real traffic.
		let seed = 7;
		const random = () => {
			seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
			return seed / 2 ** 31;
		};
		const names = ['page', 'added_to_cart', 'purchase', 'search'];
		const events = Array.from({ length: 1000 }, (_, i) => ({
			subject: `u:user${Math.floor(random() * 50)}`,
			name: names[Math.floor(random() * random() * 4)] as string,
			time: now - Math.floor(random() * 3 * DAY),
			id: `e${i}`,
			properties: random() < 0.3 ? { sku: `sku${i % 17}`, price: 9.99 } : null,
		}));
		const result = await storeOf(site.siteId).recordEvents(site.siteId, events, now);
		expect(result.accepted).toBe(1000);
		const perEvent = result.rowsWritten / 1000;
		console.log(
			`event ingestion: ${result.rowsWritten} rows written for 1000 events (${perEvent} per event)`,
		);
		expect(perEvent).toBeLessThanOrEqual(1.5);
		// A second batch of single events, one per subject × name × day, costs one row each.
		const singles = await storeOf(site.siteId).recordEvents(
			site.siteId,
			[{ subject: 'u:new', name: 'page', time: now, id: null, properties: null }],
			now,
		);
		expect(singles.rowsWritten).toBe(1);
	});

	it('counts an id already seen as a duplicate, in the batch and across batches', async () => {
		const site = await createSite();
		const first = await track(site, [
			{ name: 'purchase', userId: 'u', id: 'o1' },
			{ name: 'purchase', userId: 'u', id: 'o1' },
			{ name: 'purchase', userId: 'u', id: 'o2' },
		]);
		expect(first.status).toBe(202);
		expect(await json(first)).toEqual({ accepted: 2, duplicates: 1, rejected: [] });
		const again = await track(site, [
			{ name: 'purchase', userId: 'u', id: 'o2' },
			{ name: 'purchase', userId: 'u' },
		]);
		expect(await json(again)).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
		expect(await storeSql(site.siteId, 'SELECT n FROM event_days')).toEqual([{ n: 3 }]);
	});

	it('rejects events of unknown subscribers by index and records the rest', async () => {
		const site = await createSite();
		const other = await createSite();
		await seedDevice(site.siteId, 'sub_here', null);
		await seedDevice(other.siteId, 'sub_there', null);
		const response = await track(site, [
			{ name: 'a', subscriberId: 'sub_here' },
			{ name: 'a', subscriberId: 'sub_there' },
			{ name: 'a', subscriberId: 'sub_nowhere' },
		]);
		expect(await json(response)).toEqual({ accepted: 1, duplicates: 0, rejected: [1, 2] });
		expect((await storeRowCounts(other.siteId)).event_days).toBe(0);
	});

	it.each<[string, unknown, string]>([
		[
			'a future time',
			{ name: 'a', userId: 'u', time: new Date(Date.now() + 3_600_000).toISOString() },
			'events[0].time: must not be more than 5 minutes ahead',
		],
		[
			'an old time',
			{ name: 'a', userId: 'u', time: '2001-01-01' },
			'events[0].time: must be within the last 90 days',
		],
		['a bad time', { name: 'a', userId: 'u', time: 'yesterday' }, 'events[0].time: must be an ISO-8601 time'],
		[
			'both subjects',
			{ name: 'a', userId: 'u', subscriberId: 's' },
			'events[0].userId: exactly one of userId, subscriberId or site: true',
		],
		['no subject', { name: 'a' }, 'events[0].userId: exactly one of userId, subscriberId or site: true'],
		['a bad name', { name: '1st', userId: 'u' }, 'events[0].name: must match'],
		['a long id', { name: 'a', userId: 'u', id: 'x'.repeat(65) }, 'events[0].id: must be at most 64'],
		[
			'21 properties',
			{
				name: 'a',
				userId: 'u',
				properties: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`p${i}`, i])),
			},
			'events[0].properties: must have at most 20 keys',
		],
		[
			'a nested property',
			{ name: 'a', userId: 'u', properties: { o: { x: 1 } } },
			'events[0].properties.o: must be a string, number or boolean',
		],
		[
			'big properties',
			{ name: 'a', userId: 'u', properties: { a: 'x'.repeat(1100), b: 'y'.repeat(1100) } },
			'events[0].properties: must be at most 2 KB',
		],
	])('refuses %s with a 400 naming it and writes nothing', async (_, event, message) => {
		const site = await createSite();
		const response = await track(site, [{ name: 'ok', userId: 'u' }, event].slice(1));
		expect(response.status).toBe(400);
		expect(await error(response)).toContain(message);
		expect((await storeRowCounts(site.siteId)).event_days).toBe(0);
	});

	it('refuses an empty batch and one over 1,000 events', async () => {
		const site = await createSite();
		expect(await error(await track(site, []))).toBe('events: must hold at least 1 event');
		const many = Array.from({ length: 1001 }, () => ({ name: 'a', userId: 'u' }));
		expect(await error(await track(site, many))).toBe('events: must hold at most 1000 events');
	});
});

describe("a site store's event retention", () => {
	it('deletes event days older than the retention at housekeeping', async () => {
		const site = await createSite();
		// The real clock: a fixed day in the past would arm the store's housekeeping alarm in the past, and its run
		// (with the real time) would race this test's own.
		const now = Date.now();
		const store = storeOf(site.siteId);
		const at = (days: number) => now - days * DAY;
		await store.recordEvents(
			site.siteId,
			[91, 90, 89, 1].map((d) => ({ subject: 'u:u', name: 'page', time: at(d), id: null, properties: null })),
			now,
		);
		expect(await store.eventRetentionDays(site.siteId)).toBe(90);
		await store.housekeep(site.siteId, now);
		const days = await storeSql<{ day: number }>(site.siteId, 'SELECT day FROM event_days ORDER BY day');
		const today = Math.floor(now / DAY);
		expect(days.map((r) => today - r.day)).toEqual([90, 89, 1]);
		await storeSql(site.siteId, "INSERT INTO meta (k, v) VALUES ('event_retention_days', '30')");
		await store.housekeep(site.siteId, now);
		expect((await storeSql(site.siteId, 'SELECT day FROM event_days')).length).toBe(1);
	});
});
