import { describe, expect, it } from 'vitest';
import { call, createSite, json, makeSubscription, storeSql, subscribe, type TestSite } from '../helpers';

async function rows(site: TestSite): Promise<number> {
	const [row] = await storeSql<{ n: number }>(site.siteId, 'SELECT COUNT(*) AS n FROM subscribers');
	return row?.n ?? -1;
}

function post(site: TestSite, body: unknown, headers: Record<string, string> = {}) {
	return call(`/v1/sites/${site.siteId}/subscribers`, {
		method: 'POST',
		headers: { origin: site.origin, ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
}

describe('POST /v1/sites/:siteId/subscribers', () => {
	it('creates a subscriber (201) and upserts the same endpoint to the same id (200)', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const first = await post(site, {
			subscription: sub.json,
			permission: 'granted',
			url: `${site.origin}/p/1`,
		});
		expect(first.status).toBe(201);
		expect(first.headers.get('access-control-allow-origin')).toBe(site.origin);
		const { subscriberId } = await json<{ subscriberId: string }>(first);
		const second = await post(site, { subscription: sub.json, permission: 'granted', categories: ['news'] });
		expect(second.status).toBe(200);
		expect((await json<{ subscriberId: string }>(second)).subscriberId).toBe(subscriberId);
		expect(await rows(site)).toBe(1);
		const [row] = await storeSql(
			site.siteId,
			'SELECT status, last_url, categories, browser FROM subscribers WHERE id = ?',
			subscriberId,
		);
		expect(row).toMatchObject({
			status: 'allowed',
			last_url: `${site.origin}/p/1`,
			categories: '["news"]',
			browser: 'other',
		});
	});

	it('moves a known subscriber to its new endpoint (pushsubscriptionchange) instead of adding one', async () => {
		const site = await createSite();
		const old = await makeSubscription();
		const id = await subscribe(site, old);
		const fresh = await makeSubscription();
		const response = await post(site, {
			subscription: fresh.json,
			permission: 'granted',
			oldEndpoint: old.json.endpoint,
		});
		expect((await json<{ subscriberId: string }>(response)).subscriberId).toBe(id);
		expect(await rows(site)).toBe(1);
		const rowsOfId = await storeSql<{ endpoint: string }>(
			site.siteId,
			'SELECT endpoint FROM subscribers WHERE id = ?',
			id,
		);
		expect(rowsOfId).toEqual([{ endpoint: fresh.json.endpoint }]);
	});

	it('records denied and unsupported browsers without a subscription, then upgrades the same id', async () => {
		const site = await createSite();
		const denied = await post(site, { permission: 'default' });
		expect(denied.status).toBe(201);
		const { subscriberId, status } = await json<{ subscriberId: string; status: string }>(denied);
		expect(status).toBe('ask');
		const sub = await makeSubscription();
		const granted = await post(site, { permission: 'granted', subscription: sub.json, subscriberId });
		expect((await json<{ subscriberId: string }>(granted)).subscriberId).toBe(subscriberId);
		expect(await rows(site)).toBe(1);
		const unsupported = await post(site, { permission: 'unsupported' });
		expect((await json<{ status: string }>(unsupported)).status).toBe('unsupported');
	});

	it('a report without a subscription for a known browser takes its state and forgets its keys', async () => {
		const site = await createSite();
		const subscriberId = await subscribe(site, await makeSubscription());
		const denied = await post(site, { permission: 'denied', subscriberId });
		expect(denied.status).toBe(200);
		expect(await json(denied)).toEqual({ subscriberId, status: 'blocked' });
		expect(
			await storeSql(site.siteId, 'SELECT status, endpoint, endpoint_hash, p256dh, auth FROM subscribers'),
		).toEqual([{ status: 'blocked', endpoint: null, endpoint_hash: null, p256dh: null, auth: null }]);
		const stats = await json<{ byStatus: Record<string, number> }>(
			await call(`/v1/sites/${site.siteId}/stats`, { key: site.apiKey }),
		);
		expect(stats.byStatus).toMatchObject({ allowed: 0, blocked: 1 });
	});

	it.each([
		['endpoint on an unknown host', { endpoint: 'https://evil.example/push/1' }, 'subscription.endpoint'],
		[
			'http endpoint of a push service',
			{ endpoint: 'http://fcm.googleapis.com/fcm/send/x' },
			'subscription.endpoint',
		],
		['p256dh of the wrong length', { p256dh: 'BAAA' }, 'p256dh'],
		['p256dh not on the curve', { p256dh: `B${'A'.repeat(86)}` }, 'curve'],
		['auth of the wrong length', { auth: 'AAAA' }, 'auth'],
		['missing keys', { keys: null }, 'subscription.keys.p256dh'],
	])('answers 400 for %s and writes nothing', async (_name, change, message) => {
		const site = await createSite();
		const sub = await makeSubscription();
		const subscription: Record<string, unknown> = { ...sub.json, keys: { ...sub.json.keys } };
		for (const [k, v] of Object.entries(change)) {
			if (k === 'endpoint' || k === 'keys') subscription[k] = v;
			else (subscription.keys as Record<string, unknown>)[k] = v;
		}
		const response = await post(site, { subscription, permission: 'granted' });
		expect(response.status).toBe(400);
		expect((await json<{ error: { message: string } }>(response)).error.message).toContain(message);
		expect(await rows(site)).toBe(0);
	});

	it('answers 400 for a granted permission without a subscription and for bad fields', async () => {
		const site = await createSite();
		expect((await post(site, { permission: 'granted' })).status).toBe(400);
		expect((await post(site, { permission: 'maybe' })).status).toBe(400);
		expect((await post(site, { permission: 'default', timezone: 'Mars/Olympus' })).status).toBe(400);
		expect((await post(site, { permission: 'default', categories: 'news' })).status).toBe(400);
		expect((await post(site, '[]')).status).toBe(400);
		expect((await post(site, 'not json')).status).toBe(400);
		expect(await rows(site)).toBe(0);
	});

	it('answers 413 for a body over the cap', async () => {
		const site = await createSite();
		const response = await post(site, { permission: 'default', pad: 'x'.repeat(20_000) });
		expect(response.status).toBe(413);
		expect(await rows(site)).toBe(0);
	});

	it("refuses other sites' origins with 403 and unknown sites with 404", async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const foreign = await post(
			site,
			{ subscription: sub.json, permission: 'granted' },
			{ origin: 'https://other.example' },
		);
		expect(foreign.status).toBe(403);
		expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
		const unknown = await call('/v1/sites/site_nope/subscribers', { method: 'POST', body: '{}' });
		expect(unknown.status).toBe(404);
		expect(await rows(site)).toBe(0);
	});

	it('rate-limits one address on one site with 429 and Retry-After', async () => {
		const site = await createSite();
		let limited: Response | null = null;
		for (let i = 0; i < 200 && !limited; i++) {
			const r = await call(`/v1/sites/${site.siteId}/config`, { ip: '192.0.2.77' });
			if (r.status === 429) limited = r;
			else await r.arrayBuffer();
		}
		expect(limited?.headers.get('retry-after')).toBe('60');
		expect((await call(`/v1/sites/${site.siteId}/config`, { ip: '192.0.2.78' })).status).toBe(200);
	});

	it('answers CORS preflights for the site origin only', async () => {
		const site = await createSite();
		const ok = await call(`/v1/sites/${site.siteId}/subscribers`, {
			method: 'OPTIONS',
			headers: { origin: site.origin },
		});
		expect(ok.status).toBe(204);
		expect(ok.headers.get('access-control-allow-origin')).toBe(site.origin);
		expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
		const bad = await call(`/v1/sites/${site.siteId}/subscribers`, {
			method: 'OPTIONS',
			headers: { origin: 'https://x.example' },
		});
		expect(bad.status).toBe(403);
	});
});

describe('DELETE /v1/sites/:siteId/subscribers/:subscriberId', () => {
	it('unsubscribes (204) and then answers 404', async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		const path = `/v1/sites/${site.siteId}/subscribers/${id}`;
		expect((await call(path, { method: 'DELETE', headers: { origin: site.origin } })).status).toBe(204);
		expect(await rows(site)).toBe(0);
		expect((await call(path, { method: 'DELETE' })).status).toBe(404);
	});

	it("cannot delete another site's subscriber", async () => {
		const a = await createSite();
		const b = await createSite();
		const id = await subscribe(a, await makeSubscription());
		expect((await call(`/v1/sites/${b.siteId}/subscribers/${id}`, { method: 'DELETE' })).status).toBe(404);
		expect(await rows(a)).toBe(1);
	});
});

