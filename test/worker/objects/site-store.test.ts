import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { SiteStore } from '../../../worker/src/objects/site-store';
import {
	call,
	createSite,
	json,
	makeSubscription,
	OPERATOR,
	sinkLog,
	storeOf,
	storeSql,
	subscribe,
	type TestSite,
	tableRowCounts,
	waitDone,
} from '../helpers';

/** Rows of a site as a deployment from before per-site storage kept them in D1 (migrations 0002–0004). */
async function seedLegacy(
	site: TestSite,
	n: number,
): Promise<{ endpoints: string[]; keys: { p256dh: string; auth: string } }> {
	const sub = await makeSubscription();
	const run = crypto.randomUUID().slice(0, 8);
	const now = Date.now();
	const endpoints = Array.from({ length: n }, (_, i) => `${env.PUSH_SINK_URL}/push/201/${run}/${i}`);
	const insert = env.DB.prepare(
		`INSERT INTO subscribers (id, site_id, status, endpoint, p256dh, auth, push_service, browser, os, categories,
			external_user_id, last_url, last_seen_at, created_at, updated_at, suspended_from)
		VALUES (?, ?, ?, ?, ?, ?, 'loopback', ?, 'linux', ?, ?, ?, ?, ?, ?, ?)`,
	);
	const rows = endpoints.map((endpoint, i) => {
		// Every 7th browser blocked (no keys), every 11th a suspended row of a former user, the rest allowed.
		const status = i % 11 === 10 ? 'suspended' : i % 7 === 6 ? 'blocked' : 'allowed';
		const keep = status === 'allowed';
		return insert.bind(
			`sub_legacy${run}_${String(i).padStart(5, '0')}`,
			site.siteId,
			status,
			keep ? endpoint : null,
			keep ? sub.json.keys.p256dh : null,
			keep ? sub.json.keys.auth : null,
			i % 2 === 0 ? 'firefox' : 'chrome',
			i % 5 === 0 ? '["sale"]' : '[]',
			i % 13 === 0 ? `user-${i}` : null,
			`${site.origin}/page/${i}`,
			now - i,
			now - 10 * 86_400_000 + i,
			now - i,
			status === 'suspended' ? `sub_legacy${run}_00000` : null,
		);
	});
	for (let i = 0; i < rows.length; i += 100) await env.DB.batch(rows.slice(i, i + 100));
	const today = new Date(now).toISOString().slice(0, 10);
	const tenDaysAgo = new Date(now - 10 * 86_400_000).toISOString().slice(0, 10);
	// The legacy triggers counted the seeded rows as today's growth; give the site a history of its own instead.
	await env.DB.batch([
		env.DB.prepare('DELETE FROM site_daily WHERE site_id = ?').bind(site.siteId),
		env.DB.prepare('INSERT INTO site_daily (site_id, day, added, removed) VALUES (?, ?, ?, 3)').bind(
			site.siteId,
			tenDaysAgo,
			n,
		),
		env.DB.prepare('INSERT INTO site_daily (site_id, day, added, removed) VALUES (?, ?, 0, 1)').bind(
			site.siteId,
			today,
		),
		env.DB.prepare(
			`INSERT INTO notifications (id, site_id, message, audience, delivery, status, counts, created_at, finished_at,
				idempotency_key) VALUES (?, ?, ?, '{"all":true}', '{"ttl":86400,"urgency":"normal"}', 'done', ?, ?, ?, ?)`,
		).bind(
			`ntf_legacy${run}`,
			site.siteId,
			JSON.stringify({ title: 'Old news', body: 'From D1' }),
			JSON.stringify({ targeted: 5, sent: 5 }),
			now - 86_400_000,
			now - 86_400_000 + 1000,
			`legacy-${run}`,
		),
	]);
	return { endpoints, keys: sub.json.keys };
}

async function migrate(body: Record<string, unknown> = {}, token = OPERATOR): Promise<Response> {
	return call('/v1/admin/storage/migrate', { method: 'POST', key: token, body: JSON.stringify(body) });
}

interface Migrated {
	sites: Array<{
		siteId: string;
		ok: boolean;
		importedAt: string | null;
		d1: { subscribers: number; notifications: number } | null;
		copied: { subscribers: number; notifications: number } | null;
	}>;
	next: string | null;
	failed: number;
}

