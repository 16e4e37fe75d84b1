import { createECDH, randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { auditScreen, demoApi, type Finding, freshPage, openConsole, subscribe } from '../support/console.ts';
import { signIdentityToken } from '../support/identity.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

// The audience features of the console (issue 11): segments and their builder with live reach, the subscriber
// list filtered by a segment, testers, the user page and the composer's audience and personalised preview.

describe('console audience: segments, testers, users, composer', () => {
	let worker: LocalWorker;
	let browser: Browser;
	const findings: Record<string, Record<string, Finding[]>> = {};
	/** Subscriber ids by name. */
	const ids: Record<string, string> = {};

	const shoot = (page: Page, screen: string) => auditScreen(page, screen, findings);

	const api = (path: string, init: RequestInit = {}) => demoApi(worker, path, init);

	/** An allowed browser: a stand-in FCM subscription with real-looking keys (never pushed to here). */
	const allowed = () =>
		subscribe(worker, {
			permission: 'granted',
			subscription: {
				endpoint: `https://fcm.googleapis.com/fcm/send/${randomBytes(8).toString('hex')}`,
				keys: {
					p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
					auth: randomBytes(16).toString('base64url'),
				},
			},
			locale: 'en-GB',
			timezone: 'Europe/London',
		});

	beforeAll(async () => {
		[worker, browser] = await Promise.all([startWorker(), launchChromium()]);
		const { identitySecret } = (await api('/identity-secret', { method: 'POST' })) as {
			identitySecret: string;
		};
		const identify = async (subscriberId: string, userId: string) => {
			const response = await fetch(
				`${worker.url}/v1/sites/${worker.demo.siteId}/subscribers/${subscriberId}/identify`,
				{ method: 'POST', body: JSON.stringify({ token: signIdentityToken(identitySecret, userId) }) },
			);
			if (!response.ok) throw new Error(`identify: ${response.status} ${await response.text()}`);
			return ((await response.json()) as { subscriberId: string }).subscriberId;
		};
		// alice, finn: pro, bought twice (allowed); dan: pro, bought 3 times, never allowed push (ask);
		// bob: pro, no purchase; carol: free, bought twice; anon: no user.
		const people: Array<[string, boolean, Record<string, unknown>, number]> = [
			['alice', true, { plan: 'pro', first_name: 'Alice', signed_up: { date: '2026-03-14' }, vip: true }, 2],
			['finn', true, { plan: 'pro', first_name: 'Finn', lifetime_value: 420.5 }, 2],
			['dan', false, { plan: 'pro', first_name: 'Dan' }, 3],
			['bob', true, { plan: 'pro', first_name: 'Bob' }, 0],
			['carol', true, { plan: 'free', first_name: 'Carol' }, 2],
		];
		for (const [name, isAllowed, attributes, purchases] of people) {
			const sid = isAllowed ? await allowed() : await subscribe(worker, { permission: 'default' });
			ids[name] = await identify(sid, `u-${name}`);
			await api(`/users/u-${name}`, { method: 'PUT', body: JSON.stringify({ attributes }) });
			if (purchases > 0)
				await api('/events', {
					method: 'POST',
					body: JSON.stringify({
						events: Array.from({ length: purchases }, (_, i) => ({
							userId: `u-${name}`,
							name: 'purchase',
							time: new Date(Date.now() - (i + 1) * 3_600_000).toISOString(),
							properties: { price: 20 + i * 10, sku: `oak-${i}` },
						})),
					}),
				});
		}
		ids.anon = await allowed();
	});

	afterAll(async () => {
		console.log('console-audience axe-core findings', JSON.stringify(findings));
		await browser?.close();
		await worker?.stop();
	});

	/** Waits until the live reach shows these numbers. */
	const reachIs = (page: Page, reachable: number, count: number) =>
		page.waitForFunction(
			([r, c]) => {
				const box = document.querySelector('[data-testid=reach]');
				return (
					box?.getAttribute('data-busy') === 'false' &&
					box.querySelector('[data-testid=reach-reachable]')?.textContent === String(r) &&
					box.querySelector('[data-testid=reach-count]')?.textContent?.includes(`of ${c} `)
				);
			},
			[reachable, count],
			{ timeout: 15_000 },
		);

	const row = (i: number) => `[data-testid=builder] li.cond[data-path=".all[${i}]"]`;

	it('builds a segment with an attribute and an event row, with live reach, saves it and lists its subscribers', async () => {
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker, '#/segments');
		await page.locator('[data-testid=no-segments]').waitFor();
		await page.click('[data-testid=new-segment]');
		await page.locator('[data-testid=builder]').waitFor();
		// The new segment starts as "allowed": every allowed browser (alice, finn, bob, carol, anon).
		await reachIs(page, 5, 5);

		await page.fill('#segment-name', 'Pro buyers');
		await page.fill('#segment-description', 'Pro plan, bought at least twice');
		await page.selectOption(`${row(0)} .cond-kind select`, 'attribute');
		// An attribute the site does not have: the API's 400 names the row.
		await page.fill(`${row(0)} input[id$="-attr"]`, 'nosuch');
		await page.fill(`${row(0)} input[id$="-value"]`, 'pro');
		await page.locator(`${row(0)} [data-testid=row-error]`).waitFor({ timeout: 15_000 });
		expect(await page.locator(`${row(0)} [data-testid=row-error]`).textContent()).toContain('nosuch');
		expect(await page.locator('[data-testid=reach-error] [role=alert]').textContent()).toMatch(
			/^audience\.filter\.all\[0\]/,
		);
		await page.fill(`${row(0)} input[id$="-attr"]`, 'plan');
		// plan = pro: alice, finn, bob (allowed) and dan (ask).
		await reachIs(page, 3, 4);
		expect(await page.locator('[data-testid=row-error]').count()).toBe(0);

		await page.selectOption('[data-testid=builder] .group-add select', 'event');
		await page.click('[data-testid=builder] [data-testid=add-condition]');
		await page.fill(`${row(1)} input[id$="-event"]`, 'purchase');
		await page.fill(`${row(1)} input[id$="-count"]`, '2');
		await page.check(`${row(1)} input[id$="-within-on"]`);
		await page.fill(`${row(1)} input[id$="-within-n"]`, '7');
		// …and bought at least twice in 7 days: alice, finn (allowed), dan (ask).
		await reachIs(page, 2, 3);
		expect(await page.locator('[data-testid=reach]').textContent()).toContain('Chrome');
		await shoot(page, 'segment-builder');

		// Edit as JSON shows the tree; editing it there reaches the builder and back.
		await page.check('#builder-json');
		const json = JSON.parse(await page.inputValue('#filter-json'));
		expect(json).toEqual({
			all: [
				{ attribute: 'plan', op: 'eq', value: 'pro' },
				{ event: 'purchase', count: { op: 'gte', value: 2 }, within: '7d' },
			],
		});
		await page.fill(
			'#filter-json',
			JSON.stringify({ all: [...json.all, { not: { attribute: 'plan', op: 'eq', value: 'free' } }] }),
		);
		await page.uncheck('#builder-json');
		expect(await page.isChecked(`${row(2)} input[id$="-not"]`)).toBe(true);
		expect(await page.inputValue(`${row(2)} input[id$="-value"]`)).toBe('free');
		await reachIs(page, 2, 3);
		await page.click(`${row(2)} .cond-remove`);

		await page.click('[data-testid=segment-form] button[type=submit]');
		await page.waitForFunction(() => /^#\/segments\/seg_/.test(location.hash));
		const segmentId = decodeURIComponent(
			(await page.evaluate(() => location.hash)).replace('#/segments/', ''),
		);
		const saved = (await api(`/segments/${segmentId}`)) as { name: string; filter: unknown };
		expect(saved.name).toBe('Pro buyers');
		expect(saved.filter).toEqual(json);

		await page.click('a[href="#/segments"]:has-text("Back to segments")');
		await page.locator(`[data-testid=segments] tr[data-segment="${segmentId}"]`).waitFor();
		await page.waitForFunction(
			(id) =>
				document.querySelector(`tr[data-segment="${id}"] [data-testid=segment-reach]`)?.textContent === '2',
			segmentId,
		);
		expect(await page.locator('[data-testid=segments]').textContent()).toContain('Pro buyers');
		expect(await page.locator('nav a[href="#/segments"]').getAttribute('aria-current')).toBe('page');
		await shoot(page, 'segments');

		// Event history: 90 days by default; an editor changes it; out of range is refused by the worker.
		expect(await page.inputValue('#retention-days')).toBe('90');
		await page.fill('#retention-days', '180');
		await page.click('[data-testid=event-retention] button[type=submit]');
		await page.locator('[data-testid=toasts]:has-text("Event history setting saved")').waitFor();
		expect(((await api('')) as { settings: { events?: { retentionDays: number } } }).settings.events).toEqual(
			{
				retentionDays: 180,
			},
		);

		await page.click(`[data-testid=segments] a:has-text("Pro buyers")`);
		await page.click('[data-testid=view-subscribers]');
		await page.locator('[data-testid=subscribers]').waitFor();
		expect(await page.inputValue('#sub-segment')).toBe(segmentId);
		const listed = await page.$$eval('[data-testid=subscribers] tbody tr td:first-child a', (as) =>
			as.map((a) => a.textContent),
		);
		expect(listed.sort()).toEqual([ids.alice, ids.dan, ids.finn].sort());
		await shoot(page, 'subscribers-segment');

		// A segment used by another cannot be deleted: the 409's message shows.
		await api('/segments', {
			method: 'POST',
			body: JSON.stringify({ name: 'Pro buyers on Chrome', filter: { all: [{ segment: segmentId }] } }),
		});
		await page.evaluate(() => (location.hash = '#/segments'));
		const proRow = `[data-testid=segments] tr[data-segment="${segmentId}"]`;
		await page.locator(proRow).waitFor();
		await page.click(`${proRow} button:has-text("Delete")`);
		await page.click(`${proRow} button:has-text("Yes, delete")`);
		await page.locator(`${proRow} [role=alert]`).waitFor();
		expect(await page.locator(`${proRow} [role=alert]`).textContent()).toContain('Pro buyers on Chrome');
		await context.close();
	});

	it('marks a tester from the subscriber detail and opens the user page with attributes and events', async () => {
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker, `#/subscribers/${ids.alice}`);
		await page.locator('[data-testid=subscriber]').waitFor();
		await page.click('[data-testid=tester-toggle]:has-text("Mark as tester")');
		await page.locator('[data-testid=tester-toggle]:has-text("Unmark as tester")').waitFor();
		expect(await page.locator('[data-testid=subscriber-tester] .badge-test').count()).toBe(1);
		expect(((await api(`/subscribers/${ids.alice}`)) as { test: boolean }).test).toBe(true);
		await shoot(page, 'subscriber-tester');

		await page.click('[data-testid=subscriber-user] a');
		await page.locator('[data-testid=user-attributes]').waitFor();
		expect(await page.locator('[data-testid=user-id]').textContent()).toBe('u-alice');
		expect(await page.locator('[data-attribute=plan]').textContent()).toBe('pro');
		expect(await page.locator('[data-attribute=first_name]').textContent()).toBe('Alice');
		expect(await page.locator('[data-attribute=vip]').textContent()).toBe('yes');
		const signedUp = await page.evaluate(() =>
			new Date('2026-03-14T00:00:00Z').toLocaleDateString(document.documentElement.lang || undefined, {
				year: 'numeric',
				month: 'short',
				day: 'numeric',
				timeZone: 'UTC',
			}),
		);
		expect(await page.locator('[data-attribute=signed_up]').textContent()).toBe(signedUp);
		expect(signedUp).toContain('2026');
		const events = await page.locator('[data-testid=user-events] li').allTextContents();
		expect(events).toHaveLength(2);
		expect(events[0]).toContain('purchase');
		expect(events.join(' ')).toContain('oak-1');
		expect(
			await page.locator(`[data-testid=user-devices] a[href="#/subscribers/${ids.alice}"]`).count(),
		).toBe(1);
		expect(await page.locator('[data-testid=user-devices] .badge-test').count()).toBe(1);
		await shoot(page, 'user');

		// The subscriber list marks the tester.
		await page.evaluate(() => (location.hash = '#/subscribers'));
		await page.locator('[data-testid=subscribers]').waitFor();
		expect(
			await page.locator(`[data-testid=subscribers] tr:has(a:has-text("${ids.alice}")) .badge-test`).count(),
		).toBe(1);
		await context.close();
	});

	it('makes a tester link whose page marks the browser that opens it', async () => {
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker, '#/subscribers');
		await page.locator('[data-testid=subscribers]').waitFor();
		await page.click('[data-testid=make-tester-link]');
		const input = page.locator('#tester-link-value');
		await input.waitFor();
		const link = await input.inputValue();
		const { origins } = (await api('')) as { origins: string[] };
		expect(origins).toContain(new URL(link).origin);
		const token = new URL(link).hash.replace(/^#beckon-tester=/, '');
		expect(token).toMatch(/^btl\./);
		expect(await page.locator('[data-testid=open-tester-link]').getAttribute('href')).toBe(link);
		await shoot(page, 'tester-link');
		// What the widget does on that page: hand the token back with its subscriber id.
		const claimed = await fetch(
			`${worker.url}/v1/sites/${worker.demo.siteId}/subscribers/${ids.finn}/tester`,
			{ method: 'POST', body: JSON.stringify({ token }) },
		);
		expect(claimed.status).toBe(200);
		expect(((await api(`/subscribers/${ids.finn}`)) as { test: boolean }).test).toBe(true);
		// The composer test below counts the testers: leave alice the only one.
		await api(`/subscribers/${ids.finn}`, { method: 'PATCH', body: JSON.stringify({ test: false }) });
		await context.close();
	});

	it('erases a user after a confirm', async () => {
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker, '#/users/u-carol');
		await page.locator('[data-testid=user-attributes]').waitFor();
		await page.click('button:has-text("Erase user")');
		await page.click('button:has-text("Yes, erase")');
		await page.waitForFunction(() => location.hash === '#/subscribers');
		const gone = await fetch(`${worker.url}/v1/sites/${worker.demo.siteId}/users/u-carol`, {
			headers: { authorization: `Bearer ${worker.demo.apiKey}` },
		});
		expect(gone.status).toBe(404);
		await context.close();
	});

	it('sends to a segment or the testers with their reach, and previews the message for a subscriber', async () => {
		const { segments } = (await api('/segments')) as { segments: Array<{ segmentId: string; name: string }> };
		const pro = segments.find((s) => s.name === 'Pro buyers');
		expect(pro).toBeDefined();
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker, '#/send');
		await page.fill('#title', 'Hi {{ user.first_name | default: "there" }}');
		await page.fill('#body', 'Back on {{ subscriber.last_url | default: "the shop" }} · {{ user.plan }}');
		expect(await page.locator('[data-testid=liquid-hint]').textContent()).toContain('{{ user.first_name');

		await page.check('input[name=audience][value=segment]');
		expect(await page.inputValue('#audience-segment-id')).toBe(pro?.segmentId);
		await reachIs(page, 2, 3);
		await page.check('input[name=audience][value=test]');
		await reachIs(page, 1, 1);
		await page.check('input[name=audience][value=segment]');
		await reachIs(page, 2, 3);

		// Preview for alice: her first name and plan filled in, the default for the empty last page.
		await page.fill('#preview-q', 'u-alice');
		await page.click('[data-testid=preview-for] button[type=submit]');
		await page.click(`[data-testid=preview-results] button:has-text("${ids.alice}")`);
		await page.waitForFunction(() =>
			document.querySelector('[data-platform=macos]')?.textContent?.includes('Hi Alice'),
		);
		expect(await page.locator('[data-platform=android]').textContent()).toContain('Back on the shop · pro');
		expect(await page.locator('[data-testid=preview-who]').textContent()).toContain('u-alice');

		await page.click('button:has-text("Send…")');
		await expect(page.locator('#confirm-q').textContent()).resolves.toContain('the segment “Pro buyers”');
		expect(await page.locator('[data-testid=confirm-reach]').textContent()).toBe(
			'It reaches 2 subscribers now.',
		);
		await shoot(page, 'composer-audience');
		await page.click('.confirm-box button:has-text("Cancel")');

		// Excluding the segment from everyone: the other allowed browsers (bob, anon; carol was erased).
		await page.check('input[name=audience][value=all]');
		await page.selectOption('#audience-exclude', pro?.segmentId ?? '');
		await reachIs(page, 2, 2);
		await page.click('button:has-text("Send…")');
		await expect(page.locator('#confirm-q').textContent()).resolves.toContain(
			'except the segment “Pro buyers”',
		);
		await context.close();
	});
});
