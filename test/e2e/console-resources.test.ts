import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSERS, cutText, droppedBy, type PreviewMessage } from '../../worker/src/wire/browsers.ts';
import { launchChromium } from '../support/chromium.ts';
import { auditWithoutToasts, demoApi, type Finding, freshPage, openConsole } from '../support/console.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

// The saved messages of the console (issue 17, push resources): the list, the editor with its language variants,
// errors at their field and a preview per browser of the support table, versions, deleting while a campaign uses
// one, and starting a send from one.

interface Resource {
	resourceId: string;
	name: string;
	labels: string[];
	version: number;
	message: Record<string, unknown>;
	locales: Record<string, Record<string, unknown>>;
}

const IMAGE = 'https://images.example/oak.png';
const ICON = 'https://images.example/icon.png';
const TITLE = 'Spring sale: 20% off every oak board and linen cloth this weekend';
const BODY = 'Solid oak boards, oiled by hand. Free delivery on orders over 50 € until Sunday night.';
const DE_TITLE = 'Frühlingsverkauf: 20 % Rabatt auf alle Eichenbretter';
const DE_BODY = 'Massive Eichenbretter, von Hand geölt. Versandkostenfrei ab 50 € bis Sonntagabend.';

/** The line the console shows under a browser's preview, in English, from the support table's verdict. */
function dropsLine(id: string, message: PreviewMessage): string {
	const browser = BROWSERS.find((b) => b.id === id);
	if (!browser) throw new Error(`no browser ${id}`);
	const d = droppedBy(browser, message);
	const words = d.fields.map((f) =>
		f === 'actions'
			? `${d.actionsDropped} button${d.actionsDropped === 1 ? '' : 's'}`
			: f === 'requireInteraction'
				? 'staying on screen'
				: f,
	);
	const parts = words.length ? [`Drops: ${words.join(', ')}`] : [];
	if (d.titleCut) parts.push(`title cut at ${browser.titleLength} characters`);
	if (d.bodyCut) parts.push(`message cut at ${browser.bodyLength} characters`);
	const line = parts.join('; ') || 'Shows all of it.';
	return line.charAt(0).toUpperCase() + line.slice(1);
}

