import { describe, expect, it } from 'vitest';
import {
	siteApi as api,
	createSite,
	json,
	makeSubscription,
	problem,
	send,
	sinkLog,
	storeOf,
	storeRowCounts,
	subscribe,
	type TestSite,
	waitDone,
} from '../helpers';

// Saved segments, reach estimates, testers and segment audiences through the admin API. The filter language's
// every leaf is held to a reference evaluator in test/worker/audience/.

async function putUser(site: TestSite, userId: string, attributes: Record<string, unknown>) {
	const response = await api(site, `/users/${userId}`, 'PUT', { attributes });
	expect(response.status).toBe(200);
}

/** Three subscribed browsers: alice (pro, firefox), bob (free), and an anonymous one. */
async function shop() {
	const site = await createSite();
	const subs = await Promise.all([makeSubscription(), makeSubscription(), makeSubscription()]);
	const ids = [] as string[];
	for (const s of subs) ids.push(await subscribe(site, s));
	const [alice, bob, anon] = ids as [string, string, string];
	for (const [id, user] of [
		[alice, 'alice'],
		[bob, 'bob'],
	] as const) {
		// The identify route needs a token signed by the platform; tie the browser to its user through the store's
		// own identify, which is what that route ends in.
		await storeOf(site.siteId).identify(site.siteId, id, user, `sub_suspended_${user}`, Date.now());
	}
	await putUser(site, 'alice', { plan: 'pro', first_name: 'Alice' });
	await putUser(site, 'bob', { plan: 'free', first_name: 'Bob' });
	const events = await api(site, '/events', 'POST', {
		events: [
			{ name: 'added_to_cart', userId: 'alice' },
			{ name: 'added_to_cart', userId: 'alice' },
			{ name: 'added_to_cart', subscriberId: anon },
			{ name: 'purchase', userId: 'bob', properties: { total: 30 } },
		],
	});
	expect(events.status).toBe(202);
	return { site, subs, alice, bob, anon };
}

