import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import {
	auditScreen,
	demoApi,
	type Finding,
	freshPage,
	openConsole,
	subscribeAllowed,
} from '../support/console.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';
import { type PushSink, startPushSink } from '../support/push-sink.ts';

// The campaigns screens of the console (issue 12): the list with its filters, the editor in four steps with its
// schedule picker, the detail with its lifecycle actions and runs, read-only for viewers.

interface Campaign {
	campaignId: string;
	name: string;
	labels: string[];
	state: string;
	schedule: unknown;
	nextRunAt: string | null;
	message: { title: string; body?: string };
	audience: unknown;
	runs: Array<{ run: number; notificationId: string; status: string; counts: { targeted: number } }>;
}

describe('console campaigns: list, editor, detail and runs', () => {
	let worker: LocalWorker;
	let browser: Browser;
	let sink: PushSink;
	const findings: Record<string, Record<string, Finding[]>> = {};
	/** The weekly campaign made in the first test. */
	let weeklyId = '';
	/** The "now" campaign made in the third. */
	let nowId = '';

	const shoot = (page: Page, screen: string) => auditScreen(page, screen, findings);

	const api = (path: string, init: RequestInit = {}) => demoApi(worker, path, init);

	/** An allowed browser whose push service is the local sink (it accepts every push). */
	const allowed = () => subscribeAllowed(worker, sink.url);

	/** Waits until the detail shows this state. */
	const stateIs = (page: Page, state: string) =>
		page.locator(`[data-testid=campaign-state] [data-state=${state}]`).waitFor({ timeout: 20_000 });

	/** `when()` of the console for an instant, as the page formats it. */
	const formatted = (page: Page, iso: string) =>
		page.evaluate(
			(at) =>
				new Date(at).toLocaleString(document.documentElement.lang || undefined, {
					year: 'numeric',
					month: 'short',
					day: 'numeric',
					hour: '2-digit',
					minute: '2-digit',
				}),
			iso,
		);

	beforeAll(async () => {
		[worker, browser, sink] = await Promise.all([startWorker(), launchChromium(), startPushSink()]);
		await Promise.all([allowed(), allowed()]);
	});

	afterAll(async () => {
		console.log('console-campaigns axe-core findings', JSON.stringify(findings));
		await browser?.close();
		await worker?.stop();
		await sink?.close();
	});

	it('creates a draft with a weekly recurring schedule in the editor and stores the schedule entered', async () => {
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker, '#/campaigns');
		expect(await page.locator('nav a[href="#/campaigns"]').getAttribute('aria-current')).toBe('page');
		await page.locator('[data-testid=no-campaigns]').waitFor();
		expect(await page.locator('[data-testid=no-campaigns]').textContent()).toBe('No campaigns yet.');
		await page.click('[data-testid=new-campaign]');
		await page.locator('[data-testid=campaign-form]').waitFor();

		await page.fill('#campaign-name', 'Weekly digest');
		await page.fill('#campaign-labels', 'digest, weekly , digest');
		await page.fill('#title', 'This week at the shop');
		await page.fill('#body', 'Hi {{ user.first_name | default: "there" }}, new oak boards are in');
		expect(await page.locator('[data-platform=macos]').textContent()).toContain('This week at the shop');
		// Everyone, with the live reach of the two allowed browsers.
		await page.waitForFunction(
			() => document.querySelector('[data-testid=reach-reachable]')?.textContent === '2',
			undefined,
			{ timeout: 15_000 },
		);

		await page.check('input[name=schedule-kind][value=recurring]');
		expect(await page.inputValue('#schedule-timezone')).toBe(
			await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
		);
		expect(await page.locator('#schedule-zones option[value="Europe/Berlin"]').count()).toBe(1);
		await page.selectOption('#schedule-freq', 'weekly');
		await page.fill('#schedule-interval', '2');
		for (const day of ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'])
			await page.setChecked(`#schedule-day-${day}`, day === 'MO' || day === 'TH');
		await page.fill('#schedule-time-1', '09:30');
		await page.click('[data-testid=schedule-recurrence] button:has-text("Add a time")');
		await page.fill('#schedule-time-2', '18:00');
		await page.fill('#schedule-start', '2030-01-07');
		await page.fill('#schedule-end', '2030-06-30');
		await page.fill('#schedule-timezone', 'Europe/Berlin');
		await shoot(page, 'campaign-editor');

		// An unknown time zone: the API's 400 names the field, and nothing is saved.
		await page.fill('#schedule-timezone', 'Mars/Olympus');
		await page.click('[data-testid=campaign-form] button[type=submit]:has-text("Save draft")');
		const alert = page.locator('.campaign-save [role=alert]');
		await alert.waitFor();
		expect(await alert.textContent()).toContain('timezone');
		expect(((await api('/campaigns')) as { campaigns: unknown[] }).campaigns).toEqual([]);

		await page.fill('#schedule-timezone', 'Europe/Berlin');
		await page.click('[data-testid=campaign-form] button[type=submit]:has-text("Save draft")');
		await page.locator('[data-testid=toasts]:has-text("Campaign saved")').waitFor();
		await page.waitForFunction(() => /^#\/campaigns\/[^/]+\/edit$/.test(location.hash));
		weeklyId = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2] ?? '');
		expect(await page.locator('.campaign-save [role=alert]').count()).toBe(0);

		const stored = (await api(`/campaigns/${weeklyId}`)) as Campaign;
		expect(stored.state).toBe('draft');
		expect(stored.name).toBe('Weekly digest');
		expect(stored.labels).toEqual(['digest', 'weekly']);
		expect(stored.audience).toEqual({ all: true });
		expect(stored.message).toMatchObject({
			title: 'This week at the shop',
			body: 'Hi {{ user.first_name | default: "there" }}, new oak boards are in',
		});
		expect(stored.schedule).toEqual({
			type: 'recurring',
			rule: {
				freq: 'weekly',
				interval: 2,
				byWeekday: ['MO', 'TH'],
				times: ['09:30', '18:00'],
				start: '2030-01-07',
				end: '2030-06-30',
				timezone: 'Europe/Berlin',
			},
		});

		// A second save of the same form changes the campaign, not a new one.
		await page.fill('#campaign-name', 'Weekly oak digest');
		await page.click('[data-testid=campaign-form] button[type=submit]:has-text("Save draft")');
		await expect
			.poll(async () => ((await api('/campaigns')) as { campaigns: Campaign[] }).campaigns.map((c) => c.name))
			.toEqual(['Weekly oak digest']);

		// The editor reopens with what was saved.
		await page.reload();
		await page.locator('[data-testid=campaign-form]').waitFor();
		expect(await page.inputValue('#campaign-name')).toBe('Weekly oak digest');
		expect(await page.inputValue('#campaign-labels')).toBe('digest, weekly');
		expect(await page.isChecked('input[name=schedule-kind][value=recurring]')).toBe(true);
		expect(await page.inputValue('#schedule-time-2')).toBe('18:00');
		expect(await page.isChecked('#schedule-day-TH')).toBe(true);
		expect(await page.isChecked('#schedule-day-TU')).toBe(false);
		await context.close();
	});

	it('schedules the campaign with its next run, pauses and resumes it, and cancels it after a confirm', async () => {
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker, `#/campaigns/${weeklyId}`);
		await stateIs(page, 'draft');
		expect(await page.locator('[data-testid=campaign-schedule]').textContent()).toBe(
			'Every 2 weeks on Mon and Thu, at 09:30 and 18:00 (Europe/Berlin), from 2030-01-07 to 2030-06-30',
		);
		await page.click('[data-action=schedule]');
		await stateIs(page, 'scheduled');
		const scheduled = (await api(`/campaigns/${weeklyId}`)) as Campaign;
		// 7 January 2030 is a Monday: 09:30 in Berlin (CET) is 08:30 UTC.
		expect(scheduled.nextRunAt).toBe('2030-01-07T08:30:00.000Z');
		expect(await page.locator('[data-testid=campaign-next-run]').textContent()).toBe(
			await formatted(page, '2030-01-07T08:30:00.000Z'),
		);
		expect(await page.locator('[data-action=schedule]').count()).toBe(0);
		expect(await page.locator('[data-testid=campaign-actions] button:has-text("Delete")').count()).toBe(0);

		await page.click('[data-action=pause]');
		await stateIs(page, 'paused');
		expect(await page.locator('[data-testid=campaign-next-run]').textContent()).toBe('–');
		await page.click('[data-action=resume]');
		await stateIs(page, 'scheduled');
		expect(await page.locator('[data-testid=campaign-next-run]').textContent()).toContain('2030');

		// Renaming a scheduled campaign leaves its schedule alone (a schedule sent again would count from now).
		await page.click('[data-testid=campaign-actions] a:has-text("Edit")');
		await page.locator('[data-testid=campaign-form]').waitFor();
		const patches: string[] = [];
		page.on('request', (r) => {
			if (r.method() === 'PATCH') patches.push(r.postData() ?? '');
		});
		await page.fill('#campaign-name', 'Weekly oak digest (Berlin)');
		await page.click('[data-testid=campaign-form] button[type=submit]:has-text("Save changes")');
		await page.locator('[data-testid=toasts]:has-text("Campaign saved")').waitFor();
		expect(patches).toHaveLength(1);
		expect(JSON.parse(patches[0] ?? '{}')).not.toHaveProperty('schedule');
		const renamed = (await api(`/campaigns/${weeklyId}`)) as Campaign;
		expect(renamed).toMatchObject({ name: 'Weekly oak digest (Berlin)', state: 'scheduled' });
		expect(renamed.nextRunAt).toBe('2030-01-07T08:30:00.000Z');
		await page.click('a:has-text("Back to the campaign")');
		await stateIs(page, 'scheduled');

		await page.click('[data-testid=campaign-actions] button:has-text("Cancel campaign")');
		expect(await page.locator('[data-testid=campaign-actions] .confirm-q').textContent()).toContain(
			'Cancel this campaign?',
		);
		await page.click('[data-testid=campaign-actions] button:has-text("Yes, cancel it")');
		await stateIs(page, 'cancelled');
		expect(((await api(`/campaigns/${weeklyId}`)) as Campaign).state).toBe('cancelled');
		expect(await page.locator('[data-testid=campaign-actions] a:has-text("Edit")').count()).toBe(0);
		expect(await page.locator('[data-testid=campaign-actions] button:has-text("Delete")').count()).toBe(1);
		await context.close();
	});

	it('sends a "now" campaign: its run appears with its counts and links to its report', async () => {
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker, '#/campaigns/new');
		await page.locator('[data-testid=campaign-form]').waitFor();
		await page.fill('#campaign-name', 'Flash sale');
		await page.fill('#campaign-labels', 'sale');
		await page.fill('#title', 'Flash sale: 20% off oak');
		expect(await page.isChecked('input[name=schedule-kind][value=now]')).toBe(true);
		await page.click('[data-testid=save-schedule]');
		await page.waitForFunction(() => /^#\/campaigns\/(?!new$)[^/]+$/.test(location.hash));
		nowId = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2] ?? '');

		const run = page.locator('[data-testid=campaign-runs] tr[data-run="1"]');
		await run.waitFor({ timeout: 30_000 });
		await page.waitForFunction(
			() => document.querySelector('tr[data-run="1"] [data-count=targeted]')?.textContent === '2',
			undefined,
			{ timeout: 30_000 },
		);
		// Both pushes are accepted by the sink: the run is done, and so is the one-off campaign.
		await page.waitForFunction(
			() => document.querySelector('tr[data-run="1"] [data-count=sent]')?.textContent === '2',
			undefined,
			{ timeout: 30_000 },
		);
		await stateIs(page, 'done');
		expect(await run.locator('[data-count=failed]').textContent()).toBe('0');
		expect(await run.locator('.badge').textContent()).toBe('done');
		const stored = (await api(`/campaigns/${nowId}`)) as Campaign;
		expect(stored.runs).toHaveLength(1);
		expect(stored.runs[0]?.counts.targeted).toBe(2);
		const href = await run.locator('[data-testid=run-report]').getAttribute('href');
		expect(href).toBe(`#/notifications/${stored.runs[0]?.notificationId}`);
		// Beside it, the run's results (funnel, variants, conversions).
		expect(await run.locator('[data-testid=run-results]').getAttribute('href')).toBe(
			`#/campaigns/${nowId}/runs/1`,
		);

		// "Send test" with nobody marked as a tester says so and where to mark one.
		await page.click('[data-testid=send-test]');
		const none = page.locator('[data-testid=no-testers]');
		await none.waitFor();
		expect(await none.textContent()).toContain('Nobody is marked as a tester');
		expect(await none.locator('a').getAttribute('href')).toBe('#/subscribers');
		await shoot(page, 'campaign-detail');

		await run.locator('[data-testid=run-report]').click();
		await expect(page.locator('[data-testid=report-title]').textContent()).resolves.toBe(
			'Flash sale: 20% off oak',
		);
		await page.locator('[data-figure=targeted]:has-text("2")').waitFor();
		await context.close();
	});

	it('sends times in the browser’s zone as UTC: once, several dates, and a monthly rule on the last day', async () => {
		const context = await browser.newContext({
			viewport: { width: 1280, height: 800 },
			timezoneId: 'America/New_York',
		});
		const page = await context.newPage();
		await openConsole(page, worker, '#/campaigns/new');
		await page.locator('[data-testid=campaign-form]').waitFor();
		await page.fill('#campaign-name', 'Dated');
		await page.fill('#title', 'Save the date');
		await page.check('input[name=schedule-kind][value=once]');
		expect(await page.locator('[data-testid=schedule]').textContent()).toContain('America/New_York');
		await page.fill('#schedule-once', '2030-07-04T09:00');
		await page.click('[data-testid=campaign-form] button[type=submit]:has-text("Save draft")');
		await page.waitForFunction(() => /^#\/campaigns\/[^/]+\/edit$/.test(location.hash));
		const id = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2] ?? '');
		// 09:00 in New York in July (EDT, UTC−4).
		await expect
			.poll(async () => ((await api(`/campaigns/${id}`)) as Campaign).schedule)
			.toEqual({
				type: 'once',
				at: '2030-07-04T13:00:00Z',
			});

		await page.check('input[name=schedule-kind][value=dates]');
		await page.fill('#schedule-date-1', '2030-12-01T09:00');
		await page.click('[data-testid=schedule-dates] button:has-text("Add a date")');
		await page.click('[data-testid=schedule-dates] button:has-text("Add a date")');
		await page.fill('#schedule-date-2', '2030-12-08T18:30');
		await page.fill('#schedule-date-3', '2030-12-15T09:00');
		await page.click('button[aria-label="Remove date 2"]');
		expect(await page.inputValue('#schedule-date-2')).toBe('2030-12-15T09:00');
		await page.click('[data-testid=campaign-form] button[type=submit]:has-text("Save draft")');
		// December: EST, UTC−5.
		await expect
			.poll(async () => ((await api(`/campaigns/${id}`)) as Campaign).schedule)
			.toEqual({
				type: 'dates',
				at: ['2030-12-01T14:00:00Z', '2030-12-15T14:00:00Z'],
			});

		await page.check('input[name=schedule-kind][value=recurring]');
		await page.selectOption('#schedule-freq', 'monthly');
		await page.fill('#schedule-month-days', '1, 15');
		await page.check('#schedule-last-day');
		await page.fill('#schedule-time-1', '08:00');
		await page.fill('#schedule-start', '2030-01-01');
		await page.click('[data-testid=campaign-form] button[type=submit]:has-text("Save draft")');
		await expect
			.poll(async () => ((await api(`/campaigns/${id}`)) as Campaign).schedule)
			.toEqual({
				type: 'recurring',
				rule: {
					freq: 'monthly',
					byMonthDay: [1, 15, -1],
					times: ['08:00'],
					start: '2030-01-01',
					timezone: 'America/New_York',
				},
			});
		await context.close();
	});

	it('lists the campaigns and filters them by state and label', async () => {
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker, '#/campaigns');
		const rows = page.locator('[data-testid=campaigns] tbody tr');
		await rows.first().waitFor();
		expect(await rows.count()).toBe(3);
		const nowRow = page.locator(`tr[data-campaign="${nowId}"]`);
		expect(await nowRow.locator('.badge').textContent()).toBe('done');
		expect(await nowRow.locator('.chip').allTextContents()).toEqual(['sale']);
		expect(await nowRow.locator('td[data-label=Runs]').textContent()).toBe('1');
		const weeklyRow = page.locator(`tr[data-campaign="${weeklyId}"]`);
		expect(await weeklyRow.locator('.badge').textContent()).toBe('cancelled');
		expect(await weeklyRow.locator('a').textContent()).toBe('Weekly oak digest (Berlin)');
		await shoot(page, 'campaigns');

		const requests: string[] = [];
		page.on('request', (r) => {
			if (r.url().includes('/campaigns?')) requests.push(new URL(r.url()).search);
		});
		await page.selectOption('#campaign-state-filter', 'cancelled');
		await page.waitForFunction(
			() => document.querySelectorAll('[data-testid=campaigns] tbody tr').length === 1,
		);
		expect(await page.locator(`tr[data-campaign="${weeklyId}"]`).count()).toBe(1);
		await page.selectOption('#campaign-state-filter', '');
		await page.fill('#campaign-label-filter', 'sale');
		await page.click('form[aria-label="Filter campaigns"] button[type=submit]');
		await page.locator(`tr[data-campaign="${nowId}"]`).waitFor();
		await page.waitForFunction(
			() => document.querySelectorAll('[data-testid=campaigns] tbody tr').length === 1,
		);
		await page.selectOption('#campaign-state-filter', 'draft');
		await page.locator('[data-testid=no-campaigns]').waitFor();
		expect(await page.locator('[data-testid=no-campaigns]').textContent()).toBe(
			'No campaign matches these filters.',
		);
		expect(requests).toEqual(['?state=cancelled', '?label=sale', '?state=draft&label=sale']);
		await context.close();
	});

	it('shows a viewer everything with the actions disabled and why', async () => {
		const mint = async () =>
			(await api('/console-tokens', {
				method: 'POST',
				body: JSON.stringify({ staff: { id: 'wp-9', name: 'Vera' }, role: 'viewer' }),
			})) as { token: string };
		const boot = JSON.stringify({ token: await mint(), refreshUrl: '/wp-refresh', nonce: 'n' });
		const { context, page } = await freshPage(browser);
		await page.route(`${worker.url}/wp-refresh`, async (route) => route.fulfill({ json: await mint() }));
		await page.route(`${worker.url}/host-test/`, (route) =>
			route.fulfill({
				contentType: 'text/html; charset=utf-8',
				body: `<!doctype html><html lang="en"><head><title>Host</title><link rel="stylesheet" href="/console/console.css"><script>window.beckonConsoleWp = ${boot};</script><script type="module" src="/console/console.js"></script></head><body><div id="beckon-console" data-host="wordpress" data-api=""></div></body></html>`,
			}),
		);
		await page.goto(`${worker.url}/host-test/#/campaigns/${nowId}`);
		await stateIs(page, 'done');
		const test = page.locator('[data-testid=send-test]');
		expect(await test.isDisabled()).toBe(true);
		expect(await test.getAttribute('title')).toBe('Editors and admins change campaigns');
		const remove = page.locator('[data-testid=campaign-actions] button:has-text("Delete")');
		expect(await remove.isDisabled()).toBe(true);
		expect(await remove.getAttribute('title')).toBe('Editors and admins change campaigns');

		await page.evaluate(() => (location.hash = '#/campaigns'));
		await page.locator('[data-testid=campaigns]').waitFor();
		expect(await page.locator('[data-testid=new-campaign]').count()).toBe(0);
		// The site's frequency cap: read, not changed.
		const cap = page.locator('[data-testid=frequency-cap]');
		expect(await cap.locator('[data-testid=cap-now]').textContent()).toBe('Now: no cap.');
		expect(await page.isDisabled('#cap-on')).toBe(true);
		expect(await cap.locator('button[type=submit]').count()).toBe(0);
		await context.close();
	});
});
