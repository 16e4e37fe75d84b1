import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { inHoldout } from '../../../worker/src/campaigns/experiment';
import type { SiteStore } from '../../../worker/src/objects/site-store';
import { decryptRecorded } from '../decrypt';
import {
	siteApi as api,
	call,
	createSite,
	json,
	makeSubscription,
	problem,
	sinkLog,
	storeOf,
	storeRowCounts,
	storeSql,
	subscribe,
	type TestSite,
	type TestSubscription,
	waitDone,
} from '../helpers';

// Automations through the admin API, their journeys run by the site store with fixed clocks (runJourneys(now)) and,
// once, by its real alarm across a restart. Pushes arrive at the local push sink and are decrypted here.

interface Automation {
	automationId: string;
	enabled: boolean;
	counts: { active: number; entered: number; converted: number; revenue: number };
	lastError: string | null;
	steps: Array<{ message: { title: string }; wait?: unknown }>;
}

interface Report {
	active: number;
	trigger: StepRow;
	steps: StepRow[];
	control: { entered: number; converted: number; revenue: number } | null;
}
interface StepRow {
	step: number;
	entered: number;
	sent: number;
	exited: number;
	converted: number;
	revenue: number;
}

async function create(site: TestSite, body: Record<string, unknown>): Promise<Automation> {
	const response = await api(site, '/automations', 'POST', { name: 'Test', enabled: true, ...body });
	if (response.status !== 201) throw new Error(`create: ${response.status} ${await response.text()}`);
	return json<Automation>(response);
}

async function track(
	site: TestSite,
	events: Array<{ subscriberId?: string; userId?: string; name: string; id?: string; properties?: object }>,
) {
	const response = await api(site, '/events', 'POST', { events });
	expect(response.status).toBe(202);
	return json<{ accepted: number; duplicates: number }>(response);
}

async function report(site: TestSite, id: string): Promise<Report> {
	return json<Report>(await api(site, `/automations/${id}/report`));
}

const seen = new Map<string, Set<string>>();

/**
 * Runs the store's due journeys as if the clock said `now`; returns the automation notifications not returned before
 * (journeys due at once may already have been run by the store's own alarm).
 */
async function run(site: TestSite, now: number): Promise<string[]> {
	await storeOf(site.siteId).runJourneys(site.siteId, now);
	const known = seen.get(site.siteId) ?? new Set<string>();
	seen.set(site.siteId, known);
	const fresh = (await automationNotifications(site)).filter((id) => !known.has(id));
	for (const id of fresh) known.add(id);
	return fresh;
}

async function automationNotifications(site: TestSite): Promise<string[]> {
	const rows = await storeSql<{ id: string }>(
		site.siteId,
		'SELECT id FROM notifications WHERE automation_id IS NOT NULL ORDER BY created_at, id',
	);
	return rows.map((r) => r.id);
}

async function people(site: TestSite, n: number, extra: Record<string, unknown> = {}) {
	const out: Array<{ id: string; sub: TestSubscription }> = [];
	for (let i = 0; i < n; i++) {
		const sub = await makeSubscription();
		out.push({ id: await subscribe(site, sub, extra), sub });
	}
	return out;
}

async function titles(subs: TestSubscription[]): Promise<string[][]> {
	return Promise.all(
		subs.map(async (s) => {
			const log = await sinkLog(s.json.endpoint);
			return Promise.all(log.map(async (push) => (await decryptRecorded(push.body, s)).title as string));
		}),
	);
}

const STEP = { message: { title: 'Come back' } };

