import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { openSecret } from '../../../worker/src/lib/secrets';
import { call, createSite, json, OPERATOR } from '../helpers';

async function siteCount(): Promise<number> {
	return (await env.DB.prepare('SELECT COUNT(*) AS n FROM sites').first<number>('n')) ?? 0;
}

describe('POST /v1/sites', () => {
	it('creates a site with its own VAPID key pair and an API key shown once', async () => {
		const response = await call('/v1/sites', {
			method: 'POST',
			key: OPERATOR,
			body: JSON.stringify({ name: 'Corner shop', origins: ['https://corner.example'], platform: 'shopify' }),
		});
		expect(response.status).toBe(201);
		const body = await json<Record<string, string>>(response);
		expect(body.siteId).toMatch(/^site_/);
		expect(body.apiKey).toMatch(/^bk_/);
		expect(body.vapidPublicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
		expect(body.homeUrl).toBe('https://corner.example/');
		expect(JSON.stringify(body)).not.toMatch(/private/i);

		const row = await env.DB.prepare(
			'SELECT vapid_private_key, (SELECT key_hash FROM api_keys WHERE site_id = sites.id) AS h FROM sites WHERE id = ?',
		)
			.bind(body.siteId)
			.first<{ vapid_private_key: string; h: string }>();
		expect(row?.h).not.toContain(body.apiKey);
		const d = await openSecret(env.MASTER_KEY ?? null, row?.vapid_private_key ?? '', body.siteId as string);
		expect(d).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(row?.vapid_private_key).not.toContain(d);

		const again = await call(`/v1/sites/${body.siteId}`, { key: body.apiKey });
		expect(again.status).toBe(200);
		expect(await json(again)).not.toHaveProperty('apiKey');
	});

	it('refuses a missing or wrong operator token with 401', async () => {
		const before = await siteCount();
		const body = JSON.stringify({ name: 'x', origins: ['https://x.example'] });
		expect((await call('/v1/sites', { method: 'POST', body })).status).toBe(401);
		const wrong = await call('/v1/sites', { method: 'POST', body, key: 'not-the-token' });
		expect(wrong.status).toBe(401);
		expect((await json<{ error: { code: string } }>(wrong)).error.code).toBe('unauthorized');
		expect(await siteCount()).toBe(before);
	});

	it.each([
		[{ origins: ['https://x.example'] }, 'name: is required'],
		[{ name: 'x' }, 'origins: is required'],
		[{ name: 'x', origins: ['https://x.example/shop'] }, 'origins[0]: must be an origin'],
		[{ name: 'x', origins: ['ftp://x.example'] }, 'origins[0]'],
		[{ name: 'x', origins: ['https://x.example'], platform: 'joomla' }, 'platform: must be one of'],
		[{ name: 'x', origins: 'https://x.example' }, 'origins: must be an array'],
	])('answers 400 naming the field for %j and writes nothing', async (fields, message) => {
		const before = await siteCount();
		const response = await call('/v1/sites', { method: 'POST', key: OPERATOR, body: JSON.stringify(fields) });
		expect(response.status).toBe(400);
		expect((await json<{ error: { message: string } }>(response)).error.message).toContain(message);
		expect(await siteCount()).toBe(before);
	});

	it('answers 400 for a body that is not JSON', async () => {
		const response = await call('/v1/sites', { method: 'POST', key: OPERATOR, body: '{nope' });
		expect(response.status).toBe(400);
		expect((await json<{ error: { code: string } }>(response)).error.code).toBe('invalid_json');
	});
});

describe('GET /v1/sites/:siteId', () => {
	it('refuses a key of another site with 403 and an unknown key with 401', async () => {
		const a = await createSite();
		const b = await createSite();
		expect((await call(`/v1/sites/${a.siteId}`, { key: b.apiKey })).status).toBe(403);
		expect((await call(`/v1/sites/${a.siteId}`, { key: 'bk_unknown' })).status).toBe(401);
		expect((await call(`/v1/sites/${a.siteId}`)).status).toBe(401);
	});

	it('answers 404 with a JSON error for unknown API routes', async () => {
		const response = await call('/v1/nothing-here');
		expect(response.status).toBe(404);
		expect((await json<{ error: { code: string } }>(response)).error.code).toBe('not_found');
	});
});
