import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { inHoldout, variantOf } from '../../../worker/src/campaigns/experiment';
import type { SiteStore } from '../../../worker/src/objects/site-store';
import { recordPage, SentIndex } from '../../../worker/src/store/sent-sets';
import { decryptRecorded } from '../decrypt';
import {
	siteApi as api,
	call,
	createSite,
	json,
	makeSubscription,
	type NotificationView,
	problem,
	seedSubscribers,
	send,
	sinkLog,
	storeOf,
	storeRowCounts,
	storeSql,
	subscribe,
	type TestSite,
	waitDone,
} from '../helpers';

// Campaigns through the admin API: the resource, its lifecycle, runs started by the site store's alarm, each a
// notification of its own. The schedule's arithmetic (zones, DST, recurrences) is tested in test/worker/campaigns/.

interface Campaign {
	campaignId: string;
	state: string;
	nextRunAt: string | null;
	runCount: number;
	lastError: string | null;
	runs?: Array<{
		run: number;
		notificationId: string;
		status: string;
		counts: { sent: number };
		winner?: { by: string; variant: number | null; name: string | null; notificationId: string | null };
	}>;
}

const DRAFT = {
	name: 'Spring sale',
	labels: ['sale'],
	message: { title: 'Hi {{ user.first_name | default: "there" }}', body: 'Spring sale: 20 % off' },
	audience: { all: true },
};

async function create(site: TestSite, body: Record<string, unknown> = {}): Promise<Campaign> {
	const response = await api(site, '/campaigns', 'POST', { ...DRAFT, ...body });
	if (response.status !== 201) throw new Error(`create: ${response.status} ${await response.text()}`);
	return json<Campaign>(response);
}

async function act(site: TestSite, id: string, action: string): Promise<Response> {
	return api(site, `/campaigns/${id}/${action}`, 'POST');
}

async function read(site: TestSite, id: string): Promise<Campaign> {
	return json<Campaign>(await api(site, `/campaigns/${id}`));
}

/** Fires the store's alarm (as Cloudflare would at its time) until the campaign has `runs` runs. */
async function runsOf(site: TestSite, id: string, runs: number, timeoutMs = 10_000): Promise<Campaign> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const c = await read(site, id);
		if ((c.runs?.length ?? 0) >= runs) return c;
		if (Date.now() > deadline)
			throw new Error(`campaign ${id} has ${c.runs?.length} runs: ${JSON.stringify(c)}`);
		await runDurableObjectAlarm(storeOf(site.siteId));
		await new Promise((r) => setTimeout(r, 100));
	}
}

async function shop(n = 3) {
	const site = await createSite();
	const subs = await Promise.all(Array.from({ length: n }, () => makeSubscription()));
	const ids: string[] = [];
	for (const s of subs) ids.push(await subscribe(site, s));
	return { site, subs, ids };
}

/**
 * `n` subscribers written straight into the site's store, with real push keys (the sink decrypts what they get) and
 * ids of the shape the worker makes (`sub_` + 20 characters, as the events route checks); `user(i)` signs some in.
 */
async function seeded(
	site: TestSite,
	n: number,
	tag: string,
	user: (i: number) => string | null = () => null,
) {
	const subs = await Promise.all(Array.from({ length: n }, () => makeSubscription()));
	const rows = subs.map((s, i) => ({
		id: `sub_${tag}${String(i).padStart(20 - tag.length, '0')}`,
		endpoint: s.json.endpoint,
		p256dh: s.json.keys.p256dh,
		auth: s.json.keys.auth,
		externalUserId: user(i),
	}));
	await seedSubscribers(site.siteId, rows);
	return { subs, rows };
}