describe('automations API', { timeout: 30_000 }, () => {
	it('creates, lists, reads, changes, switches and deletes an automation', async () => {
		const site = await createSite();
		const created = await api(site, '/automations', 'POST', {
			name: 'Welcome',
			trigger: { type: 'event', event: 'subscribed' },
			steps: [{ message: { title: 'Welcome, {{ user.first_name | default: "friend" }}' } }],
		});
		expect(created.status).toBe(201);
		const a = await json<Automation & Record<string, unknown>>(created);
		expect(a).toMatchObject({
			name: 'Welcome',
			enabled: false,
			template: null,
			exit: { events: [] },
			goal: null,
			reentryAfterSeconds: null,
			holdoutPercent: null,
			ignoreFrequencyCap: false,
			timezone: 'UTC',
			counts: { active: 0, entered: 0, converted: 0, revenue: 0 },
		});
		expect(a.automationId).toMatch(/^aut_/);
		expect(a.steps[0]).toMatchObject({
			message: { title: 'Welcome, {{ user.first_name | default: "friend" }}' },
		});
		const list = await json<{ automations: Automation[] }>(await api(site, '/automations'));
		expect(list.automations.map((x) => x.automationId)).toEqual([a.automationId]);
		const patched = await api(site, `/automations/${a.automationId}`, 'PATCH', {
			name: 'Welcome series',
			steps: [STEP, { wait: { seconds: 86_400 }, message: { title: 'Day two' } }],
			goal: { event: 'purchase' },
		});
		expect(patched.status).toBe(200);
		expect(await json(patched)).toMatchObject({
			name: 'Welcome series',
			goal: { event: 'purchase', valueProperty: 'value', windowSeconds: 259_200 },
			steps: [{ message: { title: 'Come back' } }, { wait: { seconds: 86_400 } }],
		});
		expect(
			(await json<Automation>(await api(site, `/automations/${a.automationId}/enable`, 'POST'))).enabled,
		).toBe(true);
		expect(
			(await json<Automation>(await api(site, `/automations/${a.automationId}/disable`, 'POST'))).enabled,
		).toBe(false);
		expect((await api(site, `/automations/${a.automationId}`, 'DELETE')).status).toBe(204);
		expect(await problem(await api(site, `/automations/${a.automationId}`))).toMatchObject({
			status: 404,
			code: 'automation_not_found',
		});
		expect((await api(site, `/automations/${a.automationId}/report`)).status).toBe(404);
		expect((await api(site, '/automations/aut_nothing/enable', 'POST')).status).toBe(404);
	});

	it('refuses bad definitions with a 400 naming the field, and writes nothing', async () => {
		const site = await createSite();
		const ok = { name: 'X', trigger: { type: 'event', event: 'signed_up' }, steps: [STEP] };
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ ...ok, trigger: { type: 'sometimes' } }, 'trigger'],
			[{ ...ok, trigger: { type: 'event', event: '9lives' } }, 'trigger.event'],
			[{ ...ok, steps: [] }, 'steps'],
			[{ ...ok, steps: [STEP, STEP, STEP, STEP, STEP, STEP] }, 'steps'],
			[{ ...ok, steps: [{ message: { body: 'no title' } }] }, 'steps[0].message.title'],
			[{ ...ok, steps: [{ message: { title: 'Hi {{ event.name ' } }] }, 'steps[0].message.title'],
			[{ ...ok, steps: [{ message: { title: 'x', url: 'javascript:alert(1)' } }] }, 'steps[0].message.url'],
			[{ ...ok, steps: [{ wait: { minutes: 5 }, message: { title: 'x' } }] }, 'steps[0].wait'],
			[{ ...ok, steps: [{ wait: { until: '25:00' }, message: { title: 'x' } }] }, 'steps[0].wait'],
			[
				{ ...ok, trigger: { type: 'inaction', event: 'a', without: 'a', withinSeconds: 60 } },
				'trigger.without',
			],
			[{ ...ok, trigger: { type: 'inaction', event: 'a', without: 'b' } }, 'trigger.withinSeconds'],
			[{ ...ok, trigger: { type: 'date', offsetDays: 1, at: '09:00' } }, 'trigger.attribute'],
			[{ ...ok, trigger: { type: 'date', event: 'booked', offsetDays: 1, at: '09:00' } }, 'trigger.property'],
			[{ ...ok, quietHours: 'never' }, 'quietHours'],
			[
				{ ...ok, trigger: { type: 'date', attribute: 'd', offsetDays: 400, at: '09:00' } },
				'trigger.offsetDays',
			],
			[{ ...ok, timezone: 'Mars/Olympus' }, 'timezone'],
			[{ ...ok, holdoutPercent: 80 }, 'holdoutPercent'],
			[{ ...ok, quietHours: { start: '22:00', end: '22:00', action: 'delay' } }, 'quietHours.end'],
			[
				{ ...ok, trigger: { type: 'event', event: 'x', where: [{ property: 'p', op: 'like' }] } },
				'trigger.where[0].op',
			],
			[{ ...ok, name: '' }, 'name'],
			[{ ...ok, surprise: true }, 'surprise'],
			[{ ...ok, steps: [{ ...STEP, discountCode: 'SAVE 10' }] }, 'steps[0].discountCode'],
			[{ ...ok, steps: [STEP, { ...STEP, discountCode: 'ÉTÉ10' }] }, 'steps[1].discountCode'],
			[{ ...ok, steps: [{ ...STEP, discountCode: 'a/b?redirect=x' }] }, 'steps[0].discountCode'],
			[{ ...ok, steps: [{ ...STEP, discountCode: 'X'.repeat(256) }] }, 'steps[0].discountCode'],
			[{ ...ok, steps: [{ ...STEP, discountCode: 10 }] }, 'steps[0].discountCode'],
		];
		for (const [body, field] of cases) {
			const p = await problem(await api(site, '/automations', 'POST', body));
			expect({ field, status: p.status, code: p.code }).toEqual({
				field,
				status: 400,
				code: 'invalid_request',
			});
			expect(p.message.startsWith(field), `${field}: ${p.message}`).toBe(true);
		}
		const segment = await problem(
			await api(site, '/automations', 'POST', {
				...ok,
				trigger: { type: 'event', event: 'x', segment: 'seg_none' },
			}),
		);
		expect(segment).toMatchObject({ status: 404, code: 'segment_not_found' });
		expect(segment.message).toContain('trigger.segment');
		const resource = await problem(
			await api(site, '/automations', 'POST', { ...ok, steps: [{ message: { resource: 'res_none' } }] }),
		);
		expect(resource.status).toBe(400);
		expect(resource.message.startsWith('steps[0].message.resource')).toBe(true);
		expect((await storeRowCounts(site.siteId)).automations).toBe(0);
		// A change with a bad code is refused the same way, and leaves the automation as it was.
		const a = await create(site, { ...ok, steps: [{ ...STEP, discountCode: 'SAVE10' }] });
		const bad = await problem(
			await api(site, `/automations/${a.automationId}`, 'PATCH', {
				steps: [{ ...STEP, discountCode: 'SAVE 20' }],
			}),
		);
		expect(bad.status).toBe(400);
		expect(bad.message.startsWith('steps[0].discountCode')).toBe(true);
		const kept = await json<{ steps: Array<{ discountCode?: string }> }>(
			await api(site, `/automations/${a.automationId}`),
		);
		expect(kept.steps[0]?.discountCode).toBe('SAVE10');
	});
});

