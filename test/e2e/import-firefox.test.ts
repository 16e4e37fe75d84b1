import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

// Moving from another push tool (issue 15): a browser subscribed through the old tool's service worker (a fake
// OneSignalSDKWorker.js, with the old tool's own VAPID key pair) is imported with that key pair, a send reaches it
// signed with the old key, then the site's Beckon widget takes the browser over: the old tool's other service
// worker is unregistered, the subscription moves to the site's current key and the imported subscriber is updated
// in place. The local push server checks every push's VAPID JWT against the key the channel was made with.

const OLD_TOOL_WORKER = `
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('push', (event) => {
	const msg = event.data ? event.data.json() : { title: '(no payload)' };
	event.waitUntil(self.registration.showNotification(msg.title, { body: msg.body, tag: msg.tag }));
});
`;

interface HostSite {
	origin: string;
	close(): Promise<void>;
}

/** The site's own origin: a page without Beckon (/plain), the old tool's worker, and a page with the widget (/). */
async function startHost(workerUrl: string, siteId: () => string): Promise<HostSite> {
	const server: Server = createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://host').pathname;
		const send = (type: string, body: string) => {
			res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
			res.end(body);
		};
		if (path === '/OneSignalSDKWorker.js') send('text/javascript', OLD_TOOL_WORKER);
		else if (path === '/beckon-sw.js')
			send('text/javascript', `importScripts('${workerUrl}/v1/sites/${siteId()}/sw.js');\n`);
		else if (path === '/plain')
			send('text/html', '<!doctype html><title>plain</title><h1>No Beckon here</h1>');
		else if (path === '/')
			send(
				'text/html',
				`<!doctype html><title>shop</title><h1>Shop</h1><script async src="${workerUrl}/beckon.js" data-site="${siteId()}" data-sw="/beckon-sw.js" data-unregister-previous></script>`,
			);
		else res.writeHead(404).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

describe('importing from another push tool, in a real Firefox', () => {
	let push: MozillaPushServer;
	let worker: LocalWorker;
	let firefox: FirefoxSession;
	let host: HostSite;
	let site = { siteId: '', apiKey: '', vapidPublicKey: '' };
	const old = webpush.generateVAPIDKeys();
	let oldEndpoint = '';
	let importedId = '';

	const admin = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
		const response = await fetch(`${worker.url}/v1/sites/${site.siteId}${path}`, {
			...init,
			headers: { authorization: `Bearer ${site.apiKey}`, 'content-type': 'application/json' },
		});
		if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
		return (await response.json()) as T;
	};

	const until = async <T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = await read();
			if (ok(value)) return value;
			if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
			await new Promise((r) => setTimeout(r, 150));
		}
	};

	const subscribers = () =>
		admin<{ subscribers: Array<{ subscriberId: string; status: string }> }>('/subscribers').then(
			(page) => page.subscribers,
		);
	const keyCounts = () =>
		admin<{ vapidKeys: Array<{ current: boolean; subscribers: number }> }>('/vapid-keys').then((r) =>
			r.vapidKeys.map((k) => [k.current, k.subscribers]),
		);

	beforeAll(async () => {
		push = await startMozillaPushServer();
		[worker, firefox] = await Promise.all([startWorker(), launchFirefox({ pushServerUrl: push.url })]);
		host = await startHost(worker.url, () => site.siteId);
		const response = await fetch(`${worker.url}/v1/sites`, {
			method: 'POST',
			headers: { authorization: `Bearer ${worker.adminToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'Moving shop', origins: [host.origin], platform: 'custom' }),
		});
		site = (await response.json()) as typeof site;
	});

	afterAll(async () => {
		await firefox?.close();
		await host?.close();
		await worker?.stop();
		await push?.close();
	});

	it("imports a subscription made with the old tool's key, and a send reaches Firefox signed with that key", async () => {
		const { page } = firefox;
		await page.goto(`${host.origin}/plain`);
		const json = await page.evaluate(async (key: string) => {
			const reg = await navigator.serviceWorker.register('/OneSignalSDKWorker.js', { scope: '/' });
			// The old tool's worker at another scope too, without a subscription: the widget option removes it.
			await navigator.serviceWorker.register('/OneSignalSDKWorker.js', { scope: '/legacy/' });
			await navigator.serviceWorker.ready;
			const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
			return JSON.stringify(sub.toJSON());
		}, old.publicKey);
		const subscription = JSON.parse(json) as { endpoint: string; keys: { p256dh: string; auth: string } };
		oldEndpoint = subscription.endpoint;

		const report = await admin<Record<string, unknown>>('/subscribers/import', {
			method: 'POST',
			body: JSON.stringify({
				vapidPublicKey: old.publicKey,
				vapidPrivateKey: old.privateKey,
				label: 'OneSignal',
				subscriptions: [{ ...subscription, externalUserId: 'reader-1' }],
			}),
		});
		expect(report).toMatchObject({ imported: 1, duplicate: 0, invalidCount: 0 });
		const [imported] = await subscribers();
		importedId = imported?.subscriberId ?? '';
		expect(await keyCounts()).toEqual([
			[true, 0],
			[false, 1],
		]);

		await admin('/notifications', {
			method: 'POST',
			body: JSON.stringify({ title: 'Signed with the old key', body: 'Hello', audience: { all: true } }),
		});
		const channel = oldEndpoint.split('/').pop();
		const ack = await push.waitForAck((a) => a.channelID === channel, 15_000);
		expect(ack.code).toBe(100);
		const shown = await firefox.waitForNotification(
			(n) => n.title === 'Signed with the old key',
			15_000,
			page,
		);
		expect(shown.scope).toBe(`${host.origin}/`);
	});

	it('moves the browser to the current key on its next visit, updating the imported subscriber in place', async () => {
		const { page } = firefox;
		await page.goto(`${host.origin}/`);
		const key = `beckon:${site.siteId}:sid`;
		await page.waitForFunction((k: string) => localStorage.getItem(k) !== null, { timeout: 20_000 }, key);
		expect(await page.evaluate((k: string) => localStorage.getItem(k), key)).toBe(importedId);

		const registrations = await page.evaluate(async () =>
			(await navigator.serviceWorker.getRegistrations()).map((r) => ({
				scope: r.scope,
				script: (r.active ?? r.waiting ?? r.installing)?.scriptURL ?? '',
			})),
		);
		expect(registrations).toEqual([{ scope: `${host.origin}/`, script: `${host.origin}/beckon-sw.js` }]);

		await until(keyCounts, (counts) => JSON.stringify(counts) === '[[true,1],[false,0]]');
		const list = await subscribers();
		expect(list).toEqual([expect.objectContaining({ subscriberId: importedId, status: 'allowed' })]);
		const one = await admin<{ externalUserId: string | null }>(`/subscribers/${importedId}`);
		expect(one.externalUserId).toBe('reader-1');
		const stats = await admin<{ active: number }>('/stats');
		expect(stats.active).toBe(1);

		const renewed = await push.waitForChannel(
			(c) => c.key !== null && Buffer.from(c.key, 'base64url').toString('base64url') === site.vapidPublicKey,
			10_000,
		);
		await admin('/notifications', {
			method: 'POST',
			body: JSON.stringify({
				title: 'Signed with the current key',
				body: 'Hello again',
				audience: { all: true },
			}),
		});
		const ack = await push.waitForAck((a) => a.channelID === renewed.channelID, 15_000);
		expect(ack.code).toBe(100);
		await firefox.waitForNotification((n) => n.title === 'Signed with the current key', 15_000, page);
		// Nothing went to the old endpoint after the move: it was unsubscribed.
		const toOld = push.received.filter((r) => oldEndpoint.endsWith(r.channelID));
		expect(toOld).toHaveLength(1);
	});
});