describe('campaigns', () => {
	it('creates a draft, schedules it to run now, and the run is a notification every subscriber receives', async () => {
		const { site, subs } = await shop(3);
		const draft = await create(site);
		expect(draft).toMatchObject({ state: 'draft', nextRunAt: null, runCount: 0, labels: ['sale'] });
		const noSchedule = await problem(await act(site, draft.campaignId, 'schedule'));
		expect(noSchedule).toMatchObject({ status: 409, code: 'schedule_required' });

		const patched = await json<Campaign>(
			await api(site, `/campaigns/${draft.campaignId}`, 'PATCH', { schedule: { type: 'now' } }),
		);
		expect(patched.state).toBe('draft');
		const scheduled = await json<Campaign>(await act(site, draft.campaignId, 'schedule'));
		expect(scheduled.state).toBe('scheduled');
		expect(Date.parse(scheduled.nextRunAt as string)).toBeLessThanOrEqual(Date.now());

		const ran = await runsOf(site, draft.campaignId, 1);
		const run = ran.runs?.[0];
		expect(run?.run).toBe(1);
		const done = await waitDone(site, run?.notificationId as string);
		expect(done.counts).toMatchObject({ targeted: 3, sent: 3, failed: 0 });
		for (const s of subs) expect((await sinkLog(s.json.endpoint)).length).toBe(1);
		await expect
			.poll(async () => (await read(site, draft.campaignId)).state, { timeout: 10_000 })
			.toBe('done');
		const final = await read(site, draft.campaignId);
		expect(final).toMatchObject({ runCount: 1, nextRunAt: null });
		expect(final.runs?.[0]?.counts.sent).toBe(3);
		// A run is in the notification history too.
		const history = await json<{ notifications: Array<{ notificationId: string }> }>(
			await api(site, '/notifications'),
		);
		expect(history.notifications.map((n) => n.notificationId)).toContain(run?.notificationId);
		// Finished: no more edits or actions; it can be deleted.
		expect(
			(await problem(await api(site, `/campaigns/${draft.campaignId}`, 'PATCH', { name: 'x' }))).code,
		).toBe('campaign_finished');
		expect((await problem(await act(site, draft.campaignId, 'pause'))).code).toBe('campaign_state');
		expect((await api(site, `/campaigns/${draft.campaignId}`, 'DELETE')).status).toBe(204);
		expect((await api(site, `/campaigns/${draft.campaignId}`)).status).toBe(404);
	});

	it('runs each of several dates once, as its own notification', async () => {
		const { site } = await shop(2);
		const soon = Date.now() + 1500;
		const at = [new Date(soon + 800).toISOString(), new Date(soon).toISOString()];
		const c = await create(site, { schedule: { type: 'dates', at } });
		const scheduled = await json<Campaign>(await act(site, c.campaignId, 'schedule'));
		expect(scheduled.nextRunAt).toBe(new Date(soon).toISOString());
		// Not due yet: an early alarm starts nothing.
		await runDurableObjectAlarm(storeOf(site.siteId));
		expect((await read(site, c.campaignId)).runs).toEqual([]);
		await new Promise((r) => setTimeout(r, 2500));
		const ran = await runsOf(site, c.campaignId, 2);
		expect(ran.runs?.map((r) => r.run)).toEqual([2, 1]);
		const ids = new Set(ran.runs?.map((r) => r.notificationId));
		expect(ids.size).toBe(2);
		for (const id of ids) expect((await waitDone(site, id)).counts.sent).toBe(2);
		// Another alarm starts nothing more.
		await runDurableObjectAlarm(storeOf(site.siteId));
		expect((await read(site, c.campaignId)).runs?.length).toBe(2);
	});

	it('pauses, resumes and cancels; a past schedule cannot be scheduled; the list filters by state and label', async () => {
		const { site } = await shop(1);
		const past = await create(site, { schedule: { type: 'once', at: '2020-01-01T09:00:00Z' } });
		expect((await problem(await act(site, past.campaignId, 'schedule'))).code).toBe('schedule_in_past');

		const at = new Date(Date.now() + 3_600_000).toISOString();
		const later = await create(site, { name: 'Later', labels: ['news'], schedule: { type: 'once', at } });
		expect((await json<Campaign>(await act(site, later.campaignId, 'schedule'))).nextRunAt).toBe(at);
		expect((await problem(await act(site, later.campaignId, 'resume'))).code).toBe('campaign_state');
		expect((await problem(await api(site, `/campaigns/${later.campaignId}`, 'DELETE'))).code).toBe(
			'campaign_active',
		);
		const paused = await json<Campaign>(await act(site, later.campaignId, 'pause'));
		expect(paused).toMatchObject({ state: 'paused', nextRunAt: null });
		const resumed = await json<Campaign>(await act(site, later.campaignId, 'resume'));
		expect(resumed).toMatchObject({ state: 'scheduled', nextRunAt: at });

		const list = async (q: string) =>
			(await json<{ campaigns: Campaign[] }>(await api(site, `/campaigns${q}`))).campaigns.map(
				(c) => c.campaignId,
			);
		expect(await list('?state=scheduled')).toEqual([later.campaignId]);
		expect(await list('?label=NEWS')).toEqual([later.campaignId]);
		expect((await list('?state=draft,scheduled')).sort()).toEqual([past.campaignId, later.campaignId].sort());
		expect((await problem(await api(site, '/campaigns?state=sent'))).status).toBe(400);

		const cancelled = await json<Campaign>(await act(site, later.campaignId, 'cancel'));
		expect(cancelled).toMatchObject({ state: 'cancelled', nextRunAt: null });
		expect((await problem(await act(site, later.campaignId, 'cancel'))).code).toBe('campaign_state');
		expect((await problem(await act(site, later.campaignId, 'launch'))).status).toBe(404);
	});

	it('refuses bad campaigns with a 400 naming the field, writing nothing', async () => {
		const site = await createSite();
		const before = await storeRowCounts(site.siteId);
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[{ name: '' }, /^name: /],
			[{ message: { title: 'Hi {{ user.first_name | nosuchfilter }}' } }, /^message\.title: /],
			[{ message: { body: 'no title' } }, /^message\.title: /],
			[{ message: { title: 'x', colour: 'red' } }, /^message: .*colour|^message\.colour/],
			[{ message: { title: 'x', icon: 'http://elsewhere.example/i.png' } }, /^message\.icon: /],
			[{ audience: { segment: 'seg_doesnotexist' } }, /^audience\.segment: /],
			[{ audience: { filter: { attribute: 'plan', op: 'gt', value: 'x' } } }, /^audience\.filter/],
			[{ schedule: { type: 'weekly' } }, /^schedule/],
			[{ schedule: { type: 'once', at: 'tomorrow' } }, /^schedule\.at: /],
			[
				{
					schedule: {
						type: 'recurring',
						rule: { freq: 'daily', times: ['09:00'], start: '2026-12-01', timezone: 'Mars/Olympus' },
					},
				},
				/^schedule\.rule\.timezone: /,
			],
			[
				{
					schedule: {
						type: 'recurring',
						rule: { freq: 'daily', times: ['25:00'], start: '2026-12-01', timezone: 'Europe/Berlin' },
					},
				},
				/^schedule\.rule\.times\[0\]: /,
			],
			[{ delivery: { ttl: -1 } }, /^delivery\.ttl: /],
			[{ stray: 1 }, /stray/],
		];
		for (const [change, message] of cases) {
			const body: Record<string, unknown> = { ...DRAFT, ...change };
			if ('message' in change) body.message = change.message;
			const got = await problem(await api(site, '/campaigns', 'POST', body));
			expect({ change, status: got.status }).toEqual({ change, status: 400 });
			expect(got.message, JSON.stringify(change)).toMatch(message);
		}
		expect(await storeRowCounts(site.siteId)).toEqual(before);
	});

	it('sends a test to the testers only (409 without testers); a viewer cannot create', async () => {
		const { site, subs, ids } = await shop(2);
		const c = await create(site);
		expect((await problem(await api(site, `/campaigns/${c.campaignId}/test`, 'POST'))).code).toBe(
			'no_testers',
		);
		expect((await api(site, `/subscribers/${ids[1]}`, 'PATCH', { test: true })).status).toBe(200);
		const tested = await api(site, `/campaigns/${c.campaignId}/test`, 'POST');
		expect(tested.status).toBe(202);
		const { notificationId } = await json<{ notificationId: string }>(tested);
		expect((await waitDone(site, notificationId)).counts.sent).toBe(1);
		expect((await sinkLog(subs[1]?.json.endpoint as string)).length).toBe(1);
		expect((await sinkLog(subs[0]?.json.endpoint as string)).length).toBe(0);
		// A test is not a run.
		expect((await read(site, c.campaignId)).runs).toEqual([]);

		const viewer = await json<{ token: string }>(
			await api(site, '/console-tokens', 'POST', { role: 'viewer', staff: { id: 'v' } }),
		);
		expect((await api(site, '/campaigns', 'POST', DRAFT, viewer.token)).status).toBe(403);
		expect((await api(site, '/campaigns', 'GET', undefined, viewer.token)).status).toBe(200);
	});

	it('keeps a segment a campaign sends to from being deleted until the campaign is cancelled', async () => {
		const { site } = await shop(1);
		const segment = await json<{ segmentId: string }>(
			await api(site, '/segments', 'POST', { name: 'Everyone allowed', filter: { status: ['allowed'] } }),
		);
		const c = await create(site, { audience: { segment: segment.segmentId } });
		const refused = await problem(await api(site, `/segments/${segment.segmentId}`, 'DELETE'));
		expect(refused).toMatchObject({ status: 409, code: 'segment_in_use' });
		expect(refused.message).toContain(c.campaignId);
		// Once the campaign is cancelled the segment may go.
		await act(site, c.campaignId, 'cancel');
		expect((await api(site, `/segments/${segment.segmentId}`, 'DELETE')).status).toBe(204);
	});

	describe('timing: local time, quiet hours, throttle', () => {
		/** Four subscribers: two in UTC, one with no zone (the campaign's, UTC), one in Pacific/Kiritimati (+14). */
		async function zoned() {
			const site = await createSite();
			const subs = await Promise.all(Array.from({ length: 4 }, () => makeSubscription()));
			const zones = ['UTC', 'UTC', undefined, 'Pacific/Kiritimati'];
			for (const [i, s] of subs.entries()) {
				const zone = zones[i];
				await subscribe(site, s, zone ? { timezone: zone } : {});
			}
			return { site, subs };
		}
		const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

		async function runOnce(site: TestSite, timing: Record<string, unknown>) {
			const c = await create(site, { schedule: { type: 'now' }, timing });
			expect((await act(site, c.campaignId, 'schedule')).status).toBe(200);
			const ran = await runsOf(site, c.campaignId, 1);
			return ran.runs?.[0]?.notificationId as string;
		}

		it('skips subscribers whose local time has passed, or sends them now, as the campaign says', async () => {
			const { site } = await zoned();
			// 00:00 of the run's date has passed in every zone (the date is the campaign zone's, UTC).
			const skipped = await waitDone(
				site,
				await runOnce(site, { localTime: { time: '00:00', passed: 'skip' } }),
			);
			expect(skipped.counts).toMatchObject({
				targeted: 0,
				sent: 0,
				failed: 0,
				skipped: { local_time_passed: 4 },
			});
			const now = await waitDone(site, await runOnce(site, { localTime: { time: '00:00', passed: 'now' } }));
			expect(now.counts).toMatchObject({ targeted: 4, sent: 4 });
			expect(now.counts.skipped).toBeUndefined();
		});

		it('discards, or delays to the window’s end, what falls in quiet hours in each subscriber’s own time', async () => {
			const { site, subs } = await zoned();
			// A quiet window around now in UTC: Kiritimati is 14 hours ahead, outside it.
			const quiet = { start: hhmm(Date.now() - 3_600_000), end: hhmm(Date.now() + 3_600_000) };
			const discarded = await waitDone(
				site,
				await runOnce(site, { timezone: 'UTC', quietHours: { ...quiet, action: 'discard' } }),
			);
			expect(discarded.counts).toMatchObject({ targeted: 1, sent: 1, skipped: { quiet_hours: 3 } });
			expect((await sinkLog(subs[3]?.json.endpoint as string)).length).toBe(1);
			expect((await sinkLog(subs[0]?.json.endpoint as string)).length).toBe(0);

			const delayed = await runOnce(site, { quietHours: { ...quiet, action: 'delay' } });
			await expect
				.poll(
					async () =>
						(await json<NotificationView>(await api(site, `/notifications/${delayed}`))).counts.sent,
					{
						timeout: 10_000,
					},
				)
				.toBe(1);
			// The other three wait for the end of the window (an hour from now): the run is still sending.
			await new Promise((r) => setTimeout(r, 500));
			const view = await json<NotificationView>(await api(site, `/notifications/${delayed}`));
			expect(view).toMatchObject({ status: 'sending', counts: { targeted: 1, sent: 1 } });
			expect((await sinkLog(subs[0]?.json.endpoint as string)).length).toBe(0);
		});

		it('applies the site’s default quiet hours to campaigns without their own', async () => {
			const { site } = await zoned();
			const around = { start: hhmm(Date.now() - 3_600_000), end: hhmm(Date.now() + 3_600_000) };
			const set = await api(site, '/settings', 'PATCH', {
				campaigns: { quietHours: { ...around, action: 'discard' } },
			});
			expect(set.status).toBe(200);
			const defaulted = await waitDone(site, await runOnce(site, {}));
			expect(defaulted.counts).toMatchObject({ targeted: 1, sent: 1, skipped: { quiet_hours: 3 } });
			// A campaign's own quiet hours replace the site's (here: a window twelve hours away, so nobody is quiet).
			const away = { start: hhmm(Date.now() + 11 * 3_600_000), end: hhmm(Date.now() + 13 * 3_600_000) };
			const own = await waitDone(
				site,
				await runOnce(site, { timezone: 'UTC', quietHours: { ...away, action: 'discard' } }),
			);
			expect(own.counts).toMatchObject({ targeted: 4, sent: 4 });
			const bad = await problem(
				await api(site, '/settings', 'PATCH', {
					campaigns: { quietHours: { start: '22:00', end: '22:00', action: 'delay' } },
				}),
			);
			expect(bad).toMatchObject({ status: 400 });
			expect(bad.message).toMatch(/^campaigns\.quietHours\.end: /);
			const cleared = await api(site, '/settings', 'PATCH', { campaigns: { quietHours: null } });
			expect((await json<{ settings: { campaigns: unknown } }>(cleared)).settings.campaigns).toEqual({
				quietHours: null,
			});
		});

		it('throttles a run to N pushes a minute', async () => {
			const { site } = await zoned();
			const id = await runOnce(site, { throttlePerMinute: 2 });
			await expect
				.poll(
					async () => (await json<NotificationView>(await api(site, `/notifications/${id}`))).counts.sent,
					{
						timeout: 10_000,
					},
				)
				.toBe(2);
			await new Promise((r) => setTimeout(r, 1000));
			const view = await json<NotificationView>(await api(site, `/notifications/${id}`));
			expect(view).toMatchObject({ status: 'sending', counts: { targeted: 2, sent: 2 } });
		});

		it('refuses bad timing with a 400 naming the field', async () => {
			const site = await createSite();
			const cases: Array<[Record<string, unknown>, RegExp]> = [
				[{ timezone: 'Mars/Olympus' }, /^timing\.timezone: /],
				[{ localTime: { time: '9am', passed: 'now' } }, /^timing\.localTime\.time: /],
				[{ localTime: { time: '09:00', passed: 'later' } }, /^timing\.localTime\.passed: /],
				[{ quietHours: { start: '22:00', end: '22:00', action: 'delay' } }, /^timing\.quietHours\.end: /],
				[{ quietHours: { start: '22:00', end: '07:00' } }, /^timing\.quietHours\.action: /],
				[{ cutoffAt: 'soon' }, /^timing\.cutoffAt: /],
				[{ cutoffAt: '2027-01-01T00:00:00Z', cutoffAfterMinutes: 5 }, /^timing\.cutoffAfterMinutes: /],
				[{ throttlePerMinute: 0 }, /^timing\.throttlePerMinute: /],
			];
			for (const [timing, message] of cases) {
				const got = await problem(await api(site, '/campaigns', 'POST', { ...DRAFT, timing }));
				expect({ timing, status: got.status }).toEqual({ timing, status: 400 });
				expect(got.message, JSON.stringify(timing)).toMatch(message);
			}
		});
	});

	it('over 2,000 recipients: holds out the control share (3 σ) and sends it nothing, then caps the next run entirely', async () => {
		const N = 2000;
		const site = await createSite();
		const { subs, rows } = await seeded(site, N, 'hold');
		expect(
			(await api(site, '/settings', 'PATCH', { campaigns: { frequencyCap: { perDay: 1 } } })).status,
		).toBe(200);
		const c = await create(site, { schedule: { type: 'now' }, experiment: { holdoutPercent: 10 } });
		expect(c).toMatchObject({ experiment: { holdoutPercent: 10 } });
		await act(site, c.campaignId, 'schedule');
		const run = (await runsOf(site, c.campaignId, 1)).runs?.[0];
		const done = await waitDone(site, run?.notificationId as string);
		const held = rows.filter((r) => inHoldout(c.campaignId, r.id, 10));
		// Binomial(2000, 0.1): 200 ± 3 σ (σ ≈ 13.4).
		expect(Math.abs(held.length - 200)).toBeLessThan(41);
		expect(done.counts).toMatchObject({
			targeted: N - held.length,
			sent: N - held.length,
			skipped: { holdout: held.length },
		});
		const heldIds = new Set(held.map((r) => r.id));
		const pushes = await Promise.all(subs.map(async (s) => (await sinkLog(s.json.endpoint)).length));
		const wrong = rows.filter((r, i) => pushes[i] !== (heldIds.has(r.id) ? 0 : 1)).map((r) => r.id);
		expect(wrong).toEqual([]);
		// A second campaign the same day: everyone who got the first is capped (1 a day), the held-out get theirs.
		const second = await create(site, { name: 'Second', schedule: { type: 'now' } });
		await act(site, second.campaignId, 'schedule');
		const secondRun = (await runsOf(site, second.campaignId, 1)).runs?.[0];
		const capped = await waitDone(site, secondRun?.notificationId as string);
		expect(capped.counts).toMatchObject({
			targeted: held.length,
			sent: held.length,
			skipped: { capped: N - held.length },
		});
	}, 60_000);

	describe('frequency cap', () => {
		it('caps campaign pushes per subscriber per day and per week, counted; transactional runs and sends pass', async () => {
			const { site, subs } = await shop(4);
			const setCap = async (frequencyCap: unknown) => {
				const response = await api(site, '/settings', 'PATCH', { campaigns: { frequencyCap } });
				expect(response.status).toBe(200);
				return (await json<{ settings: { campaigns: unknown } }>(response)).settings.campaigns;
			};
			const run = async (extra: Record<string, unknown> = {}) => {
				const c = await create(site, { schedule: { type: 'now' }, ...extra });
				await act(site, c.campaignId, 'schedule');
				const id = (await runsOf(site, c.campaignId, 1)).runs?.[0]?.notificationId as string;
				return (await waitDone(site, id)).counts;
			};
			expect(await setCap({ perDay: 1 })).toEqual({ frequencyCap: { perDay: 1 } });
			expect(await run()).toMatchObject({ targeted: 4, sent: 4 });
			expect(await run()).toMatchObject({ targeted: 0, sent: 0, skipped: { capped: 4 } });
			// Transactional: neither capped nor counted.
			expect(await run({ timing: { ignoreFrequencyCap: true } })).toMatchObject({ targeted: 4, sent: 4 });
			// A one-off notification is not a campaign push.
			expect((await waitDone(site, await send(site, {}))).counts).toMatchObject({ sent: 4 });

			expect(await setCap({ perWeek: 2 })).toEqual({ frequencyCap: { perWeek: 2 } });
			const second = await run();
			expect(second).toMatchObject({ targeted: 4, sent: 4 });
			expect(second.skipped).toBeUndefined();
			expect(await run()).toMatchObject({ targeted: 0, skipped: { capped: 4 } });
			expect(await setCap(null)).toEqual({ frequencyCap: null });
			expect(await run()).toMatchObject({ targeted: 4, sent: 4 });
			for (const s of subs) expect((await sinkLog(s.json.endpoint)).length).toBe(5);

			for (const [bad, message] of [
				[{}, /^campaigns\.frequencyCap: must set perDay, perWeek or both/],
				[{ perDay: 0 }, /^campaigns\.frequencyCap\.perDay: /],
				[{ perDay: 1, perMonth: 3 }, /^campaigns\.frequencyCap\.perMonth: /],
			] as const) {
				const got = await problem(
					await api(site, '/settings', 'PATCH', { campaigns: { frequencyCap: bad } }),
				);
				expect(got.status).toBe(400);
				expect(got.message).toMatch(message);
			}
		}, 30_000);

		it('counts a day in the subscriber’s own time zone, and does not count a run against itself', async () => {
			const site = await createSite();
			const subs = await Promise.all([makeSubscription(), makeSubscription()]);
			const rows = subs.map((s, i) => ({
				id: `sub_zone${i}`,
				endpoint: s.json.endpoint,
				p256dh: s.json.keys.p256dh,
				auth: s.json.keys.auth,
			}));
			await seedSubscribers(site.siteId, rows);
			await storeSql(
				site.siteId,
				"UPDATE subscribers SET timezone = 'Pacific/Kiritimati' WHERE id = 'sub_zone0'",
			);
			await storeSql(
				site.siteId,
				"UPDATE subscribers SET timezone = 'America/Los_Angeles' WHERE id = 'sub_zone1'",
			);
			const ids = ['sub_zone0', 'sub_zone1'];
			// At 12:00Z on 10 June: in Kiritimati (+14) the day began at 10:00Z; in Los Angeles (-7) at 07:00Z.
			const now = Date.parse('2026-06-10T12:00:00Z');
			const kept = await runInDurableObject(storeOf(site.siteId), (_store: SiteStore, state) => {
				const index = new SentIndex();
				// A campaign push at 09:00Z: yesterday evening in Kiritimati, this morning in Los Angeles.
				index.add(ids, Date.parse('2026-06-10T09:00:00Z'), 'ntf_earlier');
				const sql = state.storage.sql;
				const first = recordPage(
					sql,
					index,
					{ notificationId: 'ntf_now', seq: 0, ids },
					{ perDay: 1 },
					'UTC',
					now,
				);
				// The same page again (a restart): not written twice, and the run's own sends do not cap it.
				const again = recordPage(
					sql,
					index,
					{ notificationId: 'ntf_now', seq: 0, ids },
					{ perDay: 1 },
					'UTC',
					now,
				);
				const rows = sql.exec('SELECT count(*) AS n FROM sent_sets').one().n;
				return { first, again, rows };
			});
			expect(kept).toEqual({ first: ['sub_zone0'], again: ['sub_zone0'], rows: 1 });
		});
	});

	describe('A/B variants', () => {
		it('sends each subscriber its variant (by hash, by weight), with Liquid, and counts each variant', async () => {
			const site = await createSite();
			const { subs, rows } = await seeded(site, 60, 'ab');
			const c = await create(site, {
				message: {
					title: 'Spring sale',
					body: 'For {{ subscriber.id }}',
					url: 'https://shop.example/sale?s={{ subscriber.id }}',
				},
				schedule: { type: 'now' },
				experiment: {
					variants: [
						{ weight: 1 },
						{ name: 'Urgent', weight: 2, message: { title: 'Last day of the sale!' } },
					],
				},
			});
			expect(c).toMatchObject({
				experiment: {
					variants: [
						{ name: 'A', weight: 1 },
						{ name: 'Urgent', weight: 2, message: { title: 'Last day of the sale!' } },
					],
				},
			});
			await act(site, c.campaignId, 'schedule');
			const run = (await runsOf(site, c.campaignId, 1)).runs?.[0];
			const done = await waitDone(site, run?.notificationId as string);
			const expected = rows.map((r) => variantOf(c.campaignId, r.id, [1, 2]));
			const inB = expected.filter((v) => v === 1).length;
			expect(inB).toBeGreaterThan(25);
			expect(done.counts).toMatchObject({ targeted: 60, sent: 60 });
			expect(done.counts.variants).toEqual([
				{ targeted: 60 - inB, sent: 60 - inB, failed: 0, shown: 0, clicked: 0, closed: 0 },
				{ targeted: inB, sent: inB, failed: 0, shown: 0, clicked: 0, closed: 0 },
			]);
			// Each push carries its variant's title and the personalised body.
			for (const [i, s] of subs.entries()) {
				const [push] = await sinkLog(s.json.endpoint);
				const payload = await decryptRecorded(push?.body ?? '', s);
				expect(payload.title).toBe(expected[i] === 1 ? 'Last day of the sale!' : 'Spring sale');
				expect(payload.body).toBe(`For ${rows[i]?.id}`);
			}
			// A click is counted on the clicking subscriber's variant.
			const clicker = rows[expected.indexOf(1)]?.id as string;
			const clicked = await call(`/v1/sites/${site.siteId}/subscribers/${clicker}/events`, {
				method: 'POST',
				headers: { origin: site.origin },
				body: JSON.stringify({ type: 'clicked', notificationId: run?.notificationId }),
			});
			expect(clicked.status).toBe(202);
			await expect
				.poll(
					async () => {
						const view = await json<NotificationView & { counts: { variants: Array<{ clicked: number }> } }>(
							await api(site, `/notifications/${run?.notificationId}`),
						);
						return view.counts.variants.map((v) => v.clicked);
					},
					{ timeout: 10_000 },
				)
				.toEqual([0, 1]);
		}, 30_000);

		it('refuses bad variants with a 400 naming the variant', async () => {
			const site = await createSite();
			const cases: Array<[unknown, RegExp]> = [
				[[{ weight: 1 }], /^experiment\.variants: must be an array of 2 to 5 variants/],
				[[{ weight: 1 }, { weight: 0 }], /^experiment\.variants\[1\]\.weight: /],
				[
					[{ weight: 1 }, { weight: 1, message: { title: '{{ x | nope }}' } }],
					/^experiment\.variants\[1\]\.message\.title: /,
				],
				[
					[
						{ weight: 1, name: 'A' },
						{ weight: 1, name: 'a' },
					],
					/^experiment\.variants\[1\]\.name: another variant is called a/,
				],
				[[{ weight: 1 }, { weight: 1, message: { colour: 'red' } }], /^experiment\.variants\[1\]\.message/],
			];
			for (const [variants, message] of cases) {
				const got = await problem(
					await api(site, '/campaigns', 'POST', { ...DRAFT, experiment: { variants } }),
				);
				expect({ variants, status: got.status }).toEqual({ variants, status: 400 });
				expect(got.message, JSON.stringify(variants)).toMatch(message);
			}
		});
	});

	describe('conversions', () => {
		it('reports conversions per run: direct after a click, influenced, revenue, per variant, control group and lift', async () => {
			const site = await createSite();
			const { rows } = await seeded(site, 40, 'cv', (i) => (i % 2 === 0 ? `user-${i}` : null));
			const c = await create(site, {
				schedule: { type: 'now' },
				experiment: {
					holdoutPercent: 25,
					variants: [{ weight: 1 }, { weight: 1, message: { title: 'B' } }],
					goal: { event: 'purchase', windowHours: 24, revenueProperty: 'total' },
				},
			});
			await act(site, c.campaignId, 'schedule');
			const run = (await runsOf(site, c.campaignId, 1)).runs?.[0];
			await waitDone(site, run?.notificationId as string);
			const held = rows.filter((r) => inHoldout(c.campaignId, r.id, 25));
			const sent = rows.filter((r) => !inHoldout(c.campaignId, r.id, 25));
			expect(held.length).toBeGreaterThan(2);
			const variant = (r: { id: string }) => variantOf(c.campaignId, r.id, [1, 1]);
			const [clickerA, clickerB, lurker] = [
				sent.find((r) => variant(r) === 0 && r.externalUserId),
				sent.find((r) => variant(r) === 1 && !r.externalUserId),
				sent.find((r) => variant(r) === 1 && r.externalUserId),
			];
			if (!clickerA || !clickerB || !lurker) throw new Error('the hash put nobody in a needed group');
			for (const r of [clickerA, clickerB]) {
				const clicked = await call(`/v1/sites/${site.siteId}/subscribers/${r.id}/events`, {
					method: 'POST',
					headers: { origin: site.origin },
					body: JSON.stringify({ type: 'clicked', notificationId: run?.notificationId }),
				});
				expect(clicked.status).toBe(202);
			}
			// The clicks reach the store as `clicked` events (the dispatcher's flush) before the purchases.
			await expect
				.poll(
					async () =>
						(
							await storeSql<{ n: number }>(
								site.siteId,
								"SELECT count(*) AS n FROM event_days WHERE name = 'clicked'",
							)
						)[0]?.n,
					{ timeout: 10_000 },
				)
				.toBe(2);
			await new Promise((r) => setTimeout(r, 20));
			const subject = (r: { id: string; externalUserId: string | null }) =>
				r.externalUserId ? { userId: r.externalUserId } : { subscriberId: r.id };
			const purchase = (r: (typeof rows)[number], total: number) => ({
				name: 'purchase',
				...subject(r),
				properties: { total },
			});
			const events = await api(site, '/events', 'POST', {
				events: [
					purchase(clickerA, 30),
					purchase(clickerA, 12.5),
					purchase(clickerB, 20),
					purchase(lurker, 10),
					purchase(held[0] as (typeof rows)[number], 5),
				],
			});
			expect(events.status).toBe(202);
			const report = await json<{ run: { run: number }; conversions: Record<string, unknown> }>(
				await api(site, `/campaigns/${c.campaignId}/runs/1/report`),
			);
			const aPeople = sent.filter((r) => variant(r) === 0).length;
			expect(report.run.run).toBe(1);
			expect(report.conversions).toMatchObject({
				goal: { event: 'purchase', windowHours: 24, revenueProperty: 'total' },
				final: false,
				recipients: sent.length,
				converted: 3,
				direct: 2,
				influenced: 1,
				revenue: 72.5,
				rate: 3 / sent.length,
				control: { members: held.length, converted: 1, revenue: 5, rate: 1 / held.length },
				variants: [
					{ name: 'A', recipients: aPeople, converted: 1, direct: 1, revenue: 42.5 },
					{ name: 'B', recipients: sent.length - aPeople, converted: 2, direct: 1, revenue: 30 },
				],
			});
			const lift = report.conversions.lift as number;
			expect(lift).toBeCloseTo((3 / sent.length - 1 / held.length) / (1 / held.length), 6);
			expect((await api(site, `/campaigns/${c.campaignId}/runs/2/report`)).status).toBe(404);
			expect((await api(site, `/campaigns/${c.campaignId}/runs/x/report`)).status).toBe(400);
		}, 30_000);
	});

	it('shows a calendar of runs that started and runs to come', async () => {
		const { site } = await shop(1);
		const done = await create(site, { name: 'Now', schedule: { type: 'now' } });
		await act(site, done.campaignId, 'schedule');
		await runsOf(site, done.campaignId, 1);
		const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
		const daily = await create(site, {
			name: 'Daily',
			schedule: {
				type: 'recurring',
				rule: { freq: 'daily', times: ['09:00'], start: tomorrow, timezone: 'UTC' },
			},
		});
		await act(site, daily.campaignId, 'schedule');
		const from = new Date(Date.now() - 60_000).toISOString();
		const to = new Date(Date.parse(`${tomorrow}T00:00:00Z`) + 3 * 86_400_000).toISOString();
		const { runs } = await json<{
			runs: Array<{ campaignId: string; name: string; at: string; run: number | null }>;
		}>(await api(site, `/campaigns/calendar?from=${from}&to=${to}`));
		const day = (n: number) => new Date(Date.parse(`${tomorrow}T09:00:00Z`) + n * 86_400_000).toISOString();
		expect(runs.map((r) => [r.name, r.run, r.name === 'Daily' ? r.at : 'started'])).toEqual([
			['Now', 1, 'started'],
			['Daily', null, day(0)],
			['Daily', null, day(1)],
			['Daily', null, day(2)],
		]);
		for (const [query, field] of [
			['?from=yesterday', 'from'],
			[`?from=${to}&to=${from}`, 'to'],
			[`?from=${from}&to=2030-01-01T00:00:00Z`, 'to'],
		]) {
			const got = await problem(await api(site, `/campaigns/calendar${query}`));
			expect(got.status).toBe(400);
			expect(got.message.startsWith(`${field}: `)).toBe(true);
		}
	});

	it('tests the variants on a share first, then sends the variant with the best click rate to the rest', async () => {
		const site = await createSite();
		const { subs, rows } = await seeded(site, 80, 'ww');
		for (const [experiment, message] of [
			[{ testPercent: 20 }, /^experiment\.testPercent: an automatic winner needs 2 or more variants/],
			[
				{ variants: [{ weight: 1 }, { weight: 1 }], testPercent: 20, winnerBy: 'conversions' },
				/^experiment\.winnerBy: conversions needs a goal/,
			],
			[{ variants: [{ weight: 1 }, { weight: 1 }], testPercent: 60 }, /^experiment\.testPercent: /],
		] as const) {
			const got = await problem(await api(site, '/campaigns', 'POST', { ...DRAFT, experiment }));
			expect(got.message).toMatch(message);
		}
		const c = await create(site, {
			message: { title: 'Plain' },
			schedule: { type: 'now' },
			experiment: {
				variants: [{ weight: 1 }, { name: 'Bold', weight: 1, message: { title: 'Bold' } }],
				testPercent: 30,
				winnerAfterMinutes: 60,
			},
		});
		await act(site, c.campaignId, 'schedule');
		const first = (await runsOf(site, c.campaignId, 1)).runs?.[0];
		const inTest = rows.filter((r) => inHoldout(`${c.campaignId}#test`, r.id, 30));
		const test = await waitDone(site, first?.notificationId as string);
		expect(test.counts).toMatchObject({ targeted: inTest.length, sent: inTest.length });
		const bold = inTest.filter((r) => variantOf(c.campaignId, r.id, [1, 1]) === 1);
		expect(bold.length).toBeGreaterThan(1);
		for (const r of bold.slice(0, 2)) {
			await call(`/v1/sites/${site.siteId}/subscribers/${r.id}/events`, {
				method: 'POST',
				headers: { origin: site.origin },
				body: JSON.stringify({ type: 'clicked', notificationId: first?.notificationId }),
			});
		}
		// The clicks reach the run's saved counts; the run is not done while its winner is to come.
		await expect
			.poll(
				async () => {
					const report = await json<{ run: { counts: { variants?: Array<{ clicked: number }> } } }>(
						await api(site, `/campaigns/${c.campaignId}/runs/1/report`),
					);
					return report.run.counts.variants?.map((v) => v.clicked);
				},
				{ timeout: 15_000 },
			)
			.toEqual([0, 2]);
		const waiting = await read(site, c.campaignId);
		expect(waiting.state).toBe('running');
		expect(waiting.runs?.[0]).toMatchObject({ status: 'sending', winner: { by: 'clicks', variant: null } });
		// The hour passes (the test moves the pick time), the alarm picks Bold and sends it to everyone else.
		await storeSql(
			site.siteId,
			'UPDATE campaign_runs SET winner_at = ? WHERE campaign_id = ?',
			Date.now() - 1,
			c.campaignId,
		);
		await runDurableObjectAlarm(storeOf(site.siteId));
		await expect
			.poll(async () => (await read(site, c.campaignId)).runs?.[0]?.winner?.notificationId ?? null, {
				timeout: 10_000,
			})
			.not.toBeNull();
		const picked = (await read(site, c.campaignId)).runs?.[0]?.winner;
		expect(picked).toMatchObject({ variant: 1, name: 'Bold' });
		const rest = await waitDone(site, picked?.notificationId as string);
		expect(rest.counts).toMatchObject({
			targeted: rows.length - inTest.length,
			sent: rows.length - inTest.length,
		});
		await expect.poll(async () => (await read(site, c.campaignId)).state, { timeout: 10_000 }).toBe('done');
		const testIds = new Set(inTest.map((r) => r.id));
		for (const [i, s] of subs.entries()) {
			const log = await sinkLog(s.json.endpoint);
			expect(log.length).toBe(1);
			const payload = await decryptRecorded(log[0]?.body ?? '', s);
			const id = rows[i]?.id as string;
			const expected = testIds.has(id)
				? variantOf(c.campaignId, id, [1, 1]) === 1
					? 'Bold'
					: 'Plain'
				: 'Bold';
			expect({ id, title: payload.title }).toEqual({ id, title: expected });
		}
	}, 40_000);
});
