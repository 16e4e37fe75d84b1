/// <reference lib="webworker" />
// Beckon service worker. Served by the worker at /v1/sites/<siteId>/sw.js with `self.BECKON` prepended, and
// pulled into the site's own origin by a one-line stub: importScripts('<worker>/v1/sites/<siteId>/sw.js').

import type { PushPayload } from '#wire';
import { type ClickData, clickTarget } from './click-target';

interface BeckonSwConfig {
	siteId: string;
	api: string;
	vapidPublicKey: string;
}

/** What a push carries (the worker builds it; a payload that fails to parse gets a fallback notification). */
type Payload = PushPayload;

interface NotificationData extends ClickData {
	nid?: string;
	sid?: string;
	url: string;
}

declare const self: ServiceWorkerGlobalScope & { BECKON: BeckonSwConfig };

const cfg = self.BECKON;
const base = `${cfg.api}/v1/sites/${cfg.siteId}`;

function report(sid: string | undefined, event: Record<string, string>): Promise<void> {
	if (!sid) return Promise.resolve();
	// text/plain keeps this a simple CORS request (no preflight); the worker reads JSON whatever the type.
	return fetch(`${base}/subscribers/${encodeURIComponent(sid)}/events`, {
		method: 'POST',
		body: JSON.stringify(event),
		headers: { 'content-type': 'text/plain;charset=UTF-8' },
		keepalive: true,
	}).then(
		() => undefined,
		() => undefined,
	);
}

function parse(event: PushEvent): Payload | null {
	try {
		const data = event.data?.json() as Payload | undefined;
		return data && typeof data.title === 'string' && typeof data.url === 'string' ? data : null;
	} catch {
		return null;
	}
}

async function onPush(event: PushEvent): Promise<void> {
	const p = parse(event);
	if (!p) {
		// Always show something: browsers penalise or revoke pushes that show no notification.
		await self.registration.showNotification(self.location.hostname, {
			body: 'You have a new notification.',
			data: { url: self.registration.scope } satisfies NotificationData,
		});
		return;
	}
	const actions: Record<string, string> = {};
	for (const a of p.actions ?? []) if (a.url) actions[a.action] = a.url;
	const options: NotificationOptions & Record<string, unknown> = {
		body: p.body ?? '',
		tag: p.tag ?? p.nid,
		data: { nid: p.nid, sid: p.sid, url: p.url, actions } satisfies NotificationData,
	};
	if (p.icon) options.icon = p.icon;
	if (p.image) options.image = p.image;
	if (p.badge) options.badge = p.badge;
	if (p.requireInteraction) options.requireInteraction = true;
	if (p.actions?.length) options.actions = p.actions.map(({ action, title }) => ({ action, title }));
	await self.registration.showNotification(p.title, options);
	await report(p.sid, { type: 'shown', notificationId: p.nid });
}

async function openOrFocus(target: string): Promise<void> {
	const wanted = new URL(target, self.registration.scope);
	wanted.hash = '';
	const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
	for (const client of windows) {
		const url = new URL(client.url);
		url.hash = '';
		if (url.href === wanted.href && 'focus' in client) {
			await client.focus();
			return;
		}
	}
	await self.clients.openWindow(wanted.href);
}

self.addEventListener('install', () => {
	void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
	event.waitUntil(self.clients.claim());
});

self.addEventListener('push', (event) => {
	event.waitUntil(onPush(event));
});

self.addEventListener('notificationclick', (event) => {
	const data = (event.notification.data ?? {}) as NotificationData;
	event.notification.close();
	const target = clickTarget(data, event.action, self.registration.scope);
	// allSettled: a focus() or openWindow() that rejects must not end the event (and the worker) before the click
	// report has been sent.
	event.waitUntil(
		Promise.allSettled([
			data.nid ? report(data.sid, { type: 'clicked', notificationId: data.nid }) : null,
			openOrFocus(target),
		]),
	);
});

self.addEventListener('notificationclose', (event) => {
	const data = (event.notification.data ?? {}) as NotificationData;
	if (data.nid) event.waitUntil(report(data.sid, { type: 'closed', notificationId: data.nid }));
});

function keyBytes(b64: string): Uint8Array<ArrayBuffer> {
	const s = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
	return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

// pushsubscriptionchange: subscribe again and tell the backend which endpoint it replaces.
self.addEventListener('pushsubscriptionchange', (event) => {
	const e = event as Event & {
		oldSubscription?: PushSubscription | null;
		newSubscription?: PushSubscription | null;
	};
	event.waitUntil(
		(async () => {
			const fresh =
				e.newSubscription ??
				(await self.registration.pushManager.subscribe({
					userVisibleOnly: true,
					applicationServerKey: keyBytes(cfg.vapidPublicKey),
				}));
			await fetch(`${base}/subscribers`, {
				method: 'POST',
				headers: { 'content-type': 'text/plain;charset=UTF-8' },
				body: JSON.stringify({
					subscription: fresh.toJSON(),
					oldEndpoint: e.oldSubscription?.endpoint,
					permission: 'granted',
				}),
			});
		})(),
	);
});
