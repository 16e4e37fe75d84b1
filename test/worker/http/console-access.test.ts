import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { signConsoleToken, verifyConsoleToken } from '../../../worker/src/lib/console-token';
import { call, createSite, json, OPERATOR, type TestSite } from '../helpers';

type TokenBody = { token: string; expiresAt: string; siteId: string; role: string; staff: { id: string } };

async function consoleToken(site: TestSite, body: Record<string, unknown> = {}, key = site.apiKey) {
	const response = await call(`/v1/sites/${site.siteId}/console-tokens`, {
		method: 'POST',
		key,
		body: JSON.stringify(body),
	});
	return { response, body: response.status === 201 ? await json<TokenBody>(response) : null };
}

async function report(site: TestSite, fields: Record<string, unknown>) {
	const response = await call(`/v1/sites/${site.siteId}/subscribers`, {
		method: 'POST',
		headers: { origin: site.origin },
		body: JSON.stringify(fields),
	});
	return (await json<{ subscriberId: string }>(response)).subscriberId;
}

describe('console tokens', () => {
	it('are minted with the site key or the operator token and carry the staff member and role', async () => {
		const site = await createSite();
		const staff = { id: 'u1', name: 'Ada', email: 'ada@shop.example' };
		const { response, body } = await consoleToken(site, { staff, role: 'editor', ttlSeconds: 120 });
		expect(response.status).toBe(201);
		expect(body).toMatchObject({ siteId: site.siteId, staff, role: 'editor' });
		const life = Date.parse(body?.expiresAt ?? '') - Date.now();
		expect(life).toBeGreaterThan(100_000);
		expect(life).toBeLessThanOrEqual(120_000);
		const stats = await call(`/v1/sites/${site.siteId}/stats`, { key: body?.token });
		expect(stats.status).toBe(200);
		const operator = await consoleToken(site, { staff: { id: 'op' } }, OPERATOR);
		expect(operator.response.status).toBe(201);
		expect(operator.body?.role).toBe('admin');
	});

	it('refuses bad requests with a 4xx naming the field, and minting from a console token', async () => {
		const site = await createSite();
		const bad = await consoleToken(site, { role: 'owner' });
		expect(bad.response.status).toBe(400);
		expect((await json<{ error: { message: string } }>(bad.response)).error.message).toMatch(/^role: /);
		const long = await consoleToken(site, { ttlSeconds: 86_400 });
		expect((await json<{ error: { message: string } }>(long.response)).error.message).toMatch(
			/^ttlSeconds: /,
		);
		const noStaffId = await consoleToken(site, { staff: { name: 'x' } });
		expect((await json<{ error: { message: string } }>(noStaffId.response)).error.message).toBe(
			'staff.id: is required',
		);
		const { body } = await consoleToken(site);
		const chained = await consoleToken(site, {}, body?.token);
		expect(chained.response.status).toBe(403);
		const wrongKey = await consoleToken(site, {}, 'bk_nope');
		expect(wrongKey.response.status).toBe(401);
	});

	it('are scoped to their site: a token of site A cannot read site B', async () => {
		const a = await createSite();
		const b = await createSite();
		const { body } = await consoleToken(a);
		for (const path of ['', '/stats', '/notifications', '/subscribers', '/api-keys']) {
			const response = await call(`/v1/sites/${b.siteId}${path}`, { key: body?.token });
			expect(response.status, path).toBe(403);
			expect((await json<{ error: { code: string } }>(response)).error.code).toBe('forbidden');
		}
	});

	it('expire with a clear 401 token_expired; a tampered one is refused', async () => {
		const site = await createSite();
		const staff = { id: 'u', name: null, email: null };
		const old = await signConsoleToken(
			env.MASTER_KEY ?? null,
			{ siteId: site.siteId, staff, role: 'admin' },
			60,
			Date.now() - 61_000,
		);
		const expired = await call(`/v1/sites/${site.siteId}/stats`, { key: old.token });
		expect(expired.status).toBe(401);
		expect((await json<{ error: { code: string; message: string } }>(expired)).error).toMatchObject({
			code: 'token_expired',
			message: expect.stringMatching(/expired/),
		});
		const fresh = await signConsoleToken(
			env.MASTER_KEY ?? null,
			{ siteId: site.siteId, staff, role: 'viewer' },
			60,
		);
		const [, payload, mac] = fresh.token.split('.');
		const claims = JSON.parse(atob((payload ?? '').replace(/-/g, '+').replace(/_/g, '/')));
		const forged = btoa(JSON.stringify({ ...claims, role: 'admin' })).replace(/=+$/, '');
		const tampered = await call(`/v1/sites/${site.siteId}/api-keys`, { key: `bct.${forged}.${mac}` });
		expect(tampered.status).toBe(401);
		expect((await json<{ error: { code: string } }>(tampered)).error.code).toBe('unauthorized');
		expect('problem' in (await verifyConsoleToken(env.MASTER_KEY ?? null, `bct.${forged}.${mac}`))).toBe(
			true,
		);
		// Signed under another master key: refused the same way.
		const other = await signConsoleToken(
			'b3RoZXItbWFzdGVyLWtleS0zMi1ieXRlcy1sb25nISE',
			{ siteId: site.siteId, staff, role: 'admin' },
			60,
		);
		expect((await call(`/v1/sites/${site.siteId}/stats`, { key: other.token })).status).toBe(401);
	});

	it('enforce roles: viewers read, editors send and edit settings, admins manage keys', async () => {
		const site = await createSite();
		const token = async (role: string) => (await consoleToken(site, { role })).body?.token as string;
		const viewer = await token('viewer');
		const editor = await token('editor');
		const sendBody = JSON.stringify({ title: 'Hi', audience: { all: true } });
		const settings = JSON.stringify({ prompt: { laterDays: 3 } });
		expect((await call(`/v1/sites/${site.siteId}/stats`, { key: viewer })).status).toBe(200);
		const refused = await call(`/v1/sites/${site.siteId}/notifications`, {
			method: 'POST',
			key: viewer,
			body: sendBody,
		});
		expect(refused.status).toBe(403);
		expect((await json<{ error: { message: string } }>(refused)).error.message).toMatch(/editor role/);
		expect(
			(await call(`/v1/sites/${site.siteId}/settings`, { method: 'PATCH', key: viewer, body: settings }))
				.status,
		).toBe(403);
		expect(
			(await call(`/v1/sites/${site.siteId}/notifications`, { method: 'POST', key: editor, body: sendBody }))
				.status,
		).toBe(202);
		expect(
			(await call(`/v1/sites/${site.siteId}/settings`, { method: 'PATCH', key: editor, body: settings }))
				.status,
		).toBe(200);
		expect((await call(`/v1/sites/${site.siteId}/api-keys`, { key: editor })).status).toBe(403);
		expect(
			(await call(`/v1/sites/${site.siteId}/identity-secret`, { method: 'POST', key: editor })).status,
		).toBe(403);
	});
});

