import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sealSecret } from '../../../worker/src/lib/secrets';
import {
	call,
	createSite,
	json,
	makeSubscription,
	seedSubscribers,
	send,
	sinkLog,
	subscribe,
	waitDone,
} from '../helpers';

const OTHER_MASTER_KEY = 'b3RoZXItbWFzdGVyLWtleS0zMi1ieXRlcy1sb25nISE';

async function insertSubscriber(siteId: string, id: string, endpoint: string, p256dh: string, auth: string) {
	await seedSubscribers(siteId, [{ id, endpoint, p256dh, auth }]);
}

describe('queue consumer, unsendable recipients and sites', () => {
	it('ends a recipient whose stored keys cannot make a push in its own state, and delivers the rest', async () => {
		const site = await createSite();
		const good = await Promise.all([makeSubscription(), makeSubscription()]);
		for (const sub of good) await subscribe(site, sub);
		// Rows the API would refuse, as an old import or a hand edit leaves them: a point off the curve, bad base64.
		const offCurve = `BA${'_'.repeat(85)}`;
		const bad1 = await makeSubscription();
		const bad2 = await makeSubscription();
		await insertSubscriber(site.siteId, 'sub_offcurve', bad1.json.endpoint, offCurve, bad1.json.keys.auth);
		await insertSubscriber(
			site.siteId,
			'sub_badb64',
			bad2.json.endpoint,
			'!!not base64!!',
			bad2.json.keys.auth,
		);

		const view = await waitDone(site, await send(site, { title: 'Mixed' }), 15_000);
		expect(view.counts).toMatchObject({ targeted: 4, sent: 2, failed: 2, retried: 0 });
		expect(view.counts.failures).toEqual({ subscription_invalid: 2 });
		for (const sub of good) expect(await sinkLog(sub.json.endpoint)).toHaveLength(1);
		for (const sub of [bad1, bad2]) expect(await sinkLog(sub.json.endpoint)).toHaveLength(0);
	});

	it('fails a notification once, with a clear reason, when the site key was sealed with another MASTER_KEY', async () => {
		const site = await createSite();
		const subs = await Promise.all(Array.from({ length: 3 }, () => makeSubscription()));
		for (const sub of subs) await subscribe(site, sub);
		// 600 more rows: three queue messages, so the other batches must be ended by the dispatcher, not sent.
		const key = subs[0]?.json.keys as { p256dh: string; auth: string };
		const runId = crypto.randomUUID().slice(0, 8);
		await seedSubscribers(
			site.siteId,
			Array.from({ length: 600 }, (_, i) => ({
				id: `sub_m${runId}_${i}`,
				endpoint: `${env.PUSH_SINK_URL}/push/201/${runId}/${i}`,
				p256dh: key.p256dh,
				auth: key.auth,
			})),
		);
		const foreign = await sealSecret(OTHER_MASTER_KEY, 'x'.repeat(43), site.siteId);
		await env.DB.prepare('UPDATE sites SET vapid_private_key = ? WHERE id = ?')
			.bind(foreign, site.siteId)
			.run();

		const nid = await send(site, { title: 'Never sent' });
		const view = await waitDone(site, nid, 15_000);
		expect(view.counts).toMatchObject({ targeted: 603, sent: 0, failed: 603 });
		expect(view.counts.failures).toEqual({ vapid_key_unavailable: 603 });
		const body = await json<{ error: { code: string; message: string } }>(
			await call(`/v1/sites/${site.siteId}/notifications/${nid}`, { key: site.apiKey }),
		);
		expect(body.error.code).toBe('vapid_key_unavailable');
		expect(body.error.message).toMatch(/MASTER_KEY/);
		for (const sub of subs) expect(await sinkLog(sub.json.endpoint)).toHaveLength(0);

		// No loop: it stays done with the same counts (nothing is retried behind its back).
		await new Promise((r) => setTimeout(r, 1500));
		const again = await waitDone(site, nid, 1000);
		expect(again.counts).toEqual(view.counts);
	});
});