describe('saved segments', () => {
	it('are created, listed, read, renamed and deleted; names are unique per site', async () => {
		const { site } = await shop();
		const created = await api(site, '/segments', 'POST', {
			name: 'Pro plan',
			description: 'Paying customers',
			filter: { attribute: 'plan', op: 'eq', value: 'pro' },
		});
		expect(created.status).toBe(201);
		const segment = await json<{ segmentId: string; name: string; filter: unknown }>(created);
		expect(segment.segmentId).toMatch(/^seg_/);
		expect(segment.filter).toEqual({ attribute: 'plan', op: 'eq', value: 'pro' });

		const clash = await api(site, '/segments', 'POST', { name: 'pro PLAN', filter: { test: true } });
		expect(await problem(clash)).toMatchObject({ status: 409, code: 'segment_name_taken' });

		const list = await json<{ segments: Array<{ segmentId: string }> }>(await api(site, '/segments'));
		expect(list.segments.map((s) => s.segmentId)).toEqual([segment.segmentId]);

		const renamed = await api(site, `/segments/${segment.segmentId}`, 'PATCH', { name: 'Pro' });
		expect(await json(renamed)).toMatchObject({ name: 'Pro', description: 'Paying customers' });

		expect((await api(site, `/segments/${segment.segmentId}`, 'DELETE')).status).toBe(204);
		expect((await api(site, `/segments/${segment.segmentId}`)).status).toBe(404);
		expect((await api(site, `/segments/${segment.segmentId}`, 'DELETE')).status).toBe(404);
	});

	it('refuses a bad filter with a 400 naming the node, and writes nothing', async () => {
		const { site } = await shop();
		const before = await storeRowCounts(site.siteId);
		const cases: Array<[unknown, string]> = [
			[
				{ all: [{ status: ['allowed'] }, { attribute: 'plan', op: 'gt', value: 'x' }] },
				'filter.all[1].value:',
			],
			[
				{ any: [{ attribute: 'plna', op: 'exists' }] },
				'filter.any[0].attribute: no user has the attribute plna',
			],
			[{ not: { event: 'purchase', count: { op: 'gte', value: -1 } } }, 'filter.not.count.value:'],
			[
				{ attribute: 'plan', op: 'gte', value: 3 },
				'filter.op: plan is a string attribute; gte needs a number or date',
			],
			[{ segment: 'seg_doesnotexist' }, 'filter.segment: there is no segment seg_doesnotexist'],
			[{ lastUrl: { endsWith: '/x' } }, 'filter.lastUrl:'],
			[{ status: ['allowed'], os: ['linux'] }, 'filter.os: is a second filter'],
			[
				{ not: { not: { not: { not: { not: { not: { test: true } } } } } } },
				'filter.not.not.not.not.not.not: is nested too deeply',
			],
		];
		for (const [filter, message] of cases) {
			const response = await api(site, '/segments', 'POST', { name: 'Bad', filter });
			const body = await problem(response);
			expect(body.status, JSON.stringify(filter)).toBe(400);
			expect(body.message.startsWith(message), `${body.message} should start with ${message}`).toBe(true);
		}
		expect(await storeRowCounts(site.siteId)).toEqual(before);
	});

	it('may use other segments, but never in a cycle, and one in use cannot be deleted', async () => {
		const { site } = await shop();
		const a = await json<{ segmentId: string }>(
			await api(site, '/segments', 'POST', { name: 'A', filter: { status: ['allowed'] } }),
		);
		const b = await json<{ segmentId: string }>(
			await api(site, '/segments', 'POST', { name: 'B', filter: { not: { segment: a.segmentId } } }),
		);
		const cycle = await api(site, `/segments/${a.segmentId}`, 'PATCH', { filter: { segment: b.segmentId } });
		const body = await problem(cycle);
		expect(body.status).toBe(400);
		expect(body.message).toContain('refers back to itself');
		// The refused change left A as it was.
		expect(await json(await api(site, `/segments/${a.segmentId}`))).toMatchObject({
			filter: { status: ['allowed'] },
		});

		const inUse = await problem(await api(site, `/segments/${a.segmentId}`, 'DELETE'));
		expect(inUse).toMatchObject({ status: 409, code: 'segment_in_use' });
		expect(inUse.message).toContain(`B (${b.segmentId})`);
	});
});

describe('POST /v1/sites/:siteId/audience/estimate', () => {
	it('counts what an audience selects and reaches, by browser, with exclude', async () => {
		const { site, bob } = await shop();
		// Bob blocks notifications: still selected, no longer reachable.
		await storeOf(site.siteId).updateStatus(site.siteId, bob, 'blocked', Date.now());

		const estimate = async (audience: unknown) =>
			json<{ count: number; reachable: number; byBrowser: Record<string, number> }>(
				await api(site, '/audience/estimate', 'POST', { audience }),
			);
		// `{all: true}` is every allowed subscriber (docs/SEGMENTS.md); a filter selects whatever their status.
		expect(await estimate({ all: true })).toEqual({ count: 2, reachable: 2, byBrowser: { firefox: 2 } });
		expect(await estimate({ filter: { identified: true } })).toEqual({
			count: 2,
			reachable: 1,
			byBrowser: { firefox: 1 },
		});
		expect(
			await estimate({ filter: { event: 'added_to_cart', count: { op: 'gte', value: 2 } } }),
		).toMatchObject({ count: 1, reachable: 1 });
		expect(await estimate({ all: true, exclude: { event: 'added_to_cart' } })).toMatchObject({
			count: 0,
			reachable: 0,
		});
		expect(await estimate({ filter: { not: { event: 'added_to_cart' } } })).toMatchObject({
			count: 1,
			reachable: 0,
		});

		const bad = await problem(
			await api(site, '/audience/estimate', 'POST', {
				audience: { filter: { attribute: 'plan', op: 'gt', value: 1 } },
			}),
		);
		expect(bad.status).toBe(400);
		expect(bad.message).toMatch(/^audience\.filter\.op: plan is a string attribute/);
	});
});

