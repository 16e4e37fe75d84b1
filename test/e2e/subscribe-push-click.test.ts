import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

interface NotificationView {
	status: string;
	counts: Record<string, number>;
}

describe('Beckon end to end in a real Firefox', () => {
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

	const until = async <T>(
		read: () => Promise<T>,
		ok: (value: T) => boolean,
		timeoutMs = 15_000,
	): Promise<T> => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = await read();
			if (ok(value)) return value;
			if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
			await new Promise((r) => setTimeout(r, 150));
		}
	};

	beforeAll(async () => {
		push = await startMozillaPushServer();
		[worker, firefox] = await Promise.all([startWorker(), launchFirefox({ pushServerUrl: push.url })]);
	});

	afterAll(async () => {
		await firefox?.close();
		await worker?.stop();
		await push?.close();
	});

	it('subscribes from the demo store button and reports the subscription', async () => {
		const { page } = firefox;
		await page.goto(`${worker.url}/`);
		// The test profile grants notification permission up front (no prompt can be answered headless), so the
		// state is already `allowed`; the button must still be safe to press.
		await page.waitForFunction(() =>
			['ask', 'allowed'].includes(document.getElementById('state')?.textContent ?? ''),
		);
		await page.click('#subscribe');
		const key = `beckon:${worker.demo.siteId}:sid`;
		await page.waitForFunction((k: string) => localStorage.getItem(k) !== null, { timeout: 15_000 }, key);
		subscriberId = (await page.evaluate((k: string) => localStorage.getItem(k), key)) as string;
		const channel = await push.waitForChannel(() => true, 10_000);
		expect(channel).toBeTruthy();
		const subscriber = await admin<{ status: string; browser: string; pushService: string }>(
			`/subscribers/${subscriberId}`,
		);
		expect(subscriber).toMatchObject({ status: 'allowed', browser: 'firefox', pushService: 'loopback' });
		const stats = await admin<{ active: number; byBrowser: Record<string, number> }>('/stats');
		expect(stats.active).toBe(1);
		expect(stats.byBrowser).toEqual({ firefox: 1 });
	});

	it('shows the exact notification and a click opens the last visited product page', async () => {
		const { page } = firefox;
		const product = `${worker.url}/products/oak-board`;
		await page.goto(product);
		await until(
			() => admin<{ lastUrl: string | null }>(`/subscribers/${subscriberId}`),
			(s) => s.lastUrl === product,
		);
		await page.goto(`${worker.url}/`);

		const { notificationId } = await admin<{ notificationId: string }>('/notifications', {
			method: 'POST',
			body: JSON.stringify({
				title: 'The oak board is back',
				body: 'Only 3 left in stock',
				audience: { all: true },
			}),
		});
		const ack = await push.waitForAck(() => true, 15_000);
		expect(ack.code).toBe(100);
		const shown = await firefox.waitForNotification((n) => n.title === 'The oak board is back', 15_000, page);
		expect(shown.body).toBe('Only 3 left in stock');
		expect(shown.tag).toBe(notificationId);

		await firefox.clickNotification('The oak board is back');
		const opened = await firefox.waitForPage((url) => url === product, 15_000);
		expect(await opened.page.$eval('#product', (el) => el.textContent)).toBe('Oak serving board');

		const view = await until(
			() => admin<NotificationView>(`/notifications/${notificationId}`),
			(v) => v.status === 'done' && v.counts.clicked === 1 && v.counts.shown === 1,
		);
		expect(view.counts).toMatchObject({ targeted: 1, sent: 1, failed: 0, shown: 1, clicked: 1 });
	});

	it('opens the campaign link when the notification has one, focusing a tab already on it', async () => {
		const sale = `${worker.url}/products/linen-apron`;
		const before = (await firefox.pages()).filter((p) => p.url === sale).length;
		const tab = await firefox.browser.newPage();
		await tab.goto(sale);
		await admin('/notifications', {
			method: 'POST',
			body: JSON.stringify({
				title: 'Apron sale',
				body: '20% off today',
				url: sale,
				audience: { all: true },
			}),
		});
		await firefox.waitForNotification((n) => n.title === 'Apron sale', 15_000, tab);
		await firefox.clickNotification('Apron sale');
		await new Promise((r) => setTimeout(r, 1000));
		expect((await firefox.pages()).filter((p) => p.url === sale)).toHaveLength(before + 1);
		expect(firefox.outboundAttempts()).toEqual([]);
	});
});
