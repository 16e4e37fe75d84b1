import { createECDH, randomBytes } from 'node:crypto';
import axe from 'axe-core';
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

// axe-core (the engine of Lighthouse's and the browsers' accessibility audits) on every screen of the widget, in
// its open shadow root, with every rule axe runs by default plus WCAG 2.2's target size (24 × 24 px, off by
// default; Lighthouse checks it). Only the widget is audited: the host page is the test's, not ours.

interface Finding {
	id: string;
	impact: string;
	nodes: string[];
}

const CATEGORIES = [
	{ id: 'sale', label: 'Sales and offers' },
	{ id: 'new', label: 'New arrivals' },
];
const VIEWPORTS = [
	['desktop', DESKTOP],
	['phone', PHONE],
] as const;

/**
 * Chromium's push service is unreachable here, so a granted browser gets a stand-in subscription (an FCM-shaped
 * endpoint with real keys, stored by the worker and never sent to): the bell then shows its "subscribed" panel.
 */
const FAKE_PUSH = `(() => {
	const keys = ${JSON.stringify({
		p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
		auth: randomBytes(16).toString('base64url'),
	})};
	let sub = null;
	PushManager.prototype.getSubscription = async () => sub;
	PushManager.prototype.subscribe = async (options) => (sub = {
		endpoint: 'https://fcm.googleapis.com/fcm/send/a11y',
		options,
		toJSON: () => ({ endpoint: 'https://fcm.googleapis.com/fcm/send/a11y', expirationTime: null, keys }),
		unsubscribe: async () => true,
	});
})();`;

/** Runs axe-core on the widget (its shadow root included) and returns every violation. */
async function audit(page: Page): Promise<Finding[]> {
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
	const results = await page.evaluate(() =>
		(window as unknown as { axe: typeof axe }).axe.run(
			{ include: ['beckon-widget'] },
			{ resultTypes: ['violations'], rules: { 'target-size': { enabled: true } } },
		),
	);
	return results.violations.map((v) => ({
		id: v.id,
		impact: v.impact ?? 'unknown',
		nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ')}`),
	}));
}

describe('widget accessibility (axe-core)', () => {
	let stack: WidgetStack;
	const report: Record<string, Finding[]> = {};

	/** Audits one screen, keeps its findings for the summary and screenshots it. */
	const check = async (page: Page, name: string) => {
		await stack.shot(page, `a11y-${name}`);
		const findings = await audit(page);
		report[name] = findings;
		expect
			.soft(
				findings.filter((f) => f.impact === 'serious' || f.impact === 'critical'),
				name,
			)
			.toEqual([]);
	};

	const opened = async (options: OpenOptions, selector: string) => {
		const { context, page } = await stack.open(options);
		await page.locator(`beckon-widget ${selector}`).waitFor({ timeout: 5000 });
		return { context, page };
	};

	beforeAll(async () => {
		stack = await startWidgetStack();
	});

	afterAll(async () => {
		console.log('axe-core findings per screen', JSON.stringify(report, null, 2));
		await stack?.close();
	});

	it('finds no serious or critical violation in the simple and categories prompts', async () => {
		for (const variant of ['simple', 'categories'] as const) {
			await stack.site({
				variant,
				trigger: { type: 'seconds', value: 0 },
				image: 'https://cdn.example/logo.png',
				categories: variant === 'categories' ? CATEGORIES : [],
			});
			for (const [name, viewport] of VIEWPORTS) {
				const { context, page } = await opened({ viewport }, '.p');
				await check(page, `prompt-${variant}-${name}`);
				await context.close();
			}
		}
	});

	it('finds no serious or critical violation in the bell and its panel, in each state', async () => {
		await stack.site({
			trigger: { type: 'manual', value: 0 },
			bell: { enabled: true },
			categories: CATEGORIES,
		});
		for (const [state, permission] of [
			['subscribe', undefined],
			['subscribed', 'granted'],
			['blocked', 'denied'],
		] as const) {
			for (const [name, viewport] of VIEWPORTS) {
				const { context, page } = await opened({ viewport, permission, init: FAKE_PUSH }, 'button.b');
				expect(await page.evaluate(() => window.Beckon.getState())).toBe(
					state === 'subscribe' ? 'ask' : state === 'subscribed' ? 'allowed' : 'blocked',
				);
				await check(page, `bell-${state}-${name}`);
				await page.locator('beckon-widget button.b').click();
				await page.locator('beckon-widget .k').waitFor();
				await check(page, `panel-${state}-${name}`);
				await context.close();
			}
		}
	});

	it('finds no serious or critical violation in the iOS Add to Home Screen hint', async () => {
		await stack.site({ trigger: { type: 'seconds', value: 0 } });
		const { context, page } = await opened(
			{ viewport: PHONE, userAgent: IPHONE_UA, init: 'delete window.PushManager' },
			'.p',
		);
		await check(page, 'ios-hint-phone');
		await context.close();
	});
});
