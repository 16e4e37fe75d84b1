import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { json } from '../helpers';
import type { FakeShopify } from './fake-shopify';
import { consoleTokenResponse, install, newStore, shopOf, useFakeShopify } from './helpers';

const RETRY = 'x-shopify-retry-invalid-session-request';

// The Admin API is reached only while installing (POST /shopify/api/console-token on a shop not yet ready). An
// install whose embed write Shopify refused stays unfinished: the next request installs again with the stored
// offline token, which is how these tests get a stored token used (refreshed, replaced or found revoked).

describe('shopify offline tokens (token exchange and refresh through the abstract fetch hook)', () => {
	let fake: FakeShopify;
	beforeEach(() => {
		fake = useFakeShopify();
	});

	/** A first request whose install stops at the embed write: the shop and its offline token are stored. */
	async function halfInstall(store: string): Promise<void> {
		fake.refuseEmbed = true;
		const response = await consoleTokenResponse(store);
		fake.refuseEmbed = false;
		expect(response.status).toBe(502);
		expect((await json<{ error: { code: string } }>(response)).error.code).toBe('shopify_rejected');
		expect(fake.metafields.get(shopOf(store))).toBeUndefined();
	}

	/** The next console-token request, which finishes the install. */
	async function finishInstall(store: string): Promise<Response> {
		const response = await consoleTokenResponse(store);
		if (response.status === 201) {
			expect(fake.metafields.get(shopOf(store))?.['beckon.api_origin']).toBe('https://beckon.test');
		}
		return response;
	}

	it('reuses a valid stored access token for Admin API calls', async () => {
		const store = newStore();
		await halfInstall(store);
		const response = await finishInstall(store);
		expect(response.status).toBe(201);
		expect(fake.count('graphql', 'BeckonShop')).toBe(2);
		expect(fake.count('graphql', 'BeckonEmbed')).toBe(2);
		expect(fake.count('exchange')).toBe(1);
		expect(fake.count('refresh')).toBe(0);
	});

	it('does not touch the Admin API once the shop is installed', async () => {
		const store = newStore();
		await install(store);
		const calls = fake.calls.length;
		fake.revoke(shopOf(store));
		expect((await consoleTokenResponse(store)).status).toBe(201);
		expect(fake.calls.length).toBe(calls);
	});

	it('refreshes an access token about to expire with its refresh token and stores the new pair', async () => {
		const store = newStore();
		fake.accessTtlS = 120; // within the 5-minute margin: treated as expired on next use
		await halfInstall(store);
		const before = await env.DB.prepare('SELECT access_token FROM shopify_sessions WHERE shop = ?')
			.bind(shopOf(store))
			.first<string>('access_token');
		fake.accessTtlS = 3600;
		// Refused once more: the refreshed token is stored all the same.
		await halfInstall(store);
		expect(fake.count('refresh')).toBe(1);
		expect(fake.calls.find((c) => c.kind === 'refresh')?.detail).toBe('shprt_fake_1');
		expect(fake.count('exchange')).toBe(1);
		const after = await env.DB.prepare('SELECT access_token, expires_at FROM shopify_sessions WHERE shop = ?')
			.bind(shopOf(store))
			.first<{ access_token: string; expires_at: number }>();
		expect(after?.access_token).not.toBe(before);
		expect(after?.expires_at).toBeGreaterThan(Date.now() + 50 * 60_000);
		// The refreshed token is used as is next time.
		expect((await finishInstall(store)).status).toBe(201);
		expect(fake.count('refresh')).toBe(1);
		expect(fake.count('exchange')).toBe(1);
	});

	it('falls back to a new token exchange when Shopify refuses the refresh', async () => {
		const store = newStore();
		fake.accessTtlS = 60;
		await halfInstall(store);
		fake.refuseRefresh = true;
		fake.accessTtlS = 3600;
		expect((await finishInstall(store)).status).toBe(201);
		expect(fake.count('refresh')).toBe(1);
		expect(fake.count('exchange')).toBe(2);
	});

	it('exchanges anew when the refresh token itself has expired', async () => {
		const store = newStore();
		fake.accessTtlS = 60;
		fake.refreshTtlS = 60;
		await halfInstall(store);
		fake.accessTtlS = 3600;
		expect((await finishInstall(store)).status).toBe(201);
		expect(fake.count('refresh')).toBe(0);
		expect(fake.count('exchange')).toBe(2);
	});

	it('answers 401 with the retry header when Shopify refuses the token exchange', async () => {
		const store = newStore();
		fake.refuseExchange = true;
		const response = await consoleTokenResponse(store);
		expect(response.status).toBe(401);
		expect(response.headers.get(RETRY)).toBe('1');
		expect(
			await env.DB.prepare('SELECT 1 FROM shopify_shops WHERE shop = ?').bind(shopOf(store)).first(),
		).toBe(null);
	});

	it('forgets a revoked access token and exchanges a new one on App Bridge’s retry', async () => {
		const store = newStore();
		await halfInstall(store);
		fake.revoke(shopOf(store));
		const refused = await finishInstall(store);
		expect(refused.status).toBe(401);
		expect(refused.headers.get(RETRY)).toBe('1');
		expect((await json<{ error: { code: string } }>(refused)).error.code).toBe('invalid_session_token');
		expect(
			await env.DB.prepare('SELECT 1 FROM shopify_sessions WHERE shop = ?').bind(shopOf(store)).first(),
		).toBe(null);
		expect((await finishInstall(store)).status).toBe(201);
		expect(fake.count('exchange')).toBe(2);
	});
});