describe('event triggers', { timeout: 30_000 }, () => {
	it('starts one journey per event id, waits, then pushes with the event properties in the Liquid', async () => {
		const site = await createSite();
		const [ann] = await people(site, 1);
		const a = await create(site, {
			trigger: { type: 'event', event: 'signed_up', where: [{ property: 'plan', op: 'ne', value: 'free' }] },
			steps: [
				{
					wait: { seconds: 60 },
					message: { title: 'Your {{ event.plan }} plan is ready', url: '{{ event.url }}' },
				},
			],
		});
		const t0 = Date.now();
		const props = { plan: 'Pro', url: `${site.origin}/welcome` };
		await track(site, [{ subscriberId: ann?.id, name: 'signed_up', id: 'evt-1', properties: props }]);
		// The same event delivered again does not start a second journey; a free plan starts none.
		expect(
			await track(site, [{ subscriberId: ann?.id, name: 'signed_up', id: 'evt-1', properties: props }]),
		).toEqual({
			accepted: 0,
			duplicates: 1,
			rejected: [],
		});
		await track(site, [
			{ subscriberId: ann?.id, name: 'signed_up', id: 'evt-2', properties: { plan: 'free' } },
		]);
		expect((await report(site, a.automationId)).trigger.entered).toBe(1);
		expect(await run(site, t0 + 30_000)).toEqual([]);
		const sent = await run(site, t0 + 61_000);
		expect(sent).toHaveLength(1);
		const done = await waitDone(site, sent[0] as string);
		expect(done.counts).toMatchObject({ targeted: 1, sent: 1 });
		const [push] = await sinkLog(ann?.sub.json.endpoint as string);
		const payload = await decryptRecorded(push?.body ?? '', ann?.sub as TestSubscription);
		expect(payload).toMatchObject({ title: 'Your Pro plan is ready', url: `${site.origin}/welcome` });
		// Nothing more: the journey is done, and a second round sends nothing.
		expect(await run(site, t0 + 3_600_000)).toEqual([]);
		const r = await report(site, a.automationId);
		expect(r).toMatchObject({
			active: 0,
			trigger: { entered: 1 },
			steps: [{ step: 0, entered: 1, sent: 1 }],
		});
		// The notification says which automation step it was.
		const view = await json<{ counts: { sent: number } }>(await api(site, `/notifications/${sent[0]}`));
		expect(view.counts.sent).toBe(1);
	});

	it('sends each step in turn and stops at an exit event; re-entry only after its period', async () => {
		const site = await createSite();
		const [bob] = await people(site, 1);
		const a = await create(site, {
			trigger: { type: 'event', event: 'trial_started' },
			steps: [
				{ message: { title: 'Day 1' } },
				{ wait: { seconds: 3600 }, message: { title: 'Day 2' } },
				{ wait: { seconds: 3600 }, message: { title: 'Day 3' } },
			],
			exit: { events: ['trial_converted'] },
			reentryAfterSeconds: 7200,
		});
		const t0 = Date.now();
		await track(site, [{ subscriberId: bob?.id, name: 'trial_started' }]);
		for (const id of await run(site, t0 + 1000)) await waitDone(site, id);
		for (const id of await run(site, t0 + 3_602_000)) await waitDone(site, id);
		await track(site, [{ subscriberId: bob?.id, name: 'trial_converted' }]);
		expect(await run(site, t0 + 7_300_000)).toEqual([]);
		expect(await titles([bob?.sub as TestSubscription])).toEqual([['Day 1', 'Day 2']]);
		const r = await report(site, a.automationId);
		expect(r.steps.map((s) => [s.entered, s.sent, s.exited])).toEqual([
			[1, 1, 0],
			[1, 1, 1],
			[0, 0, 0],
		]);
		// Within the re-entry period a new trigger is ignored.
		await track(site, [{ subscriberId: bob?.id, name: 'trial_started' }]);
		expect((await report(site, a.automationId)).trigger.entered).toBe(1);
		// After it (as if ended 2 hours ago) the person enters again.
		await storeSql(site.siteId, 'UPDATE journeys SET ended_at = ended_at - 7200000');
		await track(site, [{ subscriberId: bob?.id, name: 'trial_started' }]);
		expect((await report(site, a.automationId)).trigger.entered).toBe(2);
	});
});