describe('console saved messages: list, editor, previews, versions, uses', () => {
	let worker: LocalWorker;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	const findings: Record<string, Record<string, Finding[]>> = {};
	let resourceId = '';

	const shoot = async (screen: string) => {
		await auditWithoutToasts(page, screen, findings);
	};

	const api = (path: string, init: RequestInit = {}) => demoApi(worker, path, init);

	/** Opens a screen; the screen already open is read again. */
	const go = async (hash: string) => {
		if ((await page.evaluate(() => location.hash)) === hash) await page.reload();
		else await page.evaluate((h) => (location.hash = h), hash);
		await page.locator('#screen-title').waitFor();
	};

	beforeAll(async () => {
		[worker, browser] = await Promise.all([startWorker(), launchChromium()]);
		({ context, page } = await freshPage(browser));
		// The message's pictures, served here (the machine has no internet).
		await context.route('https://images.example/**', (route) =>
			route.fulfill({
				contentType: 'image/svg+xml',
				body: '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#b7864f"/><rect x="20" y="30" width="160" height="40" fill="#e9d3b0"/></svg>',
			}),
		);
		await api('/resources', {
			method: 'POST',
			body: JSON.stringify({ name: 'Welcome', labels: ['onboarding'], message: { title: 'Welcome aboard' } }),
		});
		await openConsole(page, worker, '#/messages');
	});

	afterAll(async () => {
		console.log('console-resources axe-core findings', JSON.stringify(findings));
		await context?.close();
		await browser?.close();
		await worker?.stop();
	});

	it('creates a saved message with a German variant: errors at their field, a preview per browser with what it drops', async () => {
		expect(await page.locator('nav a[href="#/messages"]').getAttribute('aria-current')).toBe('page');
		await page.click('[data-testid=new-resource]');
		await page.locator('[data-testid=resource-form]').waitFor();

		await page.fill('#resource-name', 'welcome');
		await page.fill('#resource-labels', 'promo, spring');
		await page.fill('#title', TITLE);
		await page.fill('#body', BODY);
		await page.fill('#icon', ICON);
		await page.fill('#image', IMAGE);
		await page.click('button:has-text("Add a button")');
		await page.fill('#button-1-title', 'Shop now');
		await page.fill('#button-1-url', 'https://oak.example/sale');
		await page.click('button:has-text("Add a button")');
		await page.fill('#button-2-title', 'Later');

		await page.fill('#language-tag', 'DE');
		await page.press('#language-tag', 'Enter');
		expect(await page.getAttribute('[data-testid=languages] [data-lang=de]', 'aria-pressed')).toBe('true');
		// A variant's fields show the default's text until they change it.
		expect(await page.getAttribute('#locale-de-title', 'placeholder')).toBe(TITLE);
		await page.fill('#locale-de-title', DE_TITLE);
		await page.fill('#locale-de-body', DE_BODY);
		await page.fill('#locale-de-url', 'ftp://oak.example/de');

		const german = { title: DE_TITLE, body: DE_BODY, icon: ICON, image: IMAGE, actions: [{}, {}] };
		for (const id of ['firefox', 'safari-macos', 'chrome-android', 'chrome-windows']) {
			const figure = page.locator(`[data-browser="${id}"]`);
			expect(await figure.locator('[data-testid=drops]').textContent(), id).toBe(dropsLine(id, german));
			const b = BROWSERS.find((x) => x.id === id);
			expect(await figure.locator('.pv-card b').textContent()).toBe(cutText(DE_TITLE, b?.titleLength ?? 0));
			expect(await figure.locator('.pv-image').count(), `${id} image`).toBe(
				b?.shows.includes('image') ? 1 : 0,
			);
		}
		// Firefox and Safari drop the picture and both buttons; the note says so.
		expect(dropsLine('firefox', german)).toMatch(/^Drops: .*image.*2 buttons/);
		expect(await page.locator('[data-browser=firefox] [data-testid=browser-note]').textContent()).toBe(
			BROWSERS.find((b) => b.id === 'firefox')?.note,
		);
		expect(await page.locator('[data-testid=browser-previews] figure').count()).toBe(BROWSERS.length);

		// Saved from the default tab, the German link is refused (400 locales.de.url): German opens, the error at its link.
		await page.click('[data-testid=languages] [data-lang=default]');
		await page.click('[data-testid=resource-form] button[type=submit]');
		await page.locator('#locale-de-url-error').waitFor();
		expect(await page.locator('#locale-de-url-error').textContent()).toMatch(/^locales\.de\.url: /);
		expect(await page.getAttribute('#locale-de-url', 'aria-invalid')).toBe('true');
		expect(await page.getAttribute('[data-testid=languages] [data-lang=de]', 'aria-pressed')).toBe('true');

		// The name is taken, whatever its case (409): shown at the name.
		await page.fill('#locale-de-url', '');
		await page.click('[data-testid=resource-form] button[type=submit]');
		await page.locator('#resource-name-error').waitFor();
		expect(await page.getAttribute('#resource-name', 'aria-invalid')).toBe('true');
		expect(await page.locator('#locale-de-url-error').count()).toBe(0);

		await page.fill('#resource-name', 'Spring sale');
		await page.click('[data-testid=resource-form] button[type=submit]');
		await page.waitForFunction(() => /^#\/messages\/res_/.test(location.hash));
		await page.locator('[data-testid=resource-history]').waitFor();
		resourceId = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2] ?? '');
		expect(await page.locator('[data-testid=resource-current-version]').textContent()).toContain(
			'Version 1,',
		);

		const stored = (await api(`/resources/${resourceId}`)) as Resource;
		expect(stored).toMatchObject({ name: 'Spring sale', labels: ['promo', 'spring'], version: 1 });
		expect(stored.message).toMatchObject({ title: TITLE, body: BODY, icon: ICON, image: IMAGE });
		expect(stored.message.actions).toEqual([
			{ action: 'button-1', title: 'Shop now', url: 'https://oak.example/sale' },
			{ action: 'button-2', title: 'Later' },
		]);
		expect(stored.locales).toEqual({ de: { title: DE_TITLE, body: DE_BODY } });

		const message = { title: TITLE, body: BODY, icon: ICON, image: IMAGE, actions: [{}, {}] };
		expect(await page.locator('[data-browser=safari-ios] [data-testid=drops]').textContent()).toBe(
			dropsLine('safari-ios', message),
		);
		await shoot('resource-editor');

		await go('#/messages');
		const row = page.locator(`[data-testid=resources] tr[data-resource="${resourceId}"]`);
		await row.waitFor();
		expect(await page.locator('[data-testid=resources] tbody tr').count()).toBe(2);
		expect(await row.locator('.chip').allTextContents()).toEqual(['promo', 'spring']);
		expect(await row.locator('[data-testid=resource-languages]').textContent()).toBe('default, de');
		expect(await row.locator('[data-testid=resource-version]').textContent()).toBe('v1');
		expect(await row.locator('[data-testid=resource-used-by]').textContent()).toBe('0');
		await shoot('resources');

		await page.fill('#resource-q', 'SPRING');
		await page.click('form[aria-label="Find saved messages"] button[type=submit]');
		await page.waitForFunction(
			() => document.querySelectorAll('[data-testid=resources] tbody tr').length === 1,
		);
		await page.fill('#resource-q', '');
		await page.fill('#resource-label-filter', 'onboarding');
		await page.click('form[aria-label="Find saved messages"] button[type=submit]');
		await page.locator('[data-testid=resources] tbody tr:has-text("Welcome")').waitFor();
		expect(await page.locator('[data-testid=resources] tbody tr').count()).toBe(1);
	});

	it('saves a change as version 2 and shows version 1 read-only', async () => {
		await go(`#/messages/${resourceId}`);
		await page.locator('[data-testid=resource-history]').waitFor();
		await page.fill('#body', 'Now with linen napkins too.');
		await page.click('[data-testid=resource-form] button[type=submit]:has-text("Save as version 2")');
		await page.locator('[data-testid=resource-current-version]:has-text("Version 2,")').waitFor();
		expect(((await api(`/resources/${resourceId}`)) as Resource).version).toBe(2);

		expect(await page.inputValue('#resource-version')).toBe('1');
		await page.click('[data-testid=view-version]');
		await page.locator('[data-testid=version-read-only]').waitFor();
		expect(await page.locator('#screen-title').textContent()).toBe('Spring sale, version 1');
		expect(await page.locator('[data-testid=version-message]').textContent()).toContain(BODY);
		expect(await page.locator('[data-testid=version-locale]').textContent()).toContain(DE_TITLE);
		expect(await page.locator('main input, main textarea').count()).toBe(0);
		await shoot('resource-version');
		await page.click('[data-testid=languages] [data-lang=de]');
		expect(await page.locator('[data-browser=firefox] .pv-card b').textContent()).toBe(
			cutText(DE_TITLE, BROWSERS.find((b) => b.id === 'firefox')?.titleLength ?? 0),
		);
	});

	it('refuses to delete it while a scheduled campaign sends it, naming the campaign', async () => {
		const campaign = (await api('/campaigns', {
			method: 'POST',
			body: JSON.stringify({
				name: 'Spring campaign',
				message: { resource: resourceId },
				audience: { all: true },
				schedule: { type: 'once', at: '2030-04-01T08:00:00Z' },
			}),
		})) as { campaignId: string };
		await api(`/campaigns/${campaign.campaignId}/schedule`, { method: 'POST' });

		await go(`#/messages/${resourceId}`);
		const uses = page.locator('[data-testid=resource-uses]');
		await uses.locator('a:has-text("Spring campaign")').waitFor();
		await uses.locator('button:has-text("Delete")').click();
		await uses.locator('button:has-text("Yes, delete")').click();
		const alert = uses.locator('[role=alert]');
		await alert.waitFor();
		expect(await alert.textContent()).toContain('Spring campaign');
		expect(((await api(`/resources/${resourceId}`)) as Resource).name).toBe('Spring sale');

		await go(`#/campaigns/${campaign.campaignId}`);
		await page.locator('[data-testid=campaign-resource]').waitFor();
		expect(await page.locator('[data-testid=campaign-resource]').textContent()).toBe('Spring sale v2');

		// Its editor starts from the saved message; a changed title is saved as the one override.
		await page.click('[data-testid=campaign-actions] a:has-text("Edit")');
		await page.locator('[data-testid=campaign-form]').waitFor();
		expect(await page.inputValue('#saved-message')).toBe(resourceId);
		await page.waitForFunction(
			(t) => (document.querySelector('#title') as HTMLInputElement).value === t,
			TITLE,
		);
		await page.fill('#title', 'Spring sale ends tonight');
		const patch = page.waitForRequest((r) => r.method() === 'PATCH');
		await page.click('[data-testid=campaign-form] button[type=submit]:has-text("Save changes")');
		expect(JSON.parse((await patch).postData() ?? '{}').message).toEqual({
			resource: resourceId,
			title: 'Spring sale ends tonight',
		});
		await expect
			.poll(async () => ((await api(`/campaigns/${campaign.campaignId}`)) as { resource: unknown }).resource)
			.toMatchObject({ resourceId, overrides: { title: 'Spring sale ends tonight' } });
	});

	it('sends from the saved message in the composer with only the changed fields beside it', async () => {
		await go('#/send');
		await page.locator('#saved-message').waitFor();
		await page.selectOption('#saved-message', resourceId);
		expect(await page.inputValue('#title')).toBe(TITLE);
		expect(await page.locator('[data-testid=saved-message-hint]').textContent()).toContain('German (de)');
		await page.fill('#body', 'Last day: 20% off oak');
		expect(await page.locator('[data-platform=firefox] .pv-body').textContent()).toBe(
			'Last day: 20% off oak',
		);
		await shoot('composer-saved-message');

		const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/notifications'));
		await page.click('form[aria-labelledby=composer-title] button[type=submit]');
		await page.click('[data-testid=confirm-send]');
		const body = JSON.parse((await sent).postData() ?? '{}');
		expect(body).toEqual({ resource: resourceId, body: 'Last day: 20% off oak', audience: { all: true } });

		await page.locator('[data-testid=progress][data-status=done]').waitFor({ timeout: 20_000 });
		await go('#/notifications');
		const used = page.locator('[data-testid=history] [data-testid=saved-message-used]').first();
		await used.waitFor();
		expect(await used.textContent()).toBe('Saved message: Spring sale v2');
	});
});
