import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DESKTOP,
	IPHONE_UA,
	type OpenOptions,
	PHONE,
	startWidgetStack,
	type WidgetStack,
} from '../support/widget-stack.ts';

describe('subscribe widget in Chromium', () => {
	let stack: WidgetStack;
	const site = (prompt: Record<string, unknown>) => stack.site(prompt);
	const open = (options?: OpenOptions) => stack.open(options);
	const deny = (page: Page) => stack.deny(page);
	const shot = (page: Page, name: string) => stack.shot(page, name);
	const prompt = (page: Page) => page.locator('beckon-widget .p');
	const state = (page: Page) => page.evaluate(() => window.Beckon.getState());
	const stats = () => stack.api<{ byStatus: Record<string, number> }>('/stats');

	beforeAll(async () => {
		stack = await startWidgetStack();
	});

	afterAll(async () => {
		await stack?.close();
	});

	it('slides in the simple prompt after the configured seconds, without layout shift, and records the ask', async () => {
		await site({ trigger: { type: 'seconds', value: 1 }, image: 'https://cdn.example/logo.png' });
		for (const [name, viewport] of [
			['desktop', DESKTOP],
			['phone', PHONE],
		] as const) {
			const { context, page } = await open({ viewport });
			expect(await page.locator('beckon-widget').count()).toBe(0);
			await prompt(page).waitFor({ timeout: 5000 });
			await expect(prompt(page).locator('h2').textContent()).resolves.toBe('Get notified');
			await page.waitForTimeout(400);
			await shot(page, `widget-simple-${name}`);
			expect(await page.evaluate(() => (window as unknown as { shifts: number }).shifts)).toBe(0);
			expect(await state(page)).toBe('ask');
			await context.close();
		}
		await expect.poll(async () => (await stats()).byStatus.ask, { timeout: 5000 }).toBe(2);
	});

	it('hides on "Maybe later" and asks again only after the configured days', async () => {
		await site({ trigger: { type: 'seconds', value: 0 }, laterDays: 3 });
		const { context, page } = await open();
		await prompt(page).waitFor();
		await prompt(page).getByText('Maybe later').click();
		await expect(prompt(page).count()).resolves.toBe(0);
		const until = Number(
			await page.evaluate((id) => localStorage.getItem(`beckon:${id}:later`), stack.current.siteId),
		);
		expect(until - Date.now()).toBeGreaterThan(3 * 86_400_000 - 60_000);
		await page.reload();
		await page.waitForTimeout(1500);
		expect(await prompt(page).count()).toBe(0);
		await page.evaluate(
			(id) => localStorage.setItem(`beckon:${id}:later`, String(Date.now() - 1)),
			stack.current.siteId,
		);
		await page.reload();
		await prompt(page).waitFor({ timeout: 5000 });
		await context.close();
	});

	it('asks the browser only after Subscribe, and a denial becomes blocked, is reported, and is never re-asked', async () => {
		await site({ trigger: { type: 'seconds', value: 0 } });
		const { context, page } = await open();
		await prompt(page).waitFor();
		await deny(page);
		await page.evaluate(() => {
			(window as unknown as { changes: string[] }).changes = [];
			window.Beckon.on('change', (s) => (window as unknown as { changes: string[] }).changes.push(s));
		});
		await prompt(page).getByText('Subscribe').click();
		await expect.poll(() => state(page)).toBe('blocked');
		expect(await page.evaluate(() => (window as unknown as { changes: string[] }).changes)).toEqual([
			'blocked',
		]);
		await expect
			.poll(async () => (await stats()).byStatus, { timeout: 5000 })
			.toMatchObject({ blocked: 1, ask: 0 });
		await page.reload();
		await page.waitForTimeout(1500);
		expect(await prompt(page).count()).toBe(0);
		expect(await state(page)).toBe('blocked');
		await context.close();
	});

	it('requests permission from the Subscribe button when granted and closes the prompt', async () => {
		await site({ trigger: { type: 'seconds', value: 0 } });
		const { context, page } = await open();
		await prompt(page).waitFor();
		await context.grantPermissions(['notifications'], { origin: stack.host.origin });
		await prompt(page).getByText('Subscribe').click();
		await expect(prompt(page).count()).resolves.toBe(0);
		expect(await page.evaluate(() => Notification.permission)).toBe('granted');
		await context.close();
	});

	it('shows categories with translated labels and remembers the choice', async () => {
		await site({
			variant: 'categories',
			trigger: { type: 'seconds', value: 0 },
			categories: [
				{ id: 'sale', label: 'Sales and offers', translations: { de: 'Angebote' } },
				{ id: 'new', label: 'New arrivals', translations: { de: 'Neuheiten' } },
				{ id: 'blog', label: 'Stories from the workshop' },
			],
			translations: {
				de: {
					title: 'Nichts verpassen',
					text: 'Wir melden uns nur, wenn es sich lohnt.',
					subscribe: 'Abonnieren',
					later: 'Später',
				},
			},
		});
		for (const [name, viewport] of [
			['desktop', DESKTOP],
			['phone', PHONE],
		] as const) {
			const { context, page } = await open({ viewport });
			await prompt(page).waitFor();
			expect(await prompt(page).locator('label').allTextContents()).toEqual([
				'Sales and offers',
				'New arrivals',
				'Stories from the workshop',
			]);
			await prompt(page).locator('input').nth(2).uncheck();
			await shot(page, `widget-categories-${name}`);
			await context.close();
		}
		const { context, page } = await open({ locale: 'de-DE' });
		await prompt(page).waitFor();
		await deny(page);
		expect(await prompt(page).locator('h2').textContent()).toBe('Nichts verpassen');
		expect(await prompt(page).locator('label').allTextContents()).toEqual([
			'Angebote',
			'Neuheiten',
			'Stories from the workshop',
		]);
		await prompt(page).locator('input').first().uncheck();
		await prompt(page).getByText('Abonnieren').click();
		await expect.poll(() => state(page)).toBe('blocked');
		expect(
			await page.evaluate((id) => localStorage.getItem(`beckon:${id}:categories`), stack.current.siteId),
		).toBe('["new","blog"]');
		await context.close();
	});

	it('shows the bell with a panel for each state', async () => {
		await site({ trigger: { type: 'manual', value: 0 }, bell: { enabled: true } });
		const { context, page } = await open();
		const bell = page.locator('beckon-widget button.b');
		await bell.waitFor();
		expect(await prompt(page).count()).toBe(0);
		await bell.click();
		await expect(page.locator('beckon-widget .k').textContent()).resolves.toBe('Get notifications');
		await shot(page, 'widget-bell-panel');
		await context.close();

		const blocked = await open({ permission: 'denied' });
		await blocked.page.locator('beckon-widget button.b').click();
		await expect(blocked.page.locator('beckon-widget .k').textContent()).resolves.toContain('blocked');
		await blocked.context.close();
	});

	it('offers the JS API and the data-beckon-subscribe hook, with a manual trigger', async () => {
		await site({ trigger: { type: 'manual', value: 0 } });
		const { context, page } = await open({ permission: 'denied' });
		await page.waitForFunction(() => window.Beckon?.getState() === 'blocked');
		const { context: c2, page: p2 } = await open();
		await p2.waitForTimeout(1500);
		expect(await prompt(p2).count()).toBe(0);
		expect(
			await p2.evaluate(
				() => typeof window.Beckon.subscribe === 'function' && typeof window.Beckon.identify === 'function',
			),
		).toBe(true);
		await p2.evaluate(() => window.Beckon.showPrompt());
		await prompt(p2).waitFor();
		await c2.close();
		const { context: c3, page: p3 } = await open({ permission: 'denied' });
		await p3.evaluate(() => localStorage.clear());
		await p3.reload();
		await p3.waitForFunction(() => window.Beckon !== undefined);
		await p3.locator('[data-beckon-subscribe]').click();
		await expect.poll(() => state(p3)).toBe('blocked');
		await c3.close();
		await context.close();
	});

	it('keeps Beckon.track calls until the browser has a subscriber id, then sends them in one beacon', async () => {
		await site({ trigger: { type: 'seconds', value: 1 } });
		const { context, page } = await open();
		const answers: Array<{ status: number; body: string }> = [];
		page.on('response', (r) => {
			const body = r.request().postData() ?? '';
			if (r.url().endsWith('/events') && body.includes('"events"'))
				answers.push({ status: r.status(), body });
		});
		await page.waitForFunction(() => window.Beckon !== undefined);
		await page.evaluate(() => {
			window.Beckon.track('added_to_cart', { sku: 'mug', price: 12.5 });
			window.Beckon.track('search');
		});
		const refused = await page.evaluate(
			() =>
				[
					['9lives', {}],
					['ok', { nested: {} }],
					['ok', { n: Number.NaN }],
				].filter(([name, properties]) => {
					try {
						window.Beckon.track(name as string, properties as Record<string, number>);
						return false;
					} catch {
						return true;
					}
				}).length,
		);
		expect(refused).toBe(3);
		// Showing the soft prompt records the browser as `ask`: it now has a subscriber id, and the queue goes out.
		await prompt(page).waitFor({ timeout: 5000 });
		await expect.poll(() => answers.length, { timeout: 5000 }).toBe(1);
		// 202 only once the site's store recorded them on an existing subscriber (404 otherwise).
		expect(answers[0]?.status).toBe(202);
		const sent = JSON.parse(answers[0]?.body ?? '{}') as { events: Array<{ name: string }> };
		expect(sent.events.map((e) => e.name)).toEqual(['added_to_cart', 'search']);
		await context.close();
	});

	it('keeps its look when the host page CSS tries to break it, and leaves the page alone', async () => {
		await site({ trigger: { type: 'seconds', value: 0 }, theme: { accent: '#0a7d44' } });
		const hostile = `<style>*{font-size:40px!important;color:red!important;font-family:serif!important;letter-spacing:4px!important}
			div,p,h2,button{display:none!important}button{background:lime!important}beckon-widget{opacity:.1!important;position:static!important}
			:root{--beckon-radius:2px}</style>`;
		const { context, page } = await open({ page: { head: hostile } });
		await prompt(page).waitFor();
		const look = await prompt(page).evaluate((el) => {
			const h2 = el.querySelector('h2') as HTMLElement;
			const button = el.querySelector('button.a') as HTMLElement;
			const host =
				el.getRootNode() instanceof ShadowRoot ? ((el.getRootNode() as ShadowRoot).host as HTMLElement) : el;
			return {
				h2: getComputedStyle(h2).fontSize,
				h2Color: getComputedStyle(h2).color,
				visible: el.getBoundingClientRect().height > 40,
				button: getComputedStyle(button).backgroundColor,
				radius: getComputedStyle(el).borderRadius,
				opacity: getComputedStyle(host).opacity,
				position: getComputedStyle(host).position,
			};
		});
		expect(look).toEqual({
			h2: '16px',
			h2Color: 'rgb(31, 41, 55)',
			visible: true,
			button: 'rgb(10, 125, 68)',
			radius: '2px',
			opacity: '1',
			position: 'fixed',
		});
		expect(
			await page.evaluate(() => getComputedStyle(document.querySelector('h1') as HTMLElement).fontSize),
		).toBe('40px');
		await shot(page, 'widget-hostile-css');
		await context.close();
	});

	it('shows an Add to Home Screen hint on iPhone Safari instead of a prompt that cannot work', async () => {
		await site({ trigger: { type: 'seconds', value: 0 } });
		const { context, page } = await open({
			viewport: PHONE,
			userAgent: IPHONE_UA,
			init: 'delete window.PushManager',
		});
		await prompt(page).waitFor();
		expect(await prompt(page).textContent()).toContain('Add to Home Screen');
		expect(await state(page)).toBe('unsupported');
		await shot(page, 'widget-ios-phone');
		await expect.poll(async () => (await stats()).byStatus.unsupported).toBe(1);
		await context.close();
	});

	it('shows nothing on a browser without push, reporting it once', async () => {
		await site({ trigger: { type: 'seconds', value: 0 }, bell: { enabled: true } });
		const { context, page } = await open({ init: 'delete window.PushManager' });
		await page.waitForFunction(() => window.Beckon?.getState() === 'unsupported');
		await page.waitForTimeout(1200);
		expect(await page.locator('beckon-widget').count()).toBe(0);
		await page.reload();
		await page.waitForTimeout(1200);
		expect((await stats()).byStatus.unsupported).toBe(1);
		await context.close();
	});

	it('lays out right to left for an RTL language', async () => {
		await site({
			trigger: { type: 'seconds', value: 0 },
			bell: { enabled: true, position: 'bottom-left' },
			translations: {
				ar: {
					title: 'ابق على اطلاع',
					text: 'سنرسل لك العروض والمنتجات الجديدة فقط.',
					subscribe: 'اشترك',
					later: 'لاحقاً',
				},
			},
		});
		const { context, page } = await open({ locale: 'ar' });
		await prompt(page).waitFor();
		expect(await page.locator('beckon-widget .w').getAttribute('dir')).toBe('rtl');
		const [later, subscribe] = await Promise.all(
			['لاحقاً', 'اشترك'].map(async (t) => (await prompt(page).getByText(t).boundingBox())?.x ?? 0),
		);
		expect(subscribe).toBeLessThan(later as number);
		// bottom-left means the physical left, whatever the writing direction.
		expect((await page.locator('beckon-widget button.b').boundingBox())?.x).toBeLessThan(100);
		await shot(page, 'widget-rtl');
		await context.close();
	});

	it('waits for the configured number of page views, or scroll depth', async () => {
		await site({ trigger: { type: 'pageviews', value: 2 } });
		const { context, page } = await open();
		await page.waitForTimeout(1500);
		expect(await prompt(page).count()).toBe(0);
		await page.reload();
		await prompt(page).waitFor({ timeout: 5000 });
		await context.close();

		await site({ trigger: { type: 'scroll', value: 50 } });
		const scroll = await open({
			viewport: { width: 800, height: 400 },
			page: { body: '<div style="height:3000px"></div>' },
		});
		await scroll.page.waitForTimeout(1500);
		expect(await prompt(scroll.page).count()).toBe(0);
		await scroll.page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
		await prompt(scroll.page).waitFor({ timeout: 5000 });
		await scroll.context.close();
	});
});