describe('inaction within time', { timeout: 30_000 }, () => {
	it('pushes only to the buyer who did not finish in time, links back to the checkout, and credits the later order', async () => {
		const site = await createSite();
		const [slow, quick] = await people(site, 2);
		const a = await create(site, {
			trigger: {
				type: 'inaction',
				event: 'checkout_started',
				without: 'purchase',
				withinSeconds: 600,
				key: 'checkout_id',
			},
			steps: [{ message: { title: 'You left {{ event.item }} behind', url: '{{ event.checkout_url }}' } }],
			goal: { event: 'purchase', valueProperty: 'total' },
		});
		const t0 = Date.now();
		const started = (who: string | undefined, checkout: string) => ({
			subscriberId: who,
			name: 'checkout_started',
			properties: {
				checkout_id: checkout,
				item: 'a red scarf',
				checkout_url: `${site.origin}/checkouts/${checkout}`,
			},
		});
		await track(site, [started(slow?.id, 'c1'), started(quick?.id, 'c2')]);
		// The quick one buys within the 10 minutes (the same checkout): their journey ends before any push.
		await track(site, [
			{ subscriberId: quick?.id, name: 'purchase', properties: { checkout_id: 'c2', total: 30 } },
		]);
		expect(await run(site, t0 + 599_000)).toEqual([]);
		const sent = await run(site, t0 + 601_000);
		expect(sent).toHaveLength(1);
		await waitDone(site, sent[0] as string);
		expect(await titles([slow?.sub as TestSubscription, quick?.sub as TestSubscription])).toEqual([
			['You left a red scarf behind'],
			[],
		]);
		const [push] = await sinkLog(slow?.sub.json.endpoint as string);
		expect((await decryptRecorded(push?.body ?? '', slow?.sub as TestSubscription)).url).toBe(
			`${site.origin}/checkouts/c1`,
		);
		// The slow one buys after the reminder: a conversion of step 1, with its revenue.
		await track(site, [
			{ subscriberId: slow?.id, name: 'purchase', properties: { checkout_id: 'c1', total: 42.5 } },
		]);
		const r = await report(site, a.automationId);
		expect(r.trigger).toMatchObject({ entered: 2, exited: 0, converted: 1, revenue: 30 });
		expect(r.steps[0]).toMatchObject({ entered: 1, sent: 1, converted: 1, revenue: 42.5 });
		const view = await json<Automation>(await api(site, `/automations/${a.automationId}`));
		expect(view.counts).toEqual({ active: 0, entered: 2, converted: 2, revenue: 72.5 });
	});

	it('gives a step’s discount code to its Liquid as event.discount_code; off Shopify the link stays as it is', async () => {
		const site = await createSite();
		const [ann] = await people(site, 1);
		const body = '{% if event.discount_code %}Use {{ event.discount_code }}.{% endif %}';
		await create(site, {
			trigger: { type: 'inaction', event: 'checkout_started', without: 'purchase', withinSeconds: 60 },
			steps: [
				{ message: { title: 'Step 1', body, url: '{{ event.checkout_url }}' } },
				{
					wait: { seconds: 60 },
					message: { title: 'Step 2', body, url: '{{ event.checkout_url }}' },
					discountCode: 'SAVE10',
				},
			],
		});
		const t0 = Date.now();
		const url = `${site.origin}/checkouts/c9`;
		await track(site, [
			{
				subscriberId: ann?.id,
				name: 'checkout_started',
				properties: { checkout_id: 'c9', checkout_url: url },
			},
		]);
		for (const id of await run(site, t0 + 61_000)) await waitDone(site, id);
		for (const id of await run(site, t0 + 122_000)) await waitDone(site, id);
		const sub = ann?.sub as TestSubscription;
		const pushes = await Promise.all(
			(await sinkLog(sub.json.endpoint)).map((push) => decryptRecorded(push.body, sub)),
		);
		expect(pushes.map((p) => [p.title, p.body, p.url])).toEqual([
			['Step 1', '', url],
			['Step 2', 'Use SAVE10.', url],
		]);
	});
});

