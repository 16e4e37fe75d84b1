import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { json } from '../helpers';
import type { FakeShopify } from './fake-shopify';
import { admin, install, newStore, shopOf, useFakeShopify } from './helpers';

interface Links {
	links: Array<{ type: string; title: string; url: string; image: string | null }>;
}

const links = (store: string, q = 'oak') => admin(store, `/shopify/api/links?q=${encodeURIComponent(q)}`);

describe('shopify offline tokens (token exchange and refresh through the abstract fetch hook)', () => {
	let fake: FakeShopify;
	beforeEach(() => {
		fake = useFakeShopify();
	});

	it('reuses a valid stored access token for Admin API calls', async () => {
		const store = newStore();
		await install(store);
		const response = await links(store);
		expect(response.status).toBe(200);
		const body = await json<Links>(response);
		expect(body.links.map((l) => l.title)).toEqual(['Oak chopping board', 'Oak serving tray', 'Oak kitchen']);
		expect(body.links[0]?.url).toBe(`https://${shopOf(store)}/products/oak-chopping-board`);
		expect(body.links[2]?.url).toBe(`https://${shopOf(store)}/collections/oak-kitchen`);
		expect(fake.count('exchange')).toBe(1);
		expect(fake.count('refresh')).toBe(0);
	});

	it('refreshes an access token about to expire with its refresh token and stores the new pair', async () => {
		const store = newStore();
		fake.accessTtlS = 120; // within the 5-minute margin: treated as expired on next use
		await install(store);
		const before = await env.DB.prepare('SELECT access_token FROM shopify_sessions WHERE shop = ?')
			.bind(shopOf(store))
			.first<string>('access_token');
		fake.accessTtlS = 3600;
		expect((await links(store)).status).toBe(200);
		expect(fake.count('refresh')).toBe(1);
		expect(fake.calls.find((c) => c.kind === 'refresh')?.detail).toBe('shprt_fake_1');
		expect(fake.count('exchange')).toBe(1);
		const after = await env.DB.prepare('SELECT access_token, expires_at FROM shopify_sessions WHERE shop = ?')
			.bind(shopOf(store))
			.first<{ access_token: string; expires_at: number }>();
		expect(after?.access_token).not.toBe(before);
		expect(after?.expires_at).toBeGreaterThan(Date.now() + 50 * 60_000);
		// The refreshed token is used as is next time.
		expect((await links(store)).status).toBe(200);
		expect(fake.count('refresh')).toBe(1);
	});

	it('falls back to a new token exchange when Shopify refuses the refresh', async () => {
		const store = newStore();
		fake.accessTtlS = 60;
		await install(store);
		fake.refuseRefresh = true;
		fake.accessTtlS = 3600;
		expect((await links(store)).status).toBe(200);
		expect(fake.count('refresh')).toBe(1);
		expect(fake.count('exchange')).toBe(2);
	});

	it('exchanges anew when the refresh token itself has expired', async () => {
		const store = newStore();
		fake.accessTtlS = 60;
		fake.refreshTtlS = 60;
		await install(store);
		fake.accessTtlS = 3600;
		expect((await links(store)).status).toBe(200);
		expect(fake.count('refresh')).toBe(0);
		expect(fake.count('exchange')).toBe(2);
	});

	it('answers 401 with the retry header when Shopify refuses the token exchange', async () => {
		const store = newStore();
		fake.refuseExchange = true;
		const response = await admin(store, '/shopify/api/overview');
		expect(response.status).toBe(401);
		expect(response.headers.get('x-shopify-retry-invalid-session-request')).toBe('1');
		expect(
			await env.DB.prepare('SELECT 1 FROM shopify_shops WHERE shop = ?').bind(shopOf(store)).first(),
		).toBe(null);
	});

	it('forgets a revoked access token and exchanges a new one on App Bridge’s retry', async () => {
		const store = newStore();
		await install(store);
		fake.revoke(shopOf(store));
		const refused = await links(store);
		expect(refused.status).toBe(401);
		expect(refused.headers.get('x-shopify-retry-invalid-session-request')).toBe('1');
		expect(
			await env.DB.prepare('SELECT 1 FROM shopify_sessions WHERE shop = ?').bind(shopOf(store)).first(),
		).toBe(null);
		expect((await links(store)).status).toBe(200);
		expect(fake.count('exchange')).toBe(2);
	});

	it('validates the search text', async () => {
		const store = newStore();
		await install(store);
		expect((await links(store, 'x'.repeat(101))).status).toBe(400);
	});
});
