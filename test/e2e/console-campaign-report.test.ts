import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inHoldout, variantOf } from '../../worker/src/campaigns/experiment.ts';
import type {
	CampaignRunView,
	CampaignView,
	ConversionReport,
	SiteView,
} from '../../worker/src/wire/index.ts';
import { launchChromium } from '../support/chromium.ts';
import {
	auditScreen,
	DESKTOP,
	type Finding,
	openConsole,
	PHONE,
	subscribeAllowed,
} from '../support/console.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';
import { type PushSink, startPushSink } from '../support/push-sink.ts';

// The campaign screens of issue 12's second half: the editor's delivery and experiment steps, a run's report
// (funnel, left out, variants, conversions and lift), the calendar of runs, and the site's frequency cap.

interface RunReport {
	run: CampaignRunView;
	conversions: ConversionReport | null;
}

describe('console campaigns: delivery options, experiments, run reports, calendar and frequency cap', () => {
	let worker: LocalWorker;
	let browser: Browser;
	let sink: PushSink;
	/** Allowed browsers whose push service is the local sink. */
	let subscribers: string[] = [];
	/** The A/B campaign with a control group and a goal that ran in the second test. */
	let reportId = '';
	let reportName = '';
	const findings: Record<string, Record<string, Finding[]>> = {};

	const shoot = (page: Page, screen: string) => auditScreen(page, screen, findings);

	const api = async <T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> => {
		const response = await fetch(`${worker.url}/v1/sites/${worker.demo.siteId}${path}`, {
			...init,
			...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
			headers: { authorization: `Bearer ${worker.demo.apiKey}`, 'content-type': 'application/json' },
		});
		if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
		return (response.status === 204 || response.status === 202 ? null : await response.json()) as T;
	};

	const allowed = () => subscribeAllowed(worker, sink.url);

	/** A page whose browser is in Berlin. */
	const berlin = async () => {
		const context = await browser.newContext({ viewport: DESKTOP, timezoneId: 'Europe/Berlin' });
		return { context, page: await context.newPage() };
	};

	/** How the console formats a share (`percent` of console/src/ui/format.ts), in the page's language. */
	const percentIn = (page: Page, x: number, signed = false) =>
		page.evaluate(
			([share, sign]) =>
				new Intl.NumberFormat(document.documentElement.lang || undefined, {
					style: 'percent',
					maximumFractionDigits: 1,
					...(sign ? { signDisplay: 'exceptZero' as const } : {}),
				}).format(share as number),
			[x, signed] as const,
		);

	const save = (page: Page) => page.click('[data-testid=campaign-form] button[type=submit]');

	beforeAll(async () => {
		[worker, browser, sink] = await Promise.all([startWorker(), launchChromium(), startPushSink()]);
		subscribers = await Promise.all(Array.from({ length: 6 }, allowed));
	});

	afterAll(async () => {
		console.log('console-campaign-report axe-core findings', JSON.stringify(findings));
		await browser?.close();
		await worker?.stop();
		await sink?.close();
	});

	it('stores the delivery options and the experiment exactly as entered, and only what changed', async () => {
		const { context, page } = await berlin();
		await openConsole(page, worker, '#/campaigns/new');
		await page.locator('[data-testid=campaign-form]').waitFor();
		await page.fill('#campaign-name', 'Spring sale');
		await page.fill('#title', 'Spring sale: oak boards 20% off');
		await page.fill('#body', 'Until Sunday');

		await page.check('#timing-local');
		await page.fill('#timing-local-time', '08:30');
		await page.check('#timing-passed-skip');
		await page.check('#timing-quiet');
		await page.fill('#timing-quiet-start', '22:00');
		await page.fill('#timing-quiet-end', '07:00');
		await page.check('#timing-quiet-discard');
		// Not a recurrence: the zone defaults to the browser's.
		expect(await page.getAttribute('#timing-timezone', 'placeholder')).toBe('Europe/Berlin');
		await page.check('#timing-cutoff-after');
		await page.fill('#timing-cutoff-minutes', '90');
		await page.fill('#timing-throttle', '120');
		await page.check('#timing-ignore-cap');

		await page.check('#experiment-holdout-on');
		await page.fill('#experiment-holdout', '12.5');
		await page.click('[data-testid=add-variant]');
		expect(await page.locator('fieldset.variant').count()).toBe(2);
		await page.fill('#variant-2-title', 'Last chance for oak');
		await page.click('[data-testid=add-variant]');
		await page.fill('#variant-3-name', 'Calm');
		await page.fill('#variant-3-weight', '2');
		await page.fill('#variant-3-body', 'No rush');
		expect(await page.locator('fieldset.variant[data-variant="2"] legend').textContent()).toContain(
			`${await percentIn(page, 0.5)} of the audience`,
		);
		await page.check('#experiment-goal-on');
		expect(await page.inputValue('#goal-event')).toBe('purchase');
		await page.fill('#goal-window', '48');
		await page.fill('#goal-revenue', 'total');

		// The preview shows each variant's message: the campaign's with the variant's fields over it.
		const macos = page.locator('[data-platform=macos]');
		await page.click('[data-testid=preview-variants] button:text-is("B")');
		expect(await page.locator('#preview-title').textContent()).toBe('Preview of variant B');
		expect(await macos.textContent()).toContain('Last chance for oak');
		expect(await macos.textContent()).toContain('Until Sunday');
		await page.click('[data-testid=preview-variants] button:text-is("Calm")');
		expect(await macos.textContent()).toContain('Spring sale: oak boards 20% off');
		expect(await macos.textContent()).toContain('No rush');
		await shoot(page, 'campaign-options');

		// An unknown zone: the API's 400 names the field, and nothing is saved.
		await page.fill('#timing-timezone', 'Mars/Olympus');
		await save(page);
		const alert = page.locator('.campaign-save [role=alert]');
		await alert.waitFor();
		expect(await alert.textContent()).toContain('timing.timezone');
		expect((await api<{ campaigns: unknown[] }>('/campaigns')).campaigns).toEqual([]);

		await page.fill('#timing-timezone', '');
		await save(page);
		await page.waitForFunction(() => /^#\/campaigns\/[^/]+\/edit$/.test(location.hash));
		const id = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2] ?? '');
		const stored = await api<CampaignView>(`/campaigns/${id}`);
		expect(stored.timing).toEqual({
			timezone: 'Europe/Berlin',
			localTime: { time: '08:30', passed: 'skip' },
			quietHours: { start: '22:00', end: '07:00', action: 'discard' },
			cutoffAfterMinutes: 90,
			throttlePerMinute: 120,
			ignoreFrequencyCap: true,
		});
		expect(stored.experiment).toEqual({
			holdoutPercent: 12.5,
			variants: [
				{ name: 'A', weight: 1 },
				{ name: 'B', weight: 1, message: { title: 'Last chance for oak' } },
				{ name: 'Calm', weight: 2, message: { body: 'No rush' } },
			],
			goal: { event: 'purchase', windowHours: 48, revenueProperty: 'total' },
		});

		// The editor reopens with what was saved; a change sends the parts it changed, and nothing else.
		await page.reload();
		await page.locator('[data-testid=campaign-form]').waitFor();
		expect(await page.isChecked('#timing-passed-skip')).toBe(true);
		expect(await page.inputValue('#timing-timezone')).toBe('Europe/Berlin');
		expect(await page.inputValue('#variant-3-name')).toBe('Calm');
		expect(await page.inputValue('#experiment-holdout')).toBe('12.5');
		const patches: Array<Record<string, unknown>> = [];
		page.on('request', (r) => {
			if (r.method() === 'PATCH') patches.push(JSON.parse(r.postData() ?? '{}'));
		});
		await page.uncheck('#timing-quiet');
		await page.check('#timing-cutoff-at');
		await page.fill('#timing-cutoff-at-value', '2030-07-04T09:00');
		await page.click('button[aria-label="Remove variant B"]');
		await page.uncheck('#experiment-goal-on');
		await save(page);
		await page.locator('[data-testid=toasts]:has-text("Campaign saved")').waitFor();
		const changed = await api<CampaignView>(`/campaigns/${id}`);
		// 09:00 in Berlin in July (CEST, UTC+2).
		expect(changed.timing).toEqual({
			timezone: 'Europe/Berlin',
			localTime: { time: '08:30', passed: 'skip' },
			cutoffAt: '2030-07-04T07:00:00Z',
			throttlePerMinute: 120,
			ignoreFrequencyCap: true,
		});
		expect(changed.experiment).toEqual({
			holdoutPercent: 12.5,
			variants: [
				{ name: 'A', weight: 1 },
				{ name: 'Calm', weight: 2, message: { body: 'No rush' } },
			],
		});
		await page.fill('#campaign-name', 'Spring sale (Berlin)');
		await save(page);
		await expect.poll(() => patches.length).toBe(2);
		expect(Object.keys(patches[0] ?? {})).toEqual(expect.arrayContaining(['timing', 'experiment']));
		expect(patches[1]).not.toHaveProperty('timing');
		expect(patches[1]).not.toHaveProperty('experiment');

		// Fewer than two variants is no A/B test.
		await page.click('button[aria-label="Remove variant Calm"]');
		expect(await page.locator('fieldset.variant').count()).toBe(0);
		expect(await page.locator('[data-testid=preview-variants]').count()).toBe(0);

		// The campaign's page says what was saved.
		await page.click('a:has-text("Back to the campaign")');
		const timing = page.locator('[data-testid=campaign-timing]');
		await timing.waitFor();
		expect(await timing.textContent()).toContain(
			'at 08:30 in each subscriber’s time zone (skipped where it has passed)',
		);
		expect(await timing.textContent()).toContain(
			'at most 120 pushes a minute; not subject to the frequency cap',
		);
		expect(await page.locator('[data-testid=campaign-experiment]').textContent()).toBe(
			`control group of ${await percentIn(page, 0.125)}; variants A and Calm`,
		);
		await context.close();
	});

	it('reports a run with variants, a control group and a goal with the numbers the API returns', async () => {
		// Membership is a hash of (campaign, subscriber): make drafts until someone is held out and two are sent to.
		const experiment = {
			holdoutPercent: 30,
			variants: [{ weight: 1 }, { name: 'Urgent', weight: 1, message: { title: 'Last day for oak!' } }],
			goal: { event: 'purchase', windowHours: 24, revenueProperty: 'total' },
		};
		let held: string[] = [];
		let sent: string[] = [];
		for (let tries = 0; tries < 20 && !reportId; tries++) {
			const draft = await api<CampaignView>('/campaigns', {
				method: 'POST',
				json: {
					name: `Oak week ${tries}`,
					message: { title: 'Oak week', body: 'New boards are in' },
					audience: { all: true },
					schedule: { type: 'now' },
					experiment,
				},
			});
			held = subscribers.filter((s) => inHoldout(draft.campaignId, s, 30));
			sent = subscribers.filter((s) => !held.includes(s));
			if (held.length > 0 && sent.length > 1) {
				reportId = draft.campaignId;
				reportName = draft.name;
			} else await api(`/campaigns/${draft.campaignId}`, { method: 'DELETE' });
		}
		expect(reportId).not.toBe('');
		await api(`/campaigns/${reportId}/schedule`, { method: 'POST' });
		const reportPath = `/campaigns/${reportId}/runs/1/report`;
		await expect
			.poll(async () => (await api<RunReport>(reportPath).catch(() => null))?.run.status, { timeout: 20_000 })
			.toBe('done');

		// A sent subscriber clicks, then buys; someone of the control group buys too.
		const buyer = sent[0] as string;
		const { notificationId } = (await api<RunReport>(reportPath)).run;
		const click = await fetch(`${worker.url}/v1/sites/${worker.demo.siteId}/subscribers/${buyer}/events`, {
			method: 'POST',
			body: JSON.stringify({ type: 'clicked', notificationId }),
		});
		expect(click.status).toBe(202);
		await expect
			.poll(async () => (await api<RunReport>(reportPath)).run.counts.clicked, { timeout: 15_000 })
			.toBe(1);
		await api('/events', {
			method: 'POST',
			json: {
				events: [
					{ name: 'purchase', subscriberId: buyer, properties: { total: 49.9 } },
					{ name: 'purchase', subscriberId: held[0], properties: { total: 20 } },
				],
			},
		});
		await expect
			.poll(
				async () => {
					const c = (await api<RunReport>(reportPath)).conversions;
					return [c?.converted, c?.direct, c?.control?.converted];
				},
				{ timeout: 15_000 },
			)
			.toEqual([1, 1, 1]);
		const report = await api<RunReport>(reportPath);
		const conversions = report.conversions as ConversionReport;
		const counts = report.run.counts;
		const buyerVariant = variantOf(reportId, buyer, [1, 1]);

		const { context, page } = await berlin();
		await openConsole(page, worker, `#/campaigns/${reportId}`);
		const results = page.locator('tr[data-run="1"] [data-testid=run-results]');
		expect(await results.getAttribute('href')).toBe(`#/campaigns/${reportId}/runs/1`);
		await results.click();
		await page.locator('[data-testid=funnel]').waitFor();
		expect(await page.locator('#screen-title').textContent()).toBe(`${reportName}: run #1`);
		const figure = (key: string) => page.locator(`[data-figure=${key}]`).first().textContent();
		expect(await figure('targeted')).toBe(String(counts.targeted));
		expect(await figure('sent')).toBe(String(counts.sent));
		expect(await figure('shown')).toBe(String(counts.shown));
		expect(await figure('clicked')).toBe('1');
		expect(await figure('converted')).toBe('1');
		expect(await page.locator('[data-testid=skipped] [data-reason=holdout] dd').textContent()).toBe(
			String(held.length),
		);
		expect(counts.skipped?.holdout).toBe(held.length);

		const rows = page.locator('[data-testid=variants-table] tbody tr');
		expect(await rows.count()).toBe(2);
		for (const [i, v] of (conversions.variants ?? []).entries()) {
			const row = rows.nth(i);
			const delivered = counts.variants?.[i];
			expect(await row.locator('th').textContent()).toContain(v.name);
			expect(await row.locator('[data-count=sent]').textContent()).toBe(String(delivered?.sent));
			expect(await row.locator('[data-count=clicked]').textContent()).toBe(String(delivered?.clicked));
			expect(await row.locator('[data-count=converted]').textContent()).toBe(String(v.converted));
			expect(await row.locator('[data-count=conversion-rate]').textContent()).toBe(
				await percentIn(page, v.rate),
			);
			expect(await row.locator('[data-count=revenue]').textContent()).toBe(String(v.revenue));
		}
		expect(await page.locator('tr.best').getAttribute('data-variant')).toBe(String(buyerVariant));
		expect(await page.locator('tr.best .badge').textContent()).toBe('Best');

		expect(await figure('revenue')).toBe('49.9');
		expect(await figure('direct')).toBe('1');
		expect(await figure('control-members')).toBe(String(conversions.control?.members));
		expect(await figure('control-converted')).toBe('1');
		expect(await figure('lift')).toBe(await percentIn(page, conversions.lift as number, true));
		expect(await page.locator('[data-testid=lift-text]').textContent()).toContain(
			await percentIn(page, Math.abs(conversions.lift as number)),
		);
		expect(await page.locator('[data-testid=window-state]').getAttribute('data-final')).toBe('false');
		await shoot(page, 'campaign-report');
		await context.close();
	});

	it('shows a recurring campaign’s runs to come in their day cells, and the runs that started apart', async () => {
		const weekly = await api<CampaignView>('/campaigns', {
			method: 'POST',
			json: {
				name: 'Oak digest',
				message: { title: 'This week in oak' },
				audience: { all: true },
				schedule: {
					type: 'recurring',
					rule: {
						freq: 'weekly',
						byWeekday: ['MO', 'TH'],
						times: ['09:30'],
						start: '2030-01-07',
						end: '2030-01-31',
						timezone: 'Europe/Berlin',
					},
				},
			},
		});
		await api(`/campaigns/${weekly.campaignId}/schedule`, { method: 'POST' });

		const { context, page } = await berlin();
		await openConsole(page, worker, '#/campaigns');
		await page.click('[data-testid=campaign-calendar]');
		await page.locator('[data-testid=calendar] tbody td').first().waitFor();
		// This month: the run that started in the previous test, in today's cell, as a run that started.
		const today = await page.evaluate(() => {
			const d = new Date();
			return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
		});
		await page.locator(`td[data-day="${today}"] a.cal-started[data-campaign="${reportId}"]`).waitFor();

		const asked: string[] = [];
		page.on('request', (r) => {
			if (r.url().includes('/campaigns/calendar')) asked.push(new URL(r.url()).search);
		});
		await page.evaluate(() => (location.hash = '#/campaigns/calendar?month=2030-01'));
		await page.locator('[data-testid=calendar-month]:has-text("January 2030")').waitFor();
		const links = page.locator(`[data-testid=calendar] a[data-campaign="${weekly.campaignId}"]`);
		await links.first().waitFor();
		// Midnight of 1 January and 1 February in Berlin (CET, UTC+1).
		expect(asked[0]).toBe(
			`?from=${encodeURIComponent('2029-12-31T23:00:00.000Z')}&to=${encodeURIComponent('2030-01-31T23:00:00.000Z')}`,
		);
		const days = ['07', '10', '14', '17', '21', '24', '28', '31'].map((d) => `2030-01-${d}`);
		// 09:30 in Berlin, as the page writes a time.
		const nineThirty = await page.evaluate(() =>
			new Date(2030, 0, 7, 9, 30).toLocaleTimeString(document.documentElement.lang || undefined, {
				hour: '2-digit',
				minute: '2-digit',
			}),
		);
		expect(await links.count()).toBe(days.length);
		for (const day of days) {
			const link = page.locator(`td[data-day="${day}"] a[data-campaign="${weekly.campaignId}"]`);
			expect(await link.getAttribute('class')).toBe('cal-run cal-upcoming');
			expect(await link.locator('.cal-time').textContent()).toBe(nineThirty);
			expect(await link.getAttribute('href')).toBe(`#/campaigns/${weekly.campaignId}`);
		}
		expect(await page.locator('td[data-day="2030-01-08"] a').count()).toBe(0);
		await shoot(page, 'campaign-calendar');

		// On a phone, a list of the days with runs.
		await page.setViewportSize(PHONE);
		expect(await page.locator('[data-testid=calendar] td:visible').count()).toBe(days.length);
		expect(await page.locator('td[data-day="2030-01-07"] .cal-date').isVisible()).toBe(true);
		await page.setViewportSize(DESKTOP);

		await page.click('[data-testid=next-month]');
		await page.locator('[data-testid=calendar-month]:has-text("February 2030")').waitFor();
		await page.locator('[data-testid=calendar-empty]').waitFor();
		await page.click('[data-testid=previous-month]');
		await page.locator('[data-testid=calendar-month]:has-text("January 2030")').waitFor();
		await links.first().click();
		await page.waitForFunction((id) => location.hash === `#/campaigns/${id}`, weekly.campaignId);
		await context.close();
	});

	it('saves the site’s frequency cap from the campaign list', async () => {
		const cap = async () => (await api<SiteView>('')).settings.campaigns?.frequencyCap ?? null;
		const { context, page } = await berlin();
		await openConsole(page, worker, '#/campaigns');
		const card = page.locator('[data-testid=frequency-cap]');
		await card.waitFor();
		expect(await card.locator('[data-testid=cap-now]').textContent()).toBe('Now: no cap.');
		expect(await card.locator('button[type=submit]').isDisabled()).toBe(true);
		await page.check('#cap-on');
		await page.fill('#cap-per-day', '2');
		await page.fill('#cap-per-week', '5');
		await card.locator('button[type=submit]').click();
		await page.locator('[data-testid=toasts]:has-text("Frequency cap saved")').waitFor();
		expect(await cap()).toEqual({ perDay: 2, perWeek: 5 });
		expect(await card.locator('[data-testid=cap-now]').textContent()).toBe(
			'Now: at most 2 campaign pushes a day and 5 campaign pushes in 7 days per subscriber.',
		);

		// The saved cap comes back with the site.
		await page.reload();
		await card.waitFor();
		expect(await page.inputValue('#cap-per-day')).toBe('2');
		await page.fill('#cap-per-day', '');
		await card.locator('button[type=submit]').click();
		await expect.poll(cap).toEqual({ perWeek: 5 });
		await page.check('#cap-none');
		await card.locator('button[type=submit]').click();
		await expect.poll(cap).toBeNull();
		await card.locator('[data-testid=cap-now]:has-text("Now: no cap.")').waitFor();

		// The default quiet hours beside it.
		const quietNow = async () => (await api<SiteView>('')).settings.campaigns?.quietHours ?? null;
		const quiet = page.locator('[data-testid=quiet-hours]');
		expect(await quiet.locator('[data-testid=quiet-now]').textContent()).toBe('Now: no quiet hours.');
		await page.check('#quiet-on');
		await page.fill('#quiet-start', '22:30');
		await page.fill('#quiet-end', '07:15');
		await page.selectOption('#quiet-action', 'discard');
		await quiet.locator('button[type=submit]').click();
		await page.locator('[data-testid=toasts]:has-text("Quiet hours saved")').waitFor();
		expect(await quietNow()).toEqual({ start: '22:30', end: '07:15', action: 'discard' });
		expect(await quiet.locator('[data-testid=quiet-now]').textContent()).toBe(
			'Now: quiet from 22:30 to 07:15; pushes in it are dropped.',
		);
		await page.check('#quiet-none');
		await quiet.locator('button[type=submit]').click();
		await expect.poll(quietNow).toBeNull();
		await context.close();
	});
});