describe('date triggers', { timeout: 30_000 }, () => {
	it('schedules the reminder the day before at 09:00 in the subscriber’s zone, across the DST change', async () => {
		const site = await createSite();
		const [traveller] = await people(site, 1, { timezone: 'Europe/Berlin' });
		const a = await create(site, {
			trigger: {
				type: 'date',
				event: 'booking_made',
				property: 'departure',
				offsetDays: -1,
				at: '09:00',
				key: 'booking',
			},
			steps: [{ message: { title: 'Your trip to {{ event.city }} is tomorrow' } }],
		});
		const departure = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
		await track(site, [
			{
				subscriberId: traveller?.id,
				name: 'booking_made',
				properties: { departure, city: 'Lisbon', booking: 'B1' },
			},
			// A date already past starts nothing.
			{
				subscriberId: traveller?.id,
				name: 'booking_made',
				properties: { departure: '2020-01-01', booking: 'B0' },
			},
		]);
		const rows = await storeSql<{ due_at: number; key: string }>(
			site.siteId,
			'SELECT due_at, key FROM journeys WHERE automation_id = ?',
			a.automationId,
		);
		expect(rows.map((r) => r.key)).toEqual(['B1']);
		const due = rows[0]?.due_at as number;
		const local = new Intl.DateTimeFormat('en-CA', {
			timeZone: 'Europe/Berlin',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23',
		}).format(due);
		const dayBefore = new Date(Date.parse(departure) - 86_400_000).toISOString().slice(0, 10);
		expect(local).toBe(`${dayBefore}, 09:00`);
		expect(await run(site, due - 1000)).toEqual([]);
		const sent = await run(site, due);
		await waitDone(site, sent[0] as string);
		expect(await titles([traveller?.sub as TestSubscription])).toEqual([['Your trip to Lisbon is tomorrow']]);
	});

	it('follows a user’s date attribute: set schedules, changed moves, removed stops', async () => {
		const site = await createSite();
		const a = await create(site, {
			trigger: { type: 'date', attribute: 'renewal_date', offsetDays: -3, at: '10:00' },
			steps: [STEP],
			timezone: 'America/New_York',
		});
		const put = (value: unknown) => api(site, '/users/u-7', 'PUT', { attributes: { renewal_date: value } });
		const due = async () =>
			(
				await storeSql<{ due_at: number | null; state: string }>(
					site.siteId,
					'SELECT due_at, state FROM journeys WHERE automation_id = ?',
					a.automationId,
				)
			)[0];
		expect((await put({ date: '2027-07-10' })).status).toBe(200);
		expect(new Date((await due())?.due_at ?? 0).toISOString()).toBe('2027-07-07T14:00:00.000Z');
		expect((await put({ date: '2027-01-20' })).status).toBe(200);
		expect(new Date((await due())?.due_at ?? 0).toISOString()).toBe('2027-01-17T15:00:00.000Z');
		expect((await put(null)).status).toBe(200);
		expect(await due()).toMatchObject({ due_at: null, state: 'stopped' });
	});
});

