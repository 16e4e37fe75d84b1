import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Dispatcher } from '../../../worker/src/objects/dispatcher';
import {
	createSite,
	makeSubscription,
	recipientOf,
	seedSubscribers,
	send,
	sinkLog,
	subscribe,
	waitDone,
} from '../helpers';

describe('Dispatcher', () => {
	it('pages a large audience with keyset pagination and sends each subscriber exactly once', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const now = Date.now();
		const total = 2345;
		const runId = crypto.randomUUID();
		await seedSubscribers(
			site.siteId,
			Array.from({ length: total }, (_, i) => ({
				id: `sub_${String(i).padStart(5, '0')}_${runId.slice(0, 8)}`,
				endpoint: `${env.PUSH_SINK_URL}/push/201/${runId}/${i}`,
				p256dh: sub.json.keys.p256dh,
				auth: sub.json.keys.auth,
			})),
			now,
		);

		const view = await waitDone(site, await send(site, {}), 60_000);
		expect(view.counts).toMatchObject({ targeted: total, sent: total, failed: 0 });
		const log = (await (await fetch(`${env.PUSH_SINK_URL}/_log`)).json()) as Record<string, unknown[]>;
		const mine = Object.entries(log).filter(([k]) => k.startsWith(`201/${runId}/`));
		expect(mine).toHaveLength(total);
		expect(mine.every(([, records]) => records.length === 1)).toBe(true);
	}, 90_000);

	it('re-sends a batch whose queue message was lost, once its report is overdue', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const id = await subscribe(site, sub);
		const nid = await send(site, { audience: { subscriberIds: ['sub_nobody'] } });
		await waitDone(site, nid);
		const stub = env.DISPATCHER.get(env.DISPATCHER.idFromName(nid));
		await runInDurableObject(stub, (instance: Dispatcher, state) => {
			Object.assign(instance, { phase: 'sending', open: 1 });
			const recipients = [recipientOf(sub, id, site.origin)];
			state.storage.sql.exec(
				"INSERT INTO batches (attempt, recipients, state, due_at) VALUES (0, ?, 'queued', ?)",
				JSON.stringify(recipients),
				Date.now() - 11 * 60_000,
			);
		});
		// In a minute, so that only runDurableObjectAlarm below can run it.
		await runInDurableObject(stub, (_i: Dispatcher, state) => state.storage.setAlarm(Date.now() + 60_000));
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		const view = await waitDone(site, nid);
		expect(view.counts.sent).toBe(1);
		expect(await sinkLog(sub.json.endpoint)).toHaveLength(1);
	});

	it('ignores a second start and refuses to track events for another site', async () => {
		const site = await createSite();
		await subscribe(site, await makeSubscription());
		const nid = await send(site, {});
		await waitDone(site, nid);
		const stub = env.DISPATCHER.get(env.DISPATCHER.idFromName(nid));
		await stub.start({
			notificationId: nid,
			siteId: site.siteId,
			message: { title: 'again', body: '' },
			audience: { all: true },
			delivery: { ttl: 60, urgency: 'normal' },
			homeUrl: site.origin,
			iconUrl: null,
			createdAt: Date.now(),
		});
		const status = await stub.status();
		expect(status?.counts.targeted).toBe(1);
		expect(await stub.track('site_other', 'clicked')).toBe(false);
		expect(await stub.track(site.siteId, 'clicked')).toBe(true);
	});
});
