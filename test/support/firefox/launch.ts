import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Where Debian installs Firefox ESR. */
export const FIREFOX_EXECUTABLE = '/usr/bin/firefox-esr';

const ALERT_URL = 'chrome://global/content/alerts/alert.xhtml';

/** Options for {@link launchFirefox}. */
export interface LaunchFirefoxOptions {
	/** The push server's WebSocket URL (`dom.push.serverURL`), e.g. `MozillaPushServer.url`. */
	pushServerUrl: string;
	/** Default true. Headful needs a display. */
	headless?: boolean;
	/** Default {@link FIREFOX_EXECUTABLE}. */
	executablePath?: string;
	/** How long one start attempt may take (default 45 s); a failed or timed-out first attempt is retried once. */
	launchTimeoutMs?: number;
	/** Timeout of each WebDriver BiDi command (default 60 s). */
	protocolTimeoutMs?: number;
	/** Extra or overriding Firefox prefs. */
	prefs?: Record<string, string | number | boolean>;
	/** Sets `dom.push.loglevel` to Debug so Firefox's push client logs to stderr (see `stderrTail()`). */
	debugPush?: boolean;
}

/** A notification as `ServiceWorkerRegistration.getNotifications()` reports it. */
export interface ShownNotification {
	title: string;
	body: string;
	tag: string;
	data: unknown;
	icon: string;
	/** The scope of the registration that showed it. */
	scope: string;
}

/** A notification alert window currently open in Firefox's chrome (what a user would see and click). */
export interface AlertWindow {
	/** BiDi browsing-context id of the chrome-scope alert window. */
	context: string;
	title: string;
	/** Body text as displayed (Firefox truncates it after 200 characters). */
	body: string;
	/** Source line, e.g. `via 127.0.0.1:41234`. */
	source: string;
}

/** An open tab. */
export interface OpenPage {
	page: Page;
	url: string;
}

/** A running, isolated Firefox with push wired to a local push server. */
export interface FirefoxSession {
	browser: Browser;
	/** The first tab. */
	page: Page;
	/** The temporary profile directory (removed by `close()`). */
	profileDir: string;
	/** Milliseconds from launch call to a usable page. */
	startupMs: number;
	/** The Firefox main process id. */
	pid: number | undefined;
	/** The last `lines` lines Firefox wrote to stderr/stdout. */
	stderrTail(lines?: number): string;
	/**
	 * Requests Firefox tried to make to anything other than 127.0.0.1 / localhost. Prefs route them to a loopback
	 * proxy that refuses them at once; this lists their request lines (e.g. `CONNECT host:443 HTTP/1.1`).
	 * Empty when the prefs keep Firefox quiet.
	 */
	outboundAttempts(): string[];
	/**
	 * Every request the refusing loopback server answered with 502: the proxied ones above plus Firefox's
	 * remote-settings requests, which the prefs point straight at that server (`GET /v1/...`).
	 */
	refusedRequests(): string[];
	/** Sends a raw WebDriver BiDi command over puppeteer's connection and returns its `result`. */
	bidi<T = Record<string, unknown>>(method: string, params: Record<string, unknown>): Promise<T>;
	/**
	 * The notifications shown by every service-worker registration of an origin, read in a page of that origin:
	 * `target` is that page, or an origin such as `http://127.0.0.1:8080` (an open tab of it is used);
	 * default the session's first page.
	 */
	notifications(target?: Page | string): Promise<ShownNotification[]>;
	/** Polls {@link FirefoxSession.notifications} until one matches. */
	waitForNotification(
		predicate: (n: ShownNotification) => boolean,
		timeoutMs?: number,
		target?: Page | string,
	): Promise<ShownNotification>;
	/** Open notification alert windows (chrome scope). */
	alerts(): Promise<AlertWindow[]>;
	/**
	 * Clicks the real alert window of a notification (waiting for it to appear), which makes Firefox fire
	 * `notificationclick` in the service worker. `titleOrPredicate` matches the alert's exact title or a predicate.
	 * Firefox closes an alert ~20 s after it appeared (unless `requireInteraction`), and the notification then
	 * also disappears from `getNotifications()`: click it before that.
	 */
	clickNotification(
		titleOrPredicate: string | ((alert: AlertWindow) => boolean),
		timeoutMs?: number,
	): Promise<AlertWindow>;
	/** Open tabs and their URLs. */
	pages(): Promise<OpenPage[]>;
	/** Waits for a tab whose URL matches. */
	waitForPage(predicate: (url: string) => boolean, timeoutMs?: number): Promise<OpenPage>;
	/** Closes Firefox (killing it if it does not quit within 5 s) and removes the profile. Never throws. */
	close(): Promise<void>;
}

