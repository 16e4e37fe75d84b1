import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** The sizes the console is screenshotted and audited at inside wp-admin. */
export const VIEWPORTS = {
	desktop: { width: 1280, height: 800 },
	phone: { width: 390, height: 844 },
} as const;

/** One axe-core finding, flattened for a readable assertion. */
export interface Finding {
	id: string;
	impact: string;
	nodes: string[];
}

/**
 * Runs axe-core on the Beckon page's `.wrap` (its heading, notices and the console; wp-admin's own menu and bars
 * are WordPress's) and returns the serious and critical violations.
 */
export async function auditBeckonPage(page: Page): Promise<Finding[]> {
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
	const results = await page.evaluate(() =>
		(window as unknown as { axe: typeof axe }).axe.run(
			{ include: ['.wrap.beckon'] },
			{ resultTypes: ['violations'], rules: { 'target-size': { enabled: true } } },
		),
	);
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({
			id: v.id,
			impact: v.impact ?? 'unknown',
			nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ')}`),
		}));
}

/** Opens a console route on the page already showing the console (`#/send`) and waits until it has loaded. */
export async function showScreen(page: Page, hash: string, title: string): Promise<void> {
	if (!page.url().endsWith(hash)) await page.evaluate((h) => (location.hash = h), hash);
	try {
		await page.locator('#screen-title', { hasText: title }).waitFor({ timeout: 15_000 });
		await page.locator('#beckon-console .loading').first().waitFor({ state: 'detached', timeout: 15_000 });
	} catch (error) {
		// Say what the page showed instead: a console that never mounted and one showing an error look alike.
		const shown = await page
			.locator('.wrap.beckon')
			.innerHTML()
			.catch(() => 'no .wrap.beckon on the page');
		throw new Error(
			`the console did not show "${title}" at ${page.url()}; the page shows: ${shown.slice(0, 2000)}`,
			{
				cause: error,
			},
		);
	}
}

/**
 * Screenshots the current console screen inside wp-admin at desktop and phone size, to
 * `<dir>/wordpress-console-<screen>-<desktop|phone><suffix>.png`, and audits each; returns the findings by size.
 * Leaves the page at desktop size.
 */
export async function captureScreen(
	page: Page,
	dir: string,
	screen: string,
	suffix: string,
): Promise<Record<string, Finding[]>> {
	mkdirSync(dir, { recursive: true });
	const out: Record<string, Finding[]> = {};
	for (const name of ['phone', 'desktop'] as const) {
		await page.setViewportSize(VIEWPORTS[name]);
		await page.evaluate(() => window.scrollTo(0, 0));
		await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
		await page.screenshot({
			path: join(dir, `wordpress-console-${screen}-${name}${suffix}.png`),
			fullPage: true,
		});
		out[name] = await auditBeckonPage(page);
	}
	return out;
}
