import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleToken, NotificationView, SiteStats, SiteView } from '#wire';
import type { FakeShopifyServer } from '../node/shopify/fake-shopify-server.ts';
import {
	captureAdmin,
	openShopifyAdmin,
	type PickerCollection,
	type PickerProduct,
	type ShopifyAdmin,
	sessionToken as tokenFor,
} from '../node/shopify/shopify-admin.ts';
import { type ShopifyStack, startShopifyStack } from '../node/shopify/stack.ts';
import type { Storefront } from '../node/shopify/storefront.ts';
import { launchChromium } from '../support/chromium.ts';
import type { Finding } from '../support/console.ts';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server.ts';
import type { LocalWorker } from '../support/local-worker.ts';
import { webhookHeaders } from '../worker/shopify/fake-shopify.ts';

const screens = join(process.cwd(), 'test-results', 'screens');
const STORE = 'oak-and-linen';
const SHOP = `${STORE}.myshopify.com`;
const CUSTOMER = '6200000001';
/** What App Bridge's resource picker offers: the shop's product, its image on Shopify's CDN. */
const PRODUCT: PickerProduct = {
	handle: 'oak-chopping-board',
	title: 'Oak chopping board',
	images: [{ originalSrc: 'https://cdn.shopify.test/s/files/1/oak-chopping-board.svg' }],
};

/** …and one of its collections. */
const COLLECTION: PickerCollection = {
	handle: 'kitchen',
	title: 'Kitchen',
	image: { originalSrc: 'https://cdn.shopify.test/s/files/1/kitchen.svg' },
};

const PRODUCT_IMAGE =
	'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#b08a5a"/><rect x="10" y="26" width="44" height="12" rx="3" fill="#e8d8bd"/></svg>';

