import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../worker/src/api/routes';
import { call, createSite, json, storeSql, type TestSite } from '../helpers';

// API key scopes (issue 15): a read key only reads, a send key also sends, records events and user attributes,
// a full key does everything. Checked on every site admin route the OpenAPI document lists, so a route added later
// is covered without touching this file.

/** What a send key may write (method and path template). */
const SEND_WRITES = new Set([
	'POST /v1/sites/{siteId}/notifications',
	'POST /v1/sites/{siteId}/events',
	'PUT /v1/sites/{siteId}/users/{userId}',
	'POST /v1/sites/{siteId}/staff-events',
]);

const ADMIN_ROUTES = ROUTES.filter(
	(r) => r.auth.includes('siteApiKey') && r.path.startsWith('/v1/sites/{siteId}'),
).map((r) => ({ method: r.method.toUpperCase(), template: r.path }));

async function makeKey(site: TestSite, scope: string): Promise<{ apiKey: string; keyId: string }> {
	const response = await call(`/v1/sites/${site.siteId}/api-keys`, {
		method: 'POST',
		key: site.apiKey,
		body: JSON.stringify({ name: `${scope} key`, scope }),
	});
	expect(response.status).toBe(201);
	return json(response);
}

async function attempt(site: TestSite, key: string, method: string, template: string) {
	const path = template.replace('{siteId}', site.siteId).replace(/\{\w+\}/g, 'x_0000000000000000');
	const response = await call(path, {
		method,
		key,
		...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
	});
	const text = await response.text();
	return { status: response.status, text };
}

describe('API key scopes', { timeout: 60_000 }, () => {
	it('covers every site admin route of the OpenAPI document', () => {
		expect(ADMIN_ROUTES.length).toBeGreaterThan(50);
		for (const route of SEND_WRITES) {
			expect(ADMIN_ROUTES.map((r) => `${r.method} ${r.template}`)).toContain(route);
		}
	});

	it('a read key reads and is refused every write with a 403 that says its scope, before anything is parsed', async () => {
		const site = await createSite();
		const read = await makeKey(site, 'read');
		for (const { method, template } of ADMIN_ROUTES) {
			const { status, text } = await attempt(site, read.apiKey, method, template);
			const route = `${method} ${template}`;
			if (method === 'GET') {
				// A GET that needs an admin (the keys, data requests) says so; every other one is read.
				if (status === 403) expect(text, route).toMatch(/needs a full API key; this one has the read scope/);
				else expect([200, 400, 404], route).toContain(status);
			} else {
				expect({ route, status }).toEqual({ route, status: 403 });
				expect(text, route).toMatch(/read-only \(scope read\)/);
			}
		}
	});

	it('a send key sends, records events and user attributes, and is refused everything else', async () => {
		const site = await createSite();
		const send = await makeKey(site, 'send');
		for (const { method, template } of ADMIN_ROUTES) {
			if (method === 'GET') continue;
			const route = `${method} ${template}`;
			const { status, text } = await attempt(site, send.apiKey, method, template);
			if (SEND_WRITES.has(route)) expect({ route, status }).toEqual({ route, status: 400 });
			else {
				expect({ route, status }).toEqual({ route, status: 403 });
				expect(text, route).toMatch(/scope send/);
			}
		}
		// What it may do, done for real.
		const sent = await call(`/v1/sites/${site.siteId}/notifications`, {
			method: 'POST',
			key: send.apiKey,
			body: JSON.stringify({ title: 'Hi', audience: { all: true } }),
		});
		expect(sent.status).toBe(202);
		const user = await call(`/v1/sites/${site.siteId}/users/u1`, {
			method: 'PUT',
			key: send.apiKey,
			body: JSON.stringify({ attributes: { plan: 'pro' } }),
		});
		expect(user.status).toBeLessThan(300);
		const events = await call(`/v1/sites/${site.siteId}/events`, {
			method: 'POST',
			key: send.apiKey,
			body: JSON.stringify({ events: [{ name: 'signed_up', userId: 'u1' }] }),
		});
		expect(events.status).toBe(202);
		// Refused writes wrote nothing: no segment, resource or automation came of them.
		for (const table of ['segments', 'resources', 'automations']) {
			expect(await storeSql(site.siteId, `SELECT 1 FROM ${table}`), table).toEqual([]);
		}
		// Nor can it make itself a bigger key.
		const escalate = await call(`/v1/sites/${site.siteId}/api-keys`, {
			method: 'POST',
			key: send.apiKey,
			body: JSON.stringify({ name: 'mine', scope: 'full' }),
		});
		expect(escalate.status).toBe(403);
	});

	it('are chosen at creation (a bad one is a 400 naming scope), listed with their last use, and rotated', async () => {
		const site = await createSite();
		const bad = await call(`/v1/sites/${site.siteId}/api-keys`, {
			method: 'POST',
			key: site.apiKey,
			body: JSON.stringify({ name: 'x', scope: 'root' }),
		});
		expect(bad.status).toBe(400);
		expect((await json<{ error: { message: string } }>(bad)).error.message).toBe(
			'scope: must be one of full, send, read',
		);
		const read = await makeKey(site, 'read');
		type Listed = {
			apiKeys: Array<{ keyId: string; scope: string; lastUsedAt: string | null; name: string }>;
		};
		const list = async () =>
			(await json<Listed>(await call(`/v1/sites/${site.siteId}/api-keys`, { key: site.apiKey }))).apiKeys;
		expect((await list()).find((k) => k.keyId === read.keyId)).toMatchObject({
			scope: 'read',
			lastUsedAt: null,
		});
		const before = Date.now();
		expect((await call(`/v1/sites/${site.siteId}/stats`, { key: read.apiKey })).status).toBe(200);
		const used = (await list()).find((k) => k.keyId === read.keyId);
		expect(Date.parse(used?.lastUsedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);

		const rotated = await call(`/v1/sites/${site.siteId}/api-keys/${read.keyId}/rotate`, {
			method: 'POST',
			key: site.apiKey,
		});
		expect(rotated.status).toBe(200);
		const fresh = await json<{ apiKey: string; keyId: string; name: string; scope: string }>(rotated);
		expect(fresh).toMatchObject({ name: 'read key', scope: 'read' });
		expect(fresh.keyId).not.toBe(read.keyId);
		expect((await call(`/v1/sites/${site.siteId}/stats`, { key: read.apiKey })).status).toBe(401);
		expect((await call(`/v1/sites/${site.siteId}/stats`, { key: fresh.apiKey })).status).toBe(200);
		expect((await list()).map((k) => k.keyId)).not.toContain(read.keyId);
		const gone = await call(`/v1/sites/${site.siteId}/api-keys/${read.keyId}/rotate`, {
			method: 'POST',
			key: site.apiKey,
		});
		expect(gone.status).toBe(404);
	});
});
