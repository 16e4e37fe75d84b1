import { env } from 'cloudflare:workers';
import { API_SECRET_KEY } from '@shopify/shopify-api/test-helpers';
import { beforeEach, describe, expect, it } from 'vitest';
import { call, json } from '../helpers';
import type { FakeShopify } from './fake-shopify';
import { install, newStore, sessionToken, shopOf, shopRow, statsOf, useFakeShopify } from './helpers';

const RETRY = 'x-shopify-retry-invalid-session-request';

describe('shopify admin session tokens', () => {
	let fake: FakeShopify;
	beforeEach(() => {
		fake = useFakeShopify();
	});

	it('installs on the first valid request: exchanges an expiring offline token and creates the site', async () => {
		const store = newStore();
		const installed = await install(store);
		expect(fake.count('exchange', 'expiring=1')).toBe(1);
		expect(await shopRow(store)).toMatchObject({
			siteId: installed.siteId,
			name: `Shop ${store}`,
			primaryUrl: `https://${shopOf(store)}`,
		});
		expect((await statsOf(installed)).active).toBe(0);

		const site = await env.DB.prepare('SELECT platform, origins FROM sites WHERE id = ?')
			.bind(installed.siteId)
			.first<{ platform: string; origins: string }>();
		expect(site?.platform).toBe('shopify');
		expect(JSON.parse(site?.origins ?? '[]')).toEqual([`https://${shopOf(store)}`]);
		expect(fake.metafields.get(shopOf(store))).toEqual({
			'beckon.site_id': installed.siteId,
			'beckon.api_origin': 'https://beckon.test',
		});
		// The stored tokens are sealed, never plaintext.
		const row = await env.DB.prepare(
			'SELECT access_token, refresh_token FROM shopify_sessions WHERE shop = ?',
		)
			.bind(shopOf(store))
			.first<{ access_token: string; refresh_token: string }>();
		expect(row?.access_token).not.toContain('shpat_');
		expect(row?.refresh_token).not.toContain('shprt_');
	});

	it('keeps one site per shop and does not exchange again while the token is valid', async () => {
		const store = newStore();
		const first = await install(store);
		const second = await install(store);
		expect(second.siteId).toBe(first.siteId);
		expect(fake.count('exchange')).toBe(1);
		expect(fake.count('graphql', 'BeckonShop')).toBe(1);
	});

	it('keeps one site when two first requests of a new shop race', async () => {
		const store = newStore();
		const [a, b] = await Promise.all([install(store), install(store)]);
		expect(a.siteId).toBe(b.siteId);
		const { n } = (await env.DB.prepare(
			"SELECT COUNT(*) AS n FROM sites WHERE name = ? AND platform = 'shopify'",
		)
			.bind(`Shop ${store}`)
			.first<{ n: number }>()) ?? { n: 0 };
		expect(n).toBe(1);
	});

	it('answers 401 with the App Bridge retry header for forged, expired, foreign and missing tokens', async () => {
		const store = newStore();
		const now = Math.floor(Date.now() / 1000);
		const tokens = [
			await sessionToken(store, {}, 'not-the-app-secret'),
			await sessionToken(store, { exp: now - 60, nbf: now - 3600, iat: now - 3600 }),
			await sessionToken(store, { aud: 'another-app' }),
			await sessionToken(store, { iss: 'https://other-shop.myshopify.com/admin' }),
			`${(await sessionToken(store)).slice(0, -4)}AAAA`,
		];
		for (const token of tokens) {
			const response = await call('/shopify/api/console-token', {
				method: 'POST',
				headers: { authorization: `Bearer ${token}` },
			});
			expect(response.status).toBe(401);
			expect(response.headers.get(RETRY)).toBe('1');
			expect((await json<{ error: { code: string } }>(response)).error.code).toBe('invalid_session_token');
		}
		const missing = await call('/shopify/api/console-token', { method: 'POST' });
		expect(missing.status).toBe(401);
		expect(missing.headers.get(RETRY)).toBe('1');
		expect(fake.count('exchange')).toBe(0);
	});

	it('serves the embedded page for a valid id_token, framed only by the shop and Shopify admin', async () => {
		const store = newStore();
		const token = await sessionToken(store);
		const response = await call(
			`/shopify/app?embedded=1&shop=${shopOf(store)}&host=aG9zdA&id_token=${token}`,
		);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-security-policy')).toBe(
			`frame-ancestors https://${shopOf(store)} https://admin.shopify.com;`,
		);
		const html = await response.text();
		expect(html).toContain('<meta name="shopify-api-key" content="testApiKey">');
		expect(html.indexOf('app-bridge.js')).toBeLessThan(html.indexOf('/console/console.js'));
		expect(html).toContain('<div id="beckon-console" data-host="shopify" data-api=""></div>');
		expect(html).toContain('<ui-nav-menu>');
	});

	it('bounces a document request with an invalid or missing id_token so App Bridge reloads it', async () => {
		const store = newStore();
		for (const idToken of [await sessionToken(store, {}, 'forged'), null]) {
			const query = `embedded=1&shop=${shopOf(store)}&host=aG9zdA${idToken ? `&id_token=${idToken}` : ''}`;
			const response = await call(`/shopify/app?${query}`, { redirect: 'manual' });
			expect(response.status).toBe(302);
			const bounce = new URL(response.headers.get('location') ?? '');
			expect(bounce.pathname).toBe('/shopify/app/bounce');
			const reload = bounce.searchParams.get('shopify-reload') ?? '';
			expect(reload).toBe(`https://beckon.test/shopify/app?embedded=1&shop=${shopOf(store)}&host=aG9zdA`);
			const page = await call(`${bounce.pathname}${bounce.search}`);
			expect(page.status).toBe(200);
			expect(await page.text()).toContain('app-bridge.js');
		}
		const noShop = await call('/shopify/app');
		expect(noShop.status).toBe(400);
		const evil = await call('/shopify/app/bounce?shopify-reload=https%3A%2F%2Fevil.example%2F');
		expect(evil.status).toBe(400);
		expect(await evil.text()).not.toContain('app-bridge.js');
		const lookalike = await call(
			`/shopify/app/bounce?shopify-reload=${encodeURIComponent('https://beckon.test.evil.example/shopify/app?shop=x')}`,
		);
		expect(lookalike.status).toBe(400);
		expect(await lookalike.text()).not.toContain('app-bridge.js');
	});

	it('uses the secret the library signs with', () => {
		expect(env.SHOPIFY_API_SECRET).toBe(API_SECRET_KEY);
	});
});