const sessionToken = () => tokenFor(STORE);

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

	/** POST /shopify/api/console-token with a session token, as the console's Shopify host does. */
	const consoleToken = async (): Promise<ConsoleToken> => {
		const response = await fetch(`${worker.url}/shopify/api/console-token`, {
			method: 'POST',
			headers: { authorization: `Bearer ${await sessionToken()}` },
		});
		if (!response.ok) throw new Error(`console-token: ${response.status} ${await response.text()}`);
		return (await response.json()) as ConsoleToken;
	};

	/** The public admin API of the shop's site with a console token (`/stats` → GET /v1/sites/:siteId/stats). */
	const siteApi = async <T>(path: string): Promise<T> => {
		const { token, siteId: site } = await consoleToken();
		const response = await fetch(`${worker.url}/v1/sites/${site}${path}`, {
			headers: { authorization: `Bearer ${token}` },
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

	const findings: Record<string, Record<string, Finding[]>> = {};

	/** Shopify admin with the app open in its iframe (the stand-in in test/node/shopify/shopify-admin.ts). */
	const openAdmin = async (): Promise<ShopifyAdmin> => {
		const admin = await openShopifyAdmin(
			async (viewport) => {
				const page = await browser.newPage({ viewport });
				page.on('pageerror', (e) => pageErrors.push(e.message));
				// Product images live on Shopify's CDN; here a drawn square stands in.
				await page.route('https://cdn.shopify.test/**', (route) =>
					route.fulfill({ contentType: 'image/svg+xml', body: PRODUCT_IMAGE }),
				);
				return page;
			},
			{ store: STORE, workerUrl: worker.url, products: [PRODUCT], collections: [COLLECTION] },
		);
		return admin;
	};

	/** Screenshots a console screen inside Shopify admin at both sizes; serious or critical axe findings fail. */
	const shoot = async (admin: ShopifyAdmin, screen: string) => {
		const found = await captureAdmin(admin, `shopify-console-${screen}`);
		findings[screen] = found;
		expect.soft(found, `axe-core on ${screen}`).toEqual({ phone: [], desktop: [] });
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
		console.log('Shopify console axe-core findings', JSON.stringify(findings));
		await browser?.close();
		await firefox?.close();
		await stack?.close();
		await push?.close();
	});

	it('installs on the first admin request: token exchange, the shop’s site, the app embed’s metafields', async () => {
		const token = await consoleToken();
		siteId = token.siteId;
		expect(token.role).toBe('admin');
		const site = await siteApi<SiteView>('');
		expect(site).toMatchObject({ siteId, platform: 'shopify' });
		expect(site.origins).toContain(storefront.origin);
		expect(site.homeUrl.replace(/\/$/, '')).toBe(storefront.origin);
		expect((await siteApi<SiteStats>('/stats')).active).toBe(0);
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

		const stats = await until(
			() => siteApi<SiteStats>('/stats'),
			(s) => s.active === 1,
		);
		expect(stats.byBrowser).toEqual({ firefox: 1 });
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

		// Subscribing tagged the cart with the browser's subscriber id; an order placed from that cart without the
		// account (a guest checkout) is still this browser's purchase.
		const sid = await page.evaluate((site) => localStorage.getItem(`beckon:${site}:sid`), siteId);
		expect(sid).toMatch(/\w+/);
		await until(
			async () => storefront.cartAttributes._beckon,
			(v) => v === sid,
		);
		const note_attributes = Object.entries(storefront.cartAttributes).map(([name, value]) => ({
			name,
			value,
		}));
		const order = await webhook('orders/create', {
			id: 6_100_001,
			created_at: new Date().toISOString(),
			total_price: '35.00',
			currency: 'EUR',
			customer: null,
			note_attributes,
			line_items: [{ id: 1 }],
		});
		expect(order.body).toMatchObject({ ok: true, purchase: 'recorded' });
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
		const admin = await openAdmin();
		const { app, page } = admin;
		await app.locator('[data-testid=by-status]').waitFor();
		expect(await app.locator('[data-testid=active] .figure-n').textContent()).toBe('1');
		expect(await app.locator('[data-testid=total] .figure-n').textContent()).toBe('4');
		expect(await app.locator('[data-testid=site-name]').textContent()).toBe('Shop oak-and-linen');
		// The app's ui-nav-menu became the admin's sidebar entries under Apps.
		expect(await page.locator('#app-nav button').allTextContents()).toEqual([
			'Beckon',
			'Send',
			'Campaigns',
			'Automations',
			'Saved messages',
			'Segments',
			'History',
			'Subscribers',
			'Prompt & widget',
		]);
		await shoot(admin, 'overview');

		// Send, from the admin's sidebar (App Bridge moves the app's URL with the History API).
		await page.click('#app-nav button:has-text("Send")');
		await app.locator('#title').waitFor();
		expect(await (await admin.frame()).evaluate(() => location.hash)).toBe('#/send');
		// A collection first: its storefront link, title and image fill the empty fields…
		await app.locator('button:has-text("Pick a collection")').click();
		await page.locator('#picker[open]').waitFor();
		expect(await page.textContent('#picker-title')).toBe('Select collection');
		await page.click('#picker button:has-text("Kitchen")');
		await expect
			.poll(() => app.locator('#url').inputValue())
			.toBe(`${storefront.origin}/collections/kitchen`);
		expect(await app.locator('#title').inputValue()).toBe('Kitchen');
		expect(await app.locator('#image').inputValue()).toBe(COLLECTION.image?.originalSrc);
		await app.locator('#title').fill('');
		await app.locator('#image').fill('');
		// …then the product the notification is about.
		await app.locator('button:has-text("Pick a product")').click();
		// App Bridge's resource picker opens in the admin page, outside the app's frame.
		await page.locator('#picker[open]').waitFor();
		await page.locator('#picker img').evaluate((img: HTMLImageElement) => img.decode());
		await page.screenshot({ path: join(screens, 'shopify-console-product-picker.png') });
		await page.click('#picker button:has-text("Oak chopping board")');
		await expect
			.poll(() => app.locator('#url').inputValue())
			.toBe(`${storefront.origin}/products/oak-chopping-board`);
		// The picker also filled the empty title and the image (Chrome's large picture; Firefox ignores it).
		expect(await app.locator('#title').inputValue()).toBe('Oak chopping board');
		expect(await app.locator('#image').inputValue()).toBe(PRODUCT.images[0]?.originalSrc);
		await app.locator('#body').fill('Back in stock this morning — only a few left.');
		await shoot(admin, 'send');

		await app.locator('button[type=submit]:has-text("Send…")').click();
		expect(await app.locator('#confirm-q').textContent()).toBe(
			'Send “Oak chopping board” to all 1 active subscribers?',
		);
		await app.locator('[data-testid=confirm-send]').click();
		await app
			.locator('[data-testid=progress][data-status=done]')
			.waitFor({ timeout: 20_000 })
			.catch(async (error: Error) => {
				// What the API says about the send, to tell a stuck dispatch from a console that stopped polling.
				const { notifications } = await siteApi<{ notifications: NotificationView[] }>(
					'/notifications?limit=1',
				);
				throw new Error(`${error.message}
the notification: ${JSON.stringify(notifications[0])}`);
			});
		expect(await app.locator('[data-testid=progress]').textContent()).toContain('Done: 1 of 1 handled');
		await expect.poll(() => admin.toasts()).toEqual([['Notification sent', false]]);

		const shown = await firefox.waitForNotification(
			(n) => n.title === 'Oak chopping board',
			15_000,
			storefront.origin,
		);
		expect(shown.body).toBe('Back in stock this morning — only a few left.');
		expect(shown.scope).toBe(`${storefront.origin}/apps/beckon/`);

		await app.locator('[data-testid=progress] a:has-text("See the report")').click();
		await expect
			.poll(() => app.locator('[data-testid=report-title]').textContent())
			.toBe('Oak chopping board');
		await app.locator('[data-testid=report-status]:has-text("done")').waitFor({ timeout: 20_000 });
		const link = `${storefront.origin}/products/oak-chopping-board`;
		expect(await app.locator(`dd:text-is("${link}")`).count()).toBe(1);
		await shoot(admin, 'report');

		await page.click('#app-nav button:has-text("History")');
		await app.locator('[data-testid=history] tbody tr').first().waitFor();
		expect(await app.locator('[data-testid=history] tbody tr').count()).toBe(1);
		expect(await app.locator('[data-testid=history] tbody tr').textContent()).toContain('Oak chopping board');
		await shoot(admin, 'history');
		await page.close();
		expect(pageErrors).toEqual([]);
	});

	it('prompt settings saved in the console’s Prompt & widget screen reach the storefront widget', async () => {
		const admin = await openAdmin();
		const { app, page } = admin;
		await page.click('#app-nav button:has-text("Prompt & widget")');
		await app.locator('#pp-title').waitFor();
		await app.locator('#pp-title').fill('Hear about oak restocks first');
		expect(await app.locator('[data-testid=pp-heading]').textContent()).toBe('Hear about oak restocks first');
		await app.locator('#pp-trigger').selectOption('seconds');
		await app.locator('#pp-trigger-value').fill('1');
		await shoot(admin, 'prompt-settings');
		await app.locator('form[aria-label="Prompt settings"] button[type=submit]').click();
		await app.locator('text=Saved; sites pick it up within a minute').waitFor();
		expect(await admin.toasts()).toEqual([['Prompt settings saved', false]]);
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
		expect(pageErrors).toEqual([]);
	});

	it('lists and shows subscribers, hands over a customer data export and manages API keys inside Shopify admin', async () => {
		const admin = await openAdmin();
		const { app, page } = admin;
		await page.click('#app-nav button:has-text("Subscribers")');
		await app.locator('[data-testid=subscribers] tbody tr').first().waitFor();
		// Firefox's subscription, the three browsers that only answered, and the shopper who saw the new prompt.
		expect(await app.locator('[data-testid=subscribers] tbody tr').count()).toBe(5);
		await shoot(admin, 'subscribers');

		await app.locator('[data-testid=subscribers] tr:has-text("allowed") a').first().click();
		await app.locator('[data-testid=subscriber]').waitFor();
		const detail = await app.locator('[data-testid=subscriber]').textContent();
		expect(detail).toContain(CUSTOMER);
		expect(detail).toContain('allowed');
		await shoot(admin, 'subscriber-detail');

		// The export made for the customers/data_request earlier in this file, for the owner to hand over.
		await app.locator('nav a[href="#/data-requests"]').click();
		await app.locator('[data-testid=data-requests]').waitFor();
		expect(await app.locator('[data-testid=data-requests] li').count()).toBe(1);
		expect(await app.locator('[data-testid=data-requests]').textContent()).toContain(CUSTOMER);
		const downloading = page.waitForEvent('download');
		await app.locator('[data-testid=data-requests] button').click();
		const download = await downloading;
		expect(download.suggestedFilename()).toMatch(new RegExp(`^beckon-customer-${CUSTOMER}-.+\\.json$`));
		const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
			shop: string;
			customerId: string;
			subscribers: Array<{ browser: string; externalUserId: string }>;
		};
		expect(exported).toMatchObject({ shop: SHOP, customerId: CUSTOMER });
		expect(exported.subscribers).toMatchObject([{ browser: 'firefox', externalUserId: CUSTOMER }]);
		await shoot(admin, 'data-requests');

		// API keys has no entry in the admin's nav menu: the console's own nav leads there.
		await app.locator('nav a[href="#/settings/api-keys"]').click();
		await app.locator('[data-testid=api-keys]').waitFor();
		await app.locator('#key-name').fill('Shop automation');
		await app.locator('button:has-text("Create key")').click();
		await app.locator('[data-testid=new-key]').waitFor();
		const key = await app.locator('#new-key-value').inputValue();
		expect(key).toMatch(/^bk_/);
		await shoot(admin, 'api-keys');
		await app.locator('[data-testid=new-key] button:has-text("Done")').click();
		// A shop's site starts without API keys, and its last one cannot be revoked: revoke a second one.
		await app.locator('#key-name').fill('Old integration');
		await app.locator('button:has-text("Create key")').click();
		const old = await app.locator('#new-key-value').inputValue();
		await app.locator('[data-testid=new-key] button:has-text("Done")').click();
		const row = app.locator('[data-testid=api-keys] tr:has-text("Old integration")');
		await row.locator('button:has-text("Revoke")').click();
		await row.locator('button:has-text("Yes, revoke")').click();
		await row.waitFor({ state: 'detached' });
		expect(await admin.toasts()).toContainEqual(['Revoked “Old integration”', false]);
		const status = async (bearer: string) =>
			(await fetch(`${worker.url}/v1/sites/${siteId}`, { headers: { authorization: `Bearer ${bearer}` } }))
				.status;
		expect([await status(key), await status(old)]).toEqual([200, 401]);
		await page.close();
		expect(pageErrors).toEqual([]);
	});

	it('customers/redact deletes the customer’s browser; uninstall stops the storefront; shop/redact deletes the site', async () => {
		const redact = await webhook('customers/redact', {
			shop_id: 1,
			shop_domain: SHOP,
			customer: { id: Number(CUSTOMER) },
			orders_to_redact: [],
		});
		expect(redact).toEqual({ status: 200, body: { ok: true, redacted: 1 } });
		expect((await siteApi<SiteStats>('/stats')).active).toBe(0);
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