/** A loopback "proxy" that answers every request with 502 at once, recording what Firefox asked for. */
interface RefusingProxy {
	port: number;
	/** Request lines, in order. */
	requests: string[];
	close(): Promise<void>;
}

/** Proxy requests carry an absolute URL (`GET http://host/…`) or are `CONNECT host:port`. */
function isProxied(requestLine: string): boolean {
	const target = requestLine.split(' ')[1] ?? '';
	return requestLine.startsWith('CONNECT ') || /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
}

async function startRefusingProxy(): Promise<RefusingProxy> {
	const requests: string[] = [];
	const sockets = new Set<Socket>();
	const server: Server = createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
		socket.setTimeout(5_000, () => socket.destroy());
		socket.once('data', (chunk) => {
			requests.push(chunk.toString('latin1').split('\r\n')[0] ?? '');
			socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		port,
		requests,
		close: async () => {
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/**
 * The prefs a test Firefox needs: push wired to `pushServerUrl` over plain ws://, service workers and
 * notifications allowed without prompts, notifications shown in Firefox's own alert windows, and every
 * background service that would call out to the internet switched off or pointed at `deadPort` on loopback.
 */
export function firefoxTestPrefs(
	pushServerUrl: string,
	deadPort: number,
): Record<string, string | number | boolean> {
	const dead = `http://127.0.0.1:${deadPort}`;
	return {
		// --- push, service workers, notifications ---
		'dom.push.enabled': true,
		'dom.push.connection.enabled': true,
		'dom.push.serverURL': pushServerUrl,
		// Without this a ws:// server URL is silently ignored.
		'dom.push.testing.allowInsecureServerURL': true,
		'dom.push.testing.ignorePermission': true,
		// Reconnect quickly after the push server drops the socket (default 5 s, doubling).
		'dom.push.retryBaseInterval': 500,
		'dom.serviceWorkers.enabled': true,
		'dom.serviceWorkers.testing.enabled': true,
		'permissions.default.desktop-notification': 1,
		// The system (libnotify/D-Bus) backend makes showNotification() reject in headless mode; use XUL alerts.
		'alerts.useSystemBackend': false,
		'alerts.showFavicons': false,
		'dom.webnotifications.requireuserinteraction': false,
		// --- no outbound connections: everything non-loopback goes to a proxy that refuses at once ---
		'network.proxy.type': 1,
		'network.proxy.http': '127.0.0.1',
		'network.proxy.http_port': deadPort,
		'network.proxy.ssl': '127.0.0.1',
		'network.proxy.ssl_port': deadPort,
		'network.proxy.share_proxy_settings': true,
		'network.proxy.no_proxies_on': '127.0.0.1,localhost',
		'network.proxy.socks_remote_dns': true,
		'network.proxy.failover_direct': false,
		'network.trr.mode': 5,
		'network.dns.disablePrefetch': true,
		'network.dns.disablePrefetchFromHTTPS': true,
		'network.dns.native_https_query': false,
		'network.dns.echconfig.enabled': false,
		'network.predictor.enabled': false,
		'network.prefetch-next': false,
		'network.http.speculative-parallel-limit': 0,
		'browser.urlbar.speculativeConnect.enabled': false,
		'browser.places.speculativeConnect.enabled': false,
		'network.captive-portal-service.enabled': false,
		'network.connectivity-service.enabled': false,
		'captivedetect.canonicalURL': '',
		'doh-rollout.disable-heuristics': true,
		'network.manage-offline-status': false,
		// remote settings (honoured only with env MOZ_REMOTE_SETTINGS_DEVTOOLS=1)
		'services.settings.server': `${dead}/v1`,
		'services.settings.poll_interval': 86_400,
		// telemetry, studies, experiments
		'toolkit.telemetry.enabled': false,
		'toolkit.telemetry.unified': false,
		'toolkit.telemetry.archive.enabled': false,
		'toolkit.telemetry.server': dead,
		'toolkit.telemetry.shutdownPingSender.enabled': false,
		'toolkit.telemetry.firstShutdownPing.enabled': false,
		'toolkit.telemetry.newProfilePing.enabled': false,
		'toolkit.telemetry.updatePing.enabled': false,
		'toolkit.telemetry.bhrPing.enabled': false,
		'toolkit.telemetry.coverage.opt-out': true,
		'toolkit.coverage.endpoint.base': dead,
		'datareporting.healthreport.uploadEnabled': false,
		'datareporting.policy.dataSubmissionEnabled': false,
		'datareporting.usage.uploadEnabled': false,
		'app.normandy.enabled': false,
		'app.normandy.api_url': '',
		'app.shield.optoutstudies.enabled': false,
		'messaging-system.rsexperimentloader.enabled': false,
		'nimbus.rollouts.enabled': false,
		'browser.ping-centre.telemetry': false,
		'browser.newtabpage.activity-stream.telemetry': false,
		'browser.newtabpage.activity-stream.feeds.telemetry': false,
		'browser.newtabpage.activity-stream.feeds.section.topstories': false,
		'browser.newtabpage.activity-stream.feeds.topsites': false,
		'browser.newtabpage.activity-stream.showSponsored': false,
		'browser.newtabpage.activity-stream.showSponsoredTopSites': false,
		'browser.topsites.contile.enabled': false,
		'browser.aboutwelcome.enabled': false,
		'datareporting.policy.firstRunURL': '',
		'browser.discovery.enabled': false,
		// updates, add-ons, plugins
		'app.update.auto': false,
		'app.update.enabled': false,
		'app.update.url': '',
		'extensions.update.enabled': false,
		'extensions.update.autoUpdateDefault': false,
		'extensions.systemAddon.update.enabled': false,
		'extensions.systemAddon.update.url': '',
		'extensions.blocklist.enabled': false,
		'extensions.getAddons.cache.enabled': false,
		'extensions.getAddons.discovery.api_url': '',
		'extensions.recommendations.themeRecommendationUrl': '',
		'media.gmp-manager.url': '',
		'media.gmp-manager.updateEnabled': false,
		'media.gmp-gmpopenh264.enabled': false,
		'media.gmp-widevinecdm.enabled': false,
		// safe browsing, tracking protection lists, certificate revocation
		'browser.safebrowsing.malware.enabled': false,
		'browser.safebrowsing.phishing.enabled': false,
		'browser.safebrowsing.downloads.enabled': false,
		'browser.safebrowsing.downloads.remote.enabled': false,
		'browser.safebrowsing.blockedURIs.enabled': false,
		'browser.safebrowsing.provider.google4.updateURL': '',
		'browser.safebrowsing.provider.google4.gethashURL': '',
		'browser.safebrowsing.provider.google.updateURL': '',
		'browser.safebrowsing.provider.google.gethashURL': '',
		'browser.safebrowsing.provider.mozilla.updateURL': '',
		'browser.safebrowsing.provider.mozilla.gethashURL': '',
		'privacy.trackingprotection.enabled': false,
		'security.OCSP.enabled': 0,
		'security.remote_settings.crlite_filters.enabled': false,
		'security.remote_settings.intermediates.enabled': false,
		'security.certerrors.mitm.priming.enabled': false,
		// search, region, geolocation, misc services
		'browser.search.update': false,
		'browser.search.geoip.url': '',
		'browser.region.network.url': '',
		'browser.region.update.enabled': false,
		'geo.provider.network.url': '',
		'geo.provider.testing': true,
		'browser.translations.enable': false,
		'browser.ml.enable': false,
		'browser.ml.chat.enabled': false,
		'identity.fxaccounts.enabled': false,
		'browser.contentblocking.report.monitor.enabled': false,
		'browser.vpn_promo.enabled': false,
		'network.sntp.pools': '',
		'browser.shell.checkDefaultBrowser': false,
		'browser.startup.page': 0,
		'browser.startup.homepage': 'about:blank',
		'browser.newtabpage.enabled': false,
	};
}

const LAUNCH_ARGS = ['--remote-allow-system-access', '--no-remote'];

function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function killGroup(pid: number | undefined): void {
	if (!pid) return;
	// puppeteer starts Firefox detached, as a process-group leader: -pid reaches its content processes too.
	for (const target of [-pid, pid]) {
		try {
			process.kill(target, 'SIGKILL');
		} catch {
			// already gone
		}
	}
}

/** Processes whose command line names our (unique) profile directory: the Firefox we started. */
function profilePids(profileDir: string): number[] {
	let entries: string[];
	try {
		entries = readdirSync('/proc');
	} catch {
		return [];
	}
	const pids: number[] = [];
	for (const entry of entries) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
		try {
			if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(profileDir)) pids.push(Number(entry));
		} catch {
			// exited meanwhile
		}
	}
	return pids;
}

function killProfileProcesses(profileDir: string, pid: number | undefined): number[] {
	const pids = [...new Set([...(pid ? [pid] : []), ...profilePids(profileDir)])];
	for (const p of pids) killGroup(p);
	return pids;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Kills whatever still runs on the profile, waits for it to exit, then removes the profile directory. */
async function disposeProfile(profileDir: string, pid: number | undefined): Promise<void> {
	const pids = killProfileProcesses(profileDir, pid);
	for (let i = 0; i < 100 && pids.some(isAlive); i++) await sleep(50);
	for (let i = 0; i < 5; i++) {
		await rm(profileDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
		if (!existsSync(profileDir)) return;
		killProfileProcesses(profileDir, undefined);
		await sleep(200);
	}
}

/** Sessions still open, so that an aborted test run does not leave Firefox processes or profiles behind. */
const live = new Set<{ pid: number | undefined; profileDir: string }>();
let exitHookInstalled = false;
function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.once('exit', () => {
		for (const s of live) {
			killProfileProcesses(s.profileDir, s.pid);
			try {
				rmSync(s.profileDir, { recursive: true, force: true });
			} catch {
				// best effort
			}
		}
	});
}

interface Attempt {
	browser: Browser;
	page: Page;
	profileDir: string;
	log: string[];
}

async function attemptLaunch(
	opts: LaunchFirefoxOptions,
	prefs: Record<string, string | number | boolean>,
): Promise<Attempt> {
	const profileDir = mkdtempSync(join(tmpdir(), 'beckon-firefox-'));
	const log: string[] = [];
	const timeoutMs = opts.launchTimeoutMs ?? 45_000;
	let browser: Browser | undefined;
	const tracked = { pid: undefined as number | undefined, profileDir };
	live.add(tracked);
	try {
		const launching = puppeteer.launch({
			browser: 'firefox',
			executablePath: opts.executablePath ?? FIREFOX_EXECUTABLE,
			headless: opts.headless ?? true,
			userDataDir: profileDir,
			args: LAUNCH_ARGS,
			extraPrefsFirefox: prefs,
			env: {
				...process.env,
				// Lets services.settings.server point at loopback in a release build.
				MOZ_REMOTE_SETTINGS_DEVTOOLS: '1',
				MOZ_CRASHREPORTER_DISABLE: '1',
				MOZ_DISABLE_AUTO_SAFE_MODE: '1',
				MOZ_HEADLESS_WIDTH: '1280',
				MOZ_HEADLESS_HEIGHT: '800',
			},
			timeout: timeoutMs,
			protocolTimeout: opts.protocolTimeoutMs ?? 60_000,
			handleSIGINT: false,
			handleSIGTERM: false,
			handleSIGHUP: false,
			defaultViewport: null,
		});
		let gaveUp = false;
		// If our own deadline fires first, make sure a browser that starts later is not leaked.
		launching.then(
			(b) => {
				if (gaveUp) killGroup(b.process()?.pid);
			},
			() => {},
		);
		browser = await withTimeout(launching, timeoutMs + 5_000, 'puppeteer.launch(firefox)').catch(
			(error: unknown) => {
				gaveUp = true;
				throw error;
			},
		);
		const proc = browser.process();
		tracked.pid = proc?.pid;
		for (const stream of [proc?.stderr, proc?.stdout]) {
			if (!stream) continue;
			createInterface({ input: stream }).on('line', (line) => {
				if (line.trim() === '') return;
				log.push(line);
				if (log.length > 500) log.splice(0, log.length - 500);
			});
		}
		const pages = await withTimeout(browser.pages(), 15_000, 'listing the first tab');
		const page = pages[0] ?? (await withTimeout(browser.newPage(), 15_000, 'opening a tab'));
		return { browser, page, profileDir, log };
	} catch (error) {
		const pid = browser?.process()?.pid;
		if (browser) await withTimeout(browser.close(), 5_000, 'browser.close()').catch(() => {});
		await disposeProfile(profileDir, pid);
		live.delete(tracked);
		// puppeteer puts Firefox's output into its error when Firefox exits early; after a successful start we
		// collect it ourselves.
		const tail = log.slice(-40).join('\n');
		throw new Error(
			`Firefox did not start: ${errorMessage(error)}${tail ? `\n--- Firefox output (tail) ---\n${tail}` : ''}`,
		);
	}
}

/**
 * Starts a fresh, isolated Firefox ESR through puppeteer-core (WebDriver BiDi) with a temporary profile whose
 * prefs wire Web Push to `opts.pushServerUrl`, allow notifications and service workers, and keep Firefox from
 * contacting anything but 127.0.0.1. Started with `--remote-allow-system-access` so the chrome-scope alert
 * windows can be inspected and clicked. A failed first start is retried once; errors carry Firefox's output tail.
 */
export async function launchFirefox(opts: LaunchFirefoxOptions): Promise<FirefoxSession> {
	installExitHook();
	const started = Date.now();
	const proxy = await startRefusingProxy();
	const prefs: Record<string, string | number | boolean> = {
		...firefoxTestPrefs(opts.pushServerUrl, proxy.port),
		...(opts.debugPush ? { 'dom.push.loglevel': 'Debug', 'devtools.console.stdout.chrome': true } : {}),
		...opts.prefs,
	};

	let attempt: Attempt;
	try {
		attempt = await attemptLaunch(opts, prefs);
	} catch (first) {
		if (errorMessage(first).includes('was not found at the configured executablePath')) {
			await proxy.close();
			throw first;
		}
		try {
			attempt = await attemptLaunch(opts, prefs);
		} catch (second) {
			await proxy.close();
			throw new Error(
				`${errorMessage(second)}\n(first attempt: ${errorMessage(first).split('\n')[0] ?? ''})`,
			);
		}
	}
	const { browser, page, profileDir, log } = attempt;
	const pid = browser.process()?.pid;
	const tracked = [...live].find((s) => s.profileDir === profileDir);
	const startupMs = Date.now() - started;

	const connection = (browser as unknown as { connection?: BidiConnectionLike }).connection;
	const bidi = async <T>(method: string, params: Record<string, unknown>): Promise<T> => {
		if (!connection || typeof connection.send !== 'function') {
			throw new Error('puppeteer-core no longer exposes browser.connection.send for raw BiDi commands');
		}
		const response = await connection.send(method, params);
		return (
			response && typeof response === 'object' && 'result' in response ? response.result : response
		) as T;
	};

	const stderrTail = (lines = 40): string => log.slice(-lines).join('\n');

	const pagesOpen = async (): Promise<OpenPage[]> => {
		const list = await browser.pages();
		return list.map((p) => ({ page: p, url: p.url() }));
	};

	const pageFor = async (target?: Page | string): Promise<Page> => {
		if (target === undefined) return page;
		if (typeof target !== 'string') return target;
		const origin = new URL(target).origin;
		for (const { page: p, url } of await pagesOpen()) {
			try {
				if (new URL(url).origin === origin) return p;
			} catch {
				// about:blank and friends
			}
		}
		throw new Error(`no open tab of ${origin} to read notifications from`);
	};

	const notifications = async (target?: Page | string): Promise<ShownNotification[]> => {
		const p = await pageFor(target);
		return p.evaluate(async () => {
			const regs = await navigator.serviceWorker.getRegistrations();
			const out: Array<{
				title: string;
				body: string;
				tag: string;
				data: unknown;
				icon: string;
				scope: string;
			}> = [];
			for (const reg of regs) {
				for (const n of await reg.getNotifications()) {
					out.push({
						title: n.title,
						body: n.body,
						tag: n.tag,
						data: n.data ?? null,
						icon: n.icon,
						scope: reg.scope,
					});
				}
			}
			return out;
		});
	};

	const alerts = async (): Promise<AlertWindow[]> => {
		const tree = await bidi<{ contexts: BidiContext[] }>('browsingContext.getTree', {
			'moz:scope': 'chrome',
		});
		const found: AlertWindow[] = [];
		for (const ctx of flatten(tree.contexts)) {
			if (ctx.url !== ALERT_URL) continue;
			const info = await evaluateInChrome<{ title: string; body: string; source: string; active: boolean }>(
				bidi,
				ctx.context,
				`(() => {
					const label = (id, attr) => { const el = document.getElementById(id); return el ? (attr ? el.getAttribute(attr) ?? '' : el.textContent ?? '') : ''; };
					return JSON.stringify({
						title: label('alertTitleLabel', 'value'),
						body: label('alertTextLabel'),
						source: label('alertSourceLabel', 'value'),
						active: window.gIsActive === true && !document.getElementById('alertBox')?.hasAttribute('clicked'),
					});
				})()`,
			).catch(() => null);
			if (info?.active)
				found.push({ context: ctx.context, title: info.title, body: info.body, source: info.source });
		}
		return found;
	};

	const session: FirefoxSession = {
		browser,
		page,
		profileDir,
		startupMs,
		pid,
		stderrTail,
		outboundAttempts: () => proxy.requests.filter(isProxied),
		refusedRequests: () => [...proxy.requests],
		bidi,
		notifications,
		waitForNotification: async (predicate, timeoutMs = 10_000, target) => {
			const deadline = Date.now() + timeoutMs;
			let last: ShownNotification[] = [];
			for (;;) {
				last = await notifications(target);
				const hit = last.find(predicate);
				if (hit) return hit;
				if (Date.now() > deadline) {
					throw new Error(
						`no matching notification after ${timeoutMs} ms; shown: ${JSON.stringify(last.map((n) => n.title))}`,
					);
				}
				await sleep(50);
			}
		},
		alerts,
		clickNotification: async (titleOrPredicate, timeoutMs = 10_000) => {
			const match =
				typeof titleOrPredicate === 'string'
					? (a: AlertWindow) => a.title === titleOrPredicate
					: titleOrPredicate;
			const deadline = Date.now() + timeoutMs;
			let seen: AlertWindow[] = [];
			for (;;) {
				seen = await alerts();
				const hit = seen.find(match);
				if (hit) {
					await evaluateInChrome(bidi, hit.context, `document.getElementById('alertBox').click(), '""'`);
					return hit;
				}
				if (Date.now() > deadline) {
					throw new Error(
						`no matching notification alert after ${timeoutMs} ms; open alerts: ${JSON.stringify(seen.map((a) => a.title))}`,
					);
				}
				await sleep(100);
			}
		},
		pages: pagesOpen,
		waitForPage: async (predicate, timeoutMs = 10_000) => {
			const target = await browser.waitForTarget((t) => t.type() === 'page' && predicate(t.url()), {
				timeout: timeoutMs,
			});
			const p = await target.page();
			if (!p) throw new Error(`target ${target.url()} has no page`);
			return { page: p, url: p.url() };
		},
		close: (() => {
			let closing: Promise<void> | undefined;
			return () => {
				closing ??= (async () => {
					try {
						await withTimeout(browser.close(), 5_000, 'browser.close()');
					} catch {
						// killed below
					}
					await disposeProfile(profileDir, pid);
					if (tracked) live.delete(tracked);
					await proxy.close().catch(() => {});
				})();
				return closing;
			};
		})(),
	};
	return session;
}

interface BidiConnectionLike {
	send(method: string, params: Record<string, unknown>): Promise<unknown>;
}

interface BidiContext {
	context: string;
	url: string;
	children?: BidiContext[] | null;
}

function flatten(contexts: BidiContext[]): BidiContext[] {
	return contexts.flatMap((c) => [c, ...flatten(c.children ?? [])]);
}

/** Evaluates `expression` (which must produce a JSON string) in a chrome-scope browsing context. */
async function evaluateInChrome<T>(
	bidi: FirefoxSession['bidi'],
	context: string,
	expression: string,
): Promise<T> {
	const response = await bidi<{
		type: string;
		result?: { type: string; value?: unknown };
		exceptionDetails?: { text?: string };
	}>('script.evaluate', { expression, target: { context }, awaitPromise: true, resultOwnership: 'none' });
	if (response.type !== 'success' || response.result?.type !== 'string') {
		throw new Error(
			`chrome evaluate failed: ${response.exceptionDetails?.text ?? JSON.stringify(response.result ?? response)}`,
		);
	}
	return JSON.parse(String(response.result.value)) as T;
}
