import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { API_KEY, API_SECRET_KEY, getJwt } from '@shopify/shopify-api/test-helpers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeShopifyServer } from '../node/shopify/fake-shopify-server.ts';
import { type ShopifyStack, startShopifyStack } from '../node/shopify/stack.ts';
import type { Storefront } from '../node/shopify/storefront.ts';
import { launchChromium } from '../support/chromium.ts';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server.ts';
import type { LocalWorker } from '../support/local-worker.ts';
import { webhookHeaders } from '../worker/shopify/fake-shopify.ts';

const screens = join(process.cwd(), 'test-results', 'screens');
const STORE = 'oak-and-linen';
const SHOP = `${STORE}.myshopify.com`;
const CUSTOMER = '6200000001';
const HOST = Buffer.from(`admin.shopify.com/store/${STORE}`).toString('base64url');
const APP_BRIDGE = 'https://cdn.shopify.com/shopifycloud/app-bridge.js';
/** Stands in for App Bridge: session tokens come from the test (the library's getJwt), toasts are recorded. */
const APP_BRIDGE_STUB = `window.shopify = { idToken: () => window.beckonTestToken(), toast: { show: (m) => (window.toasts ||= []).push(m) } };`;

const PRODUCT_IMAGE =
	'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#b08a5a"/><rect x="10" y="26" width="44" height="12" rx="3" fill="#e8d8bd"/></svg>';

interface Overview {
	shop: { siteId: string; domain: string; primaryUrl: string };
	stats: { active: number; byStatus: Record<string, number>; byBrowser: Record<string, number> };
}

const sessionToken = async () => (await getJwt(STORE, API_KEY, API_SECRET_KEY)).token;

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (ok(value)) return value;
		if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