describe('testers', () => {
	it('are marked with PATCH {test} (editor) and a {test: true} send reaches only them', async () => {
		const { site, subs, alice } = await shop();
		const marked = await api(site, `/subscribers/${alice}`, 'PATCH', { test: true });
		expect(marked.status).toBe(200);
		expect(await json(marked)).toMatchObject({ subscriberId: alice, test: true });
		expect((await api(site, '/subscribers/sub_nobody', 'PATCH', { test: true })).status).toBe(404);
		expect((await problem(await api(site, `/subscribers/${alice}`, 'PATCH', { test: 'yes' }))).message).toBe(
			'test: must be true or false',
		);

		const id = await send(site, { title: 'Test run', audience: { test: true } });
		const done = await waitDone(site, id);
		expect(done.counts.targeted).toBe(1);
		expect(await sinkLog(subs[0]?.json.endpoint as string)).toHaveLength(1);
		expect(await sinkLog(subs[1]?.json.endpoint as string)).toHaveLength(0);

		const page = await json<{ subscribers: Array<{ subscriberId: string }> }>(
			await api(site, `/subscribers?filter=${encodeURIComponent(JSON.stringify({ test: true }))}`),
		);
		expect(page.subscribers.map((s) => s.subscriberId)).toEqual([alice]);
	});
});

describe('segment audiences', () => {
	it('send to a saved segment minus an exclusion, frozen when accepted; the list filters by segment', async () => {
		const { site, subs, alice, bob } = await shop();
		const identified = await json<{ segmentId: string }>(
			await api(site, '/segments', 'POST', { name: 'Signed in', filter: { identified: true } }),
		);
		const page = await json<{ subscribers: Array<{ subscriberId: string }> }>(
			await api(site, `/subscribers?segment=${identified.segmentId}`),
		);
		expect(page.subscribers.map((s) => s.subscriberId).sort()).toEqual([alice, bob].sort());

		const id = await send(site, {
			title: 'Members only',
			audience: { segment: identified.segmentId, exclude: { attribute: 'plan', op: 'eq', value: 'free' } },
		});
		// Editing the segment now does not change the accepted send.
		await api(site, `/segments/${identified.segmentId}`, 'PATCH', { filter: { identified: false } });
		const done = await waitDone(site, id);
		expect(done.counts.targeted).toBe(1);
		expect(done.counts.sent).toBe(1);
		expect(await sinkLog(subs[0]?.json.endpoint as string)).toHaveLength(1);
		expect(await sinkLog(subs[1]?.json.endpoint as string)).toHaveLength(0);
		expect(await sinkLog(subs[2]?.json.endpoint as string)).toHaveLength(0);
		const view = await json<{ audience: unknown }>(await api(site, `/notifications/${id}`));
		expect(view.audience).toEqual({
			segment: identified.segmentId,
			exclude: { attribute: 'plan', op: 'eq', value: 'free' },
		});
	});

	it('refuses a send whose filter does not fit the site, naming the node, and stores nothing', async () => {
		const { site } = await shop();
		const before = await storeRowCounts(site.siteId);
		const response = await api(site, '/notifications', 'POST', {
			title: 'x',
			audience: { all: true, exclude: { any: [{ attribute: 'nope', op: 'exists' }] } },
		});
		const body = await problem(response);
		expect(body.status).toBe(400);
		expect(body.message).toBe('audience.exclude.any[0].attribute: no user has the attribute nope yet');
		const missing = await problem(
			await api(site, '/notifications', 'POST', { title: 'x', audience: { segment: 'seg_missing' } }),
		);
		expect(missing.message).toBe('audience.segment: there is no segment seg_missing on this site');
		expect(await storeRowCounts(site.siteId)).toEqual(before);
	});
});
