import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush, { type PushSubscription } from 'web-push';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server';
import { plainHttpAgent } from '../support/firefox/web-push-http';

const INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>harness</title></head>
<body><h1>push harness</h1></body></html>`;

const LANDING_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>landing</title></head>
<body><h1>opened from a notification</h1></body></html>`;

const SERVICE_WORKER = `
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('push', (event) => {
	const msg = event.data ? event.data.json() : { title: '(no payload)' };
	event.waitUntil(
		self.registration.showNotification(msg.title, {
			body: msg.body,
			tag: msg.tag,
			data: { url: msg.url },
		}),
	);
});
self.addEventListener('notificationclick', (event) => {
	event.notification.close();
	event.waitUntil(self.clients.openWindow(event.notification.data.url));
});
`;

interface StaticSite {
	origin: string;
	requests: Array<{ method: string; path: string; at: number }>;
	close(): Promise<void>;
}

async function startStaticSite(): Promise<StaticSite> {
	const requests: StaticSite['requests'] = [];
	const files: Record<string, [string, string]> = {
		'/': ['text/html; charset=utf-8', INDEX_HTML],
		'/landing.html': ['text/html; charset=utf-8', LANDING_HTML],
		'/sw.js': ['text/javascript; charset=utf-8', SERVICE_WORKER],
	};
	const server: Server = createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://site').pathname;
		requests.push({ method: req.method ?? '', path, at: Date.now() });
		const file = files[path];
		if (!file) {
			res.statusCode = 404;
			res.end();
			return;
		}
		res.setHeader('content-type', file[0]);
		res.setHeader('cache-control', 'no-store');
		res.end(file[1]);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	return {
		origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		close: () => {
			server.closeAllConnections();
			return new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

describe('Firefox push harness', () => {
	let push: MozillaPushServer;
	let site: StaticSite;
	let firefox: FirefoxSession;
	let subscription: PushSubscription;
	const vapid = webpush.generateVAPIDKeys();
	const sendOptions = {
		vapidDetails: {
			subject: 'mailto:harness@example.com',
			publicKey: vapid.publicKey,
			privateKey: vapid.privateKey,
		},
		TTL: 60,
		contentEncoding: 'aes128gcm' as const,
		agent: plainHttpAgent(),
	};
	const versionOf = (location: string | string[] | undefined): string =>
		String(location ?? '')
			.split('/')
			.pop() ?? '';

	beforeAll(async () => {
		push = await startMozillaPushServer();
		site = await startStaticSite();
		firefox = await launchFirefox({ pushServerUrl: push.url, headless: true });
		console.info(`[firefox-harness] Firefox started in ${firefox.startupMs} ms`);
		const t0 = Date.now();
		await firefox.page.goto(`${site.origin}/`, { waitUntil: 'load' });
		const json = await firefox.page.evaluate(async (key: string) => {
			const reg = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
			await navigator.serviceWorker.ready;
			const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
			return JSON.stringify(sub.toJSON());
		}, vapid.publicKey);
		subscription = JSON.parse(json) as PushSubscription;
		console.info(`[firefox-harness] page load + SW registration + subscribe: ${Date.now() - t0} ms`);
	});

	afterAll(async () => {
		await firefox?.close();
		await site?.close();
		await push?.close();
	});

	it('subscribes through the local push server', () => {
		expect(subscription.endpoint).toMatch(new RegExp(`^${push.httpOrigin}/wpush/[0-9a-f-]+$`));
		expect(Buffer.from(subscription.keys.p256dh, 'base64url')).toHaveLength(65);
		expect(Buffer.from(subscription.keys.auth, 'base64url')).toHaveLength(16);
		const channel = push.channels().find((c) => subscription.endpoint.endsWith(c.channelID));
		expect(channel?.key && Buffer.from(channel.key, 'base64url').toString('base64url')).toBe(vapid.publicKey);
	});

	it('receives, decrypts and shows a real push, and a click opens the URL', async () => {
		const message = {
			title: `Hello from the harness ${randomBytes(3).toString('hex')}`,
			body: 'Decrypted by a real Firefox',
			url: `${site.origin}/landing.html?from=push`,
		};
		const t0 = Date.now();
		const res = await webpush.sendNotification(subscription, JSON.stringify(message), sendOptions);
		expect(res.statusCode).toBe(201);
		const version = versionOf(res.headers.location);
		const ack = await push.waitForAck((a) => a.version === version, 15_000);
		const ackMs = Date.now() - t0;
		expect(ack.code).toBe(100);
		const shown = await firefox.waitForNotification((n) => n.title === message.title, 10_000);
		const shownMs = Date.now() - t0;
		expect(shown.body).toBe(message.body);
		expect(shown.data).toEqual({ url: message.url });
		console.info(`[firefox-harness] push → ack ${ackMs} ms, push → notification listed ${shownMs} ms`);

		const received = push.received.find((r) => r.version === version);
		expect(received?.headers['content-encoding']).toBe('aes128gcm');
		expect(received?.headers.ttl).toBe('60');

		const alert = await firefox.clickNotification(message.title, 10_000);
		expect(alert.body).toBe(message.body);
		const opened = await firefox.waitForPage((url) => url === message.url, 15_000);
		expect(opened.url).toBe(message.url);
		expect(site.requests.some((r) => r.method === 'GET' && r.path === '/landing.html')).toBe(true);
		expect((await firefox.pages()).map((p) => p.url)).toContain(message.url);
		// notificationclick closed it
		await expect
			.poll(async () => (await firefox.notifications()).some((n) => n.title === message.title), {
				timeout: 5_000,
			})
			.toBe(false);
	});

	it('acks a push encrypted for the wrong auth secret with 101 and shows nothing', async () => {
		const wrong: PushSubscription = {
			endpoint: subscription.endpoint,
			keys: { p256dh: subscription.keys.p256dh, auth: randomBytes(16).toString('base64url') },
		};
		const title = `Must not appear ${randomBytes(3).toString('hex')}`;
		const res = await webpush.sendNotification(
			wrong,
			JSON.stringify({ title, body: 'x', url: '/' }),
			sendOptions,
		);
		expect(res.statusCode).toBe(201);
		const version = versionOf(res.headers.location);
		const ack = await push.waitForAck((a) => a.version === version, 15_000);
		expect(ack.code).toBe(101);
		// Give a (wrongly) delivered push event time to show something.
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect((await firefox.notifications()).map((n) => n.title)).not.toContain(title);
		expect((await firefox.alerts()).map((a) => a.title)).not.toContain(title);
	});

	it('redelivers a push queued while Firefox was disconnected', async () => {
		push.disconnectClients({ holdOffMs: 1_000 });
		const title = `Queued while offline ${randomBytes(3).toString('hex')}`;
		const t0 = Date.now();
		const res = await webpush.sendNotification(
			subscription,
			JSON.stringify({ title, body: 'redelivered', url: `${site.origin}/landing.html` }),
			sendOptions,
		);
		expect(res.statusCode).toBe(201);
		const version = versionOf(res.headers.location);
		expect(push.pending().find((m) => m.version === version)?.sends).toBe(0);
		const ack = await push.waitForAck((a) => a.version === version, 20_000);
		expect(ack.code).toBe(100);
		await firefox.waitForNotification((n) => n.title === title, 10_000);
		console.info(`[firefox-harness] queued push delivered after reconnect in ${Date.now() - t0} ms`);
		expect(push.connectedClients()).toBe(1);
	});

	it('measures per-push latency', async () => {
		const ackMs: number[] = [];
		const shownMs: number[] = [];
		for (let i = 0; i < 10; i++) {
			const title = `Latency ${i}`;
			const t0 = Date.now();
			const res = await webpush.sendNotification(
				subscription,
				JSON.stringify({ title, body: String(i), tag: 'latency', url: `${site.origin}/landing.html` }),
				sendOptions,
			);
			const version = versionOf(res.headers.location);
			expect((await push.waitForAck((a) => a.version === version, 10_000)).code).toBe(100);
			ackMs.push(Date.now() - t0);
			await firefox.waitForNotification((n) => n.title === title, 10_000);
			shownMs.push(Date.now() - t0);
		}
		const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
		console.info(
			`[firefox-harness] 10 pushes: ack median ${median(ackMs)} ms (max ${Math.max(...ackMs)}), ` +
				`notification listed median ${median(shownMs)} ms (max ${Math.max(...shownMs)})`,
		);
		// tag 'latency' replaced the earlier ones
		const latency = (await firefox.notifications()).filter((n) => n.tag === 'latency');
		expect(latency.map((n) => n.title)).toEqual(['Latency 9']);
	});

	it('push endpoint refuses what autopush refuses, without forwarding it', async () => {
		const details = webpush.generateRequestDetails(subscription, 'x', sendOptions);
		const headers = details.headers as Record<string, string>;
		const post = async (
			endpoint: string,
			hdrs: Record<string, string>,
			body: Buffer | null = details.body,
		) => {
			const { 'Content-Length': _length, ...rest } = hdrs;
			const res = await fetch(endpoint, {
				method: 'POST',
				headers: rest,
				body: body && new Uint8Array(body),
			});
			return res.status;
		};
		const messagesBefore = push.messages.length;
		const { TTL: _ttl, ...noTtl } = headers;
		expect(await post(details.endpoint, noTtl)).toBe(400);
		expect(await post(details.endpoint, { ...headers, 'Content-Encoding': 'aesgcm' })).toBe(400);
		const { Authorization: _auth, ...noAuth } = headers;
		expect(await post(details.endpoint, noAuth)).toBe(401);
		const other = webpush.generateVAPIDKeys();
		const foreign = webpush.generateRequestDetails(subscription, 'x', {
			...sendOptions,
			vapidDetails: { ...sendOptions.vapidDetails, publicKey: other.publicKey, privateKey: other.privateKey },
		});
		expect(await post(foreign.endpoint, foreign.headers as Record<string, string>, foreign.body)).toBe(401);
		const unknown = `${push.httpOrigin}/wpush/00000000-0000-0000-0000-000000000000`;
		expect(await post(unknown, headers)).toBe(404);
		expect(push.messages.length).toBe(messagesBefore);
		expect(push.received.slice(-5).map((r) => r.reason)).toEqual([
			'missing TTL',
			'Content-Encoding must be aes128gcm',
			'missing Authorization',
			'k does not match the key the subscription was created with',
			'unknown subscription',
		]);
	});

	it('made no connection attempts beyond loopback', () => {
		// Anything not for 127.0.0.1/localhost is routed to a loopback proxy that refuses it and records it.
		expect(firefox.outboundAttempts()).toEqual([]);
	});

	it('answers 410 once the page unsubscribed', async () => {
		const channelID = subscription.endpoint.split('/').pop() ?? '';
		const ok = await firefox.page.evaluate(async () => {
			const reg = await navigator.serviceWorker.ready;
			const sub = await reg.pushManager.getSubscription();
			return sub ? sub.unsubscribe() : false;
		});
		expect(ok).toBe(true);
		const channel = await push.waitForChannel((c) => c.channelID === channelID && c.unregisteredAt !== null);
		expect(channel.unregisterCode).toBe(200);
		await expect(webpush.sendNotification(subscription, 'gone', sendOptions)).rejects.toMatchObject({
			statusCode: 410,
		});
	});
});
