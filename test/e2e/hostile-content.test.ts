import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShopifyAdmin, screenshotAdmin } from '../node/shopify/shopify-admin.ts';
import { type ShopifyStack, startShopifyStack } from '../node/shopify/stack.ts';
import { launchChromium } from '../support/chromium.ts';
import { openConsole, PHONE } from '../support/console.ts';

const screens = join(process.cwd(), 'test-results', 'screens');
const STORE = 'hostile-goods';

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
	overflows: false,
	isolated: [true],
	nextReadsLeftToRight: true,
};

/** What a screen must show for the hostile notification: checked inside the page (or the app's frame). */
async function inspect(page: Page | Frame) {
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
			// Nothing wider than the window: long hostile text wraps or is clipped inside its cell.
			overflows: document.documentElement.scrollWidth > document.documentElement.clientWidth,
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

	const newPage = async (viewport = { width: 1200, height: 900 }): Promise<Page> => {
		const page = await browser.newPage({ viewport });
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

	/**
	 * Writes the hostile notification in the console's composer (a page or the app's frame inside Shopify admin),
	 * checks the previews, sends it, and checks the History list and the report.
	 */
	const sendAndCheck = async (ui: FrameLocator | Page, frame: () => Promise<Page | Frame>, link: string) => {
		await ui.locator('#title').fill(TITLE);
		await ui.locator('#body').fill(BODY);
		await ui.locator('#url').fill(link);
		// The previews show the title several times: each time as isolated text, nothing run or injected.
		await ui.locator('[data-testid=previews] figure').first().waitFor();
		const composing = await inspect(await frame());
		expect(composing).toMatchObject({ injected: 0, scripts: 0, pwned: undefined, overflows: false });
		expect(composing.literal).toBeGreaterThan(0);
		expect(composing.isolated.every(Boolean)).toBe(true);

		await ui.locator('button[type=submit]:has-text("Send…")').click();
		expect(await ui.locator('#confirm-q .title-text').textContent()).toBe(TITLE);
		await ui.locator('[data-testid=confirm-send]').click();
		await ui.locator('[data-testid=progress][data-status=done]').waitFor({ timeout: 20_000 });
		expect(await ui.locator('[role=alert]').count()).toBe(0);

		await ui.locator('nav a[href="#/notifications"]').click();
		await ui.locator('[data-testid=history] tbody tr').first().waitFor();
		expect(await ui.locator('[data-testid=history] a.title-text').first().textContent()).toBe(TITLE);
		expect(await inspect(await frame())).toEqual(INERT);

		await ui.locator('[data-testid=history] a.title-text').first().click();
		await ui.locator('[data-testid=report-title]').waitFor();
		expect(await ui.locator('[data-testid=report-title]').textContent()).toBe(TITLE);
		// The link as the API stored it (parsed: its quotes and angle brackets percent-encoded), shown as text.
		expect(await ui.locator(`dd:text-is(${JSON.stringify(new URL(link).href)})`).count()).toBe(1);
		expect(await inspect(await frame())).toEqual(INERT);
		expect(dialogs).toEqual([]);
	};

	it('the console shows a hostile title as text, isolated, and runs nothing', async () => {
		const { worker } = stack;
		const page = await newPage();
		await openConsole(page, worker, '#/send');
		await sendAndCheck(page, async () => page, `${worker.url}/sale${LINK_QUERY}`);
		await page.screenshot({ path: join(screens, 'hostile-console.png'), fullPage: true });
		// On a phone too: the report and the history fit the screen.
		await page.setViewportSize(PHONE);
		expect(await inspect(page)).toEqual(INERT);
		await page.evaluate(() => (location.hash = '#/notifications'));
		await page.locator('[data-testid=history] tbody tr').first().waitFor();
		expect(await inspect(page)).toEqual(INERT);
		await page.screenshot({ path: join(screens, 'hostile-console-phone.png'), fullPage: true });
		expect(dialogs).toEqual([]);
		await page.close();
	});

	it('the console inside Shopify admin shows a hostile title as text, isolated, and runs nothing', async () => {
		const { worker, storefront } = stack;
		const admin = await openShopifyAdmin(newPage, { store: STORE, workerUrl: worker.url });
		await admin.app.locator('nav a[href="#/send"]').click();
		await sendAndCheck(admin.app, admin.frame, `${storefront.origin}/collections/all${LINK_QUERY}`);
		expect(await admin.toasts()).toEqual([['Notification sent', false]]);
		expect(await inspect(admin.page)).toMatchObject({
			literal: 0,
			injected: 0,
			scripts: 0,
			pwned: undefined,
		});
		await screenshotAdmin(admin, join(screens, 'hostile-shopify.png'));
		await admin.page.setViewportSize(PHONE);
		await admin.settle();
		expect(await inspect(await admin.frame())).toEqual(INERT);
		await screenshotAdmin(admin, join(screens, 'hostile-shopify-phone.png'));
		expect(dialogs).toEqual([]);
		await admin.page.close();
	});
});
