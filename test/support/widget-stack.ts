import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { type HostPage, type HostSite, startHostSite } from './host-site.ts';
import { type LocalWorker, startWorker } from './local-worker.ts';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const IPHONE_UA =
	'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

/** A 48×48 PNG: a green square with a white bar (drawn here so the tests need no image file). */
const LOGO = png(48, 48, (x, y) => (y > 20 && y < 28 && x > 10 && x < 38 ? [255, 255, 255] : [10, 125, 68]));

function png(
	width: number,
	height: number,
	pixel: (x: number, y: number) => [number, number, number],
): Buffer {
	const raw = Buffer.alloc((width * 3 + 1) * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) raw.set(pixel(x, y), y * (width * 3 + 1) + 1 + x * 3);
	}
	const chunk = (type: string, data: Buffer) => {
		const body = Buffer.concat([Buffer.from(type), data]);
		const out = Buffer.alloc(12 + data.length);
		out.writeUInt32BE(data.length, 0);
		body.copy(out, 4);
		out.writeUInt32BE(crc32(body), 8 + data.length);
		return out;
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

/** A site of the local worker (its id and API key). */
export interface Site {
	siteId: string;
	apiKey: string;
}

/** How a test opens the host page in a fresh browser context. */
export interface OpenOptions {
	page?: HostPage;
	viewport?: { width: number; height: number };
	locale?: string;
	/** A phone's User-Agent: also turns on isMobile and touch. */
	userAgent?: string;
	permission?: 'granted' | 'denied';
	/** A script run before the page's own (e.g. `delete window.PushManager`). */
	init?: string;
}

/** The local worker, a host site embedding the widget, and Chromium: what the widget's browser tests share. */
export interface WidgetStack {
	worker: LocalWorker;
	host: HostSite;
	browser: Browser;
	/** The site created last. */
	readonly current: Site;
	/** Calls the site API of `site` (default: the current one) and returns its JSON. */
	api<T>(path: string, init?: RequestInit, site?: Site): Promise<T>;
	/** A fresh site for the host origin with these prompt settings; it becomes the current one. */
	site(prompt: Record<string, unknown>): Promise<Site>;
	/** Opens the host page in a new context (shifts counted in `window.shifts`). */
	open(options?: OpenOptions): Promise<{ context: BrowserContext; page: Page }>;
	/** Denies notifications for the host origin, as a user answering the browser's own prompt with "Block". */
	deny(page: Page): Promise<void>;
	/** Waits for the widget's animations, then saves a screenshot as test-results/screens/<name>.png. */
	shot(page: Page, name: string): Promise<void>;
	close(): Promise<void>;
}

/** Starts the local worker, the host site and Chromium. */
export async function startWidgetStack(): Promise<WidgetStack> {
	const screens = join(process.cwd(), 'test-results', 'screens');
	mkdirSync(screens, { recursive: true });
	const worker = await startWorker();
	let current: Site | undefined;
	const host = await startHostSite(worker.url, () => current?.siteId ?? '');
	const browser = await launchChromium();

	const api = async <T>(path: string, init: RequestInit = {}, site = current): Promise<T> => {
		const r = await fetch(`${worker.url}/v1/sites/${site?.siteId}${path}`, {
			...init,
			headers: { authorization: `Bearer ${site?.apiKey}`, 'content-type': 'application/json' },
		});
		if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
		return (await r.json()) as T;
	};

	const deny = async (page: Page) => {
		const cdp = await page.context().newCDPSession(page);
		const { targetInfo } = await cdp.send('Target.getTargetInfo');
		await cdp.send('Browser.setPermission', {
			permission: { name: 'notifications' },
			setting: 'denied',
			origin: host.origin,
			browserContextId: targetInfo.browserContextId,
		});
	};

	return {
		worker,
		host,
		browser,
		get current() {
			if (!current) throw new Error('no site yet: call site() first');
			return current;
		},
		api,
		deny,
		site: async (prompt) => {
			const r = await fetch(`${worker.url}/v1/sites`, {
				method: 'POST',
				headers: { authorization: `Bearer ${worker.adminToken}`, 'content-type': 'application/json' },
				body: JSON.stringify({ name: 'Host shop', origins: [host.origin], platform: 'custom' }),
			});
			current = (await r.json()) as Site;
			await api('/settings', { method: 'PATCH', body: JSON.stringify({ prompt }) });
			return current;
		},
		open: async (options = {}) => {
			host.page(options.page ?? {});
			const context = await browser.newContext({
				viewport: options.viewport ?? DESKTOP,
				locale: options.locale ?? 'en-US',
				...(options.userAgent ? { userAgent: options.userAgent, isMobile: true, hasTouch: true } : {}),
			});
			if (options.permission === 'granted')
				await context.grantPermissions(['notifications'], { origin: host.origin });
			const page = await context.newPage();
			if (options.permission === 'denied') await deny(page);
			// The prompt image lives on the shop's CDN; here the test serves it.
			await context.route('https://cdn.example/**', (route) =>
				route.fulfill({ contentType: 'image/png', body: LOGO }),
			);
			if (options.init) await page.addInitScript(options.init);
			await page.addInitScript(() => {
				(window as unknown as { shifts: number }).shifts = 0;
				new PerformanceObserver((list) => {
					for (const e of list.getEntries())
						(window as unknown as { shifts: number }).shifts += (e as unknown as { value: number }).value;
				}).observe({ type: 'layout-shift', buffered: true });
			});
			await page.goto(`${host.origin}/`);
			return { context, page };
		},
		shot: async (page, name) => {
			await page
				.locator('beckon-widget')
				.evaluate((el) => Promise.all((el.shadowRoot?.getAnimations() ?? []).map((a) => a.finished)));
			await page.screenshot({ path: join(screens, `${name}.png`) });
		},
		close: async () => {
			await browser.close();
			await host.close();
			await worker.stop();
		},
	};
}
