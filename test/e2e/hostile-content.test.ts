import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { API_KEY, API_SECRET_KEY, getJwt } from '@shopify/shopify-api/test-helpers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShopifyStack, startShopifyStack } from '../node/shopify/stack.ts';
import { launchChromium } from '../support/chromium.ts';

const screens = join(process.cwd(), 'test-results', 'screens');
const STORE = 'hostile-goods';
const SHOP = `${STORE}.myshopify.com`;
const HOST = Buffer.from(`admin.shopify.com/store/${STORE}`).toString('base64url');
const APP_BRIDGE = 'https://cdn.shopify.com/shopifycloud/app-bridge.js';
const APP_BRIDGE_STUB = `window.shopify = { idToken: () => window.beckonTestToken(), toast: { show() {} } };`;

/** Markup that runs script if any screen puts it into the DOM as HTML, and an override that reverses what follows. */
const TITLE = `<img src=x onerror="window.__pwned=1;alert(1)"> \u202Eevil`;
const BODY = `<script>window.__pwned=1;alert(1)</script>\u202E tail`;
const LINK_QUERY = `?q="><img src=x onerror=window.__pwned=1>`;

/** Shown once as text, nothing injected or run, isolated, and the admin text after it undisturbed. */
const INERT = {
	literal: 1,
	injected: 0,
	scripts: 0,
	pwned: undefined,
	isolated: [true],
	nextReadsLeftToRight: true,
};

const sessionToken = async () => (await getJwt(STORE, API_KEY, API_SECRET_KEY)).token;

/** What a screen must show for the hostile notification: checked inside the page. */
async function inspect(page: Page) {
	return page.evaluate((title) => {
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		const holders: Element[] = [];
		let after: Text | null = null;
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			if (node.textContent?.includes(title) && node.parentElement) holders.push(node.parentElement);
			else if (holders.length > 0 && !after && (node.textContent ?? '').trim().length > 1)
				after = node as Text;
		}
		// The admin text right after the title must still read left to right: its first letter left of its last.
		const x = (node: Text, i: number) => {
			const range = document.createRange();
			range.setStart(node, i);
			range.setEnd(node, i + 1);
			return range.getBoundingClientRect().left;
		};
		const text = after?.textContent ?? '';
		const first = text.search(/\S/);
		const last = text.length - 1 - [...text].reverse().join('').search(/\S/);
		return {
			nextReadsLeftToRight: after !== null && x(after, first) < x(after, last),
			literal: holders.length,
			injected: document.querySelectorAll('img[src=x], img[src="x"]').length,
			scripts: [...document.scripts].filter((s) => s.textContent?.includes('__pwned')).length,
			pwned: (window as unknown as { __pwned?: unknown }).__pwned,
			// The override must end with the title: only an isolating element (bdi, dir=auto) guarantees that.
			isolated: holders.map((el) =>
				['isolate', 'isolate-override', 'plaintext'].includes(getComputedStyle(el).unicodeBidi),
			),
		};
	}, TITLE);
}

describe('hostile notification text in the admin screens (Chromium)', () => {
	let stack: ShopifyStack;
	let browser: Browser;
	const dialogs: string[] = [];

	const newPage = async (): Promise<Page> => {
		const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
		page.on('dialog', (dialog) => {
			dialogs.push(dialog.message());
			void dialog.dismiss();
		});
		return page;
	};

	beforeAll(async () => {
		mkdirSync(screens, { recursive: true });
		[stack, browser] = await Promise.all([startShopifyStack(STORE), launchChromium()]);
	});

	afterAll(async () => {
		await browser?.close();
		await stack?.close();
	});

	it('the demo console shows a hostile title as text, isolated, and runs nothing', async () => {
		const { worker } = stack;
		const page = await newPage();
		await page.goto(`${worker.url}/admin#site=${worker.demo.siteId}&key=${worker.demo.apiKey}`);
		await page.waitForSelector('#counts b');
		await page.fill('#title', TITLE);
		await page.fill('#body', BODY);
		await page.fill('#url', `${worker.url}/sale${LINK_QUERY}`);
		await page.click('button[type=submit]');
		await page.waitForFunction((t) => document.querySelector('#recent td')?.textContent === t, TITLE, {
			timeout: 15_000,
		});
		expect(await page.textContent('#error')).toBe('');
		expect(await inspect(page)).toEqual(INERT);
		expect(dialogs).toEqual([]);
		await page.screenshot({ path: join(screens, 'hostile-console.png'), fullPage: true });
		await page.close();
	});

	it('the Shopify embedded admin shows a hostile title as text, isolated, and runs nothing', async () => {
		const { worker, storefront } = stack;
		const page = await newPage();
		await page.exposeFunction('beckonTestToken', sessionToken);
		await page.route(APP_BRIDGE, (route) =>
			route.fulfill({ contentType: 'text/javascript', body: APP_BRIDGE_STUB }),
		);
		await page.goto(
			`${worker.url}/shopify/app?embedded=1&shop=${SHOP}&host=${HOST}&id_token=${await sessionToken()}`,
		);
		await page.waitForSelector('[data-testid=active]');
		await page.fill('#title', TITLE);
		await page.fill('#body', BODY);
		await page.fill('#url', `${storefront.origin}/collections/all${LINK_QUERY}`);
		await page.click('button[type=submit]');
		await page.waitForSelector('[data-testid=recent] .recent-title', { timeout: 15_000 });
		expect(await page.textContent('[data-testid=recent] .recent-title')).toBe(TITLE);
		expect(await page.locator('.error').count()).toBe(0);
		expect(await inspect(page)).toEqual(INERT);
		expect(dialogs).toEqual([]);
		await page.locator('section[aria-labelledby=recent-title]').screenshot({
			path: join(screens, 'hostile-shopify.png'),
		});
		await page.close();
	});
});
