import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffUrl } from '../../console/src/hosts/handoff.ts';
import type { ConsoleToken, StaffView } from '../../worker/src/wire/index.ts';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

interface StaffEventsResult {
	accepted: number;
	notified: number;
	pushed: number;
	heldForPresence: number;
}

// Issue 14 end to end: a staff member of a WordPress site hands off from wp-admin to the console on the worker's
// origin and turns on push there in a real Firefox. A new conversation while their console tab is in use reaches
// the in-console list only (seed 004); once the tab is gone the next one arrives as a push, shown by the staff
// service worker with its text cut to 500 characters (seed 002), and its click opens the alert list of the
// console in wp-admin, where WordPress signs the member in (the worker-origin tab's sign-in was that tab's only).
describe('staff alerts as pushes in a real Firefox', () => {
	let push: MozillaPushServer;
	let worker: LocalWorker;
	let firefox: FirefoxSession;

	const admin = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
		const response = await fetch(`${worker.url}/v1/sites/${worker.demo.siteId}${path}`, {
			...init,
			headers: { authorization: `Bearer ${worker.demo.apiKey}`, 'content-type': 'application/json' },
		});
		if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
		return (await response.json()) as T;
	};

	const until = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000) => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = await read().catch(() => undefined);
			if (value !== undefined && ok(value)) return value;
			if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
			await new Promise((r) => setTimeout(r, 150));
		}
	};

	const member = () => admin<StaffView>('/staff/wp-9');

	const newConversation = (id: string, title: string, text: string) =>
		admin<StaffEventsResult>('/staff-events', {
			method: 'POST',
			body: JSON.stringify({
				events: [
					{
						id: `evt-${id}`,
						type: 'conversation.created',
						// No page of its own: a click opens the console's alert list.
						conversation: { id, title, assignee: null, team: null },
						message: { id: `msg-${id}`, text, author: 'Visitor' },
					},
				],
			}),
		});

	beforeAll(async () => {
		push = await startMozillaPushServer();
		[worker, firefox] = await Promise.all([startWorker(), launchFirefox({ pushServerUrl: push.url })]);
	});

	afterAll(async () => {
		await firefox?.close();
		await worker?.stop();
		await push?.close();
	});

	it('holds alerts while the console tab is in use, pushes them once it is gone, and the click opens the list', {
		timeout: 90_000,
	}, async () => {
		// What the wp-admin console's button opens: the plugin's fresh token for the WordPress user, as a hand-off.
		const token = await admin<ConsoleToken>('/console-tokens', {
			method: 'POST',
			body: JSON.stringify({ staff: { id: 'wp-9', name: 'Ada' }, role: 'editor', ttlSeconds: 900 }),
		});
		const consoleTab: Page = firefox.page;
		// Stands in for the plugin's wp-admin console page, where the click lands (WordPress's cookie signs the member
		// in there); the demo site's home answers 200 on the worker's origin.
		const wpConsole = `${worker.url}/?page=beckon`;
		await consoleTab.goto(handoffUrl(worker.url, token, 'wordpress', wpConsole));
		await consoleTab.waitForSelector('[data-testid=push-on]');
		expect(consoleTab.url()).toBe(`${worker.url}/console/#/alerts/devices`);
		expect(await consoleTab.$eval('[data-testid=staff-name]', (e) => e.textContent)).toBe('Ada');

		await consoleTab.click('[data-testid=push-on]');
		await consoleTab.waitForSelector('[data-testid=devices] li', { timeout: 30_000 });
		const channel = await push.waitForChannel(() => true, 10_000);
		expect(channel.key).not.toBeNull();
		// Saved as the WordPress user's device, and that member is active while the tab is visible and used.
		await until(member, (m) => m.devices === 1 && m.active);

		// Active: the alert is listed in the console, and no push goes out.
		const held = await newConversation('c-1', 'Ben asks about delivery', 'Do you ship to Porto?');
		expect(held).toMatchObject({ accepted: 1, notified: 1, pushed: 0, heldForPresence: 1 });
		expect(push.received).toHaveLength(0);
		await consoleTab.evaluate(() => {
			location.hash = '#/alerts';
		});
		await consoleTab.waitForSelector('[data-testid=alerts] li');
		expect(await consoleTab.$eval('[data-testid=alerts]', (e) => e.textContent)).toContain(
			'Ben asks about delivery',
		);

		// The member closes the console tab (a tab of the site stays open to read the notifications from).
		const away = await firefox.browser.newPage();
		await away.goto(`${worker.url}/`);
		await consoleTab.close();
		await until(member, (m) => !m.active, 10_000);

		const text = `Hello! ${'I need help choosing a size for the linen apron. '.repeat(12)}`;
		expect([...text].length).toBeGreaterThan(500);
		const sent = await newConversation('c-2', 'Cleo needs a size', text);
		expect(sent).toMatchObject({ accepted: 1, pushed: 1, heldForPresence: 0 });
		expect((await push.waitForAck(() => true, 15_000)).code).toBe(100);

		const title = 'New conversation · Cleo needs a size';
		const shown = await firefox.waitForNotification((n) => n.title === title, 10_000, away);
		expect(shown.scope).toBe(`${worker.url}/console/`);
		expect(shown.tag).toBe('conversation-c-2');
		expect(shown.body).toBe(`${[...text].slice(0, 499).join('').trimEnd()}…`);
		expect([...shown.body].length).toBeLessThanOrEqual(500);
		// Only the alert sent while away was ever shown.
		expect((await firefox.notifications(away)).map((n) => n.title)).toEqual([title]);

		await firefox.clickNotification(title, 15_000);
		await firefox.waitForPage((url) => url === `${wpConsole}#/alerts`, 15_000);
	});
});
