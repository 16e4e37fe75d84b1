import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { capture, type Finding, freshPage, openConsole, PHONE, subscribe } from '../support/console.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

const screens = join(process.cwd(), 'test-results', 'screens');

describe('demo store and console in Chromium', () => {
	let worker: LocalWorker;
	let browser: Browser;
	const findings: Record<string, Record<string, Finding[]>> = {};

	/** Screenshots and audits a screen; serious or critical axe findings fail the test. */
	const shoot = async (page: Page, screen: string) => {
		const found = await capture(page, screen);
		findings[screen] = found;
		expect.soft(found, `axe-core on ${screen}`).toEqual({ phone: [], desktop: [] });
	};

	const api = (path: string, init: RequestInit = {}, key = worker.demo.apiKey) =>
		fetch(`${worker.url}/v1/sites/${worker.demo.siteId}${path}`, {
			...init,
			headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
		});

	const statusCount = (page: Page, status: string) =>
		page.locator(`[data-testid=by-status] [data-status=${status}] .status-n`).textContent();

	beforeAll(async () => {
		mkdirSync(screens, { recursive: true });
		[worker, browser] = await Promise.all([startWorker(), launchChromium()]);
	});

	afterAll(async () => {
		console.log('console axe-core findings', JSON.stringify(findings));
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

	it('signs in with a site id and API key and refuses a wrong key with the server message', async () => {
		const { context, page } = await freshPage(browser);
		await page.goto(`${worker.url}/console/`);
		await page.locator('#signin-site').waitFor();
		await shoot(page, 'sign-in');
		await page.fill('#signin-site', worker.demo.siteId);
		await page.fill('#signin-key', 'bk_wrong');
		await page.click('[data-testid=signin-key] button[type=submit]');
		await expect(page.locator('[role=alert]').first().textContent()).resolves.toContain('not valid');
		await page.fill('#signin-site', worker.demo.siteId);
		await page.fill('#signin-key', worker.demo.apiKey);
		await page.click('[data-testid=signin-key] button[type=submit]');
		await expect(page.locator('[data-testid=staff-name]').textContent()).resolves.toBe('Site owner');
		expect(await page.locator('[data-testid=site-name]').textContent()).toBe('Beckon demo store');
		await page.click('button.signout');
		await page.locator('#signin-site').waitFor();
		expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
		await context.close();
	});

	it('takes the npm start link, shows new subscribers, sends to everyone and opens the report', async () => {
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker);
		expect(page.url()).not.toContain(worker.demo.apiKey);
		expect(page.url()).toMatch(/#\/overview$/);
		const stored = await page.evaluate(() => JSON.stringify(sessionStorage));
		expect(stored).toContain(worker.demo.apiKey);
		await page.locator('[data-testid=by-status]').waitFor();
		const ask = Number(await statusCount(page, 'ask'));
		const blocked = Number(await statusCount(page, 'blocked'));
		await Promise.all([
			subscribe(worker, { permission: 'default' }),
			subscribe(worker, { permission: 'default' }),
			subscribe(worker, { permission: 'denied' }),
		]);
		await page.reload();
		await page.locator('[data-testid=by-status]').waitFor();
		expect(Number(await statusCount(page, 'ask'))).toBe(ask + 2);
		expect(Number(await statusCount(page, 'blocked'))).toBe(blocked + 1);
		await shoot(page, 'overview');

		await page.click('nav a[href="#/send"]');
		await page.fill('#title', 'Weekend sale');
		await page.fill('#body', 'Everything oak is 20% off');
		await page.fill('#url', `${worker.url}/products/oak-board`);
		await page.click('text=Add a button');
		await page.fill('#button-1-title', 'Shop now');
		expect(await page.locator('[data-testid=previews] figure').count()).toBe(4);
		expect(await page.locator('[data-platform=android]').textContent()).toContain('Shop now');
		expect(await page.locator('[data-platform=macos]').textContent()).toContain('Weekend sale');
		await shoot(page, 'composer');

		// A test to oneself: nobody is linked to "owner", so the console asks for a subscriber id.
		await page.click('[data-testid=test-send] button:has-text("Send a test")');
		await expect(page.locator('[data-testid=test-send] [role=alert]').textContent()).resolves.toContain(
			'No subscribed browser is linked to you',
		);
		await page.locator('#test-subscriber').waitFor();

		await page.click('button:has-text("Send…")');
		await expect(page.locator('#confirm-q').textContent()).resolves.toMatch(/all 0 active subscribers/);
		await page.click('[data-testid=confirm-send]');
		await page.locator('[data-testid=progress][data-status=done]').waitFor({ timeout: 20_000 });
		await page.click('[data-testid=progress] a:has-text("See the report")');
		await expect(page.locator('[data-testid=report-title]').textContent()).resolves.toBe('Weekend sale');
		await page.locator('[data-testid=report-status]:has-text("done")').waitFor({ timeout: 20_000 });
		expect(await page.locator('[data-figure=ctr]').textContent()).toBe('–');
		await shoot(page, 'report');

		await page.click('nav a[href="#/notifications"]');
		await page.locator('[data-testid=history] tbody tr').first().waitFor();
		expect(await page.locator('[data-testid=history] tbody tr').first().textContent()).toContain(
			'Weekend sale',
		);
		await shoot(page, 'history');
		await context.close();
	});

	it('signs the operator in, lists the sites and opens the one picked', async () => {
		const { context, page } = await freshPage(browser);
		await page.goto(`${worker.url}/console/`);
		await page.click('button:has-text("Operator token")');
		await page.fill('#signin-operator', 'wrong-token');
		await page.click('[data-testid=signin-operator] button[type=submit]');
		await expect(page.locator('[role=alert]').first().textContent()).resolves.toContain('operator token');
		await page.fill('#signin-operator', worker.adminToken);
		await page.click('[data-testid=signin-operator] button[type=submit]');
		await page.locator('[data-testid=site-list]').waitFor();
		expect(await page.locator('[data-testid=site-list]').textContent()).toContain(worker.demo.siteId);
		await shoot(page, 'site-picker');
		await page.click(`[data-testid=site-list] button:has-text("${worker.demo.siteId}")`);
		await expect(page.locator('[data-testid=staff-name]').textContent()).resolves.toBe('Operator');
		await page.locator('[data-testid=by-status]').waitFor();
		expect(await page.evaluate(() => JSON.stringify(sessionStorage))).toContain(worker.adminToken);
		expect(page.url()).not.toContain(worker.adminToken);
		await context.close();
	});

	it('searches and filters subscribers, shows one, exports CSV and erases one', async () => {
		const blocked = await subscribe(worker, {
			permission: 'denied',
			locale: 'de-DE',
			timezone: 'Europe/Berlin',
		});
		const other = await subscribe(worker, { permission: 'default' });
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker, '#/subscribers');
		await page.locator('[data-testid=subscribers]').waitFor();
		expect(await page.locator('[data-testid=subscribers]').textContent()).toContain(other);

		await page.selectOption('#sub-status', 'blocked');
		await page.click('form[aria-label="Find subscribers"] button[type=submit]');
		await page.waitForFunction((id) => {
			const rows = [...document.querySelectorAll('[data-testid=subscribers] tbody tr')];
			return (
				rows.length > 0 &&
				rows.every((r) => r.textContent?.includes('blocked')) &&
				rows.some((r) => r.textContent?.includes(id))
			);
		}, blocked);
		await page.selectOption('#sub-status', '');
		await page.fill('#sub-q', blocked);
		await page.click('form[aria-label="Find subscribers"] button[type=submit]');
		await page.waitForFunction(
			() => document.querySelectorAll('[data-testid=subscribers] tbody tr').length === 1,
		);
		await shoot(page, 'subscribers');

		const downloading = page.waitForEvent('download');
		await page.click('[data-testid=export]');
		const csv = readFileSync(await (await downloading).path(), 'utf8');
		expect(csv.split('\n')[0]).toContain('subscriberId');
		expect(csv).toContain(blocked);
		expect(csv).not.toContain(other);

		await page.click(`a:has-text("${blocked}")`);
		await page.locator('[data-testid=subscriber]').waitFor();
		const detail = await page.locator('[data-testid=subscriber]').textContent();
		expect(detail).toContain('Europe/Berlin');
		expect(detail).toContain('blocked');
		await page.click('button:has-text("Use for test sends")');
		expect(await page.evaluate(() => localStorage.getItem('beckon.console.testSubscriber'))).toBe(blocked);
		await shoot(page, 'subscriber-detail');
		await page.click('button:has-text("Delete (erase)")');
		await page.click('button:has-text("Yes, delete (erase)")');
		await page.waitForFunction(() => location.hash === '#/subscribers');
		expect((await api(`/subscribers/${blocked}`)).status).toBe(404);
		await page.fill('#sub-q', blocked);
		await page.click('form[aria-label="Find subscribers"] button[type=submit]');
		await page.locator('[data-testid=no-subscribers]').waitFor();
		await context.close();
	});

	it('saves prompt settings, previews them while typing and shows them after a reload', async () => {
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker, '#/settings/prompt');
		await page.locator('[data-testid=prompt-preview]').waitFor();
		await page.fill('#pp-title', 'Hear it first');
		expect(await page.locator('[data-testid=pp-heading]').textContent()).toBe('Hear it first');
		await page.fill('#pp-accent', '#7c3aed');
		const accent = await page
			.locator('[data-testid=prompt-preview] .pp-a')
			.evaluate((el) => getComputedStyle(el).backgroundColor);
		expect(accent).toBe('rgb(124, 58, 237)');
		await page.check('#pp-bell');
		await page.locator('[data-testid=prompt-preview] .pp-bell').waitFor();
		await page.fill('#pp-new-label', 'Restocks');
		await page.click('button:has-text("Add topic")');
		expect(await page.locator('[data-testid=prompt-preview]').textContent()).toContain('Restocks');
		await shoot(page, 'prompt-settings');

		// Past the input's own max (which the browser enforces) to see the server's message.
		await page.$eval('#pp-radius', (el) => el.removeAttribute('max'));
		await page.fill('#pp-radius', '99');
		await page.click('form[aria-label="Prompt settings"] button[type=submit]');
		await expect(
			page.locator('form[aria-label="Prompt settings"] [role=alert]').textContent(),
		).resolves.toContain('radius');
		await page.fill('#pp-radius', '16');
		await page.click('form[aria-label="Prompt settings"] button[type=submit]');
		await page.locator('text=Saved; sites pick it up within a minute').waitFor();
		await page.reload();
		await page.locator('#pp-title').waitFor();
		expect(await page.inputValue('#pp-title')).toBe('Hear it first');
		expect(await page.inputValue('#pp-accent')).toBe('#7c3aed');
		expect(await page.isChecked('#pp-bell')).toBe(true);
		expect(await page.locator('[data-testid=topics]').textContent()).toContain('Restocks');
		const config = (await (await fetch(`${worker.url}/v1/sites/${worker.demo.siteId}/config`)).json()) as {
			prompt: { texts: { title: string }; theme: { radius: number } };
		};
		expect(config.prompt.texts.title).toBe('Hear it first');
		expect(config.prompt.theme.radius).toBe(16);
		await context.close();
	});

	it('creates a read-only API key shown once, rotates it, and revokes it', async () => {
		const { context, page } = await freshPage(browser);
		await openConsole(page, worker, '#/settings/api-keys');
		await page.locator('[data-testid=api-keys]').waitFor();
		await page.fill('#key-name', 'CI key');
		await page.selectOption('#key-scope', 'read');
		await page.click('button:has-text("Create key")');
		await page.locator('[data-testid=new-key]').waitFor();
		const key = await page.inputValue('#new-key-value');
		expect(key).toMatch(/^bk_/);
		expect(await page.locator('[data-testid=new-key] [role=alert]').textContent()).toContain('only once');
		const row = page.locator('[data-testid=api-keys] tr:has-text("CI key")');
		await row.waitFor();
		expect(await row.locator('[data-testid=key-scope]').textContent()).toBe('Read: look only');
		expect(await row.locator('[data-testid=key-last-used]').textContent()).toBe('never');
		// It reads, and nothing more.
		expect((await api('', {}, key)).status).toBe(200);
		expect((await api('/notifications', { method: 'POST', body: '{}' }, key)).status).toBe(403);
		await page.reload();
		await row.waitFor();
		expect(await row.locator('[data-testid=key-last-used]').textContent()).not.toBe('never');
		await shoot(page, 'api-keys');

		await row.locator('button:has-text("Rotate")').click();
		await row.locator('button:has-text("Yes, rotate")').click();
		await page.waitForFunction((old) => {
			const input = document.querySelector<HTMLInputElement>('#new-key-value');
			return input !== null && input.value !== old;
		}, key);
		const rotated = await page.inputValue('#new-key-value');
		expect((await api('', {}, key)).status).toBe(401);
		expect((await api('', {}, rotated)).status).toBe(200);
		await page.click('[data-testid=new-key] button:has-text("Done")');
		expect(await page.locator('[data-testid=new-key]').count()).toBe(0);
		expect(await page.content()).not.toContain(rotated);
		await row.locator('button:has-text("Revoke")').click();
		await row.locator('button:has-text("Yes, revoke")').click();
		await row.waitFor({ state: 'detached' });
		expect((await api('', {}, rotated)).status).toBe(401);
		await context.close();
	});

	it('adds webhook endpoints, shows the secret once, sends a signed test event and logs a failing receiver', async () => {
		// A receiver on this machine: /ok answers 204, /fail 500. Each call is checked with the scheme's own library.
		const got: Array<{ path: string; headers: Record<string, string>; body: string }> = [];
		const receiver = createServer(async (req, res) => {
			const chunks: Buffer[] = [];
			for await (const chunk of req) chunks.push(chunk as Buffer);
			got.push({
				path: req.url ?? '',
				headers: req.headers as Record<string, string>,
				body: Buffer.concat(chunks).toString(),
			});
			res.statusCode = req.url === '/ok' ? 204 : 500;
			res.end(req.url === '/ok' ? undefined : 'receiver is down');
		});
		await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
		const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
		const { context, page } = await freshPage(browser);
		try {
			await openConsole(page, worker, '#/settings/webhooks');
			await page.locator('text=No endpoints yet').waitFor();
			await page.fill('#hook-url', `${base}/ok`);
			await page.fill('#hook-description', 'CRM sync');
			await page.check('[data-testid=hook-events] input[value="notification.completed"]');
			await page.click('button:has-text("Add endpoint")');
			await page.locator('[data-testid=new-secret]').waitFor();
			const secret = await page.inputValue('#new-secret-value');
			expect(secret).toMatch(/^whsec_/);
			const row = page.locator('[data-testid=webhooks] tr:has-text("CRM sync")');
			await row.waitFor();
			expect(await row.textContent()).toContain('A send finished');
			await page.click('[data-testid=new-secret] button:has-text("Done")');
			expect(await page.content()).not.toContain(secret);

			// The log opened with the new endpoint: a test event goes out, signed, and shows as delivered.
			const log = page.locator('[data-testid=delivery-log]');
			await log.locator('text=Nothing sent to it yet.').waitFor();
			await log.locator('button:has-text("Send test event")').click();
			await expect.poll(() => got.filter((g) => g.path === '/ok').length, { timeout: 15_000 }).toBe(1);
			const call = got.find((g) => g.path === '/ok');
			expect(new Webhook(secret).verify(call?.body ?? '', call?.headers ?? {})).toMatchObject({
				type: 'webhook.test',
			});
			await expect
				.poll(
					async () => {
						await log.locator('button:has-text("Refresh")').click();
						return log.locator('tr[data-status=delivered]').count();
					},
					{ timeout: 15_000 },
				)
				.toBe(1);
			expect(await log.locator('tr[data-status=delivered]').textContent()).toContain('204');

			// A failing receiver: its call waits for a retry, with the receiver's answer as the error.
			await page.fill('#hook-url', `${base}/fail`);
			await page.fill('#hook-description', 'Broken receiver');
			await page.click('button:has-text("Add endpoint")');
			await page.locator('[data-testid=delivery-log] h2:has-text("/fail")').waitFor();
			await page.click('[data-testid=new-secret] button:has-text("Done")');
			await log.locator('button:has-text("Send test event")').click();
			await expect
				.poll(
					async () => {
						await log.locator('button:has-text("Refresh")').click();
						return log.locator('[data-testid=last-error]').first().textContent();
					},
					{ timeout: 15_000 },
				)
				.toBe('HTTP 500: receiver is down');
			expect(await log.locator('tr[data-status=pending]').textContent()).toContain('Retrying');
			await shoot(page, 'webhooks');

			// Turned off by hand, it says so.
			const broken = page.locator('[data-testid=webhooks] tr:has-text("Broken receiver")');
			await broken.locator('button:has-text("Turn off")').click();
			await expect
				.poll(() => broken.locator('[data-testid=hook-status]').textContent())
				.toBe('OffTurned off by its owner');
			await broken.locator('button:has-text("Delete")').click();
			await broken.locator('button:has-text("Yes, delete")').click();
			await broken.waitFor({ state: 'detached' });
		} finally {
			await context.close();
			receiver.close();
		}
	});

	it('imports subscribers with another tool’s key pair, reports each row, exports everything, and retires the old key', async () => {
		const b64u = (bytes: ArrayBuffer | Uint8Array) =>
			Buffer.from(new Uint8Array(bytes)).toString('base64url');
		const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
			'sign',
			'verify',
		])) as CryptoKeyPair;
		const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
		const oldPublic = b64u(await crypto.subtle.exportKey('raw', pair.publicKey));
		const browserKey = async () => {
			const p = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
				'deriveBits',
			])) as CryptoKeyPair;
			return b64u(await crypto.subtle.exportKey('raw', p.publicKey));
		};
		const auth = () => b64u(crypto.getRandomValues(new Uint8Array(16)));
		const csv = [
			'endpoint,p256dh,auth',
			`http://127.0.0.1:9/push/old-1,${await browserKey()},${auth()}`,
			`http://127.0.0.1:9/push/old-2,${await browserKey()},${auth()}`,
			`http://127.0.0.1:9/push/old-3,AAAA,${auth()}`,
		].join('\n');
		const { context, page } = await freshPage(browser);
		try {
			await openConsole(page, worker, '#/settings/data');
			await page.fill('#import-public', oldPublic);
			await page.fill('#import-private', jwk.d as string);
			await page.fill('#import-label', 'Old tool');
			await page.fill('#import-rows', csv);
			await page.click('button:has-text("Import")');
			const report = page.locator('[data-testid=import-report]');
			await report.waitFor();
			expect(await report.locator('p').textContent()).toBe('2 imported, 0 already here, 1 refused.');
			expect(await report.locator('li').textContent()).toMatch(/^Row 3: p256dh/);
			const old = page.locator(`[data-testid=vapid-keys] tr:has-text("Old tool")`);
			await old.waitFor();
			expect(await old.locator('td.num').textContent()).toBe('2');
			await shoot(page, 'import-export');

			// The export downloads as NDJSON with both key pairs, the private halves sealed.
			const [file] = await Promise.all([
				page.waitForEvent('download'),
				page.click('[data-testid=export-all]'),
			]);
			const text = readFileSync((await file.path()) as string, 'utf8');
			const lines = text
				.trim()
				.split('\n')
				.map((l) => JSON.parse(l) as { type: string; current?: boolean });
			expect(lines[0]?.type).toBe('beckon-export');
			expect(lines.filter((l) => l.type === 'vapid_key').map((l) => l.current)).toEqual([true, false]);
			expect(text).not.toContain(jwk.d as string);
			expect(lines.at(-1)?.type).toBe('end');

			// Retiring a key still in use deletes its subscribers, after saying so.
			await old.locator('button:has-text("Retire")').click();
			expect(await old.textContent()).toContain('2 subscribers still use this key');
			await old.locator('button:has-text("Yes, retire")').click();
			await old.waitFor({ state: 'detached' });
		} finally {
			await context.close();
		}
	});

	it('gets a new console token when one expires and retries the request', async () => {
		const { context, page } = await freshPage(browser);
		const minted: string[] = [];
		page.on('request', (r) => {
			if (r.url().endsWith('/console-tokens')) minted.push(r.url());
		});
		let expired = 0;
		await page.route('**/v1/sites/*/stats', async (route) => {
			if (expired++ === 0)
				return route.fulfill({
					status: 401,
					contentType: 'application/json',
					body: JSON.stringify({
						error: { code: 'token_expired', message: 'The console token has expired' },
					}),
				});
			return route.continue();
		});
		await openConsole(page, worker);
		await page.locator('[data-testid=by-status]').waitFor();
		expect(expired).toBe(2);
		expect(minted.length).toBe(2);
		expect(await page.locator('[role=alert]').count()).toBe(0);
		await context.close();
	});

	/** Mints a console token with the site key, as a host's backend would. */
	const mint = async (body: Record<string, unknown>) =>
		(await (await api('/console-tokens', { method: 'POST', body: JSON.stringify(body) })).json()) as {
			token: string;
			role: string;
		};

	/** A host page on the worker's origin that mounts the console bundle with a given host and boot script. */
	const hostPage = async (page: Page, host: string, boot: string) => {
		await page.route(`${worker.url}/host-test/`, (route) =>
			route.fulfill({
				contentType: 'text/html; charset=utf-8',
				body: `<!doctype html><html lang="en"><head><title>Host</title><link rel="stylesheet" href="/console/console.css"><script>${boot}</script><script type="module" src="/console/console.js"></script></head><body><div id="beckon-console" data-host="${host}" data-api=""></div></body></html>`,
			}),
		);
		await page.goto(`${worker.url}/host-test/#/overview`);
	};

	it('runs inside WordPress as a viewer: page token, refresh through the plugin with its nonce, no editing', async () => {
		const first = await mint({ staff: { id: 'wp-7', name: 'Eve' }, role: 'viewer' });
		const { context, page } = await freshPage(browser);
		const refreshes: string[] = [];
		await page.route(`${worker.url}/wp-refresh`, async (route) => {
			refreshes.push(route.request().headers()['x-wp-nonce'] ?? '');
			await route.fulfill({ json: await mint({ staff: { id: 'wp-7', name: 'Eve' }, role: 'viewer' }) });
		});
		let expired = 0;
		await page.route('**/v1/sites/*/stats', (route) =>
			expired++ === 0
				? route.fulfill({ status: 401, json: { error: { code: 'token_expired', message: 'expired' } } })
				: route.continue(),
		);
		await hostPage(
			page,
			'wordpress',
			`window.beckonConsoleWp = ${JSON.stringify({ token: first, refreshUrl: '/wp-refresh', nonce: 'nonce-1' })};
			window.wp = { i18n: { __: (t, d) => (d === 'beckon-web-push' && t === 'Overview' ? 'Übersicht' : t) } };`,
		);
		await page.locator('[data-testid=by-status]').waitFor();
		expect(refreshes).toEqual(['nonce-1']);
		expect(await page.locator('nav a[href="#/overview"]').textContent()).toBe('Übersicht');
		expect(await page.locator('#beckon-console').getAttribute('data-host')).toBe('wordpress');
		const primary = await page.evaluate(() =>
			getComputedStyle(document.querySelector('#beckon-console') as Element).getPropertyValue('--primary'),
		);
		expect(primary.trim()).toBe('#2271b1');
		await page.evaluate(() => (location.hash = '#/send'));
		await page.fill('#title', 'Not allowed');
		expect(await page.locator('button[type=submit]:has-text("Send")').isDisabled()).toBe(true);
		await shoot(page, 'wordpress-composer');
		await page.evaluate(() => (location.hash = '#/settings/prompt'));
		expect(await page.locator('form[aria-label="Prompt settings"] button[type=submit]').isDisabled()).toBe(
			true,
		);
		await page.evaluate(() => (location.hash = '#/settings/api-keys'));
		await page.locator('text=Only admins manage API keys').waitFor();
		await context.close();
	});

	it('runs inside Shopify: App Bridge session token for a console token, App Bridge toasts', async () => {
		const { context, page } = await freshPage(browser);
		const bearer: string[] = [];
		await page.route(`${worker.url}/shopify/api/console-token`, async (route) => {
			bearer.push(route.request().headers().authorization ?? '');
			await route.fulfill({
				json: await mint({ staff: { id: 'shop-staff-1', name: 'Sam' }, role: 'editor' }),
			});
		});
		await hostPage(
			page,
			'shopify',
			`window.__toasts = [];
			window.shopify = {
				idToken: async () => 'session-token-1',
				toast: { show: (m, o) => window.__toasts.push([m, Boolean(o && o.isError)]) },
				resourcePicker: async (o) => o.type === 'product' ? [{ handle: 'oak-board', title: 'Oak board', images: [] }] : [],
			};`,
		);
		await page.locator('[data-testid=by-status]').waitFor();
		expect(bearer).toEqual(['Bearer session-token-1']);
		expect(await page.locator('[data-testid=staff-name]').textContent()).toBe('Sam');
		expect(await page.locator('button.signout').count()).toBe(0);
		await page.evaluate(() => (location.hash = '#/send'));
		await page.click('button:has-text("Pick a product")');
		await page.waitForFunction(() => (document.getElementById('url') as HTMLInputElement).value !== '');
		expect(await page.inputValue('#url')).toBe(`${worker.url}/products/oak-board`);
		expect(await page.inputValue('#title')).toBe('Oak board');
		await shoot(page, 'shopify-composer');
		await page.evaluate(() => (location.hash = '#/settings/prompt'));
		await page.click('form[aria-label="Prompt settings"] button[type=submit]');
		await page.waitForFunction(() => (window as unknown as { __toasts: unknown[] }).__toasts.length > 0);
		expect(await page.evaluate(() => (window as unknown as { __toasts: unknown[] }).__toasts)).toEqual([
			['Prompt settings saved', false],
		]);
		await context.close();
	});

	it('renders a hostile notification title as inert text inside the history table on a phone', async () => {
		// Titles are capped at 200 characters by the API; the body carries the 300 unbroken ones.
		const hostile = `<img src=x onerror=alert(1)>${'W'.repeat(172)}`;
		const long = 'W'.repeat(300);
		const sent = await api('/notifications', {
			method: 'POST',
			body: JSON.stringify({ title: hostile, body: long, audience: { all: true } }),
		});
		expect(sent.status).toBe(202);
		const { context, page } = await freshPage(browser);
		const dialogs: string[] = [];
		page.on('dialog', (d) => {
			dialogs.push(d.message());
			void d.dismiss();
		});
		await page.setViewportSize(PHONE);
		await openConsole(page, worker, '#/notifications');
		await page.locator('[data-testid=history] tbody tr').first().waitFor();
		const layout = await page.evaluate((title) => {
			const link = [...document.querySelectorAll('[data-testid=history] a')].find(
				(a) => a.textContent === title,
			);
			const cell = link?.closest('td')?.getBoundingClientRect();
			const text = link?.getBoundingClientRect();
			return {
				found: Boolean(link),
				injected: document.querySelectorAll('#beckon-console img[src=x]').length,
				fits: Boolean(cell && text && text.right <= cell.right + 0.5 && text.left >= cell.left - 0.5),
				pageWidth: document.documentElement.scrollWidth,
			};
		}, hostile);
		expect(layout).toEqual({ found: true, injected: 0, fits: true, pageWidth: PHONE.width });
		await page.screenshot({ path: join(screens, 'console-history-hostile-phone.png'), fullPage: true });
		await page.click(`[data-testid=history] a >> nth=0`);
		await expect(page.locator('[data-testid=report-title]').textContent()).resolves.toBe(hostile);
		expect(await page.locator(`dd:has-text("${long}")`).count()).toBe(1);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(PHONE.width);
		expect(dialogs).toEqual([]);
		await context.close();
	});
});
