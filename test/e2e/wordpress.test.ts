import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';
import { captureScreen, type Finding, showScreen } from '../support/wordpress/console-page.ts';
import { extractPot } from '../support/wordpress/pot.ts';
import { phpFiles, phpunitCounts, runCommand } from '../support/wordpress/static-checks.ts';
import { unpackVendor, vendorSkipReason, wpcsCommand } from '../support/wordpress/vendor.ts';
import {
	NETWORK_PREFIX,
	startWordPress,
	WORDPRESS_CORE,
	type WordPress,
	WP_ADMIN,
} from '../support/wordpress/wordpress.ts';

const root = process.cwd();
const plugin = join(root, 'plugin-wordpress');
const unitDir = join(root, 'test/wordpress');
const screens = join(root, 'test-results', 'screens');
/** The folder WordPress.org would give the plugin: the slug it derives from the name "Beckon Web Push". */
const SLUG = 'beckon-web-push';
const vendorSkip = vendorSkipReason();
/** A test or group name that says why it is skipped, when it is. */
const named = (name: string, skip: string) => (skip ? `${name} (skipped: ${skip})` : name);

/** What WPCS with the plugin's configuration finds in test/wordpress/wpcs-fixture/unsafe.php, by line. */
const EXPECTED_WPCS_FINDINGS = [
	'14 WordPress.NamingConventions.PrefixAllGlobals.NonPrefixedFunctionFound',
	'15 WordPress.Security.NonceVerification.Recommended',
	'15 WordPress.Security.EscapeOutput.OutputNotEscaped',
	'15 WordPress.Security.ValidatedSanitizedInput.InputNotValidated',
	'15 WordPress.Security.ValidatedSanitizedInput.MissingUnslash',
	'15 WordPress.Security.ValidatedSanitizedInput.InputNotSanitized',
	'16 WordPress.Security.ValidatedSanitizedInput.InputNotValidated',
	'16 WordPress.Security.ValidatedSanitizedInput.MissingUnslash',
	'16 WordPress.Security.ValidatedSanitizedInput.InputNotSanitized',
	'16 WordPress.Security.NonceVerification.Missing',
	'17 WordPress.Security.EscapeOutput.OutputNotEscaped',
	'18 WordPress.WP.I18n.TextDomainMismatch',
	'19 WordPress.NamingConventions.PrefixAllGlobals.NonPrefixedHooknameFound',
];

/** The WordPress versions the plugin is tested against; each gets its own install, site and admin session. */
type Version = { id: string; name: string; skip: string; core: () => string; shot: string };

const VERSIONS: Version[] = [
	{ id: '6.1', name: "Debian's WordPress 6.1", skip: '', core: () => WORDPRESS_CORE, shot: '' },
	{
		id: '7.1',
		name: 'WordPress 7.1 (vendor tarball)',
		skip: vendorSkip,
		core: () => unpackVendor('wordpress-7.1.0', 'wordpress'),
		shot: '-7.1',
	},
];

interface Settings {
	url: string;
	site_id: string;
	api_key: string;
	identity_secret: string;
}