describe('API keys', () => {
	it('are listed without the key, created once, and revoked at once (never the last one)', async () => {
		const site = await createSite();
		const listed = await json<{ apiKeys: Array<{ keyId: string; name: string; prefix: string }> }>(
			await call(`/v1/sites/${site.siteId}/api-keys`, { key: site.apiKey }),
		);
		expect(listed.apiKeys).toEqual([
			{
				keyId: expect.stringMatching(/^key_[0-9a-f]{16}$/),
				name: 'First key',
				prefix: site.apiKey.slice(0, 7),
				scope: 'full',
				createdAt: expect.any(String),
				// This very call used it.
				lastUsedAt: expect.any(String),
			},
		]);
		expect(JSON.stringify(listed)).not.toContain(site.apiKey);
		const first = listed.apiKeys[0]?.keyId as string;
		const lastOne = await call(`/v1/sites/${site.siteId}/api-keys/${first}`, {
			method: 'DELETE',
			key: site.apiKey,
		});
		expect(lastOne.status).toBe(409);
		expect((await json<{ error: { code: string } }>(lastOne)).error.code).toBe('last_key');

		const noName = await call(`/v1/sites/${site.siteId}/api-keys`, {
			method: 'POST',
			key: site.apiKey,
			body: '{}',
		});
		expect(noName.status).toBe(400);
		expect((await json<{ error: { message: string } }>(noName)).error.message).toBe('name: is required');
		const made = await call(`/v1/sites/${site.siteId}/api-keys`, {
			method: 'POST',
			key: site.apiKey,
			body: JSON.stringify({ name: 'CI deploys' }),
		});
		expect(made.status).toBe(201);
		const created = await json<{ keyId: string; apiKey: string; name: string }>(made);
		expect(created.name).toBe('CI deploys');
		expect((await call(`/v1/sites/${site.siteId}`, { key: created.apiKey })).status).toBe(200);
		const again = await json<{ apiKeys: Array<{ keyId: string }> }>(
			await call(`/v1/sites/${site.siteId}/api-keys`, { key: created.apiKey }),
		);
		expect(again.apiKeys.map((k) => k.keyId)).toEqual([first, created.keyId]);
		expect(JSON.stringify(again)).not.toContain(created.apiKey);

		const revoked = await call(`/v1/sites/${site.siteId}/api-keys/${first}`, {
			method: 'DELETE',
			key: created.apiKey,
		});
		expect(revoked.status).toBe(204);
		expect((await call(`/v1/sites/${site.siteId}`, { key: site.apiKey })).status).toBe(401);
		const missing = await call(`/v1/sites/${site.siteId}/api-keys/${first}`, {
			method: 'DELETE',
			key: created.apiKey,
		});
		expect(missing.status).toBe(404);
		// Another site's key id is not found here.
		const other = await createSite();
		const foreign = await call(`/v1/sites/${other.siteId}/api-keys/${created.keyId}`, {
			method: 'DELETE',
			key: other.apiKey,
		});
		expect(foreign.status).toBe(404);
	});
});

