import { createECDH, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffPreferences, StaffView, TeamView } from '../../worker/src/wire/index.ts';
import { launchChromium } from '../support/chromium.ts';
import {
	auditScreen,
	auditWithoutToasts,
	demoApi,
	type Finding,
	freshPage,
	openConsole,
} from '../support/console.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

// The staff alert screens of the console (issue 14): the presence heartbeat, the live alert list with its unread
// badge, the preferences matrix, teams, and push on this browser, in Chromium against a local worker.

describe('console staff alerts: presence, alerts, preferences, teams', () => {
	let worker: LocalWorker;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	const findings: Record<string, Record<string, Finding[]>> = {};

	const api = (path: string, init: RequestInit = {}) => demoApi(worker, path, init);
	/** The standalone console's staff member (signed in with the site key). */
	const owner = async () => (await api('/staff/owner')) as StaffView;

	/** Polls until `check` holds (the console's own timers run in the page). */
	const until = async (check: () => Promise<boolean>, ms = 15_000) => {
		const end = Date.now() + ms;
		while (!(await check())) {
			if (Date.now() > end) throw new Error('timed out');
			await new Promise((r) => setTimeout(r, 200));
		}
	};

	const shoot = async (screen: string) => {
		await auditWithoutToasts(page, screen, findings);
	};

	const go = async (hash: string) => {
		await page.evaluate((h) => (location.hash = h), hash);
		await page.locator('#screen-title').waitFor();
	};

	beforeAll(async () => {
		[worker, browser] = await Promise.all([startWorker(), launchChromium()]);
		({ context, page } = await freshPage(browser));
	});

	afterAll(async () => {
		console.log('console-staff axe-core findings', JSON.stringify(findings));
		await context?.close();
		await browser?.close();
		await worker?.stop();
	});

	it('reports the member active while the tab is visible, and not once it is hidden', async () => {
		await openConsole(page, worker, '#/alerts');
		await until(async () => (await owner().catch(() => null))?.active === true);
		await page.evaluate(() => {
			Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
			Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
			document.dispatchEvent(new Event('visibilitychange'));
		});
		await until(async () => (await owner()).active === false);
		await page.evaluate(() => {
			Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
			Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
			document.dispatchEvent(new Event('visibilitychange'));
		});
		await until(async () => (await owner()).active === true);
	});

	it('shows an empty list, then a staff event live with the unread badge; opening it marks it read', async () => {
		expect(await page.locator('[data-testid=alerts-empty]').textContent()).toContain('No alerts yet');
		expect(await page.locator('[data-testid=unread-count]').count()).toBe(0);
		// The integration's own conversation page, answered here (the machine has no internet).
		const url = 'https://chat.example/conversations/conv-1';
		await context.route('https://chat.example/**', (route) =>
			route.fulfill({ contentType: 'text/html', body: '<title>Conversation</title>' }),
		);
		await api('/staff-events', {
			method: 'POST',
			body: JSON.stringify({
				events: [
					{
						id: 'evt-1',
						type: 'conversation.created',
						conversation: { id: 'conv-1', title: 'Ana asks about sizes', url, assignee: null, team: null },
						message: { id: 'msg-1', text: 'Do you have the jacket in blue, size M?', author: 'Ana' },
					},
					{ id: 'evt-2', type: 'order.created', title: 'New order #1001', body: '€84.00 from Ben' },
				],
			}),
		});
		// No reload: the list and the badge refresh by themselves within ~10 s.
		const items = page.locator('[data-testid=alerts] li');
		await items.nth(1).waitFor({ timeout: 15_000 });
		await page.locator('[data-testid=unread-count]').waitFor();
		expect(await page.locator('[data-testid=unread-count]').textContent()).toContain('2');
		expect(await page.locator('[data-notification][data-unread=true]').count()).toBe(2);
		await shoot('alerts');

		const conversation = page.locator('[data-testid=alerts] li', { hasText: 'Ana asks about sizes' });
		const [popup] = await Promise.all([context.waitForEvent('page'), conversation.locator('a').click()]);
		expect(popup.url()).toBe(url);
		await popup.close();
		await until(async () => (await conversation.getAttribute('data-unread')) === 'false');
		await until(
			async () => (await page.locator('[data-testid=unread-count]').textContent())?.includes('1') === true,
		);

		await page.getByRole('button', { name: 'Mark all read' }).click();
		await until(async () => (await page.locator('[data-notification][data-unread=true]').count()) === 0);
		await page.locator('[data-testid=unread-count]').waitFor({ state: 'detached' });
		const inbox = (await api('/staff/owner/notifications')) as { unread: number };
		expect(inbox.unread).toBe(0);
	});

	it('saves the preferences matrix, which the member’s own token then reads back', async () => {
		await go('#/alerts/preferences');
		const table = page.locator('[data-testid=preferences]');
		await table.waitFor();
		const row = (kind: string) => table.locator(`tr[data-kind="${kind}"]`);
		// Defaults: new conversations for mine, my teams and unassigned, by push; new users listed, no push.
		expect(await row('conversation.created').locator('[data-cell=unassigned]').isChecked()).toBe(true);
		expect(await row('conversation.created').locator('[data-cell=all]').isChecked()).toBe(false);
		expect(await row('user.registered').locator('[data-cell=on]').isChecked()).toBe(true);
		expect(await row('user.registered').locator('[data-cell=push]').isChecked()).toBe(false);
		await shoot('alert-preferences');

		await row('conversation.created').locator('[data-cell=unassigned]').uncheck();
		await row('conversation.created').getByLabel('New conversation: All').check();
		await row('message.created').getByLabel('New message in a conversation: Email').uncheck();
		await row('user.registered').locator('[data-cell=on]').uncheck();
		await row('order.created').getByLabel('New order: Push').uncheck();
		await page.getByRole('button', { name: 'Save preferences' }).click();
		await page.getByText('Preferences saved').waitFor();

		const { token } = (await api('/console-tokens', {
			method: 'POST',
			body: JSON.stringify({ staff: { id: 'owner', name: 'Site owner' } }),
		})) as { token: string };
		const response = await fetch(`${worker.url}/v1/sites/${worker.demo.siteId}/staff/me/preferences`, {
			headers: { authorization: `Bearer ${token}` },
		});
		const prefs = (await response.json()) as StaffPreferences;
		expect(prefs['conversation.created'].scopes.sort()).toEqual(['all', 'mine', 'teams']);
		expect(prefs['message.created']).toEqual({ scopes: ['mine', 'unassigned'], push: true, email: false });
		expect(prefs['user.registered'].scopes).toEqual([]);
		expect(prefs['order.created'].push).toBe(false);
	});

	it('registers the staff service worker on the worker origin; without a push service it says why', async () => {
		await context.grantPermissions(['notifications'], { origin: worker.url });
		await go('#/alerts/devices');
		await page.locator('[data-testid=devices-empty]').waitFor();
		await page.locator('[data-testid=push-on]').click();
		// Chromium here refuses push (headless) or has no push service: the screen says why instead of hanging.
		const error = page.locator('.notice-error');
		await error.waitFor({ timeout: 30_000 });
		expect(await error.textContent()).toMatch(/^Push is not on: this browser (blocks|could not reach)/);
		await shoot('alert-devices-error');
		const script = await page.evaluate(
			async () => (await navigator.serviceWorker.getRegistration('/console/'))?.active?.scriptURL ?? null,
		);
		expect(script).toBe(`${worker.url}/console/staff-sw.js`);
	});

	it('lists the member’s devices and removes one', async () => {
		const { token } = (await api('/console-tokens', {
			method: 'POST',
			body: JSON.stringify({ staff: { id: 'owner', name: 'Site owner' } }),
		})) as { token: string };
		const response = await fetch(`${worker.url}/v1/sites/${worker.demo.siteId}/staff/me/devices`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${token}`,
				'content-type': 'application/json',
				'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
			},
			body: JSON.stringify({
				subscription: {
					endpoint: `https://updates.push.services.mozilla.com/wpush/v2/${randomBytes(8).toString('hex')}`,
					keys: {
						p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
						auth: randomBytes(16).toString('base64url'),
					},
				},
			}),
		});
		expect(response.status, await response.clone().text()).toBe(201);
		await page.reload();
		const device = page.locator('[data-testid=devices] li');
		await device.waitFor();
		expect(await device.textContent()).toContain('Firefox');
		await device.getByRole('button', { name: 'Remove' }).click();
		await device.getByRole('button', { name: 'Yes, remove' }).click();
		await page.locator('[data-testid=devices-empty]').waitFor();
		expect((await owner()).devices).toBe(0);
		await shoot('alert-devices');
	});

	it('adds a team, sets its members from the staff list, and deletes a team', async () => {
		await api('/staff', {
			method: 'POST',
			body: JSON.stringify({ staffId: 'agent-bea', name: 'Bea Agent', email: 'bea@example.com' }),
		});
		await go('#/alerts/teams');
		for (const [id, name] of [
			['support', 'Support'],
			['sales', 'Sales'],
		] as const) {
			await page.locator('#team-id').fill(id);
			await page.locator('#team-name').fill(name);
			await page.getByRole('button', { name: 'Add team' }).click();
			await page.locator(`[data-testid=teams] tr[data-team="${id}"]`).waitFor();
		}
		// A new team opens its members form.
		const form = page.locator('[data-testid=members-form]');
		await form.waitFor();
		await form.getByLabel('Bea Agent').check();
		await form.getByLabel('Site owner').check();
		await form.getByRole('button', { name: 'Save members' }).click();
		await form.waitFor({ state: 'detached' });
		const sales = page.locator('[data-testid=teams] tr[data-team="sales"] [data-testid=team-members]');
		await page.waitForFunction(
			() =>
				document
					.querySelector('[data-testid=teams] tr[data-team="sales"] [data-testid=team-members]')
					?.textContent?.includes('Bea Agent') === true,
		);
		expect(await sales.textContent()).toContain('Site owner');
		const { teams } = (await api('/teams')) as { teams: TeamView[] };
		expect(teams.find((x) => x.teamId === 'sales')?.members.sort()).toEqual(['agent-bea', 'owner']);
		await shoot('teams');

		const support = page.locator('[data-testid=teams] tr[data-team="support"]');
		await support.getByRole('button', { name: 'Delete' }).click();
		await support.getByRole('button', { name: 'Yes, delete' }).click();
		await support.waitFor({ state: 'detached' });
		expect(((await api('/teams')) as { teams: TeamView[] }).teams.map((x) => x.teamId)).toEqual(['sales']);
	});

	it('inside wp-admin (another origin) hands off to the console on the worker origin, as the same member', async () => {
		const wp = await freshPage(browser);
		const eve = { staff: { id: 'wp-7', name: 'Eve' }, role: 'editor', ttlSeconds: 900 };
		const boot = await api('/console-tokens', { method: 'POST', body: JSON.stringify(eve) });
		// wp-admin stand-in: a page of its own origin (another port) that loads the console from the worker, and the
		// plugin's refresh route, which mints a fresh token for the same user with the site key (server-side).
		const html = `<!doctype html><html lang="en"><head><title>WP</title><link rel="stylesheet" href="${worker.url}/console/console.css"><script>window.beckonConsoleWp = ${JSON.stringify({ token: boot, refreshUrl: '/wp-refresh', nonce: 'n' })};</script><script type="module" src="${worker.url}/console/console.js"></script></head><body><div id="beckon-console" data-host="wordpress" data-api="${worker.url}"></div></body></html>`;
		const wpServer = createServer((req, res) => {
			if (req.method === 'POST' && req.url === '/wp-refresh' && req.headers['x-wp-nonce'] === 'n') {
				api('/console-tokens', { method: 'POST', body: JSON.stringify(eve) }).then(
					(token) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(token)),
					(error) => res.writeHead(502).end(String(error)),
				);
				return;
			}
			res.writeHead(200, { 'content-type': 'text/html' }).end(html);
		});
		await new Promise<void>((resolve) => wpServer.listen(0, '127.0.0.1', resolve));
		const wpUrl = `http://127.0.0.1:${(wpServer.address() as AddressInfo).port}`;
		await wp.page.goto(`${wpUrl}/wp-admin/admin.php#/alerts/devices`);
		const handoff = wp.page.locator('[data-testid=push-handoff]');
		await handoff.waitFor();
		expect(await wp.page.locator('[data-testid=push-on]').count()).toBe(0);
		await auditScreen(wp.page, 'alert-devices-handoff', findings);

		// The hand-off: a new tab of the worker's console, signed in as Eve, the token gone from the address.
		const [handed] = await Promise.all([
			wp.context.waitForEvent('page'),
			handoff.getByRole('button', { name: 'Open the Beckon console to turn on push' }).click(),
		]);
		await handed.locator('[data-testid=push-on]').waitFor();
		expect(handed.url()).toBe(`${worker.url}/console/#/alerts/devices`);
		expect(await handed.evaluate(() => history.length)).toBe(1);
		expect(await handed.locator('[data-testid=staff-name]').textContent()).toBe('Eve');
		expect(await handed.locator('[data-testid=handoff-until]').textContent()).toMatch(
			/^Signed in from WordPress as Eve until /,
		);
		const session = await handed.evaluate(() =>
			JSON.parse(sessionStorage.getItem('beckon.console.session') ?? '{}'),
		);
		expect(session).toMatchObject({ siteId: worker.demo.siteId, kind: 'token', from: 'wordpress' });
		const me = await fetch(`${worker.url}/v1/sites/${worker.demo.siteId}/staff/me`, {
			headers: { authorization: `Bearer ${session.secret}` },
		});
		expect(((await me.json()) as StaffView).staffId).toBe('wp-7');
		await auditScreen(handed, 'alert-devices-handed-off', findings);
		await handed.close();

		// The link itself (window.open caught in the wp-admin page), for the expired and damaged cases.
		await wp.page.evaluate(() => {
			window.open = (url) => {
				(window as unknown as { opened: string }).opened = String(url);
				return null;
			};
		});
		await handoff.getByRole('button', { name: 'Open the Beckon console to turn on push' }).click();
		await wp.page.waitForFunction(() => 'opened' in window);
		const link = await wp.page.evaluate(() => (window as unknown as { opened: string }).opened);
		// It names the plugin's console page, where a staff push's click lands signed in (no fragment).
		const wpHome = await wp.page.evaluate(() => `${location.origin}${location.pathname}${location.search}`);
		expect(link).toMatch(
			new RegExp(
				`^${worker.url}/console/#handoff=bct\\.[^&]+&site=${worker.demo.siteId}&from=wordpress&back=`,
			),
		);
		expect(new URLSearchParams(new URL(link).hash.slice(1)).get('back')).toBe(wpHome);

		// A damaged link (its signature changed): the worker refuses it, and the console says so.
		const damaged = await wp.context.newPage();
		const [, mac = ''] = /\.([^.&]+)&site=/.exec(link) ?? [];
		await damaged.goto(link.replace(`.${mac}&`, `.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}&`));
		const refused = damaged.locator('[data-testid=handoff-ended]');
		await refused.waitFor();
		expect(await refused.getAttribute('data-reason')).toBe('damaged');
		expect(await refused.getByRole('alert').textContent()).toBe(
			'This sign-in link from WordPress is damaged or not valid; open the console again from WordPress.',
		);
		expect(damaged.url()).toBe(`${worker.url}/console/#/alerts/devices`);
		await auditScreen(damaged, 'handoff-damaged', findings);
		await damaged.close();

		// Left open past its 15 minutes: the console says where to sign in again, and forgets the token.
		// (Fake clocks are per context: each case has its own.)
		const { context: lateContext, page: late } = await freshPage(browser);
		await late.clock.install();
		await late.goto(link);
		await late.locator('[data-testid=push-on]').waitFor();
		await late.clock.fastForward('16:00');
		const ended = late.locator('[data-testid=handoff-ended]');
		await ended.waitFor();
		expect(await ended.getAttribute('data-reason')).toBe('expired');
		expect(await ended.getByRole('alert').textContent()).toBe(
			'This sign-in from WordPress has expired; open the console again from WordPress.',
		);
		expect(await late.evaluate(() => sessionStorage.getItem('beckon.console.session'))).toBeNull();
		await auditScreen(late, 'handoff-expired', findings);
		await late.getByRole('button', { name: 'Sign in with a site API key instead' }).click();
		await late.locator('[data-testid=signin-key]').waitFor();
		await lateContext.close();

		// Opened after it expired: the same message at once.
		const { context: laterContext, page: later } = await freshPage(browser);
		await later.clock.install({ time: Date.now() + 16 * 60_000 });
		await later.goto(link);
		await later.locator('[data-testid=handoff-ended][data-reason=expired]').waitFor();
		expect(later.url()).toBe(`${worker.url}/console/#/alerts/devices`);
		await laterContext.close();

		// The WordPress user is a staff member of their own, present while their tab is in use.
		// (Made by the console's first call as "me": until then the member is a 404.)
		await until(
			async () => ((await api('/staff/wp-7').catch(() => null)) as StaffView | null)?.active === true,
		);
		// Their preferences save across origins too (PUT passes the admin API's CORS preflight).
		await wp.page.evaluate(() => (location.hash = '#/alerts/preferences'));
		await wp.page.locator('tr[data-kind=mention] [data-cell=all]').check();
		await wp.page.getByRole('button', { name: 'Save preferences' }).click();
		await wp.page.getByText('Preferences saved').waitFor();
		const prefs = (await api('/staff/wp-7/preferences')) as StaffPreferences;
		expect(prefs.mention.scopes).toContain('all');
		await wp.context.close();
		wpServer.close();
	});
});
