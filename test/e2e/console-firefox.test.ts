import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { freshPage, openConsole } from '../support/console.ts';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

// The standalone console's whole loop with real browsers: a reader subscribes in Firefox on the demo store, the
// console (Chromium) counts them, sends from the composer, follows the progress to done, and the report shows
// what Firefox did with the push (shown, then clicked).

describe('standalone console with a real Firefox subscriber', () => {
	let push: MozillaPushServer;
	let worker: LocalWorker;
	let firefox: FirefoxSession;
	let chromium: Browser;

	beforeAll(async () => {
		push = await startMozillaPushServer();
		[worker, firefox, chromium] = await Promise.all([
			startWorker(),
			launchFirefox({ pushServerUrl: push.url }),
			launchChromium(),
		]);
	});

	afterAll(async () => {
		await chromium?.close();
		await firefox?.close();
		await worker?.stop();
		await push?.close();
	});

	it('counts a Firefox subscribe, sends from the composer to done, and reports shown and clicked', async () => {
		const { context, page } = await freshPage(chromium);
		await openConsole(page, worker);
		const active = page.locator('[data-testid=active] .figure-n');
		expect(await active.textContent()).toBe('0');

		const reader = firefox.page;
		await reader.goto(`${worker.url}/`);
		await reader.waitForFunction(() =>
			['ask', 'allowed'].includes(document.getElementById('state')?.textContent ?? ''),
		);
		await reader.click('#subscribe');
		await push.waitForChannel(() => true, 15_000);
		// The overview refreshes by itself while it is open.
		await page.waitForFunction(
			() => document.querySelector('[data-testid=active] .figure-n')?.textContent === '1',
			null,
			{ timeout: 40_000 },
		);
		expect(await page.locator('[data-testid=by-browser]').textContent()).toContain('Firefox');
		// The reader looks at a product: a click on a notification without a link brings them back to it.
		const product = `${worker.url}/products/oak-board`;
		await reader.goto(product);
		const sid = await reader.evaluate(
			(k: string) => localStorage.getItem(k),
			`beckon:${worker.demo.siteId}:sid`,
		);
		await page.goto(`${worker.url}/console/#/subscribers/${sid}`);
		await page
			.waitForFunction((url) => document.body.textContent?.includes(url) ?? false, product, {
				timeout: 20_000,
				polling: 1000,
			})
			.catch(async () => {
				await page.reload();
				await page.waitForFunction((url) => document.body.textContent?.includes(url) ?? false, product, {
					timeout: 10_000,
				});
			});
		// Leaves the site (a blank page reports no visit), so the click has to open the product page itself.
		await reader.goto('about:blank');

		await page.click('nav a[href="#/send"]');
		await page.fill('#title', 'The oak board is back');
		await page.fill('#body', 'Only 3 left in stock');
		await page.click('button:has-text("Send…")');
		await expect(page.locator('#confirm-q').textContent()).resolves.toMatch(/all 1 active subscribers/);
		await page.click('[data-testid=confirm-send]');
		await page.locator('[data-testid=progress][data-status=done]').waitFor({ timeout: 20_000 });

		// The push carries the click target chosen at send time; back on the home page, the reader's tab reads the
		// shown notifications.
		await reader.goto(`${worker.url}/`);
		const shown = await firefox.waitForNotification(
			(n) => n.title === 'The oak board is back',
			15_000,
			reader,
		);
		expect(shown.body).toBe('Only 3 left in stock');
		await firefox.clickNotification('The oak board is back');
		// No link on the message: the click opens the page the reader last visited.
		await firefox.waitForPage((url) => url === product, 15_000);

		await page.click('[data-testid=progress] a:has-text("See the report")');
		await expect(page.locator('[data-testid=report-title]').textContent()).resolves.toBe(
			'The oak board is back',
		);
		// The report polls until the service worker's beacons are counted.
		for (const [figure, value] of [
			['sent', '1'],
			['shown', '1'],
			['clicked', '1'],
		] as const) {
			await page.waitForFunction(
				([f, v]) => document.querySelector(`[data-figure=${f}]`)?.textContent === v,
				[figure, value],
				{ timeout: 30_000 },
			);
		}
		expect(await page.locator('[data-figure=ctr]').textContent()).toMatch(/^100\s?%$/);
		await context.close();
	});
});