describe('GET /v1/sites/:siteId/subscribers/:subscriberId', () => {
	it('shows the subscriber to its site admins without endpoint or keys', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const id = await subscribe(site, sub, {
			url: `${site.origin}/lamp`,
			timezone: 'Europe/Berlin',
			locale: 'de-DE',
		});
		const response = await call(`/v1/sites/${site.siteId}/subscribers/${id}`, { key: site.apiKey });
		expect(response.status).toBe(200);
		const text = await response.text();
		expect(JSON.parse(text)).toMatchObject({
			subscriberId: id,
			status: 'allowed',
			browser: 'firefox',
			os: 'linux',
			lastUrl: `${site.origin}/lamp`,
			timezone: 'Europe/Berlin',
			locale: 'de-DE',
			pushService: 'loopback',
		});
		expect(text).not.toContain(sub.json.endpoint);
		expect(text).not.toContain(sub.json.keys.auth);
	});

	it('answers 404 for unknown subscribers and 403 for another site key', async () => {
		const a = await createSite();
		const b = await createSite();
		const id = await subscribe(a, await makeSubscription());
		expect((await call(`/v1/sites/${a.siteId}/subscribers/sub_nope`, { key: a.apiKey })).status).toBe(404);
		expect((await call(`/v1/sites/${a.siteId}/subscribers/${id}`, { key: b.apiKey })).status).toBe(403);
		expect((await call(`/v1/sites/${b.siteId}/subscribers/${id}`, { key: b.apiKey })).status).toBe(404);
	});
});
