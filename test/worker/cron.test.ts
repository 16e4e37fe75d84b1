import {
	createExecutionContext,
	createScheduledController,
	runDurableObjectAlarm,
	runInDurableObject,
	waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { runHousekeeping, WEBHOOK_KEEP_MS } from '../../worker/src/cron';
import worker from '../../worker/src/index';
import { APPLE_STALE_MS, DAILY_KEEP_DAYS } from '../../worker/src/objects/site-store';
import { createSite, makeSubscription, storeOf, storeSql, subscribe, type TestSite } from './helpers';

/** Three subscribers: an Apple one unseen for too long, a fresh Apple one, and a long-unseen Mozilla one. */
async function appleSubscribers(site: TestSite) {
	const stale = await subscribe(site, await makeSubscription());
	const fresh = await subscribe(site, await makeSubscription());
	const mozilla = await subscribe(site, await makeSubscription());
	const old = Date.now() - APPLE_STALE_MS - 86_400_000;
	await storeSql(
		site.siteId,
		"UPDATE subscribers SET push_service = 'apple', last_seen_at = ? WHERE id = ?",
		old,
		stale,
	);
	await storeSql(site.siteId, "UPDATE subscribers SET push_service = 'apple' WHERE id = ?", fresh);
	await storeSql(
		site.siteId,
		"UPDATE subscribers SET push_service = 'mozilla', last_seen_at = ? WHERE id = ?",
		old,
		mozilla,
	);
	return { stale, fresh, mozilla };
}

async function subscriberIds(site: TestSite): Promise<string[]> {
	return (await storeSql<{ id: string }>(site.siteId, 'SELECT id FROM subscribers ORDER BY id')).map(
		(r) => r.id,
	);
}

describe("a site store's housekeeping", () => {
	it('prunes Apple subscriptions unseen for too long and keeps fresh ones and other services', async () => {
		const site = await createSite();
		const { fresh, mozilla } = await appleSubscribers(site);
		const result = await storeOf(site.siteId).housekeep(site.siteId, Date.now());
		expect(result.pruned).toBe(1);
		expect(await subscriberIds(site)).toEqual([fresh, mozilla].sort());
		const [status] = await storeSql<{ n: number }>(
			site.siteId,
			"SELECT n FROM counts WHERE key = 'status:allowed'",
		);
		expect(status?.n).toBe(2);
	});

	it('trims growth rows older than the kept window and keeps recent ones', async () => {
		const site = await createSite();
		await subscribe(site, await makeSubscription());
		const now = Date.now();
		const day = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString().slice(0, 10);
		const old = day(DAILY_KEEP_DAYS + 5);
		const recent = day(DAILY_KEEP_DAYS - 5);
		await storeSql(
			site.siteId,
			'INSERT INTO daily (day, added, removed) VALUES (?, 3, 1), (?, 2, 0)',
			old,
			recent,
		);
		await storeOf(site.siteId).housekeep(site.siteId, now);
		const days = (await storeSql<{ day: string }>(site.siteId, 'SELECT day FROM daily ORDER BY day')).map(
			(r) => r.day,
		);
		expect(days).not.toContain(old);
		expect(days).toContain(recent);
		expect(days).toContain(day(0));
	});

	it('wakes unfinished notifications (only those) and is safe to run twice', async () => {
		const site = await createSite();
		const now = Date.now();
		await storeSql(
			site.siteId,
			`INSERT INTO notifications (id, message, audience, delivery, status, created_at) VALUES
				('ntf_stalled', '{}', '{}', '{}', 'sending', ?),
				('ntf_finished', '{}', '{}', '{}', 'done', ?),
				('ntf_just_queued', '{}', '{}', '{}', 'queued', ?)`,
			now - 5 * 60_000,
			now - 5 * 60_000,
			now,
		);
		const store = storeOf(site.siteId);
		const first = await store.housekeep(site.siteId, now);
		const second = await store.housekeep(site.siteId, now);
		expect(first).toEqual({ resumed: 1, pruned: 0 });
		expect(second).toEqual(first);
		const [row] = await storeSql<{ n: number }>(site.siteId, 'SELECT count(*) AS n FROM notifications');
		expect(row?.n).toBe(3);
	});

	it('runs from the store’s own alarm, which subscribing sets', async () => {
		const site = await createSite();
		const store = storeOf(site.siteId);
		const { fresh, mozilla } = await appleSubscribers(site);
		const before = Date.now();
		const armed = await runInDurableObject(store, (_i, state) => state.storage.getAlarm());
		expect(armed).not.toBeNull();
		// A daily round, not sooner than the housekeeping period minus the test's own run time.
		expect(armed as number).toBeGreaterThan(before + 23 * 3_600_000);

		expect(await runDurableObjectAlarm(store)).toBe(true);
		expect(await subscriberIds(site)).toEqual([fresh, mozilla].sort());
		const [meta] = await storeSql<{ v: string }>(site.siteId, "SELECT v FROM meta WHERE k = 'housekept_at'");
		expect(Number(meta?.v)).toBeGreaterThanOrEqual(before);
		// Subscribers remain, so the next round is planned.
		expect(await runInDurableObject(store, (_i, state) => state.storage.getAlarm())).not.toBeNull();
	});
});

describe('scheduled housekeeping', () => {
	it('forgets handled Shopify webhook ids after a week and keeps recent ones', async () => {
		const now = Date.now();
		await env.DB.batch([
			env.DB.prepare(
				"INSERT INTO shopify_webhooks VALUES ('wh-old', 'a.myshopify.com', 'app/uninstalled', ?)",
			).bind(now - WEBHOOK_KEEP_MS - 1),
			env.DB.prepare(
				"INSERT INTO shopify_webhooks VALUES ('wh-new', 'a.myshopify.com', 'app/uninstalled', ?)",
			).bind(now - 86_400_000),
		]);
		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ cron: '17 * * * *', scheduledTime: now }), env);
		await waitOnExecutionContext(ctx);
		const { results } = await env.DB.prepare(
			"SELECT webhook_id FROM shopify_webhooks WHERE webhook_id LIKE 'wh-%'",
		).all();
		expect(results).toEqual([{ webhook_id: 'wh-new' }]);
	});

	it('is safe to run twice', async () => {
		const now = Date.now();
		await env.DB.prepare(
			"INSERT INTO shopify_webhooks VALUES ('wh-twice', 'b.myshopify.com', 'app/uninstalled', ?)",
		)
			.bind(now - WEBHOOK_KEEP_MS - 1)
			.run();
		const first = await runHousekeeping(env, now);
		const second = await runHousekeeping(env, now);
		expect(first.webhooksTrimmed).toBeGreaterThanOrEqual(1);
		expect(second).toEqual({ webhooksTrimmed: 0 });
	});
});