/** Migrates every site in pages of `limit` and returns the reports of the given sites. */
async function migrateAll(ids: string[], limit = 3): Promise<Migrated['sites']> {
	const seen: Migrated['sites'] = [];
	let after: string | undefined;
	for (;;) {
		const response = await migrate(after ? { after, limit } : { limit });
		expect(response.status).toBe(200);
		const page = await json<Migrated>(response);
		seen.push(...page.sites.filter((s) => ids.includes(s.siteId)));
		if (page.next === null) return seen;
		after = page.next;
	}
}

describe('SiteStore: per-site storage', () => {
	it('copies a site out of D1 on upgrade, verified by counts, and a second run changes nothing', async () => {
		const site = await createSite();
		const other = await createSite();
		const N = 1234;
		const legacy = await seedLegacy(site, N);
		const d1Before = await env.DB.prepare(
			'SELECT status, count(*) AS n FROM subscribers WHERE site_id = ? GROUP BY status ORDER BY status',
		)
			.bind(site.siteId)
			.all<{ status: string; n: number }>();

		const first = await migrateAll([site.siteId, other.siteId]);
		const mine = first.find((s) => s.siteId === site.siteId);
		expect(mine).toMatchObject({
			ok: true,
			d1: { subscribers: N, notifications: 1 },
			copied: { subscribers: N, notifications: 1 },
		});
		expect(first.find((s) => s.siteId === other.siteId)).toMatchObject({
			ok: true,
			d1: { subscribers: 0, notifications: 0 },
		});

		// The store holds exactly D1's rows, and its counters agree with them (recomputed, not today's growth).
		const held = await storeSql<{ status: string; n: number }>(
			site.siteId,
			'SELECT status, count(*) AS n FROM subscribers GROUP BY status ORDER BY status',
		);
		expect(held).toEqual(d1Before.results);
		const stats = await json<{
			byStatus: Record<string, number>;
			byBrowser: Record<string, number>;
			daily: Array<{ day: string; added: number; removed: number }>;
		}>(await call(`/v1/sites/${site.siteId}/stats`, { key: site.apiKey }));
		for (const { status, n } of d1Before.results) expect(stats.byStatus[status]).toBe(n);
		const allowed = d1Before.results.find((r) => r.status === 'allowed')?.n ?? 0;
		expect((stats.byBrowser.firefox ?? 0) + (stats.byBrowser.chrome ?? 0)).toBe(allowed);
		// Growth history comes over from D1 as it was: N added ten days ago, 1 removed today (not N added today).
		expect(stats.daily.at(-1)).toMatchObject({ added: 0, removed: 1 });
		expect(stats.daily.reduce((sum, d) => sum + d.added, 0)).toBe(N);

		// A second run copies nothing and keeps the first verification.
		const second = await migrateAll([site.siteId]);
		expect(second[0]).toEqual(mine);
		expect(await storeSql(site.siteId, 'SELECT count(*) AS n FROM subscribers')).toEqual([{ n: N }]);

		// The copied rows work as before: the same endpoint is the same subscriber (its hash was computed on copy),
		// the old idempotency key still deduplicates, the old notification is listed.
		const known = await call(`/v1/sites/${site.siteId}/subscribers`, {
			method: 'POST',
			headers: { origin: site.origin },
			body: JSON.stringify({
				permission: 'granted',
				subscription: { endpoint: legacy.endpoints[1], keys: legacy.keys },
			}),
		});
		expect(known.status).toBe(200);
		expect((await json<{ subscriberId: string }>(known)).subscriberId).toMatch(/^sub_legacy.+_00001$/);
		const duplicate = await call(`/v1/sites/${site.siteId}/notifications`, {
			method: 'POST',
			key: site.apiKey,
			headers: {
				'idempotency-key':
					(await storeSql<{ k: string }>(site.siteId, 'SELECT idempotency_key AS k FROM notifications'))[0]
						?.k ?? '',
			},
			body: JSON.stringify({ title: 'Again', body: 'x', audience: { all: true } }),
		});
		expect(duplicate.status).toBe(200);
		expect(await json(duplicate)).toMatchObject({ duplicate: true, status: 'done' });
		const list = await json<{ notifications: Array<{ message: { title: string } }> }>(
			await call(`/v1/sites/${site.siteId}/notifications`, { key: site.apiKey }),
		);
		expect(list.notifications.map((n) => n.message.title)).toEqual(['Old news']);
	}, 60_000);

	it('copies by itself on a site’s first request after the upgrade, then sends to the copied audience once', async () => {
		const site = await createSite();
		const legacy = await seedLegacy(site, 40);
		const allowed = legacy.endpoints.filter((_, i) => !(i % 11 === 10 || i % 7 === 6));
		const id = await json<{ notificationId: string }>(
			await call(`/v1/sites/${site.siteId}/notifications`, {
				method: 'POST',
				key: site.apiKey,
				body: JSON.stringify({ title: 'After upgrade', body: 'x', audience: { all: true } }),
			}),
		);
		const view = await waitDone(site, id.notificationId, 20_000);
		expect(view.counts).toMatchObject({ targeted: allowed.length, sent: allowed.length, failed: 0 });
		for (const endpoint of allowed.slice(0, 5)) expect(await sinkLog(endpoint)).toHaveLength(1);
	}, 40_000);

	it('refuses to migrate without the operator token or with a bad limit, writing nothing', async () => {
		const site = await createSite();
		await seedLegacy(site, 3);
		const before = await tableRowCounts();
		expect((await migrate({}, site.apiKey)).status).toBe(401);
		const bad = await migrate({ limit: 1000 });
		expect(bad.status).toBe(400);
		expect((await json<{ error: { message: string } }>(bad)).error.message).toMatch(/limit/);
		expect((await migrate({ after: 42 })).status).toBe(400);
		expect(await tableRowCounts()).toEqual(before);
	});

	it('answers only for its own site', async () => {
		const a = await createSite();
		const b = await createSite();
		await subscribe(a, await makeSubscription());
		await runInDurableObject(storeOf(a.siteId), async (store: SiteStore) => {
			await expect(store.stats(b.siteId, Date.now())).rejects.toThrow(/another site/);
			await expect(store.subscriber(b.siteId, 'sub_x')).rejects.toThrow(/another site/);
			expect((await store.stats(a.siteId, Date.now())).active).toBe(1);
		});
	});

	it('writes nothing to D1 when browsers subscribe, report pageviews and unsubscribe', async () => {
		const site = await createSite();
		await subscribe(site, await makeSubscription()); // opens the store
		const before = await tableRowCounts();
		const id = await subscribe(site, await makeSubscription());
		await call(`/v1/sites/${site.siteId}/subscribers/${id}/events`, {
			method: 'POST',
			headers: { origin: site.origin },
			body: JSON.stringify({ type: 'pageview', url: `${site.origin}/cart` }),
		});
		await call(`/v1/sites/${site.siteId}/subscribers/${id}`, {
			method: 'DELETE',
			headers: { origin: site.origin },
		});
		expect(await tableRowCounts()).toEqual(before);
		const stats = await json<{ active: number }>(
			await call(`/v1/sites/${site.siteId}/stats`, { key: site.apiKey }),
		);
		expect(stats.active).toBe(1);
	});

	it('keeps the endpoint unique by its full value, not only its hash', async () => {
		const site = await createSite();
		const a = await subscribe(site, await makeSubscription());
		// Give another row the same hash as a's endpoint: a lookup by hash alone would take it for a's subscriber.
		const [{ h } = { h: 0 }] = await storeSql<{ h: number }>(
			site.siteId,
			'SELECT endpoint_hash AS h FROM subscribers WHERE id = ?',
			a,
		);
		const b = await subscribe(site, await makeSubscription());
		await storeSql(site.siteId, 'UPDATE subscribers SET endpoint_hash = ? WHERE id = ?', h, b);
		const c = await makeSubscription();
		const again = await subscribe(site, c);
		expect(new Set([a, b, again]).size).toBe(3);
		const bRow = await storeSql<{ endpoint: string }>(
			site.siteId,
			'SELECT endpoint FROM subscribers WHERE id = ?',
			b,
		);
		expect(bRow[0]?.endpoint).not.toBe(c.json.endpoint);
	});
});
