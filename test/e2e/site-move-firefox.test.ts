import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

// Issue 15's proof of a site move: a real Firefox subscribes to site A through the demo store's widget; A is exported
// (keys in clear) and imported as a new site B on the same worker; a send from B reaches the same Firefox push
// subscription, signed with the same VAPID key, and Firefox decrypts and shows it.

describe('moving a site to a new one in a real Firefox', () => {
	let push: MozillaPushServer;
	let worker: LocalWorker;
	let firefox: FirefoxSession;
	let subscriberId = '';
	let moved: { siteId: string; apiKey: string; vapidPublicKey: string };

	const admin = async <T>(site: { siteId: string; apiKey: string }, path: string, init: RequestInit = {}) => {
		const response = await fetch(`${worker.url}/v1/sites/${site.siteId}${path}`, {
			...init,
			headers: { authorization: `Bearer ${site.apiKey}`, 'content-type': 'application/json' },
		});
		if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
		return (await response.json()) as T;
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

	it('subscribes Firefox to site A from the demo store', async () => {
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
		expect(await admin<{ status: string }>(worker.demo, `/subscribers/${subscriberId}`)).toMatchObject({
			status: 'allowed',
		});
	});

	it('exports A, imports it as B, and a send from B shows in the same Firefox', async () => {
		const exported = await fetch(`${worker.url}/v1/sites/${worker.demo.siteId}/export?keys=clear`, {
			headers: { authorization: `Bearer ${worker.demo.apiKey}` },
		});
		expect(exported.status).toBe(200);
		const ndjson = await exported.text();
		const imported = await fetch(`${worker.url}/v1/sites/import`, {
			method: 'POST',
			headers: { authorization: `Bearer ${worker.adminToken}`, 'content-type': 'application/x-ndjson' },
			body: ndjson,
		});
		expect(imported.status).toBe(201);
		moved = (await imported.json()) as typeof moved;
		const site = await admin<{ vapidPublicKey: string }>(worker.demo, '');
		expect(moved.siteId).not.toBe(worker.demo.siteId);
		expect(moved.vapidPublicKey).toBe(site.vapidPublicKey);
		// The same browser, under the same id, in the new site.
		expect(
			await admin<{ status: string; browser: string }>(moved, `/subscribers/${subscriberId}`),
		).toMatchObject({
			status: 'allowed',
			browser: 'firefox',
		});

		const { notificationId } = await admin<{ notificationId: string }>(moved, '/notifications', {
			method: 'POST',
			body: JSON.stringify({
				title: 'Sent from the moved site',
				body: 'Same browser, same key',
				audience: { subscriberIds: [subscriberId] },
			}),
		});
		const shown = await firefox.waitForNotification(
			(n) => n.title === 'Sent from the moved site',
			20_000,
			firefox.page,
		);
		expect(shown.body).toBe('Same browser, same key');
		await expect
			.poll(
				async () =>
					(
						await admin<{ status: string; counts: Record<string, number> }>(
							moved,
							`/notifications/${notificationId}`,
						)
					).counts,
				{ timeout: 15_000 },
			)
			.toMatchObject({ targeted: 1, sent: 1, failed: 0 });
	});
});
