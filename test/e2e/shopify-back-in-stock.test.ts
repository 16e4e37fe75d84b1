import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SiteView, SubscriberView } from '#wire';
import { t } from '../node/shopify/render-embed.ts';
import { linenApron, productsUpdateBody, type ShopVariant } from '../node/shopify/shop-product.ts';
import {
	deliverShopWebhook,
	patchShopPrompt,
	type ShopifyStack,
	shopApi,
	startShopifyStack,
} from '../node/shopify/stack.ts';
import { launchChromium } from '../support/chromium.ts';
import { DESKTOP, PHONE, SCREENS } from '../support/console.ts';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server.ts';

// The "Notify me when available" app block on a product page of the stand-in storefront (rendered from
// shopify-app/extensions/beckon-embed/blocks/notify.liquid with the app embed): in Chromium, how it looks and reads
// (screenshots, axe-core, keyboard); in Firefox, the whole loop — a subscribed shopper presses it on a sold-out
// variant, the store owner switches on the Back in stock automation, Shopify's products/update webhooks report the
// variant sold out and then back, and Firefox shows the push.

const STORE = 'linen-works';
const APRON = linenApron();
const [NATURAL, CHARCOAL] = APRON.variants as [ShopVariant, ShopVariant];

/** axe-core's serious and critical violations on the whole page (the stand-in theme's and the block's). */
async function violations(page: Page): Promise<string[]> {
	await page.addScriptTag({ content: axe.source });
	const { violations } = await page.evaluate(() =>
		(window as unknown as { axe: typeof axe }).axe.run(document, {
			rules: { 'target-size': { enabled: true } },
		}),
	);
	return violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}: ${n.failureSummary ?? ''}`));
}

describe('Shopify back-in-stock button (app block, Chromium and Firefox)', () => {
	let stack: ShopifyStack;
	let browser: Browser;
	let push: MozillaPushServer;
	let firefox: FirefoxSession;
	let siteId = '';
	const api = <T>(path: string, init?: RequestInit) => shopApi<T>(stack.worker.url, STORE, path, init);
	const productUrl = (variant?: { id: number }) =>
		`${stack.storefront.origin}/products/${APRON.handle}${variant ? `?variant=${variant.id}` : ''}`;

	beforeAll(async () => {
		mkdirSync(SCREENS, { recursive: true });
		const pushAndFirefox = async () => {
			push = await startMozillaPushServer();
			firefox = await launchFirefox({ pushServerUrl: push.url });
		};
		[stack, browser] = await Promise.all([
			startShopifyStack(STORE, [APRON]),
			launchChromium(),
			pushAndFirefox(),
		]);
		// The first admin request installs the app: the shop's site and the metafields the app embed reads.
		siteId = (await api<SiteView>('')).siteId;
		// No soft prompt over the page: the button is what asks.
		await patchShopPrompt(stack.worker.url, STORE, { trigger: { type: 'manual' } });
	});

	afterAll(async () => {
		await browser?.close();
		await firefox?.close();
		await stack?.close();
		await push?.close();
	});

	it('shows the button only while the chosen variant is sold out, reads well and works with the keyboard (Chromium)', async () => {
		// Notifications allowed, as after a shopper said yes (Chromium has no push service here, so the widget's own
		// subscription fails and the request would wait in its queue: this part is about the block on the page).
		const context = await browser.newContext({ viewport: DESKTOP, permissions: ['notifications'] });
		const page = await context.newPage();
		const errors: string[] = [];
		page.on('pageerror', (e) => errors.push(e.message));
		const block = page.locator('.beckon-notify');
		const button = block.getByRole('button', { name: t('notify.button') });
		const found: Record<string, string[]> = {};
		/** Screenshots the page at both sizes and keeps axe-core's findings (ends at desktop size). */
		const shoot = async (state: string) => {
			for (const [name, size] of [
				['phone', PHONE],
				['desktop', DESKTOP],
			] as const) {
				await page.setViewportSize(size);
				await page.screenshot({
					path: join(SCREENS, `shopify-back-in-stock-${state}-${name}.png`),
					fullPage: true,
				});
				found[`${state} ${name}`] = await violations(page);
			}
		};

		await page.goto(productUrl(), { waitUntil: 'load' });
		await page.waitForFunction(() => typeof window.Beckon === 'object');
		expect(await block.isHidden()).toBe(true);
		// The theme's picker changes the form's id select (and the URL): the block follows.
		await page.selectOption('#variant', String(CHARCOAL.id));
		await button.waitFor();
		expect(page.url()).toBe(productUrl(CHARCOAL));
		await page.selectOption('#variant', String(NATURAL.id));
		await block.waitFor({ state: 'hidden' });
		// A sold-out variant in the URL shows it from the first paint.
		await page.goto(productUrl(CHARCOAL), { waitUntil: 'load' });
		await page.waitForFunction(() => typeof window.Beckon === 'object');
		expect(await button.isVisible()).toBe(true);
		await shoot('sold-out');

		// Keyboard: from the variant select, Tab skips the disabled add-to-cart button and lands on the block's, with a
		// visible focus ring; Enter presses it.
		await page.focus('#variant');
		await page.keyboard.press('Tab');
		expect(await button.evaluate((b) => b === document.activeElement)).toBe(true);
		expect(await button.evaluate((b) => getComputedStyle(b).outlineStyle)).toBe('solid');
		const box = await button.boundingBox();
		if (!box) throw new Error('the button has no box');
		// With a margin: the focus ring is drawn outside the button.
		const clip = { x: box.x - 12, y: box.y - 12, width: box.width + 24, height: box.height + 24 };
		await page.screenshot({ path: join(SCREENS, 'shopify-back-in-stock-focus.png'), clip });
		await page.keyboard.press('Enter');
		await expect.poll(() => block.getByRole('status').textContent()).toBe(t('notify.confirmation'));
		expect(await button.getAttribute('aria-disabled')).toBe('true');
		// Focus stays on the button (aria-disabled, not disabled), so a screen reader user is not dropped to the page top.
		expect(await button.evaluate((b) => b === document.activeElement)).toBe(true);
		await shoot('asked');
		expect(found).toEqual({
			'sold-out phone': [],
			'sold-out desktop': [],
			'asked phone': [],
			'asked desktop': [],
		});
		expect(errors).toEqual([]);
		await context.close();
	});

	it('a subscribed Firefox asks for a sold-out variant; the restock in products/update pushes "… is back in stock"', async () => {
		const { page } = firefox;
		await page.goto(productUrl());
		// Firefox's test profile allows notifications: the widget subscribes on its own and gets a subscriber id.
		const sid = await vi.waitFor(
			async () => {
				const id = await page.evaluate((s) => localStorage.getItem(`beckon:${s}:sid`), siteId);
				if (!id) throw new Error('not subscribed yet');
				return id;
			},
			{ timeout: 20_000, interval: 200 },
		);
		await push.waitForChannel(() => true, 10_000);

		await page.select('#variant', String(CHARCOAL.id));
		await page.waitForSelector('.beckon-notify:not([hidden]) button');
		await page.click('.beckon-notify button');
		await page.waitForFunction(
			(text) => document.querySelector('.beckon-notify [role=status]')?.textContent === text,
			{},
			t('notify.confirmation'),
		);
		expect(await page.$eval('.beckon-notify button', (b) => b.getAttribute('aria-disabled'))).toBe('true');
		await page.screenshot({ path: join(SCREENS, 'shopify-back-in-stock-asked-firefox.png') });

		// The request reached the worker as the subscriber's event, ids as strings.
		const asked = {
			event: 'back_in_stock_requested',
			where: [
				{ property: 'product_id', op: 'eq', value: String(APRON.id) },
				{ property: 'variant_id', op: 'eq', value: String(CHARCOAL.id) },
				{ property: 'product_url', op: 'eq', value: productUrl() },
			],
		};
		await expect
			.poll(
				async () =>
					(
						await api<{ subscribers: SubscriberView[] }>(
							`/subscribers?filter=${encodeURIComponent(JSON.stringify(asked))}`,
						)
					).subscribers.map((s) => s.subscriberId),
				{ timeout: 15_000 },
			)
			.toEqual([sid]);

		// The store owner switches on the ready-made automation, as the console's gallery does.
		const { templates } = await api<{ templates: Array<{ id: string; body: Record<string, unknown> }> }>(
			'/automation-templates',
		);
		const template = templates.find((one) => one.id === 'back_in_stock');
		expect(template).toBeDefined();
		await api('/automations', {
			method: 'POST',
			body: JSON.stringify({ ...template?.body, template: 'back_in_stock', enabled: true }),
		});

		// Shopify reports the product: first still sold out (Beckon's first sight of it), then Charcoal restocked.
		const update = () =>
			deliverShopWebhook(stack.worker.url, STORE, 'products/update', productsUpdateBody(APRON));
		expect(await update()).toEqual({ status: 200, body: { ok: true, notified: 0 } });
		CHARCOAL.inventory = 12;
		expect(await update()).toEqual({ status: 200, body: { ok: true, notified: 1 } });

		const shown = await firefox.waitForNotification(
			(n) => n.title === 'Linen apron is back in stock',
			20_000,
			stack.storefront.origin,
		);
		expect(shown.body).toBe('You asked us to tell you. Get it before it is gone again.');
		expect(shown.scope).toBe(`${stack.storefront.origin}/apps/beckon/`);
		// The link is the product on the shop's primary domain (the storefront here), from the webhook's handle.
		expect(shown.data).toMatchObject({ url: productUrl() });

		// Back on the page, Charcoal can be bought again: no button.
		await page.goto(productUrl(CHARCOAL));
		await page.waitForSelector('#add:not([disabled])');
		expect(await page.$eval('.beckon-notify', (el) => (el as HTMLElement).hidden)).toBe(true);
	});
});
