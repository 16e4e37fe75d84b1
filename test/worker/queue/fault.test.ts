import { describe, expect, it } from 'vitest';
import {
	createSite,
	makeSubscription,
	send,
	sinkLog,
	storeOf,
	storeSql,
	subscribe,
	type TestSite,
	waitDone,
} from '../helpers';

async function exists(site: TestSite, id: string): Promise<boolean> {
	return (await storeSql(site.siteId, 'SELECT 1 AS x FROM subscribers WHERE id = ?', id)).length > 0;
}

describe('push delivery against a faulty push service', () => {
	it('ends every recipient in the right state: delivered, pruned, failed or retried and delivered once', async () => {
		const site = await createSite();
		const behaviours = [
			'201',
			'404',
			'410',
			'413',
			'400',
			'401',
			'429-then-201',
			'500-then-201',
			'503-then-201',
			'hang-then-201',
		];
		const subs = await Promise.all(behaviours.map((b) => makeSubscription(b)));
		const ids = await Promise.all(subs.map((s) => subscribe(site, s)));
		const byBehaviour = Object.fromEntries(
			behaviours.map((b, i) => [b, { sub: subs[i], id: ids[i] as string }]),
		);

		const view = await waitDone(site, await send(site, { title: 'Faults' }), 45_000);
		expect(view.counts).toMatchObject({ targeted: 10, sent: 5, gone: 2, failed: 3, retried: 4 });
		expect(view.counts.failures).toEqual({ payload_too_large: 1, bad_request: 1, unauthorized: 1 });

		for (const b of ['404', '410']) expect(await exists(site, byBehaviour[b]?.id ?? '')).toBe(false);
		for (const b of ['413', '400', '401', '201'])
			expect(await exists(site, byBehaviour[b]?.id ?? '')).toBe(true);
		for (const b of ['429-then-201', '500-then-201', '503-then-201', 'hang-then-201']) {
			const log = await sinkLog(byBehaviour[b]?.sub?.json.endpoint ?? '');
			expect(log.map((r) => r.status)).toEqual([b.startsWith('hang') ? 'hang' : Number(b.slice(0, 3)), 201]);
		}
		const throttled = await sinkLog(byBehaviour['429-then-201']?.sub?.json.endpoint ?? '');
		const waited =
			(throttled[1] as unknown as { at: number }).at - (throttled[0] as unknown as { at: number }).at;
		expect(waited).toBeGreaterThanOrEqual(1000);
		expect(await sinkLog(byBehaviour['201']?.sub?.json.endpoint ?? '')).toHaveLength(1);
	}, 60_000);

	it('gives up on a recipient after the last attempt and says why', async () => {
		const site = await createSite();
		const sub = await makeSubscription('503');
		await subscribe(site, sub);
		const view = await waitDone(site, await send(site, {}), 55_000);
		expect(view.counts).toMatchObject({ targeted: 1, sent: 0, failed: 1, retried: 4 });
		expect(view.counts.failures).toEqual({ retries_exhausted: 1 });
		expect(await sinkLog(sub.json.endpoint)).toHaveLength(5);
	}, 60_000);

	it('prunes a gone subscription only while it still has the endpoint that was sent to', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const id = await subscribe(site, sub);
		const store = storeOf(site.siteId);
		expect(await store.pruneGone(site.siteId, [{ id, endpoint: 'https://old.example/endpoint' }])).toBe(0);
		expect(await exists(site, id)).toBe(true);
		expect(await store.pruneGone(site.siteId, [{ id, endpoint: sub.json.endpoint }])).toBe(1);
		expect(await exists(site, id)).toBe(false);
	});
});
