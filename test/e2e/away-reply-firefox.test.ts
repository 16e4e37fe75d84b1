import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

interface Accepted {
	notificationId: string;
	skipped?: { present: number };
}

interface NotificationView {
	status: string;
	counts: Record<string, number> & { skipped?: Record<string, number> };
}

// Seed 000: an agent's reply reaches a visitor as a push only once they have left the site, and the click brings
// them back to the conversation's page.
/** How long a minute lasts for the worker's presence in this file (TEST_MINUTE_MS). */
const MINUTE_MS = 6_000;

describe('an only-if-away reply in a real Firefox', () => {
	let push: MozillaPushServer;
	let worker: LocalWorker;
	let firefox: FirefoxSession;
	let subscriberId = '';

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
			const value = await read();
			if (ok(value)) return value;
			if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
			await new Promise((r) => setTimeout(r, 150));
		}
	};

	const reply = (title: string, onlyIfAway: unknown) =>
		admin<Accepted>('/notifications', {
			method: 'POST',
			body: JSON.stringify({
				title,
				body: 'Yes, the apron ships Monday',
				url: `${worker.url}/products/linen-apron`,
				onlyIfAway,
				audience: { subscriberIds: [subscriberId] },
			}),
		});

	beforeAll(async () => {
		push = await startMozillaPushServer();
		// A minute of presence lasts 6 s here (the default 5 minutes, 30 s), so "away for a minute" takes no real minute.
		[worker, firefox] = await Promise.all([
			startWorker({ TEST_MINUTE_MS: String(MINUTE_MS) }),
			launchFirefox({ pushServerUrl: push.url }),
		]);
	});

	afterAll(async () => {
		await firefox?.close();
		await worker?.stop();
		await push?.close();
	});

	it('holds the reply while the visitor is on the site and sends it once they left', {
		timeout: 90_000,
	}, async () => {
		const { page } = firefox;
		await page.goto(`${worker.url}/`);
		await page.waitForFunction(() =>
			['ask', 'allowed'].includes(document.getElementById('state')?.textContent ?? ''),
		);
		await page.click('#subscribe');
		const key = `beckon:${worker.demo.siteId}:sid`;
		await page.waitForFunction((k: string) => localStorage.getItem(k) !== null, { timeout: 15_000 }, key);
		subscriberId = (await page.evaluate((k: string) => localStorage.getItem(k), key)) as string;
		await push.waitForChannel(() => true, 10_000);

		const product = `${worker.url}/products/oak-board`;
		await page.goto(product);
		await until(
			() => admin<{ lastUrl: string | null }>(`/subscribers/${subscriberId}`),
			(s) => s.lastUrl === product,
		);
		const lastPageviewAt = Date.now();

		// On the site: the widget's pageview makes the visitor present, so nothing is sent.
		const held = await reply('Ada replied while you were here', true);
		expect(held.skipped).toEqual({ present: 1 });
		const heldView = await until(
			() => admin<NotificationView>(`/notifications/${held.notificationId}`),
			(v) => v.status === 'done',
		);
		expect(heldView.counts).toMatchObject({ targeted: 0, sent: 0, skipped: { present: 1 } });

		// The visitor leaves the site and loads no page of it for over a (test) minute.
		await page.goto('about:blank');
		await new Promise((r) => setTimeout(r, Math.max(0, lastPageviewAt + MINUTE_MS + 1_000 - Date.now())));
		const sent = await reply('Ada replied', { minutes: 1 });
		expect(sent.skipped).toEqual({ present: 0 });
		expect((await push.waitForAck(() => true, 15_000)).code).toBe(100);

		const alert = await firefox.clickNotification('Ada replied', 15_000);
		expect(alert.body).toContain('Yes, the apron ships Monday');
		// The conversation's page, not the last visited one.
		await firefox.waitForPage((url) => url === `${worker.url}/products/linen-apron`, 15_000);
		expect((await firefox.alerts()).map((a) => a.title)).not.toContain('Ada replied while you were here');

		const view = await until(
			() => admin<NotificationView>(`/notifications/${sent.notificationId}`),
			(v) => v.status === 'done' && v.counts.clicked === 1,
		);
		expect(view.counts).toMatchObject({ targeted: 1, sent: 1, shown: 1, clicked: 1 });
		expect(view.counts.skipped).toBeUndefined();
	});
});
