import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createSite, makeSubscription, storeOf, storeSql, subscribe } from '../helpers';
import { DbWatch, watchSiteStores } from './db-watch';

// The fuzz properties' "a rejected request wrote nothing" is only as good as the watch: it must see writes.
describe('DbWatch', () => {
	it("sees no change when nothing is written, and every write to D1 or a watched site's store", async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		const unopened = await createSite();
		watchSiteStores(site.siteId, unopened.siteId);
		const watch = new DbWatch();
		let before = await watch.snapshot();
		const step = async () => {
			const after = await watch.snapshot();
			const changed = watch.changes(before, after);
			before = after;
			return changed;
		};
		expect(await step()).toEqual([]);
		// Reading through the worker (the store opened as any request opens it) is no write.
		expect((await storeOf(unopened.siteId).stats(unopened.siteId, Date.now())).active).toBe(0);
		expect(await step()).toEqual([]);

		await storeSql(site.siteId, "UPDATE subscribers SET last_url = 'https://x.example/' WHERE id = ?", id);
		expect(await step()).toEqual([`store ${site.siteId}: 1 row(s) written`]);
		await storeSql(site.siteId, "UPDATE subscribers SET status = 'blocked' WHERE id = ?", id);
		expect((await step()).length).toBeGreaterThan(0);
		await storeSql(
			unopened.siteId,
			"INSERT INTO notifications (id, message, audience, delivery, status, created_at) VALUES ('ntf_w', '{}', '{}', '{}', 'done', 1)",
		);
		expect(await step()).toEqual([`store ${unopened.siteId} notifications: 0 → 1 rows`]);
		await env.DB.prepare("UPDATE sites SET name = 'Renamed' WHERE id = ?").bind(site.siteId).run();
		expect(await step()).toEqual(['1 row(s) written']);
	});
});
