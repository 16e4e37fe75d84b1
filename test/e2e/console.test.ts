import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

const screens = join(process.cwd(), 'test-results', 'screens');

describe('demo store and console in Chromium', () => {
	let worker: LocalWorker;
	let browser: Browser;

	beforeAll(async () => {
		mkdirSync(screens, { recursive: true });
		[worker, browser] = await Promise.all([startWorker(), launchChromium()]);
	});

	afterAll(async () => {
		await browser?.close();
		await worker?.stop();
	});

	it('shows the store with its subscribe button on desktop and phone', async () => {
		for (const [name, viewport] of [
			['store-desktop', { width: 1280, height: 800 }],
			['store-phone', { width: 390, height: 844 }],
		] as const) {
			const page = await browser.newPage({ viewport });
			await page.goto(`${worker.url}/`);
			await expect(page.locator('[data-beckon-subscribe]').isVisible()).resolves.toBe(true);
			expect(await page.locator('.card').count()).toBe(3);
			await page.waitForFunction(() => document.getElementById('state')?.textContent !== '');
			expect(await page.textContent('#state')).toBe('ask');
			await page.screenshot({ path: join(screens, `${name}.png`), fullPage: true });
			await page.close();
		}
	});

	it('shows counts, sends from the form and lists the notification as done', async () => {
		const subscribe = (permission: string) =>
			fetch(`${worker.url}/v1/sites/${worker.demo.siteId}/subscribers`, {
				method: 'POST',
				body: JSON.stringify({ permission }),
			});
		await Promise.all([subscribe('default'), subscribe('default'), subscribe('denied')]);
		const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
		await page.goto(`${worker.url}/admin#site=${worker.demo.siteId}&key=${worker.demo.apiKey}`);
		expect(page.url()).not.toContain('key=');
		await page.waitForSelector('#counts b');
		const counts = await page.locator('#counts div').allTextContents();
		expect(counts).toEqual(expect.arrayContaining(['2ask', '1blocked', '0active']));
		await page.fill('#title', 'Weekend sale');
		await page.fill('#body', 'Everything oak is 20% off');
		await page.click('button[type=submit]');
		await page.waitForFunction(
			() => document.querySelector('#recent tr td:nth-child(2)')?.textContent === 'done',
			null,
			{
				timeout: 15_000,
			},
		);
		expect(await page.locator('#recent tr td').first().textContent()).toBe('Weekend sale');
		await page.screenshot({ path: join(screens, 'console.png'), fullPage: true });
		await page.close();
	});

	it('says what is wrong when the console has a bad key', async () => {
		const page = await browser.newPage();
		await page.goto(`${worker.url}/admin#site=${worker.demo.siteId}&key=bk_wrong`);
		await page.waitForFunction(() => (document.getElementById('error')?.textContent ?? '') !== '');
		expect(await page.textContent('#error')).toContain('not valid');
		await page.close();
	});
});
