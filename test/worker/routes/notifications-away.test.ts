import { describe, expect, it } from 'vitest';
import { decryptRecorded } from '../decrypt';
import {
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

const MINUTE = 60_000;

interface Accepted {
	notificationId: string;
	status: string;
	duplicate?: true;
	skipped?: { present: number };
}

function create(site: TestSite, body: Record<string, unknown>) {
	return call(`/v1/sites/${site.siteId}/notifications`, {
		method: 'POST',
		key: site.apiKey,
		body: JSON.stringify({ title: 'Ada replied', body: 'Yes, it ships Monday', ...body }),
	});
}

async function accepted(site: TestSite, body: Record<string, unknown>): Promise<Accepted> {
	const response = await create(site, body);
	expect(response.status).toBe(202);
	return json<Accepted>(response);
}

/** A pageview `ago` ms before now, recorded through the store's own pageview path (event day and last page). */
async function viewed(site: TestSite, id: string, path: string, ago: number): Promise<void> {
	await storeOf(site.siteId).recordPageview(site.siteId, id, `${site.origin}${path}`, Date.now() - ago);
}

/** The one push the sink holds for a subscription, decrypted. */
async function onlyPush(sub: TestSubscription): Promise<Record<string, unknown>> {
	const log = await sinkLog(sub.json.endpoint);
	expect(log).toHaveLength(1);
	return decryptRecorded(log[0]?.body ?? '', sub);
}

describe('POST /v1/sites/:siteId/notifications with onlyIfAway', () => {
	it('leaves out a subscriber seen within the minutes and sends the others their last page or the link', async () => {
		const site = await createSite();
		const [here, left, never] = [
			await makeSubscription(),
			await makeSubscription(),
			await makeSubscription(),
		];
		const hereId = await subscribe(site, here);
		const leftId = await subscribe(site, left);
		const neverId = await subscribe(site, never, { url: `${site.origin}/blog` });
		await viewed(site, hereId, '/cart', 1 * MINUTE);
		await viewed(site, leftId, '/products/lamp', 10 * MINUTE);

		const audience = { subscriberIds: [hereId, leftId, neverId] };
		const first = await accepted(site, { audience, onlyIfAway: true, idempotencyKey: 'conv-7-msg-1' });
		expect(first.skipped).toEqual({ present: 1 });
		const view = await waitDone(site, first.notificationId);
		expect(view.counts).toMatchObject({ targeted: 2, sent: 2, skipped: { present: 1 } });
		expect(await sinkLog(here.json.endpoint)).toHaveLength(0);
		// Without a link, the click opens the page each visitor last visited.
		expect(await onlyPush(left)).toMatchObject({
			title: 'Ada replied',
			body: 'Yes, it ships Monday',
			url: `${site.origin}/products/lamp`,
			nid: first.notificationId,
			sid: leftId,
		});
		expect((await onlyPush(never)).url).toBe(`${site.origin}/blog`);

		const again = await create(site, { audience, onlyIfAway: true, idempotencyKey: 'conv-7-msg-1' });
		expect(again.status).toBe(200);
		expect(await json(again)).toMatchObject({ duplicate: true, skipped: { present: 1 } });

		const full = await json<{ delivery: Record<string, unknown> }>(
			await call(`/v1/sites/${site.siteId}/notifications/${first.notificationId}`, { key: site.apiKey }),
		);
		expect(full.delivery.onlyIfAway).toEqual({ minutes: 5 });
	});

	it('takes its own minutes and opens the conversation page when the send links it', async () => {
		const site = await createSite();
		const [recent, left] = [await makeSubscription(), await makeSubscription()];
		const recentId = await subscribe(site, recent);
		const leftId = await subscribe(site, left);
		await viewed(site, recentId, '/cart', 10 * MINUTE);
		await viewed(site, leftId, '/cart', 20 * MINUTE);

		const sent = await accepted(site, {
			audience: { subscriberIds: [recentId, leftId] },
			onlyIfAway: { minutes: 15 },
			url: `${site.origin}/support/conv-7`,
		});
		expect(sent.skipped).toEqual({ present: 1 });
		const view = await waitDone(site, sent.notificationId);
		expect(view.counts).toMatchObject({ targeted: 1, sent: 1, skipped: { present: 1 } });
		expect(await sinkLog(recent.json.endpoint)).toHaveLength(0);
		expect(await onlyPush(left)).toMatchObject({
			title: 'Ada replied',
			url: `${site.origin}/support/conv-7`,
		});
	});

	it("leaves out every device of a user one of whose devices is on the site, and sends to an away user's all", async () => {
		const site = await createSite();
		const users = ['user-here', 'user-here', 'user-gone', 'user-gone'];
		const subs: TestSubscription[] = [];
		const ids: string[] = [];
		for (const user of users) {
			const sub = await makeSubscription();
			const id = await subscribe(site, sub);
			await storeSql(site.siteId, 'UPDATE subscribers SET external_user_id = ? WHERE id = ?', user, id);
			subs.push(sub);
			ids.push(id);
		}
		const [phone, laptop, tablet] = ids as [string, string, string];
		// The phone is on the site now (the widget's own beacon); the laptop was last an hour ago.
		const beacon = await call(`/v1/sites/${site.siteId}/subscribers/${phone}/events`, {
			method: 'POST',
			headers: { origin: site.origin },
			body: JSON.stringify({ type: 'pageview', url: `${site.origin}/account` }),
		});
		expect(beacon.status).toBe(202);
		await viewed(site, laptop, '/cart', 60 * MINUTE);
		await viewed(site, tablet, '/cart', 30 * MINUTE);

		const sent = await accepted(site, {
			audience: { userIds: ['user-here', 'user-gone'] },
			onlyIfAway: true,
		});
		expect(sent.skipped).toEqual({ present: 2 });
		const view = await waitDone(site, sent.notificationId);
		expect(view.counts).toMatchObject({ targeted: 2, sent: 2, skipped: { present: 2 } });
		expect(await sinkLog(subs[0]?.json.endpoint ?? '')).toHaveLength(0);
		expect(await sinkLog(subs[1]?.json.endpoint ?? '')).toHaveLength(0);
		expect((await onlyPush(subs[2] as TestSubscription)).title).toBe('Ada replied');
		expect((await onlyPush(subs[3] as TestSubscription)).title).toBe('Ada replied');
	});

	it('counts an unknown subscriber id neither as targeted nor as present, as a send without onlyIfAway does', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const id = await subscribe(site, sub);
		const sent = await accepted(site, { audience: { subscriberIds: ['sub_missing', id] }, onlyIfAway: true });
		expect(sent.skipped).toEqual({ present: 0 });
		const view = await waitDone(site, sent.notificationId);
		expect(view.counts).toMatchObject({ targeted: 1, sent: 1 });
		expect(view.counts.skipped).toBeUndefined();

		const none = await accepted(site, { audience: { subscriberIds: ['sub_missing'] }, onlyIfAway: true });
		expect((await waitDone(site, none.notificationId)).counts).toMatchObject({ targeted: 0, sent: 0 });
	});

	it('answers a send without onlyIfAway as before, with no skipped', async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		await viewed(site, id, '/cart', 0);
		const plain = await accepted(site, { audience: { subscriberIds: [id] }, onlyIfAway: false });
		expect(plain.skipped).toBeUndefined();
		expect((await waitDone(site, plain.notificationId)).counts).toMatchObject({ sent: 1 });
	});

	it.each<[string, Record<string, unknown>, string]>([
		['everyone', { audience: { all: true }, onlyIfAway: true }, 'onlyIfAway: is only for a 1:1 send'],
		[
			'categories',
			{ audience: { categories: ['news'] }, onlyIfAway: true },
			'onlyIfAway: is only for a 1:1 send',
		],
		['a segment', { audience: { segment: 'seg_regulars' }, onlyIfAway: true }, 'onlyIfAway: is only'],
		[
			'101 ids',
			{ audience: { subscriberIds: Array.from({ length: 101 }, (_, i) => `sub_${i}`) }, onlyIfAway: true },
			'onlyIfAway: is only for a 1:1 send: an audience of subscriberIds or userIds (at most 100)',
		],
		['0 minutes', { audience: { userIds: ['u'] }, onlyIfAway: { minutes: 0 } }, 'onlyIfAway'],
		['a day and a minute', { audience: { userIds: ['u'] }, onlyIfAway: { minutes: 1441 } }, 'onlyIfAway'],
		['a string', { audience: { userIds: ['u'] }, onlyIfAway: 'yes' }, 'onlyIfAway'],
		['an unknown key', { audience: { userIds: ['u'] }, onlyIfAway: { seconds: 60 } }, 'onlyIfAway'],
	])('answers 400 naming onlyIfAway for %s and writes nothing', async (_what, body, message) => {
		const site = await createSite();
		await subscribe(site, await makeSubscription());
		const before = await storeRowCounts(site.siteId);
		const response = await create(site, body);
		const error = await problem(response);
		expect(error.status).toBe(400);
		expect(error.message).toContain(message);
		expect(await storeRowCounts(site.siteId)).toEqual(before);
	});
});
