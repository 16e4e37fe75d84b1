import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { APPLE_STALE_MS, runHousekeeping, WEBHOOK_KEEP_MS } from '../../worker/src/cron';
import worker from '../../worker/src/index';
import { createSite, makeSubscription, subscribe } from './helpers';

describe('scheduled housekeeping', () => {
	it('prunes Apple subscriptions unseen for too long and keeps fresh ones and other services', async () => {
		const site = await createSite();
		const stale = await subscribe(site, await makeSubscription());
		const fresh = await subscribe(site, await makeSubscription());
		const mozilla = await subscribe(site, await makeSubscription());
		const old = Date.now() - APPLE_STALE_MS - 86_400_000;
		await env.DB.batch([
			env.DB.prepare("UPDATE subscribers SET push_service = 'apple', last_seen_at = ? WHERE id = ?").bind(
				old,
				stale,
			),
			env.DB.prepare("UPDATE subscribers SET push_service = 'apple' WHERE id = ?").bind(fresh),
			env.DB.prepare("UPDATE subscribers SET push_service = 'mozilla', last_seen_at = ? WHERE id = ?").bind(
				old,
				mozilla,
			),
		]);
		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ cron: '*/10 * * * *' }), env);
		await waitOnExecutionContext(ctx);
		const left = await env.DB.prepare('SELECT id FROM subscribers WHERE site_id = ? ORDER BY id')
			.bind(site.siteId)
			.all<{ id: string }>();
		expect(left.results.map((r) => r.id).sort()).toEqual([fresh, mozilla].sort());
	});

	it('wakes unfinished notifications and is safe to run twice', async () => {
		const site = await createSite();
		await env.DB.prepare(
			`INSERT INTO notifications (id, site_id, message, audience, delivery, status, created_at)
			VALUES ('ntf_stalled', ?, '{}', '{}', '{}', 'sending', ?)`,
		)
			.bind(site.siteId, Date.now() - 5 * 60_000)
			.run();
		const first = await runHousekeeping(env, Date.now());
		const second = await runHousekeeping(env, Date.now());
		expect(first.resumed).toBeGreaterThanOrEqual(1);
		expect(second.resumed).toBe(first.resumed);
	});

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
		await runHousekeeping(env, now);
		const { results } = await env.DB.prepare(
			"SELECT webhook_id FROM shopify_webhooks WHERE webhook_id LIKE 'wh-%'",
		).all();
		expect(results).toEqual([{ webhook_id: 'wh-new' }]);
	});
});