interface NotificationView {
	notificationId: string;
	status: string;
	message: { title: string; url?: string };
	counts: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Shared by every version: one push server, worker, Firefox and Chromium, and each version's WordPress.
let push: MozillaPushServer;
let worker: LocalWorker;
let firefox: FirefoxSession;
let chromium: Browser;
const sites = new Map<string, WordPress>();

/** The whole suite against one WordPress version (shared worker and browsers, its own install and site). */
function versionSuite(version: Version): void {
	describe.skipIf(version.skip)(named(version.name, version.skip), () => {
		let wp: WordPress;
		let admin: BrowserContext;
		let page: Page;
		let site: Settings;
		let restAuth = '';
		/** The report of the notification sent from the console's composer (`#/notifications/ntf_…`). */
		let reportHash = '#/notifications';

		const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
			const r = await fetch(`${worker.url}/v1/sites/${site.site_id}${path}`, {
				...init,
				headers: { authorization: `Bearer ${site.api_key}`, 'content-type': 'application/json' },
			});
			if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
			return (await r.json()) as T;
		};
		const rest = (path: string, body: unknown) =>
			fetch(`${wp.url}/wp-json/wp/v2${path}`, {
				method: 'POST',
				headers: { authorization: restAuth, 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
		const notificationsFor = async (url: string) =>
			(await api<{ notifications: NotificationView[] }>('/notifications?limit=100')).notifications.filter(
				(n) => n.message.url === url,
			);
		const sid = () =>
			firefox.page.evaluate((id: string) => localStorage.getItem(`beckon:${id}:sid`), site.site_id);

		beforeAll(async () => {
			wp = sites.get(version.id) as WordPress;
			admin = await chromium.newContext({ viewport: { width: 1280, height: 900 } });
			page = await admin.newPage();
		});

		afterAll(async () => {
			await admin?.close().catch(() => {});
		});

		it.each([
			['phpunit.xml', 'a single site', 79],
			['phpunit-multisite.xml', 'a multisite network (network-activated, two sites)', 4],
		])('passes the PHPUnit suite %s against this WordPress as %s', async (config, _what, least) => {
			const run = await runCommand('phpunit', ['-c', join(unitDir, config)], {
				BECKON_WP_DIR: wp.docroot,
				BECKON_URL: worker.url,
				BECKON_ADMIN_TOKEN: worker.adminToken,
			});
			const counts = phpunitCounts(run.stdout);
			expect(run.code, run.stdout + run.stderr).toBe(0);
			expect(counts.ok).toBe(true);
			expect(counts.tests).toBeGreaterThanOrEqual(least);
			console.log(`PHPUnit ${config}: ${counts.tests} tests, ${counts.assertions} assertions`);
		});

		it('connects from the settings screen with an operator token and never prints a secret', async () => {
			await page.goto(`${wp.url}/wp-login.php`);
			await page.fill('#user_login', WP_ADMIN.user);
			await page.fill('#user_pass', WP_ADMIN.password);
			await Promise.all([page.waitForURL(/\/wp-admin\/?$/), page.click('#wp-submit')]);
			expect(await page.textContent('#wpbody-content')).toContain('Beckon is active but not connected');

			await page.goto(`${wp.url}/wp-admin/admin.php?page=beckon-settings`);
			await page.fill('#beckon_url', worker.url);
			await page.fill('#beckon_operator_token', worker.adminToken);
			await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
			expect(await page.textContent('#setting-error-beckon_create')).toContain('Created the Beckon site');
			site = await wp.eval<Settings>("return get_option( 'beckon_settings' );");
			expect(site.site_id).toMatch(/^site_/);

			await Promise.all([page.waitForURL(/page=beckon-settings$/), page.click('#beckon_test')]);
			expect(await page.textContent('.beckon-notice.notice-success')).toContain(
				`Connected: site "Beckon Test Blog" (${site.site_id})`,
			);
			const html = await page.content();
			for (const secret of [site.api_key, site.identity_secret, worker.adminToken])
				expect(html).not.toContain(secret);
			await page.screenshot({
				path: join(screens, `wordpress-connect${version.shot}.png`),
				fullPage: true,
			});
		});

		it('puts the async widget on the front page and serves the service-worker stub at the root', async () => {
			const html = await (await fetch(`${wp.url}/`)).text();
			const tag = /<script[^>]*id=['"]beckon-widget-js['"][^>]*>/.exec(html)?.[0] ?? '';
			expect(tag).toMatch(new RegExp(`src=['"]${worker.url}/beckon\\.js['"]`));
			expect(tag).toContain(' async ');
			expect(tag).toContain(`data-site="${site.site_id}"`);
			expect(tag).toContain(`data-sw="${wp.url}/beckon-sw.js"`);
			expect(tag).toContain('data-scope="/beckon/"');
			expect(tag).not.toContain('data-identity');
			expect(tag).toContain(`data-api="${worker.url}"`);
			expect(html).not.toContain('BeckonConfig');
			for (const path of ['/beckon-sw.js', '/?beckon_sw=1']) {
				const sw = await fetch(`${wp.url}${path}`, { redirect: 'manual' });
				expect(sw.status).toBe(200);
				expect(sw.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
				expect(sw.headers.get('service-worker-allowed')).toBe('/');
				expect(await sw.text()).toBe(`importScripts("${worker.url}/v1/sites/${site.site_id}/sw.js");\n`);
			}
			const imported = await fetch(`${worker.url}/v1/sites/${site.site_id}/sw.js`);
			expect(imported.status).toBe(200);
			expect(await imported.text()).toContain('notificationclick');
		});

		it('opens the console in wp-admin, whose counts change when a reader subscribes in Firefox', async () => {
			await page.goto(`${wp.url}/wp-admin/admin.php?page=beckon`);
			expect(await page.locator('.wrap.beckon > h1').textContent()).toBe('Beckon');
			const root = page.locator('#beckon-console.beckon-console[data-host="wordpress"]');
			expect(await root.getAttribute('data-api')).toBe(worker.url);
			await showScreen(page, '#/overview', 'Overview');
			expect(await root.getByTestId('staff-name').textContent()).toBe('admin');
			expect(await root.getByTestId('active').locator('.figure-n').textContent()).toBe('0');
			expect(await page.content()).not.toContain(site.api_key);

			await firefox.page.goto(`${wp.url}/`);
			await expect.poll(sid, { timeout: 20_000 }).not.toBeNull();
			await expect.poll(async () => (await api<{ active: number }>('/stats')).active).toBe(1);
			// Away and back: the overview reads the counts again.
			await root.getByRole('link', { name: 'Send', exact: true }).click();
			await showScreen(page, '#/send', 'Send a notification');
			await root.getByRole('link', { name: 'Overview', exact: true }).click();
			await showScreen(page, '#/overview', 'Overview');
			expect(await root.getByTestId('active').locator('.figure-n').textContent()).toBe('1');
			expect(await root.locator('[data-status="allowed"] .status-n').textContent()).toBe('1');
			expect(await root.getByTestId('by-browser').textContent()).toMatch(/firefox\s*1/i);
		});

		it('sends exactly one notification for a post published over REST, and its click opens the post', async () => {
			const password = await wp.eval<string>(
				"return WP_Application_Passwords::create_new_application_password( 1, array( 'name' => 'e2e' ) )[0];",
			);
			restAuth = `Basic ${Buffer.from(`${WP_ADMIN.user}:${password}`).toString('base64')}`;
			const created = await rest('/posts', {
				title: 'The autumn menu is here',
				content: '<p>Pumpkin soup, roast squash and apple cake.</p>',
				status: 'publish',
			});
			expect(created.status).toBe(201);
			const post = (await created.json()) as { id: number; link: string };

			const shown = await firefox.waitForNotification((n) => n.title === 'The autumn menu is here', 20_000);
			expect(shown.body).toBe('Pumpkin soup, roast squash and apple cake.');
			await firefox.clickNotification('The autumn menu is here');
			const opened = await firefox.waitForPage((url) => url === post.link, 15_000);
			expect(await opened.page.title()).toContain('The autumn menu is here');

			expect((await rest(`/posts/${post.id}`, { content: '<p>Now with pear tart.</p>' })).status).toBe(200);
			expect((await rest(`/posts/${post.id}`, { status: 'publish', title: 'The autumn menu' })).status).toBe(
				200,
			);
			await sleep(500);
			const sent = await notificationsFor(post.link);
			expect(sent).toHaveLength(1);
			await expect
				.poll(async () => (await api<NotificationView>(`/notifications/${sent[0]?.notificationId}`)).counts, {
					timeout: 10_000,
				})
				.toMatchObject({ targeted: 1, sent: 1, failed: 0 });
		});

		it('sends a scheduled post once when WP-Cron publishes it', async () => {
			const created = await rest('/posts', {
				title: 'Winter opening hours',
				content: '<p>From December we open at nine.</p>',
				status: 'future',
				date_gmt: new Date(Date.now() + 3_600_000).toISOString().slice(0, 19),
			});
			expect(created.status).toBe(201);
			const post = (await created.json()) as { id: number; status: string };
			expect(post.status).toBe('future');
			// An hour passes: the post's date and its publish_future_post event move into the past.
			await wp.eval(`global $wpdb;
				$t = gmdate( 'Y-m-d H:i:s', time() - 5 );
				$wpdb->update( $wpdb->posts, array( 'post_date' => $t, 'post_date_gmt' => $t ), array( 'ID' => ${post.id} ) );
				clean_post_cache( ${post.id} );
				wp_clear_scheduled_hook( 'publish_future_post', array( ${post.id} ) );
				return wp_schedule_single_event( time() - 5, 'publish_future_post', array( ${post.id} ) );`);
			expect(
				await notificationsFor(await wp.eval<string>(`return get_permalink( ${post.id} );`)),
			).toHaveLength(0);
			expect((await fetch(`${wp.url}/wp-cron.php`)).status).toBe(200);
			const link = await wp.eval<string>(`return get_permalink( ${post.id} );`);
			await expect.poll(async () => (await notificationsFor(link)).length, { timeout: 10_000 }).toBe(1);
			expect(await wp.eval<string>(`return get_post_status( ${post.id} );`)).toBe('publish');
			await firefox.waitForNotification((n) => n.title === 'Winter opening hours', 20_000);
			await fetch(`${wp.url}/wp-cron.php`);
			await sleep(300);
			expect(await notificationsFor(link)).toHaveLength(1);
		});

		it('publishes from the block editor: its panel skips one post, the next sends once', async () => {
			await wp.eval(`global $wpdb;
				return update_user_meta( 1, $wpdb->get_blog_prefix() . 'persisted_preferences', array(
					'core/edit-post' => array( 'welcomeGuide' => false ),
					'core'           => array( 'welcomeGuide' => false ),
					'_modified'      => gmdate( 'c' ),
				) );`);
			// Newer editors put the post in an iframe (the "editor canvas"); 6.1 writes it into the page.
			const canvasOrTitle = () =>
				page.locator('iframe[name="editor-canvas"]').or(page.locator('.editor-post-title__input')).first();
			const postTitle = async () =>
				(await canvasOrTitle().evaluate((e) => e.tagName === 'IFRAME'))
					? page.frameLocator('iframe[name="editor-canvas"]').locator('.editor-post-title__input')
					: page.locator('.editor-post-title__input');
			const publish = async (title: string, skip: boolean): Promise<string> => {
				await page.goto(`${wp.url}/wp-admin/post-new.php`);
				await (await postTitle()).click();
				await page.keyboard.type(title);
				const panel = page.locator('.components-panel__body', { hasText: 'Push notification' });
				const toggle = panel.getByLabel('Send a push notification when published');
				if (!(await toggle.isVisible())) await panel.locator('.components-panel__body-toggle').click();
				expect(await toggle.isChecked()).toBe(true);
				if (skip) await toggle.uncheck();
				else await panel.screenshot({ path: join(screens, `wordpress-editor-panel${version.shot}.png`) });
				await (await postTitle()).click();
				await page.keyboard.press('End');
				await page.keyboard.press('Enter');
				await page.keyboard.type('Written in the block editor.');
				await page.locator('.editor-post-publish-panel__toggle').click();
				await page.locator('.editor-post-publish-panel .editor-post-publish-button').click();
				await page.locator('.post-publish-panel__postpublish').waitFor({ timeout: 20_000 });
				const id = new URL(page.url()).searchParams.get('post');
				return wp.eval<string>(`return get_permalink( ${Number(id)} );`);
			};
			const quiet = await publish('A quiet correction', true);
			const loud = await publish('New opening hours for the market', false);
			await firefox.waitForNotification((n) => n.title === 'New opening hours for the market', 20_000);
			await page.locator('.editor-post-publish-panel__header button[aria-label="Close panel"]').click();
			await (await postTitle()).click();
			await page.keyboard.type(' (updated)');
			await page.locator('.editor-post-publish-button').click();
			await page.locator('.components-snackbar', { hasText: 'Post updated.' }).waitFor({ timeout: 15_000 });
			expect(await notificationsFor(loud)).toHaveLength(1);
			expect(await notificationsFor(quiet)).toHaveLength(0);
		});

		it("sends from the console's composer, watches the progress reach done and opens the report; a test reaches the admin only", async () => {
			const fp = firefox.page;
			await fp.goto(`${wp.url}/wp-login.php`);
			await fp.type('#user_login', WP_ADMIN.user);
			await fp.type('#user_pass', WP_ADMIN.password);
			await Promise.all([fp.waitForNavigation(), fp.click('#wp-submit')]);
			await fp.goto(`${wp.url}/`);
			const me = await sid();
			await expect
				.poll(
					async () => (await api<{ externalUserId: string | null }>(`/subscribers/${me}`)).externalUserId,
					{ timeout: 15_000 },
				)
				.toBe('1');

			await page.goto(`${wp.url}/wp-admin/admin.php?page=beckon#/send`);
			const root = page.locator('#beckon-console');
			await showScreen(page, '#/send', 'Send a notification');
			await root.getByRole('textbox', { name: 'Title', exact: true }).fill('Doors open at nine tomorrow');
			await root.getByRole('textbox', { name: 'Message', exact: true }).fill('Come early for fresh bread.');
			await root.getByRole('textbox', { name: /^Link/ }).fill(`${wp.url}/`);
			await root.getByRole('button', { name: 'Send…' }).click();
			expect(await root.locator('#confirm-q').textContent()).toContain('all 1 active subscribers');
			await root.getByRole('button', { name: 'Yes, send now' }).click();
			const progress = root.getByTestId('progress');
			await root.locator('[data-testid="progress"][data-status="done"]').waitFor({ timeout: 20_000 });
			expect(await progress.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
			expect(await progress.textContent()).toContain('Done: 1 of 1 handled.');
			await firefox.waitForNotification((n) => n.title === 'Doors open at nine tomorrow', 15_000);

			await progress.getByRole('link', { name: 'See the report' }).click();
			await page.waitForURL(/#\/notifications\/ntf_/);
			reportHash = new URL(page.url()).hash;
			await showScreen(page, reportHash, 'Report');
			expect(await root.getByTestId('report-title').textContent()).toBe('Doors open at nine tomorrow');
			await expect
				.poll(async () => root.locator('[data-figure="sent"]').textContent(), { timeout: 10_000 })
				.toBe('1');

			await showScreen(page, '#/send', 'Send a notification');
			await root.getByRole('textbox', { name: 'Title', exact: true }).fill('Test for the admin');
			await root.getByRole('button', { name: 'Send a test' }).click();
			await root.getByText('Test sent to 1 browser.').waitFor({ timeout: 20_000 });
			const test = await firefox.waitForNotification((n) => n.title === 'Test for the admin', 15_000);
			const sent = (
				await api<{ notifications: (NotificationView & { audience: unknown })[] }>('/notifications?limit=100')
			).notifications.find((n) => n.message.title === 'Test for the admin');
			expect(sent?.audience).toEqual({ userIds: ['1'] });
			expect(test.tag).toBe(sent?.notificationId);
		});

		it('refreshes an expired console token through the plugin and carries on', async () => {
			const refreshes: number[] = [];
			const onResponse = (r: Response) => {
				if (r.url().includes('/wp-json/beckon/v1/console-token')) refreshes.push(r.status());
			};
			page.on('response', onResponse);
			// The backend says the token expired, once: the console must get a new one from WordPress and retry.
			let expired = 0;
			const stats = `${worker.url}/v1/sites/${site.site_id}/stats`;
			await page.route(stats, async (route) => {
				if (route.request().method() !== 'GET' || expired > 0) return route.fallback();
				expired++;
				await route.fulfill({
					status: 401,
					headers: { 'access-control-allow-origin': '*', 'content-type': 'application/json' },
					body: JSON.stringify({
						error: { code: 'token_expired', message: 'The console token has expired' },
					}),
				});
			});
			try {
				// A URL without a hash: a new page load (a new hash on the same page would only change the screen).
				await page.goto(`${wp.url}/wp-admin/admin.php?page=beckon`);
				await showScreen(page, '', 'Overview');
				expect(expired).toBe(1);
				expect(refreshes).toEqual([200]);
				expect(await page.getByTestId('active').locator('.figure-n').textContent()).toBe('1');
				expect(await page.locator('#beckon-console .notice-error').count()).toBe(0);
			} finally {
				await page.unroute(stats);
				page.off('response', onResponse);
			}

			// The route itself: the page's nonce is required, and the answer never holds the API key.
			const refresh = (nonce: string | null) =>
				page.evaluate(async (nonce) => {
					const boot = (window as unknown as { beckonConsoleWp: { refreshUrl: string } }).beckonConsoleWp;
					const headers: Record<string, string> = nonce === null ? {} : { 'X-WP-Nonce': nonce };
					const r = await fetch(boot.refreshUrl, { method: 'POST', credentials: 'same-origin', headers });
					return { status: r.status, body: await r.text() };
				}, nonce);
			expect((await refresh(null)).status).toBe(401);
			expect((await refresh('forged')).status).toBe(403);
			const nonce = await page.evaluate(
				() => (window as unknown as { beckonConsoleWp: { nonce: string } }).beckonConsoleWp.nonce,
			);
			const fresh = await refresh(nonce);
			expect(fresh.status).toBe(200);
			expect(fresh.body).not.toContain(site.api_key);
			expect(JSON.parse(fresh.body)).toMatchObject({
				siteId: site.site_id,
				role: 'admin',
				staff: { id: '1', name: 'admin' },
			});
		});

		it('shows every console screen inside wp-admin with no serious or critical axe-core finding', async () => {
			const consoleScreens: Array<[string, string, string]> = [
				['overview', '#/overview', 'Overview'],
				['send', '#/send', 'Send a notification'],
				['notifications', '#/notifications', 'History'],
				['report', reportHash, 'Report'],
				['subscribers', '#/subscribers', 'Subscribers'],
				['messages', '#/messages', 'Saved messages'],
				['automations', '#/automations', 'Automations'],
				['prompt', '#/settings/prompt', 'Prompt & widget'],
				['api-keys', '#/settings/api-keys', 'API keys'],
			];
			await page.goto(`${wp.url}/wp-admin/admin.php?page=beckon`);
			const findings: Record<string, Record<string, Finding[]>> = {};
			for (const [name, hash, title] of consoleScreens) {
				await showScreen(page, hash, title);
				findings[name] = await captureScreen(page, screens, name, version.shot);
				expect(await page.content()).not.toContain(site.api_key);
			}
			const clean = Object.fromEntries(consoleScreens.map(([name]) => [name, { phone: [], desktop: [] }]));
			expect(findings).toEqual(clean);
		});

		it("shows the console in the user's language, from the plugin's JSON translations (de_DE)", async () => {
			// WordPress names the console's translations after the md5 of the path the plugin gives its script
			// (load_script_textdomain_relative_path), and looks for them in wp-content/languages among others.
			const languages = await wp.eval<string>('wp_mkdir_p( WP_LANG_DIR ); return WP_LANG_DIR;');
			const md5 = createHash('md5').update('console/console.js').digest('hex');
			const file = join(languages, `beckon-web-push-de_DE-${md5}.json`);
			const messages = {
				'': { domain: 'messages', lang: 'de_DE', 'plural-forms': 'nplurals=2; plural=(n != 1);' },
				Overview: ['Übersicht'],
				'Send a test': ['Test senden'],
			};
			writeFileSync(file, JSON.stringify({ domain: 'messages', locale_data: { messages } }));
			// The admin's own language (Profile → Language); WordPress has no German core files here.
			await wp.eval("update_user_meta( 1, 'locale', 'de_DE' ); return true;");
			try {
				// A URL without a hash: a new page load, even when the console is open already.
				await page.goto(`${wp.url}/wp-admin/admin.php?page=beckon`);
				const root = page.locator('#beckon-console');
				await showScreen(page, '', 'Übersicht');
				expect(await root.getByRole('link', { name: 'Übersicht', exact: true }).count()).toBe(1);
				expect(await root.getByRole('link', { name: 'Overview', exact: true }).count()).toBe(0);
				await showScreen(page, '#/send', 'Send a notification');
				expect(await root.getByRole('button', { name: 'Test senden', exact: true }).count()).toBe(1);
				expect(await root.getByRole('button', { name: 'Send a test', exact: true }).count()).toBe(0);
			} finally {
				await wp.eval("delete_user_meta( 1, 'locale' ); return true;");
				rmSync(file, { force: true });
			}
			// Back in English (a URL without a hash: a new page load).
			await page.goto(`${wp.url}/wp-admin/admin.php?page=beckon`);
			await showScreen(page, '', 'Overview');
		});

		it('turns an unreachable backend into a notice that says what to do, not a broken page', async () => {
			const move = (url: string) =>
				wp.eval(
					`$s = get_option( 'beckon_settings' ); $s['url'] = '${url}'; update_option( 'beckon_settings', $s ); return true;`,
				);
			await move('http://127.0.0.1:9');
			try {
				const response = await page.goto(`${wp.url}/wp-admin/admin.php?page=beckon`);
				expect(response?.status()).toBe(200);
				expect(await page.locator('.wrap.beckon > h1').textContent()).toBe('Beckon');
				const notice = page.locator('.wrap.beckon .notice-error');
				expect(await notice.textContent()).toContain(
					'The Beckon console could not be opened: Could not reach the Beckon backend at http://127.0.0.1:9',
				);
				const link = notice.getByRole('link', { name: 'Check the connection under Beckon → Settings' });
				expect(await link.getAttribute('href')).toContain('admin.php?page=beckon-settings');
				expect(await page.locator('#beckon-console').count()).toBe(0);
				expect(await page.locator('script[src*="/console/console.js"]').count()).toBe(0);
				expect(await page.locator('#wpfooter').count()).toBe(1);
			} finally {
				await move(worker.url);
			}
		});

		it('shows the counts in a dashboard widget', async () => {
			await page.goto(`${wp.url}/wp-admin/`);
			const widget = page.locator('#beckon_dashboard');
			expect(await widget.locator('.beckon-tile[data-count="active"] b').textContent()).toBe('1');
			await widget.screenshot({ path: join(screens, `wordpress-dashboard${version.shot}.png`) });
		});

		it('left no PHP notice, warning or error from the plugin in the debug log', () => {
			const log = existsSync(wp.debugLog) ? readFileSync(wp.debugLog, 'utf8') : '';
			const ours = log.split('\n').filter((line) => /plugin-wordpress|plugins\/beckon-web-push/.test(line));
			expect(ours).toEqual([]);
			expect(log).not.toMatch(/PHP (Fatal|Parse) error/);
		});
	});
}

describe('WordPress plugin "Beckon Web Push" on real WordPress installs (MariaDB + php -S)', () => {
	beforeAll(async () => {
		mkdirSync(screens, { recursive: true });
		push = await startMozillaPushServer();
		// Started side by side (every version's WordPress too); whatever did start is kept for afterAll even
		// when another part failed.
		const started = await Promise.allSettled([
			...VERSIONS.filter((v) => !v.skip).map((v) =>
				startWordPress({
					core: v.core(),
					pluginDir: plugin,
					slug: SLUG,
					prefixes: ['wp_', 'ut_', NETWORK_PREFIX],
				}).then((w) => {
					sites.set(v.id, w);
				}),
			),
			startWorker().then((w) => {
				worker = w;
			}),
			launchFirefox({ pushServerUrl: push.url }).then((f) => {
				firefox = f;
			}),
			launchChromium().then((c) => {
				chromium = c;
			}),
		]);
		for (const result of started) if (result.status === 'rejected') throw result.reason;
	});

	afterAll(async () => {
		await chromium?.close().catch(() => {});
		await firefox?.close();
		await Promise.all([...sites.values()].map((w) => w.stop()));
		await worker?.stop();
		await push?.close();
	});

	it('lints every PHP file with php -l', async () => {
		const files = phpFiles(plugin, unitDir, join(root, 'test/support/wordpress'));
		expect(files.length).toBeGreaterThan(25);
		const runs = await Promise.all(files.map((file) => runCommand('php', ['-l', file])));
		expect(runs.filter((r) => r.code !== 0).map((r) => r.stdout + r.stderr)).toEqual([]);
	});

	it.skipIf(vendorSkip)(
		named(
			'passes the WordPress Coding Standards 3 (plugin-wordpress/phpcs.xml.dist) with no error or warning',
			vendorSkip,
		),
		async () => {
			const { command, args } = wpcsCommand();
			const standard = `--standard=${join(plugin, 'phpcs.xml.dist')}`;
			const clean = await runCommand(command, [...args, standard, '--report=emacs', plugin]);
			expect(clean.stdout + clean.stderr).toBe('');
			expect(clean.code).toBe(0);
			// The same configuration finds what it must: unescaped output, unsanitised input, a missing nonce,
			// unprefixed globals and another text domain.
			const bad = await runCommand(command, [
				...args,
				standard,
				'--report=emacs',
				join(unitDir, 'wpcs-fixture/unsafe.php'),
			]);
			const found = [...bad.stdout.matchAll(/:(\d+):\d+: (?:error|warning) - .*\(([\w.]+)\)$/gm)].map(
				(m) => `${m[1]} ${m[2]}`,
			);
			expect(found).toEqual(EXPECTED_WPCS_FINDINGS);
		},
	);

	it("serves the console's module script with CORS, so wp-admin (another origin) can load it", async () => {
		const response = await fetch(`${worker.url}/console/console.js`, {
			headers: { origin: 'http://127.0.0.1:1' },
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('access-control-allow-origin')).toBe('*');
	});

	it('declares one name, slug, text domain and set of versions in the plugin header and readme.txt', () => {
		const headers = (text: string) =>
			Object.fromEntries(
				[...text.matchAll(/^(?: \* )?([A-Z][\w ]+): (.+)$/gm)].map((m) => [
					m[1] as string,
					(m[2] as string).trim(),
				]),
			);
		const main = readFileSync(join(plugin, 'load.php'), 'utf8');
		const header = headers(main.slice(0, main.indexOf('*/')));
		const readme = readFileSync(join(plugin, 'readme.txt'), 'utf8');
		const info = headers(readme.slice(0, readme.indexOf('\n\n')));
		expect(readme.split('\n')[0]).toBe(`=== ${header['Plugin Name']} ===`);
		// WordPress.org derives the slug from the name, and the text domain must be the slug.
		expect(header['Plugin Name']?.toLowerCase().replaceAll(' ', '-')).toBe(SLUG);
		expect(header['Text Domain']).toBe(SLUG);
		expect(header['Domain Path']).toBe('/languages');
		expect(existsSync(join(plugin, `languages/${SLUG}.pot`))).toBe(true);
		for (const key of ['Requires at least', 'Requires PHP', 'License', 'License URI'])
			expect(info[key], key).toBe(header[key]);
		expect(info['Stable tag']).toBe(header.Version);
		expect(main).toContain(`define( 'BECKON_VERSION', '${header.Version}' );`);
		expect(header['Requires at least']).toBe(VERSIONS[0]?.id);
		// "Tested up to" is the newest version this suite runs the plugin on.
		expect(info['Tested up to']).toBe(VERSIONS.at(-1)?.id);
		expect(readme).toMatch(/^== External services ==$/m);
	});

	it('ships a translation template with every translatable string', async () => {
		const msgids = (pot: string) =>
			pot
				.split('\n')
				.filter((line) => !line.startsWith('#'))
				.join('\n')
				.split('\n\n')
				.filter((entry) => !entry.startsWith('msgid ""\nmsgstr ""\n"Content'))
				.sort();
		const committed = readFileSync(join(plugin, 'languages/beckon-web-push.pot'), 'utf8');
		expect(msgids(committed)).toEqual(msgids(await extractPot(plugin)));
		expect(committed).toContain('msgid "Send a push notification when published"');
		// The console's texts, with references to its sources (not to the temp files xgettext read).
		expect(committed).toMatch(/^#: .*console\/src\/screens\/test-send\.tsx:\d+\b.*\nmsgid "Send a test"$/m);
		expect(committed).toContain('msgid_plural "Test sent to %d browsers."');
		expect(committed).not.toContain(tmpdir());
	});

	for (const version of VERSIONS) versionSuite(version);
});
