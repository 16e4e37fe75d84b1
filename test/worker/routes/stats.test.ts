import { describe, expect, it } from 'vitest';
import { call, createSite, json, makeSubscription, storeSql, subscribe } from '../helpers';

interface Stats {
	byStatus: Record<string, number>;
	active: number;
	byBrowser: Record<string, number>;
	daily: Array<{ day: string; added: number; removed: number }>;
}

describe('GET /v1/sites/:siteId/stats', () => {
	it('stays exact under concurrent subscribes, re-subscribes, permission reports and deletes', async () => {
		const site = await createSite();
		const subs = await Promise.all(Array.from({ length: 30 }, () => makeSubscription()));
		const chrome =
			'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36';
		const ids = await Promise.all(
			subs.map((s, i) =>
				subscribe(site, s, {}).then(async (id) => {
					if (i % 3 === 0) {
						await call(`/v1/sites/${site.siteId}/subscribers`, {
							method: 'POST',
							headers: { 'user-agent': chrome },
							body: JSON.stringify({ subscription: s.json, permission: 'granted' }),
						});
					}
					return id;
				}),
			),
		);
		await Promise.all([
			...ids
				.slice(0, 5)
				.map((id) => call(`/v1/sites/${site.siteId}/subscribers/${id}`, { method: 'DELETE' })),
			...ids.slice(5, 8).map((id) =>
				call(`/v1/sites/${site.siteId}/subscribers/${id}/events`, {
					method: 'POST',
					body: JSON.stringify({ type: 'permission', permission: 'denied' }),
				}),
			),
			...Array.from({ length: 4 }, () =>
				call(`/v1/sites/${site.siteId}/subscribers`, {
					method: 'POST',
					body: JSON.stringify({ permission: 'default' }),
				}),
			),
		]);
		const stats = await json<Stats>(await call(`/v1/sites/${site.siteId}/stats`, { key: site.apiKey }));
		const truth = await storeSql<{ status: string; n: number }>(
			site.siteId,
			'SELECT status, COUNT(*) AS n FROM subscribers GROUP BY status',
		);
		const expected = { ask: 0, allowed: 0, blocked: 0, unsupported: 0, suspended: 0 } as Record<
			string,
			number
		>;
		for (const r of truth) expected[r.status] = r.n;
		expect(stats.byStatus).toEqual(expected);
		expect(stats.byStatus).toMatchObject({ allowed: 22, blocked: 3, ask: 4 });
		expect(stats.active).toBe(22);
		const browsers = await storeSql<{ browser: string; n: number }>(
			site.siteId,
			"SELECT browser, COUNT(*) AS n FROM subscribers WHERE status = 'allowed' GROUP BY browser",
		);
		expect(stats.byBrowser).toEqual(Object.fromEntries(browsers.map((r) => [r.browser, r.n])));
		expect(stats.byBrowser.chrome).toBeGreaterThan(0);
		expect(stats.daily).toHaveLength(30);
		const today = stats.daily.at(-1);
		expect(today?.day).toBe(new Date().toISOString().slice(0, 10));
		expect((today?.added ?? 0) - (today?.removed ?? 0)).toBe(22);
	});

	it('answers 401 without a key and 403 with another site key', async () => {
		const a = await createSite();
		const b = await createSite();
		await subscribe(a, await makeSubscription());
		expect((await call(`/v1/sites/${a.siteId}/stats`)).status).toBe(401);
		expect((await call(`/v1/sites/${a.siteId}/stats`, { key: b.apiKey })).status).toBe(403);
	});
});