describe('Shopify app end to end (local worker, fake Shopify, storefront behind an app proxy)', () => {
	let stack: ShopifyStack;
	let shopify: FakeShopifyServer;
	let push: MozillaPushServer;
	let worker: LocalWorker;
	let storefront: Storefront;
	let browser: Browser;
	let firefox: FirefoxSession;
	let siteId = '';
	const pageErrors: string[] = [];

	const adminApi = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
		const response = await fetch(`${worker.url}/shopify/api${path}`, {
			...init,
			headers: { authorization: `Bearer ${await sessionToken()}`, 'content-type': 'application/json' },
		});
		if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
		return (await response.json()) as T;
	};

	const webhook = async (topic: string, payload: Record<string, unknown>) => {
		const body = JSON.stringify(payload);
		const response = await fetch(`${worker.url}/shopify/webhooks`, {
			method: 'POST',
			headers: webhookHeaders(topic, SHOP, body),
			body,
		});
		return { status: response.status, body: (await response.json()) as Record<string, unknown> };
	};

	const dataRequest = (id: number) =>
		webhook('customers/data_request', {
			shop_id: 1,
			shop_domain: SHOP,
			orders_requested: [],
			customer: { id: Number(CUSTOMER), email: 'ada@example.com' },
			data_request: { id },
		});

	const openAdmin = async (): Promise<Page> => {
		const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
		await page.exposeFunction('beckonTestToken', sessionToken);
		page.on('pageerror', (e) => pageErrors.push(e.message));
		await page.route(APP_BRIDGE, (route) =>
			route.fulfill({ contentType: 'text/javascript', body: APP_BRIDGE_STUB }),
		);
		// Product images live on Shopify's CDN; here a drawn square stands in.
		await page.route('https://cdn.shopify.test/**', (route) =>
			route.fulfill({ contentType: 'image/svg+xml', body: PRODUCT_IMAGE }),
		);
		await page.goto(
			`${worker.url}/shopify/app?embedded=1&shop=${SHOP}&host=${HOST}&id_token=${await sessionToken()}`,
		);
		await page.waitForSelector('[data-testid=active]');
		return page;
	};

	beforeAll(async () => {
		mkdirSync(screens, { recursive: true });
		const pushAndFirefox = async () => {
			push = await startMozillaPushServer();
			firefox = await launchFirefox({ pushServerUrl: push.url });
		};
		[stack, browser] = await Promise.all([startShopifyStack(STORE), launchChromium(), pushAndFirefox()]);
		({ shopify, worker, storefront } = stack);
	});

	afterAll(async () => {
		await browser?.close();
		await firefox?.close();
		await stack?.close();
		await push?.close();
	});

	it('installs on the first admin request: token exchange, the shop’s site, the app embed’s metafields', async () => {
		const overview = await adminApi<Overview>('/overview');
		siteId = overview.shop.siteId;
		expect(overview.shop).toMatchObject({ domain: SHOP, primaryUrl: storefront.origin });
		expect(overview.stats.active).toBe(0);
		expect(shopify.fake.count('exchange', 'expiring=1')).toBe(1);
		expect(shopify.fake.metafields.get(SHOP)).toEqual({
			'beckon.site_id': siteId,
			'beckon.api_origin': worker.url,
		});
		const config = await fetch(`${worker.url}/v1/sites/${siteId}/config`, {
			headers: { origin: storefront.origin },
		});
		expect(config.headers.get('access-control-allow-origin')).toBe(storefront.origin);
	});

	it('serves the service-worker stub through the app proxy, and only to signed requests', async () => {
		const stub = await fetch(`${storefront.origin}/apps/beckon/sw.js`);
		expect(stub.status).toBe(200);
		expect(stub.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
		expect(await stub.text()).toBe(`importScripts("${worker.url}/v1/sites/${siteId}/sw.js");\n`);
		const now = Math.floor(Date.now() / 1000);
		const unsigned = await fetch(`${worker.url}/shopify/proxy/sw.js?shop=${SHOP}&timestamp=${now}`);
		expect(unsigned.status).toBe(401);
	});

	it('a logged-in shopper subscribes on the storefront in Firefox; the subscription counts in the admin', async () => {
		const { page } = firefox;
		await page.goto(`${storefront.origin}/account/login?customer_id=${CUSTOMER}`);
		await page.waitForFunction(() => typeof window.Beckon === 'object');
		// The page is outside the worker's scope (/apps/beckon/), so it is found by scope, not `ready`.
		const scope = await page.evaluate(async () => {
			for (let i = 0; i < 100; i++) {
				const reg = await navigator.serviceWorker.getRegistration('/apps/beckon/');
				if (reg?.active) return reg.scope;
				await new Promise((r) => setTimeout(r, 100));
			}
			return null;
		});
		expect(scope).toBe(`${storefront.origin}/apps/beckon/`);
		const state = await page.evaluate(() => window.Beckon.subscribe());
		expect(state).toBe('allowed');
		await push.waitForChannel(() => true, 10_000);

		const overview = await until(
			() => adminApi<Overview>('/overview'),
			(o) => o.stats.active === 1,
		);
		expect(overview.stats.byBrowser).toEqual({ firefox: 1 });
		expect(storefront.proxied).toEqual(
			expect.arrayContaining([
				{ path: '/apps/beckon/sw.js', status: 200, customerId: CUSTOMER },
				{ path: '/apps/beckon/identity', status: 200, customerId: CUSTOMER },
			]),
		);
		// The customer id came from the proxy's signed logged_in_customer_id: the data export finds the browser.
		const exported = await until(
			() => dataRequest(1),
			(r) => r.body.exported === 1,
		);
		expect(exported.status).toBe(200);
	});

	it('the embedded admin page shows counts, picks a product link, sends with a progress bar; Firefox shows the push', async () => {
		// Other shoppers' browsers that only answered the prompt (no subscription): they count as seen, not active.
		for (const [permission, ua] of [
			['default', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/142.0 Safari/537.36'],
			[
				'denied',
				'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/18.0 Safari/605.1.15',
			],
			['default', 'Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/142.0 Safari/537.36 Edg/142.0'],
		]) {
			await fetch(`${worker.url}/v1/sites/${siteId}/subscribers`, {
				method: 'POST',
				headers: { 'user-agent': ua as string, origin: storefront.origin },
				body: JSON.stringify({ permission }),
			});
		}
		const page = await openAdmin();
		expect(await page.textContent('[data-testid=active] .figure-n')).toBe('1');
		expect(await page.textContent('[data-testid=total] .figure-n')).toBe('4');
		await page.fill('input[type=search]', 'oak');
		await page.waitForSelector('[data-testid=link-results] img');
		await page.locator('section[aria-labelledby=composer-title]').screenshot({
			path: join(screens, 'shopify-admin-link-picker.png'),
		});
		await page.click('[data-testid=link-results] button >> text=Oak chopping board');
		expect(await page.inputValue('#url')).toBe(`${storefront.origin}/products/oak-chopping-board`);
		expect(await page.inputValue('#title')).toBe('Oak chopping board');
		await page.fill('#body', 'Back in stock this morning — only a few left.');
		await page.click('button[type=submit] >> text=Send now');
		await page.waitForSelector('[data-testid=progress][data-status=done]', { timeout: 20_000 });
		expect(await page.textContent('[data-testid=progress]')).toContain('Done: 1 of 1');

		const shown = await firefox.waitForNotification(
			(n) => n.title === 'Oak chopping board',
			15_000,
			storefront.origin,
		);
		expect(shown.body).toBe('Back in stock this morning — only a few left.');
		expect(shown.scope).toBe(`${storefront.origin}/apps/beckon/`);

		await page.waitForSelector('[data-testid=recent] tbody tr');
		expect(await page.textContent('[data-testid=recent] tbody tr')).toContain('Oak chopping board');
		await page.screenshot({ path: join(screens, 'shopify-admin.png'), fullPage: true });
		await page.close();
		expect(pageErrors).toEqual([]);
	});

	it('prompt settings saved in the admin page reach the storefront widget', async () => {
		const page = await openAdmin();
		await page.fill('#prompt-title ~ form label:has-text("Heading") input', 'Hear about oak restocks first');
		await page.fill('#trigger-value', '1');
		await page.click('button >> text=Save prompt');
		await page.waitForSelector('text=Saved — the storefront picks it up within a minute');
		await page.close();

		const shopper = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		const store = await shopper.newPage();
		const scripts: string[] = [];
		store.on('request', (r) => {
			if (r.resourceType() === 'script') scripts.push(r.url());
		});
		await store.goto(`${storefront.origin}/`);
		await store.getByText('Hear about oak restocks first').waitFor({ timeout: 15_000 });
		// The core comes from the theme app extension's assets (Shopify's CDN), the UI chunk from the worker.
		expect(scripts).toEqual([`${storefront.cdnAssets}beckon.js`, `${worker.url}/beckon-ui.js`]);
		const scope = await store.evaluate(
			async () => (await navigator.serviceWorker.getRegistration('/apps/beckon/'))?.scope,
		);
		expect(scope).toBe(`${storefront.origin}/apps/beckon/`);
		await store.screenshot({ path: join(screens, 'shopify-storefront-prompt.png') });
		await shopper.close();
	});

	it('customers/redact deletes the customer’s browser; uninstall stops the storefront; shop/redact deletes the site', async () => {
		const redact = await webhook('customers/redact', {
			shop_id: 1,
			shop_domain: SHOP,
			customer: { id: Number(CUSTOMER) },
			orders_to_redact: [],
		});
		expect(redact).toEqual({ status: 200, body: { ok: true, redacted: 1 } });
		expect((await adminApi<Overview>('/overview')).stats.active).toBe(0);
		expect((await dataRequest(2)).body.exported).toBe(0);

		expect((await webhook('app/uninstalled', { id: 1, myshopify_domain: SHOP })).status).toBe(200);
		expect((await fetch(`${storefront.origin}/apps/beckon/sw.js`)).status).toBe(404);

		// The one notification sent earlier in this file had its Dispatcher (message, audience) purged too.
		expect((await webhook('shop/redact', { shop_id: 1, shop_domain: SHOP })).body).toEqual({
			ok: true,
			shopRedacted: true,
			dispatchersPurged: 1,
		});
		expect((await fetch(`${worker.url}/v1/sites/${siteId}/config`)).status).toBe(404);
		expect((await dataRequest(3)).body.exported).toBe(0);
	});
});
