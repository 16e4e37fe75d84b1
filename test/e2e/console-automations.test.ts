import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutomationReport, AutomationView } from '../../worker/src/wire/index.ts';
import { launchChromium } from '../support/chromium.ts';
import {
	auditWithoutToasts,
	demoApi,
	type Finding,
	freshPage,
	openConsole,
	subscribeAllowed,
} from '../support/console.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';
import { type PushSink, startPushSink } from '../support/push-sink.ts';

// The automations screens of the console (issue 13): the list with each one's switch, the template gallery, the
// editor (a template's copy, a step changed, errors at their field) and the automation's page with its report,
// fed by a real journey: a browser subscribes, gets step 1 at once, then buys.

describe('console automations: list, templates, editor and report', () => {
	let worker: LocalWorker;
	let browser: Browser;
	let sink: PushSink;
	let context: BrowserContext;
	let page: Page;
	const findings: Record<string, Record<string, Finding[]>> = {};
	/** The automation made from the welcome template. */
	let automationId = '';
	/** A saved message a step starts from. */
	let resourceId = '';

	const api = (path: string, init: RequestInit = {}) => demoApi(worker, path, init);
	const automation = async () => (await api(`/automations/${automationId}`)) as AutomationView;
	const report = async () => (await api(`/automations/${automationId}/report`)) as AutomationReport;

	const shoot = async (screen: string) => {
		await auditWithoutToasts(page, screen, findings);
	};

	/** Opens a screen; the screen already open is read again. */
	const go = async (hash: string) => {
		if ((await page.evaluate(() => location.hash)) === hash) await page.reload();
		else await page.evaluate((h) => (location.hash = h), hash);
		await page.locator('#screen-title').waitFor();
	};

	/** The figure of a step's row in the report (`-1`: the trigger's). */
	const cell = (step: number, count: string) =>
		page
			.locator(`[data-testid=automation-steps-report] tr[data-step="${step}"] [data-count=${count}]`)
			.textContent();

	beforeAll(async () => {
		[worker, browser, sink] = await Promise.all([startWorker(), launchChromium(), startPushSink()]);
		({ context, page } = await freshPage(browser));
		resourceId = (
			(await api('/resources', {
				method: 'POST',
				body: JSON.stringify({
					name: 'Cart reminder',
					message: { title: 'Your cart misses you', body: 'Come back' },
				}),
			})) as { resourceId: string }
		).resourceId;
		await openConsole(page, worker, '#/automations');
	});

	afterAll(async () => {
		console.log('console-automations axe-core findings', JSON.stringify(findings));
		await context?.close();
		await browser?.close();
		await worker?.stop();
		await sink?.close();
	});

	it('points an empty list to the gallery, whose cards say how each starts and where it works', async () => {
		expect(await page.locator('nav a[href="#/automations"]').getAttribute('aria-current')).toBe('page');
		await page.locator('[data-testid=no-automations]').waitFor();
		await page.click('a:has-text("Browse the templates")');
		await page.locator('[data-testid=templates]').waitFor();
		expect(await page.locator('#screen-title').textContent()).toBe('Automation templates');
		const { templates } = (await api('/automation-templates')) as { templates: Array<{ id: string }> };
		expect(await page.locator('[data-testid=templates] > li').count()).toBe(templates.length);
		const checkout = page.locator('[data-template=abandoned_checkout]');
		expect(await checkout.locator('h2').textContent()).toBe('Abandoned checkout');
		expect(await checkout.locator('[data-testid=template-trigger]').textContent()).toBe(
			'When checkout_started is not followed by purchase within 1 hour',
		);
		expect(await checkout.locator('[data-testid=template-sources]').textContent()).toBe(
			'Shopify (the app records its events) or any site',
		);
		expect(await page.locator('[data-template=welcome] [data-testid=template-trigger]').textContent()).toBe(
			'When subscribed happens',
		);
		await shoot('automation-templates');
	});

	it('copies a template into the editor, shows a bad link at its step and field, and saves the copy turned on', async () => {
		await page.click('[data-template=welcome] [data-testid=use-template]');
		await page.locator('[data-testid=automation-form]').waitFor();
		expect(await page.evaluate(() => location.hash)).toBe('#/automations/new?template=welcome');
		expect(await page.inputValue('#automation-name')).toBe('Welcome series');
		expect(await page.isChecked('#trigger-type-event')).toBe(true);
		expect(await page.inputValue('#trigger-event')).toBe('subscribed');
		expect(await page.locator('[data-testid=step-tabs] button').allTextContents()).toEqual([
			'Step 1',
			'Step 2',
		]);
		expect(await page.isChecked('#step-1-wait-after')).toBe(true);
		expect([await page.inputValue('#step-1-wait-n'), await page.inputValue('#step-1-wait-unit')]).toEqual([
			'1',
			'minute',
		]);
		expect(await page.inputValue('#step-1-title')).toBe('Thanks for subscribing!');
		expect(await page.isChecked('#goal-on')).toBe(true);
		expect(await page.inputValue('#goal-value')).toBe('total');
		expect([await page.inputValue('#goal-window-n'), await page.inputValue('#goal-window-unit')]).toEqual([
			'7',
			'day',
		]);

		// Step 1 goes out at once, with a new title (the preview follows); step 2 gets a link a push may not have.
		await page.fill('#automation-name', 'Welcome to Oak & Linen');
		await page.check('#step-1-wait-none');
		await page.fill('#step-1-title', 'Welcome to Oak & Linen');
		expect(await page.locator('[data-browser=chrome-windows] .pv-card b').textContent()).toBe(
			'Welcome to Oak & Linen',
		);
		await page.click('[data-testid=step-tabs] [data-step="1"]');
		expect(await page.inputValue('#step-2-title')).toBe('Good to have you here');
		await page.fill('#step-2-url', 'javascript:alert(1)');
		await page.click('[data-testid=step-tabs] [data-step="0"]');

		// The API's 400 names steps[1].message.url: step 2 opens with the error at its link, and nothing is saved.
		await page.click('[data-testid=save-enable]');
		await page.locator('#step-2-url-error').waitFor();
		expect(await page.locator('#step-2-url-error').textContent()).toMatch(/^steps\[1\]\.message\.url: /);
		expect(await page.getAttribute('#step-2-url', 'aria-invalid')).toBe('true');
		expect(await page.getAttribute('[data-testid=step-tabs] [data-step="1"]', 'aria-pressed')).toBe('true');
		expect(await page.locator('[data-testid=save-error]').textContent()).toContain('steps[1].message.url');
		expect(((await api('/automations')) as { automations: unknown[] }).automations).toEqual([]);
		await shoot('automation-editor');

		await page.fill('#step-2-url', 'https://oak.example/new');
		await page.click('[data-testid=save-enable]');
		await page.waitForFunction(() => /^#\/automations\/aut_[^/]+$/.test(location.hash));
		automationId = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2] ?? '');
		await page.locator('[data-testid=automation-summary]').waitFor();
		const saved = await automation();
		expect(saved).toMatchObject({
			name: 'Welcome to Oak & Linen',
			enabled: true,
			template: 'welcome',
			trigger: { type: 'event', event: 'subscribed' },
			goal: { event: 'purchase', valueProperty: 'total', windowSeconds: 7 * 86_400 },
			reentryAfterSeconds: null,
		});
		expect(saved.steps[0]?.wait).toBeUndefined();
		expect(saved.steps[0]?.message.title).toBe('Welcome to Oak & Linen');
		expect(saved.steps[1]).toMatchObject({
			wait: { seconds: 86_400 },
			message: { title: 'Good to have you here', url: 'https://oak.example/new' },
		});
		expect(await page.locator('[data-testid=automation-trigger-text]').textContent()).toBe(
			'When subscribed happens',
		);
	});

	it('lists it with its trigger, steps and counts, and turns it off and on with its switch', async () => {
		await go('#/automations');
		const row = page.locator(`[data-testid=automations] tr[data-automation="${automationId}"]`);
		await row.waitFor();
		expect(await row.locator('[data-testid=trigger-summary]').textContent()).toBe('When subscribed happens');
		expect(await row.locator('[data-count=steps]').textContent()).toBe('2');
		expect(await row.locator('[data-count=entered]').textContent()).toBe('0');
		const toggle = page.getByRole('switch', { name: 'Welcome to Oak & Linen' });
		expect(await toggle.isChecked()).toBe(true);
		await toggle.click();
		await expect.poll(async () => (await automation()).enabled).toBe(false);
		await page
			.locator(`tr[data-automation="${automationId}"] [data-testid=automation-switch][data-on=false]`)
			.waitFor();
		expect(await toggle.isChecked()).toBe(false);
		await toggle.click();
		await expect.poll(async () => (await automation()).enabled).toBe(true);
		await page
			.locator(`tr[data-automation="${automationId}"] [data-testid=automation-switch][data-on=true]`)
			.waitFor();
		await shoot('automations');
	});

	it('reports journeys: two browsers subscribe and get step 1 at once; one converts, the other waits for step 2', async () => {
		await go(`#/automations/${automationId}`);
		await page.locator('[data-testid=automation-report]').waitFor();
		expect(await cell(-1, 'entered')).toBe('0');
		expect(await cell(0, 'sent')).toBe('0');
		expect(await page.locator('[data-testid=automation-control]').count()).toBe(0);

		// Two browsers subscribe: each gets step 1 at once; one buys (converted, with its revenue), the other waits.
		const [buyer] = await Promise.all([
			subscribeAllowed(worker, sink.url),
			subscribeAllowed(worker, sink.url),
		]);
		await expect.poll(async () => (await report()).steps[0]?.sent, { timeout: 30_000 }).toBe(2);
		await api('/events', {
			method: 'POST',
			body: JSON.stringify({
				events: [{ subscriberId: buyer, name: 'purchase', properties: { total: 25 } }],
			}),
		});
		await expect.poll(async () => (await report()).steps[0]?.converted, { timeout: 10_000 }).toBe(1);

		await go(`#/automations/${automationId}`);
		await page.locator('[data-testid=automation-report]').waitFor();
		expect(await page.locator('[data-figure=active]').textContent()).toBe('1');
		expect(await page.locator('[data-figure=entered]').textContent()).toBe('2');
		expect(await cell(-1, 'entered')).toBe('2');
		expect(await cell(-1, 'sent')).toBe('–');
		expect(await cell(0, 'entered')).toBe('2');
		expect(await cell(0, 'sent')).toBe('2');
		expect(await cell(0, 'converted')).toBe('1');
		expect(await cell(0, 'revenue')).toBe('25');
		expect(await cell(1, 'sent')).toBe('0');
		expect(await page.locator('[data-figure=revenue]').textContent()).toBe('25');
		expect(await page.locator('[data-figure=rate]').textContent()).toBe('50%');
		await go('#/automations');
		const row = page.locator(`[data-testid=automations] tr[data-automation="${automationId}"]`);
		await row.waitFor();
		expect(await row.locator('[data-count=active]').textContent()).toBe('1');
		expect(await row.locator('[data-count=converted]').textContent()).toBe('1');
		await go(`#/automations/${automationId}`);
		await page.locator('[data-testid=automation-report]').waitFor();
		await shoot('automation-report');
	});

	it('edits a step of the saved automation and keeps the rest', async () => {
		await page.click('[data-testid=edit-automation]');
		await page.locator('[data-testid=automation-form]').waitFor();
		expect(await page.inputValue('#automation-name')).toBe('Welcome to Oak & Linen');
		expect(await page.isChecked('#step-1-wait-none')).toBe(true);
		await page.click('[data-testid=step-tabs] [data-step="1"]');
		expect([await page.inputValue('#step-2-wait-n'), await page.inputValue('#step-2-wait-unit')]).toEqual([
			'1',
			'day',
		]);
		await page.fill('#step-2-title', 'Our oak boards are back');
		await page.selectOption('#step-2-wait-unit', 'hour');
		await page.fill('#step-2-wait-n', '36');
		const patch = page.waitForRequest((r) => r.method() === 'PATCH');
		await page.click('[data-testid=automation-form] button[type=submit]:has-text("Save changes")');
		const body = JSON.parse((await patch).postData() ?? '{}');
		expect(body.steps[1]).toMatchObject({
			wait: { seconds: 36 * 3600 },
			message: { title: 'Our oak boards are back', url: 'https://oak.example/new' },
		});
		expect(body.quietHours).toBe('site');
		await page.waitForFunction((id) => location.hash === `#/automations/${id}`, automationId);
		await page
			.locator('[data-testid=automation-summary] li[data-step="1"]:has-text("Our oak boards are back")')
			.waitFor();
		const saved = await automation();
		expect(saved.steps[1]?.wait).toEqual({ seconds: 36 * 3600 });
		expect(saved.steps[0]?.message.title).toBe('Welcome to Oak & Linen');
		expect(saved.enabled).toBe(true);
	});

	it('copies the abandoned checkout: its inaction trigger with a condition added, own quiet hours checked, saved off', async () => {
		await go('#/automations/templates');
		await page.click('[data-template=abandoned_checkout] [data-testid=use-template]');
		await page.locator('[data-testid=automation-form]').waitFor();
		expect(await page.isChecked('#trigger-type-inaction')).toBe(true);
		expect(await page.inputValue('#trigger-event')).toBe('checkout_started');
		expect(await page.inputValue('#trigger-without')).toBe('purchase');
		expect([
			await page.inputValue('#trigger-within-n'),
			await page.inputValue('#trigger-within-unit'),
		]).toEqual(['1', 'hour']);
		expect(await page.inputValue('#trigger-key')).toBe('checkout_id');
		expect(await page.inputValue('#exit-events')).toBe('purchase');
		expect(await page.isChecked('#reentry-after')).toBe(true);
		expect(await page.inputValue('#reentry-after-n')).toBe('0');
		await page.click('[data-testid=step-tabs] [data-step="2"]');
		expect([await page.inputValue('#step-3-wait-n'), await page.inputValue('#step-3-wait-unit')]).toEqual([
			'2',
			'day',
		]);
		expect(await page.inputValue('#step-3-url')).toBe('{{ event.checkout_url }}');
		// The last reminder offers a discount code, empty until the owner fills it in; a space is no code character.
		expect(await page.inputValue('#step-3-discount')).toBe('');
		await page.fill('#step-3-discount', 'SAVE 10');

		// A date trigger asks for its own inputs; back to inaction, what was typed is still there.
		await page.check('#trigger-type-date');
		expect(await page.inputValue('#trigger-offset')).toBe('-1');
		expect(await page.inputValue('#trigger-at')).toBe('09:00');
		await page.check('#trigger-source-event');
		expect(await page.inputValue('#trigger-event')).toBe('checkout_started');
		await page.check('#trigger-type-inaction');
		expect(await page.inputValue('#trigger-without')).toBe('purchase');

		// Step 1 starts from a saved message: its text fills the fields, and the title changed is its one override.
		await page.click('[data-testid=step-tabs] [data-step="0"]');
		await page.selectOption('#step-1-saved-message', resourceId);
		expect(await page.inputValue('#step-1-body')).toBe('Come back');
		await page.fill('#step-1-title', 'Your cart is waiting');

		await page.click('[data-testid=trigger-where] button:has-text("Add a property condition")');
		await page.fill('#trigger-where-prop-0', 'total');
		await page.selectOption('#trigger-where-prop-0-op', 'gte');
		await page.fill('#trigger-where-prop-0-value', '20');
		await page.check('#automation-quiet-own');
		await page.fill('#automation-quiet-start', '22:00');
		await page.fill('#automation-quiet-end', '22:00');
		// The code's 400 opens step 3 with the error under its field.
		await page.click('[data-testid=automation-form] button[type=submit]');
		await page.locator('#step-3-discount-error').waitFor();
		expect(await page.locator('#step-3-discount-error').textContent()).toMatch(/^steps\[2\]\.discountCode: /);
		expect(await page.getAttribute('#step-3-discount', 'aria-invalid')).toBe('true');
		expect(await page.getAttribute('[data-testid=step-tabs] [data-step="2"]', 'aria-pressed')).toBe('true');
		await page.fill('#step-3-discount', 'SAVE10');
		await page.click('[data-testid=automation-form] button[type=submit]');
		await page.locator('#automation-quiet-end-error').waitFor();
		expect(await page.locator('#step-3-discount-error').count()).toBe(0);
		expect(await page.locator('#automation-quiet-end-error').textContent()).toMatch(/^quietHours\.end: /);
		await shoot('automation-editor-inaction');

		await page.fill('#automation-quiet-end', '07:00');
		await page.click('[data-testid=automation-form] button[type=submit]');
		await page.waitForFunction(
			(id) => /^#\/automations\/aut_/.test(location.hash) && !location.hash.endsWith(id),
			automationId,
		);
		const id = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2] ?? '');
		const saved = (await api(`/automations/${id}`)) as AutomationView;
		expect(saved).toMatchObject({
			name: 'Abandoned checkout',
			enabled: false,
			template: 'abandoned_checkout',
			trigger: {
				type: 'inaction',
				event: 'checkout_started',
				without: 'purchase',
				withinSeconds: 3600,
				key: 'checkout_id',
				where: [{ property: 'total', op: 'gte', value: 20 }],
			},
			exit: { events: ['purchase'] },
			reentryAfterSeconds: 0,
			quietHours: { start: '22:00', end: '07:00', action: 'delay' },
		});
		expect(saved.steps.map((x) => x.wait)).toEqual([
			undefined,
			{ seconds: 23 * 3600 },
			{ seconds: 2 * 86_400 },
		]);
		expect(saved.steps[2]?.message.url).toBe('{{ event.checkout_url }}');
		expect(saved.steps.map((x) => x.discountCode)).toEqual([undefined, undefined, 'SAVE10']);
		expect(saved.steps[0]?.resource).toMatchObject({
			resourceId,
			overrides: { title: 'Your cart is waiting' },
		});
		expect(saved.steps[0]?.message).toMatchObject({ title: 'Your cart is waiting', body: 'Come back' });
		expect(await page.getByRole('switch', { name: 'Abandoned checkout' }).isChecked()).toBe(false);
		expect(
			await page
				.locator('[data-testid=automation-summary] li[data-step="2"] [data-testid=step-discount]')
				.textContent(),
		).toBe('Offers the discount code SAVE10');
	});

	it('copies New posts: a broadcast whose image and categories come from the event, sent to a segment', async () => {
		const segment = (await api('/segments', {
			method: 'POST',
			body: JSON.stringify({ name: 'Readers', filter: { status: ['allowed'] } }),
		})) as { segmentId: string };
		await go('#/automations/templates');
		await page.click('[data-template=new_posts] [data-testid=use-template]');
		await page.locator('[data-testid=automation-form]').waitFor();
		expect(await page.isChecked('#automation-recipients-all')).toBe(true);
		expect(await page.inputValue('#automation-categories-from')).toBe('categories');
		expect(await page.inputValue('#trigger-key')).toBe('send_id');
		expect(await page.inputValue('#step-1-image')).toBe('{{ event.image }}');
		expect(await page.isChecked('#automation-quiet-none')).toBe(true);

		// A segment not chosen yet: the 400 shows at the segment's field.
		await page.check('#automation-recipients-segment');
		await page.click('[data-testid=save-enable]');
		await page.locator('#automation-audience-segment-error').waitFor();
		expect(await page.locator('#automation-audience-segment-error').textContent()).toMatch(
			/^audience\.segment: /,
		);
		await page.selectOption('#automation-audience-segment', segment.segmentId);
		await shoot('automation-editor-broadcast');
		await page.click('[data-testid=save-enable]');
		await page.waitForFunction(() => /^#\/automations\/aut_[^/]+$/.test(location.hash));
		const id = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2] ?? '');
		const saved = (await api(`/automations/${id}`)) as AutomationView;
		expect(saved).toMatchObject({
			template: 'new_posts',
			enabled: true,
			audience: { segment: segment.segmentId },
			categoriesFrom: 'categories',
			trigger: { type: 'event', event: 'post_published', key: 'send_id' },
			quietHours: null,
			ignoreFrequencyCap: true,
		});
		expect(saved.steps[0]?.message).toMatchObject({ title: '{{ event.title }}', image: '{{ event.image }}' });
		await page.locator('[data-testid=automation-recipients-text]').waitFor();
		expect(await page.locator('[data-testid=automation-recipients-text]').textContent()).toBe(
			'The segment Readers (a broadcast)or the readers of the categories in categories, when the event names any',
		);
		// Back to the person it happened to: no audience, and no categories either.
		await go(`#/automations/${id}/edit`);
		await page.check('#automation-recipients-person');
		expect(await page.locator('#automation-categories-from').count()).toBe(0);
	});
});