describe('delivery rules', { timeout: 30_000 }, () => {
	it('holds out a control group by hash of automation and person, and counts its conversions apart', async () => {
		const site = await createSite();
		const crowd = await people(site, 16);
		const a = await create(site, {
			trigger: { type: 'event', event: 'viewed' },
			steps: [STEP],
			holdoutPercent: 50,
			goal: { event: 'purchase' },
		});
		const t0 = Date.now();
		await track(
			site,
			crowd.map((p) => ({ subscriberId: p.id, name: 'viewed' })),
		);
		const held = crowd.filter((p) => inHoldout(a.automationId, `s:${p.id}`, 50));
		expect(held.length).toBeGreaterThan(0);
		expect(held.length).toBeLessThan(16);
		for (const id of await run(site, t0 + 1000)) await waitDone(site, id);
		const got = await titles(crowd.map((p) => p.sub));
		crowd.forEach((p, i) => {
			expect(got[i]?.length).toBe(held.includes(p) ? 0 : 1);
		});
		await track(
			site,
			crowd.map((p) => ({ subscriberId: p.id, name: 'purchase', properties: { value: 10 } })),
		);
		const r = await report(site, a.automationId);
		expect(r.control).toEqual({ entered: held.length, converted: held.length, revenue: held.length * 10 });
		expect(r.trigger.entered).toBe(16 - held.length);
		expect(r.steps[0]).toMatchObject({ sent: 16 - held.length, converted: 16 - held.length });
	});

	it('applies quiet hours (discard) in the person’s zone, and the off switch stops journeys under way', async () => {
		const site = await createSite();
		const [night, day] = await people(site, 2, { timezone: 'UTC' });
		const hour = new Date().getUTCHours();
		const start = `${String(hour).padStart(2, '0')}:00`;
		const end = `${String((hour + 2) % 24).padStart(2, '0')}:00`;
		const quiet = await create(site, {
			trigger: { type: 'event', event: 'ping' },
			steps: [STEP],
			quietHours: { start, end, action: 'discard' },
		});
		const t0 = Date.now();
		await track(site, [{ subscriberId: night?.id, name: 'ping' }]);
		const [nid] = await run(site, Date.now() + 1000);
		const done = await waitDone(site, nid as string);
		expect(done.counts).toMatchObject({ sent: 0 });
		expect((done.counts as { skipped?: Record<string, number> }).skipped).toEqual({ quiet_hours: 1 });
		void quiet;
		const off = await create(site, {
			trigger: { type: 'event', event: 'pong' },
			steps: [{ wait: { seconds: 600 }, message: { title: 'Later' } }],
		});
		await track(site, [{ subscriberId: day?.id, name: 'pong' }]);
		expect((await json<Automation>(await api(site, `/automations/${off.automationId}`))).counts.active).toBe(
			1,
		);
		await api(site, `/automations/${off.automationId}/disable`, 'POST');
		expect(await run(site, t0 + 601_000)).toEqual([]);
		expect((await json<Automation>(await api(site, `/automations/${off.automationId}`))).counts.active).toBe(
			0,
		);
		expect(await sinkLog(day?.sub.json.endpoint as string)).toEqual([]);
	});

	it('keeps a resource a step sends from being deleted, and sends its current version', async () => {
		const site = await createSite();
		const [ann] = await people(site, 1);
		const res = await json<{ resourceId: string }>(
			await api(site, '/resources', 'POST', { name: 'Nudge', message: { title: 'Version one' } }),
		);
		const a = await create(site, {
			trigger: { type: 'event', event: 'nudge' },
			steps: [{ message: { resource: res.resourceId } }],
		});
		const busy = await problem(await api(site, `/resources/${res.resourceId}`, 'DELETE'));
		expect(busy).toMatchObject({ status: 409, code: 'resource_in_use' });
		expect(busy.message).toContain(a.automationId);
		await api(site, `/resources/${res.resourceId}`, 'PATCH', { message: { title: 'Version two' } });
		const t0 = Date.now();
		await track(site, [{ subscriberId: ann?.id, name: 'nudge' }]);
		for (const id of await run(site, t0 + 1000)) await waitDone(site, id);
		expect(await titles([ann?.sub as TestSubscription])).toEqual([['Version two']]);
	});
});

describe('durable timers', { timeout: 30_000 }, () => {
	it('fires from the store’s own alarm after a restart mid-wait, exactly once', async () => {
		const site = await createSite();
		const [ann] = await people(site, 1);
		await create(site, {
			trigger: { type: 'event', event: 'left' },
			steps: [{ wait: { seconds: 1 }, message: STEP.message }],
		});
		await track(site, [{ subscriberId: ann?.id, name: 'left', id: 'l-1' }]);
		const stub = storeOf(site.siteId);
		const alarm = await runInDurableObject(stub, (_i: SiteStore, state) => state.storage.getAlarm());
		const due = (await storeSql<{ due_at: number }>(site.siteId, 'SELECT due_at FROM journeys'))[0]
			?.due_at as number;
		expect(alarm).toBe(due);
		// The object loses its memory mid-wait (eviction, crash or deploy); storage and the alarm stay.
		await runInDurableObject(stub, (_i: SiteStore, state) => {
			try {
				state.abort('test restart');
			} catch {
				// abort() throws into the caller by design
			}
		}).catch(() => undefined);
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now() + 50)));
		const fresh = env.SITE_STORE.get(env.SITE_STORE.idFromName(site.siteId));
		await runDurableObjectAlarm(fresh);
		await runDurableObjectAlarm(fresh);
		const ids = await automationNotifications(site);
		expect(ids).toHaveLength(1);
		await waitDone(site, ids[0] as string);
		// The same event delivered again after the journey ended starts nothing.
		await track(site, [{ subscriberId: ann?.id, name: 'left', id: 'l-1' }]);
		await runDurableObjectAlarm(fresh);
		expect(await automationNotifications(site)).toHaveLength(1);
		expect(await titles([ann?.sub as TestSubscription])).toEqual([['Come back']]);
	});
});

