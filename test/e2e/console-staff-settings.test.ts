import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteView, StaffView } from '../../worker/src/wire/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { auditWithoutToasts, demoApi, type Finding, freshPage, openConsole } from '../support/console.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';

// The console's own staff settings (issue 14) in Chromium against a local worker that mails a real SMTP sink, as
// `npm start` runs them: the member's profile, the site's reminder interval, the local outbox showing the reminder
// the sink caught, and one shared alert poll for the badge and the list.

describe('console staff settings: profile, reminder interval, local outbox', { timeout: 240_000 }, () => {
	let sink: SmtpSink;
	let worker: LocalWorker;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	const findings: Record<string, Record<string, Finding[]>> = {};

	const api = (path: string, init: RequestInit = {}) => demoApi(worker, path, init);

	/** Polls until `check` holds. */
	const until = async (check: () => Promise<boolean>, ms = 15_000) => {
		const end = Date.now() + ms;
		while (!(await check())) {
			if (Date.now() > end) throw new Error('timed out');
			await new Promise((r) => setTimeout(r, 250));
		}
	};

	const shoot = async (target: Page, screen: string) => {
		await auditWithoutToasts(target, screen, findings);
	};

	const go = async (hash: string) => {
		await page.evaluate((h) => (location.hash = h), hash);
		await page.locator('#screen-title').waitFor();
	};

	/** A wp-admin stand-in on another origin (a port of its own) loading the console from the worker with `token`. */
	async function wpAdmin(token: unknown): Promise<{ url: string; server: Server }> {
		const html = `<!doctype html><html lang="en"><head><title>WP</title><link rel="stylesheet" href="${worker.url}/console/console.css"><script>window.beckonConsoleWp = ${JSON.stringify({ token, refreshUrl: '/wp-refresh', nonce: 'n' })};</script><script type="module" src="${worker.url}/console/console.js"></script></head><body><div id="beckon-console" data-host="wordpress" data-api="${worker.url}"></div></body></html>`;
		const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
	}

	beforeAll(async () => {
		sink = await startSmtpSink();
		[worker, browser] = await Promise.all([
			startWorker({
				EMAIL_FROM: 'Beckon (local) <beckon@localhost>',
				SMTP_HOST: '127.0.0.1',
				SMTP_PORT: String(sink.smtpPort),
				SMTP_SECURITY: 'none',
				// A minute between reminders lasts 3 s.
				TEST_MINUTE_MS: '3000',
				DEV_OUTBOX_URL: sink.url,
			}),
			launchChromium(),
		]);
		({ context, page } = await freshPage(browser));
	});

	afterAll(async () => {
		console.log('console-staff-settings axe-core findings', JSON.stringify(findings));
		await context?.close();
		await browser?.close();
		await worker?.stop();
		await sink?.close();
	});

	it('edits the member’s own profile, checks the time zone, and keeps the name over the host’s', async () => {
		await api('/teams', { method: 'POST', body: JSON.stringify({ teamId: 'support', name: 'Support' }) });
		await openConsole(page, worker, '#/alerts/settings');
		const profile = page.locator('[data-testid=profile]');
		await until(async () => (await page.locator('#profile-name').inputValue()) === 'Site owner');
		expect(await profile.locator('[data-testid=profile-teams]').textContent()).toContain('none yet');
		await api('/teams/support', { method: 'PATCH', body: JSON.stringify({ members: ['owner'] }) });
		await page.reload();
		await until(
			async () =>
				(await page.locator('[data-testid=profile-teams]').textContent())?.includes('Support') === true,
		);

		await page.locator('#profile-name').fill('Rosa Díaz');
		await page.locator('#profile-email').fill('rosa@shop.example');
		await page.locator('#profile-timezone').fill('Mars/Olympus');
		await page.getByRole('button', { name: 'Save profile' }).click();
		const zoneError = page.locator('#profile-timezone-error');
		await zoneError.waitFor();
		expect(await zoneError.textContent()).toContain('Europe/Berlin');
		expect(await page.locator('#profile-timezone').getAttribute('aria-invalid')).toBe('true');
		expect(((await api('/staff/owner')) as StaffView).name).toBe('Site owner');

		await page.locator('#profile-timezone').fill('Europe/Lisbon');
		await page.getByRole('button', { name: 'Save profile' }).click();
		await page.getByText('Profile saved').waitFor();
		expect(await api('/staff/owner')).toMatchObject({
			name: 'Rosa Díaz',
			email: 'rosa@shop.example',
			timezone: 'Europe/Lisbon',
			teams: ['support'],
		});
		expect(await page.locator('[data-testid=staff-name]').textContent()).toBe('Rosa Díaz');
		// A reload signs in again with the host's identity ("Site owner"): the member's own name stays.
		await page.reload();
		await until(async () => (await page.locator('#profile-name').inputValue()) === 'Rosa Díaz');
		expect(await page.locator('[data-testid=staff-name]').textContent()).toBe('Rosa Díaz');
		expect(((await api('/staff/owner')) as StaffView).name).toBe('Rosa Díaz');
	});

	it('saves the reminder interval (admins), which the preferences screen then tells', async () => {
		const card = page.locator('[data-testid=staff-settings]');
		expect(await page.locator('#reminder-minutes').inputValue()).toBe('5');
		expect(await card.locator('[data-testid=reminder-every]').textContent()).toContain('every 5 minutes');
		await page.locator('#reminder-minutes').fill('1');
		await card.getByRole('button', { name: 'Save' }).click();
		await page.getByText('Staff alert settings saved').waitFor();
		expect(((await api('')) as SiteView).settings.staff).toEqual({ reminderMinutes: 1 });
		expect(await card.locator('[data-testid=reminder-every]').textContent()).toContain('every 1 minute,');
		await shoot(page, 'alert-settings');

		await go('#/alerts/preferences');
		expect(await page.locator('[data-testid=reminder-note]').textContent()).toContain('every 1 minute,');
	});

	it('shows an editor the interval without letting them change it', async () => {
		const token = await api('/console-tokens', {
			method: 'POST',
			body: JSON.stringify({ staff: { id: 'wp-5', name: 'Eddie' }, role: 'editor' }),
		});
		const wp = await freshPage(browser);
		const { url, server } = await wpAdmin(token);
		await wp.page.goto(`${url}/wp-admin/admin.php#/alerts/settings`);
		await wp.page.locator('[data-testid=staff-settings]').waitFor();
		expect(await wp.page.locator('#reminder-minutes').isDisabled()).toBe(true);
		expect(await wp.page.locator('#reminder-minutes').inputValue()).toBe('1');
		expect(await wp.page.locator('[data-testid=staff-settings]').textContent()).toContain(
			'Only admins change this; your role is editor.',
		);
		// Their own profile they may change, across origins.
		await until(async () => (await wp.page.locator('#profile-name').inputValue()) === 'Eddie');
		await wp.page.locator('#profile-name').fill('Eddie B.');
		await wp.page.getByRole('button', { name: 'Save profile' }).click();
		await until(async () => ((await api('/staff/wp-5')) as StaffView).name === 'Eddie B.');
		await wp.context.close();
		server.close();
	});

	it('polls alerts once for the badge and the list together', async () => {
		// A page of its own on a fake clock: 21 s of the console's timers pass at once.
		const timed = await freshPage(browser);
		await timed.page.clock.install();
		await openConsole(timed.page, worker, '#/alerts');
		await timed.page.locator('[data-testid=unread-status]').waitFor();
		const asked: string[] = [];
		timed.page.on('request', (r) => {
			if (r.url().includes('/staff/me/notifications')) asked.push(r.url());
		});
		await timed.page.clock.runFor(21_000);
		await until(async () => asked.length >= 2);
		await new Promise((r) => setTimeout(r, 500));
		// One poll every 10 s for both (two would ask four times in 21 s), asking for the list.
		expect(asked).toHaveLength(2);
		expect(asked.every((u) => u.endsWith('limit=100'))).toBe(true);
		await timed.context.close();
	});

	it('shows the reminder email the local sink caught in the outbox', async () => {
		await api('/staff', {
			method: 'POST',
			body: JSON.stringify({ staffId: 'agent-bea', name: 'Bea Agent', email: 'bea@shop.example' }),
		});
		await go('#/alerts/outbox');
		await page.locator('[data-testid=outbox-empty]').waitFor();
		await page.locator('nav.subnav a[href="#/alerts/outbox"][aria-current=page]').waitFor();
		await api('/staff-events', {
			method: 'POST',
			body: JSON.stringify({
				events: [
					{
						id: 'evt-remind-1',
						type: 'conversation.created',
						conversation: { id: 'conv-r1', title: 'Gift wrapping?', assignee: 'agent-bea' },
						message: { id: 'msg-r1', author: 'Lou', text: 'Can you gift-wrap the oak board?' },
					},
				],
			}),
		});
		// The round comes one interval later (the minute set above, 3 s under TEST_MINUTE_MS); the screen
		// refreshes by itself within its 10 s poll.
		const item = page.locator('[data-testid=outbox] li').first();
		await item.waitFor({ timeout: 30_000 });
		expect(await item.locator('summary').textContent()).toContain('1 unread message · Beckon demo store');
		expect(await item.locator('[data-testid=outbox-to]').textContent()).toContain('bea@shop.example');
		expect(await item.locator('[data-testid=outbox-text]').isVisible()).toBe(false);
		await item.locator('summary').click();
		const text = item.locator('[data-testid=outbox-text]');
		await text.waitFor();
		expect(await text.textContent()).toContain('Lou: Can you gift-wrap the oak board?');
		expect(sink.messages.map((m) => m.envelope.to)).toEqual([['bea@shop.example']]);
		await shoot(page, 'alert-outbox');
	});

	it('reads the outbox from another origin (the console inside wp-admin)', async () => {
		const token = await api('/console-tokens', {
			method: 'POST',
			body: JSON.stringify({ staff: { id: 'wp-5', name: 'Eddie' }, role: 'viewer' }),
		});
		const wp = await freshPage(browser);
		const { url, server } = await wpAdmin(token);
		await wp.page.goto(`${url}/wp-admin/admin.php#/alerts/outbox`);
		await wp.page.locator('[data-testid=outbox] li').first().waitFor();
		await wp.context.close();
		server.close();
	});

	it('says there is no outbox on a deployment (DEMO off), and links to none', async () => {
		const deployed = await startWorker({ DEMO: 'false' });
		try {
			const other = await freshPage(browser);
			await openConsole(other.page, deployed, '#/alerts/outbox');
			const note = other.page.locator('[data-testid=outbox-absent]');
			await note.waitFor();
			expect(await note.textContent()).toContain('There is no outbox here.');
			expect(await other.page.locator('nav.subnav a[href="#/alerts/outbox"]').count()).toBe(0);
			await shoot(other.page, 'alert-outbox-absent');
			await other.context.close();
		} finally {
			await deployed.stop();
		}
	});
});