describe('operator site list', () => {
	it('lists sites for the operator only, keyset paged', async () => {
		const a = await createSite();
		const b = await createSite();
		expect((await call('/v1/sites', { key: a.apiKey })).status).toBe(401);
		const all: string[] = [];
		let after = '';
		for (let i = 0; i < 100; i++) {
			const page = await json<{
				sites: Array<{ siteId: string; name: string; disabled: boolean }>;
				next: string | null;
			}>(await call(`/v1/sites?limit=2&after=${encodeURIComponent(after)}`, { key: OPERATOR }));
			expect(page.sites.length).toBeLessThanOrEqual(2);
			all.push(...page.sites.map((s) => s.siteId));
			if (!page.next) break;
			after = page.next;
		}
		expect(all).toEqual(expect.arrayContaining([a.siteId, b.siteId]));
		expect(new Set(all).size).toBe(all.length);
		const bad = await call('/v1/sites?limit=0', { key: OPERATOR });
		expect(bad.status).toBe(400);
		expect((await json<{ error: { message: string } }>(bad)).error.message).toMatch(/^limit: /);
	});
});

describe('subscribers for the console', () => {
	it('searches, filters and pages newest first; exports CSV; erases', async () => {
		const site = await createSite();
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) {
			ids.push(
				await report(site, {
					permission: i % 2 ? 'denied' : 'default',
					url: `${site.origin}/products/item-${i}`,
					categories: i === 4 ? ['sale'] : [],
				}),
			);
		}
		const list = async (query: string) =>
			json<{ subscribers: Array<{ subscriberId: string; status: string }>; nextCursor: string | null }>(
				await call(`/v1/sites/${site.siteId}/subscribers${query}`, { key: site.apiKey }),
			);
		const first = await list('?limit=2');
		expect(first.subscribers.map((s) => s.subscriberId)).toEqual([ids[4], ids[3]]);
		const second = await list(`?limit=2&cursor=${first.nextCursor}`);
		expect(second.subscribers.map((s) => s.subscriberId)).toEqual([ids[2], ids[1]]);
		const third = await list(`?limit=2&cursor=${second.nextCursor}`);
		expect(third.subscribers.map((s) => s.subscriberId)).toEqual([ids[0]]);
		expect(third.nextCursor).toBeNull();
		expect((await list('?status=blocked')).subscribers.map((s) => s.subscriberId)).toEqual([ids[3], ids[1]]);
		expect((await list('?q=item-2')).subscribers.map((s) => s.subscriberId)).toEqual([ids[2]]);
		expect((await list(`?q=${ids[0]}`)).subscribers.map((s) => s.subscriberId)).toEqual([ids[0]]);
		expect((await list('?category=sale')).subscribers.map((s) => s.subscriberId)).toEqual([ids[4]]);
		expect((await list('?q=%25')).subscribers).toEqual([]);
		const badStatus = await call(`/v1/sites/${site.siteId}/subscribers?status=gone`, { key: site.apiKey });
		expect(badStatus.status).toBe(400);
		expect((await json<{ error: { message: string } }>(badStatus)).error.message).toMatch(
			/^status: must be one of/,
		);
		const badCursor = await call(`/v1/sites/${site.siteId}/subscribers?cursor=zzz`, { key: site.apiKey });
		expect(badCursor.status).toBe(400);

		const csv = await call(`/v1/sites/${site.siteId}/subscribers/export.csv?status=ask`, {
			key: site.apiKey,
		});
		expect(csv.status).toBe(200);
		expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
		const lines = (await csv.text()).trim().split('\r\n');
		expect(lines[0]).toBe(
			'subscriberId,status,browser,os,pushService,categories,externalUserId,timezone,locale,lastUrl,lastSeenAt,createdAt,test',
		);
		expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([ids[4], ids[2], ids[0]]);

		const token = (await consoleToken(site, { role: 'editor' })).body?.token;
		const erased = await call(`/v1/sites/${site.siteId}/subscribers/${ids[2]}`, {
			method: 'DELETE',
			key: token,
			headers: { origin: 'https://console.example' },
		});
		expect(erased.status).toBe(204);
		expect((await call(`/v1/sites/${site.siteId}/subscribers/${ids[2]}`, { key: site.apiKey })).status).toBe(
			404,
		);
		const viewer = (await consoleToken(site, { role: 'viewer' })).body?.token;
		expect(
			(await call(`/v1/sites/${site.siteId}/subscribers/${ids[0]}`, { method: 'DELETE', key: viewer }))
				.status,
		).toBe(403);
		// Without a bearer, a DELETE is the browser's own unsubscribe and needs the site's origin.
		const foreign = await call(`/v1/sites/${site.siteId}/subscribers/${ids[0]}`, {
			method: 'DELETE',
			headers: { origin: 'https://evil.example' },
		});
		expect(foreign.status).toBe(403);
		expect((await list('')).subscribers).toHaveLength(4);
	});

	it('puts CSV cells that look like formulas out of harm', async () => {
		const site = await createSite();
		const id = await report(site, { permission: 'default', categories: ['=HYPERLINK("x")'] });
		const text = await (
			await call(`/v1/sites/${site.siteId}/subscribers/export.csv`, { key: site.apiKey })
		).text();
		const row = text.split('\r\n')[1] ?? '';
		expect(row.startsWith(id)).toBe(true);
		expect(row).toContain(`"'=HYPERLINK(""x"")"`);
	});
});