describe('broadcasts', { timeout: 30_000 }, () => {
	it('sends each new post once to the audience, rendered once for all, started only by site events', async () => {
		const site = await createSite();
		const crowd = await people(site, 3);
		const a = await create(site, {
			trigger: { type: 'event', event: 'post_published', key: 'post_id' },
			steps: [{ message: { title: 'New: {{ event.title }}', url: '{{ event.url }}' } }],
			audience: { all: true },
		});
		const post = (id: string, eventId: string) => ({
			site: true,
			name: 'post_published',
			id: eventId,
			properties: { post_id: id, title: 'Oak care', url: `${site.origin}/oak-care` },
		});
		const t0 = Date.now();
		await track(site, [post('1', 'wp-post-1')] as never);
		// The same post published again (another event id, the same key) and a person's event of that name: nothing.
		await track(site, [post('1', 'wp-post-1-again')] as never);
		await track(site, [{ subscriberId: crowd[0]?.id, name: 'post_published', properties: { post_id: '2' } }]);
		const sent = await run(site, t0 + 1000);
		expect(sent).toHaveLength(1);
		await waitDone(site, sent[0] as string);
		expect(await titles(crowd.map((p) => p.sub))).toEqual([
			['New: Oak care'],
			['New: Oak care'],
			['New: Oak care'],
		]);
		// Rendered once: the notification holds the plain message.
		const view = await json<{ message: { title: string; url: string }; audience: unknown }>(
			await api(site, `/notifications/${sent[0]}`),
		);
		expect(view).toMatchObject({
			message: { title: 'New: Oak care', url: `${site.origin}/oak-care` },
			audience: { all: true },
		});
		expect((await report(site, a.automationId)).trigger.entered).toBe(1);
	});

	it('the New posts template: a post is sent while the event is recorded, to its categories, with its image', async () => {
		const site = await createSite();
		await api(site, '/settings', 'PATCH', {
			prompt: {
				categories: [
					{ id: 'news', label: 'News' },
					{ id: 'sport', label: 'Sport' },
				],
			},
		});
		const [fan, other] = await people(site, 2);
		await call(`/v1/sites/${site.siteId}/subscribers/${fan?.id}`, {
			method: 'PATCH',
			body: JSON.stringify({ categories: ['sport'] }),
		});
		// Made from the template by name alone, as the WordPress plugin makes it.
		const a = await create(site, { template: 'new_posts' });
		const { templates } = await json<{ templates: Array<{ id: string; body: Record<string, unknown> }> }>(
			await api(site, '/automation-templates'),
		);
		const { name: _name, ...body } = templates.find((x) => x.id === 'new_posts')?.body ?? {};
		expect(await json(await api(site, `/automations/${a.automationId}`))).toMatchObject({
			...body,
			name: 'Test',
			template: 'new_posts',
			enabled: true,
		});
		const unknown = await problem(await api(site, '/automations', 'POST', { template: 'no_such' }));
		expect(unknown).toMatchObject({ status: 400 });
		expect(unknown.message).toMatch(/^template: is not a ready-made automation/);
		const post = (sendId: string, eventId: string, extra: Record<string, string>) => ({
			site: true,
			name: 'post_published',
			id: eventId,
			properties: {
				send_id: sendId,
				title: 'Derby day',
				body: 'Report',
				url: `${site.origin}/derby`,
				...extra,
			},
		});
		const first = await json<{ notifications: Array<{ eventId: string; notificationId: string }> }>(
			await api(site, '/events', 'POST', {
				events: [
					post('7', 'wp-1-post-7-publish', { categories: 'sport', image: `${site.origin}/derby.jpg` }),
				],
			}),
		);
		expect(first.notifications).toEqual([
			{
				eventId: 'wp-1-post-7-publish',
				automationId: a.automationId,
				notificationId: expect.stringMatching(/^ntf_/),
			},
		]);
		const id = first.notifications[0]?.notificationId as string;
		await waitDone(site, id);
		expect(await sinkLog(fan?.sub.json.endpoint as string)).toHaveLength(1);
		expect(await sinkLog(other?.sub.json.endpoint as string)).toHaveLength(0);
		const view = await json<{ message: Record<string, string>; audience: unknown }>(
			await api(site, `/notifications/${id}`),
		);
		// The image of the site's own origin is kept (http here); the blank icon left out (the site's icon is used).
		expect(view).toMatchObject({
			message: {
				title: 'Derby day',
				body: 'Report',
				url: `${site.origin}/derby`,
				image: `${site.origin}/derby.jpg`,
			},
			audience: { categories: ['sport'] },
		});
		expect(view.message).not.toHaveProperty('icon');
		// The same event again (the plugin retrying after losing the answer): the first send, nothing new.
		const again = await json<{ duplicates: number; notifications: unknown[] }>(
			await api(site, '/events', 'POST', {
				events: [post('7', 'wp-1-post-7-publish', { categories: 'sport' })],
			}),
		);
		expect(again).toMatchObject({ duplicates: 1, notifications: first.notifications });
		// No categories: everyone; an http image of another host is dropped, the push still goes.
		const second = await json<{ notifications: Array<{ notificationId: string }> }>(
			await api(site, '/events', 'POST', {
				events: [post('8', 'wp-1-post-8-publish', { categories: '', image: 'http://elsewhere.test/x.jpg' })],
			}),
		);
		const all = await waitDone(site, second.notifications[0]?.notificationId as string);
		expect(all.counts).toMatchObject({ sent: 2 });
		const plain = await json<{ message: Record<string, string>; audience: unknown }>(
			await api(site, `/notifications/${second.notifications[0]?.notificationId}`),
		);
		expect(plain.audience).toEqual({ all: true });
		expect(plain.message).not.toHaveProperty('image');
		// categoriesFrom belongs to broadcasts.
		const p = await problem(
			await api(site, '/automations', 'POST', {
				name: 'P',
				trigger: { type: 'event', event: 'x' },
				steps: [STEP],
				categoriesFrom: 'categories',
			}),
		);
		expect(p).toMatchObject({ status: 400 });
		expect(p.message).toMatch(/^categoriesFrom: /);
	});

	it('renders per recipient when the message also reads the person, and refuses what a broadcast cannot do', async () => {
		const site = await createSite();
		const [ann] = await people(site, 1);
		await create(site, {
			trigger: { type: 'event', event: 'post_published', key: 'post_id' },
			steps: [{ message: { title: '{{ event.title }} for {{ subscriber.browser }}' } }],
			audience: { all: true },
		});
		const t0 = Date.now();
		await track(site, [
			{ site: true, name: 'post_published', properties: { post_id: '9', title: 'Walnut' } },
		] as never);
		for (const id of await run(site, t0 + 1000)) await waitDone(site, id);
		expect(await titles([ann?.sub as TestSubscription])).toEqual([['Walnut for firefox']]);
		const base = {
			name: 'B',
			trigger: { type: 'event', event: 'post_published', key: 'post_id' },
			steps: [STEP],
			audience: { all: true },
		};
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ ...base, trigger: { type: 'event', event: 'post_published' } }, 'trigger.key'],
			[
				{ ...base, trigger: { type: 'inaction', event: 'a', without: 'b', withinSeconds: 5, key: 'k' } },
				'trigger.type',
			],
			[{ ...base, goal: { event: 'purchase' } }, 'goal'],
			[{ ...base, holdoutPercent: 10 }, 'holdoutPercent'],
			[{ ...base, audience: { everyone: true } }, 'audience.everyone'],
		];
		for (const [body, field] of cases) {
			const p = await problem(await api(site, '/automations', 'POST', body));
			expect({ field, status: p.status, starts: p.message.startsWith(field) }).toEqual({
				field,
				status: 400,
				starts: true,
			});
		}
		const both = await problem(
			await api(site, '/events', 'POST', { events: [{ site: true, userId: 'u1', name: 'post_published' }] }),
		);
		expect(both).toMatchObject({ status: 400 });
		// A segment a broadcast sends to cannot be deleted from under it.
		const seg = await json<{ segmentId: string }>(
			await api(site, '/segments', 'POST', { name: 'Readers', filter: { status: ['allowed'] } }),
		);
		const readers = await create(site, { ...base, name: 'To readers', audience: { segment: seg.segmentId } });
		const inUse = await problem(await api(site, `/segments/${seg.segmentId}`, 'DELETE'));
		expect(inUse).toMatchObject({ status: 409, code: 'segment_in_use' });
		expect(inUse.message).toContain(readers.automationId);
		expect(both.message).toMatch(/^events\[0\]\.userId: exactly one of userId, subscriberId or site: true/);
	});
});
