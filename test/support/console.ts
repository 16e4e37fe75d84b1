import { createECDH, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { LocalWorker } from './local-worker.ts';

/** Where the console's screenshots go: test-results/screens/console-<screen>-<desktop|phone>.png. */
export const SCREENS = join(process.cwd(), 'test-results', 'screens');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** One axe-core violation, flattened for a readable assertion. */
export interface Finding {
	id: string;
	impact: string;
	nodes: string[];
}

/** Runs axe-core on the console root and returns its violations. */
export async function audit(page: Page): Promise<Finding[]> {
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
	const results = await page.evaluate(() =>
		(window as unknown as { axe: typeof axe }).axe.run(
			{ include: ['#beckon-console'] },
			{ resultTypes: ['violations'], rules: { 'target-size': { enabled: true } } },
		),
	);
	return results.violations.map((v) => ({
		id: v.id,
		impact: v.impact ?? 'unknown',
		nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ')}`),
	}));
}

/**
 * Screenshots the current screen at desktop and phone size and audits each with axe-core; returns the serious and
 * critical findings by viewport (the caller asserts). Leaves the page at desktop size.
 */
export async function capture(page: Page, screen: string): Promise<Record<string, Finding[]>> {
	mkdirSync(SCREENS, { recursive: true });
	const out: Record<string, Finding[]> = {};
	for (const [name, size] of [
		['phone', PHONE],
		['desktop', DESKTOP],
	] as const) {
		await page.setViewportSize(size);
		await page.evaluate(() => window.scrollTo(0, 0));
		await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
		await page.screenshot({ path: join(SCREENS, `console-${screen}-${name}.png`), fullPage: true });
		out[name] = (await audit(page)).filter((f) => f.impact === 'serious' || f.impact === 'critical');
	}
	return out;
}

/** A fresh context (its own sessionStorage) and page. */
export async function freshPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
	return { context, page: await context.newPage() };
}

/** Signs in with the `#site=…&key=…` link and opens a screen (`#/subscribers`), waiting for its heading. */
export async function openConsole(page: Page, worker: LocalWorker, route = '#/overview'): Promise<void> {
	await page.goto(`${worker.url}/console/#site=${worker.demo.siteId}&key=${worker.demo.apiKey}`);
	await page.locator('[data-testid=site-name]').waitFor();
	if (route !== '#/overview') await page.evaluate((r) => (location.hash = r), route);
	await page.locator('#screen-title').waitFor();
}

/** Posts a browser to the public subscribe route (no push subscription: permission only). */
export async function subscribe(worker: LocalWorker, body: Record<string, unknown>): Promise<string> {
	const response = await fetch(`${worker.url}/v1/sites/${worker.demo.siteId}/subscribers`, {
		method: 'POST',
		headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36' },
		body: JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`subscribe: ${response.status} ${await response.text()}`);
	return ((await response.json()) as { subscriberId: string }).subscriberId;
}

/**
 * An allowed browser of the demo site whose push service is the sink at `sinkUrl` (it accepts every push), in
 * London; returns its subscriber id.
 */
export function subscribeAllowed(worker: LocalWorker, sinkUrl: string): Promise<string> {
	return subscribe(worker, {
		permission: 'granted',
		subscription: {
			endpoint: `${sinkUrl}/push/201/${randomBytes(8).toString('hex')}`,
			keys: {
				p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
				auth: randomBytes(16).toString('base64url'),
			},
		},
		locale: 'en-GB',
		timezone: 'Europe/London',
	});
}

/** audit() for a console inside an iframe (the Shopify admin stand-in): the same run, in that frame. */
export function auditFrame(frame: Frame): Promise<Finding[]> {
	return audit(frame as unknown as Page);
}

/** The demo site's admin API with its key: a JSON body out, the JSON answer back (null for 204); throws on a non-2xx. */
export async function demoApi(worker: LocalWorker, path: string, init: RequestInit = {}) {
	const response = await fetch(`${worker.url}/v1/sites/${worker.demo.siteId}${path}`, {
		...init,
		headers: {
			authorization: `Bearer ${worker.demo.apiKey}`,
			'content-type': 'application/json',
			...init.headers,
		},
	});
	if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
	return response.status === 204 ? null : response.json();
}

/**
 * Screenshots a screen on desktop and phone and checks it with axe-core: the findings are kept by screen, and any
 * serious or critical one fails the test (softly, so every screen is still looked at).
 */
export async function auditScreen(
	page: Page,
	screen: string,
	findings: Record<string, Record<string, Finding[]>>,
): Promise<void> {
	const found = await capture(page, screen);
	findings[screen] = found;
	expect.soft(found, `axe-core on ${screen}`).toEqual({ phone: [], desktop: [] });
}

/** {@link auditScreen} without the toasts a save left (they would cover the screen in the picture). */
export async function auditWithoutToasts(
	page: Page,
	screen: string,
	findings: Record<string, Record<string, Finding[]>>,
): Promise<void> {
	const dismiss = page.locator('[data-testid=toasts] button[aria-label=Dismiss]');
	while ((await dismiss.count()) > 0) await dismiss.first().click();
	await auditScreen(page, screen, findings);
}
