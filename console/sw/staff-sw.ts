/// <reference lib="webworker" />
// The staff service worker (issue 14): registered by the console on the worker's own origin, scope /console/, for
// the pushes a staff member's browser gets (never a visitor's). It shows `{kind: 'staff', title, body, url, tag}`,
// one notification per tag (a conversation's newer alert replaces its older one), and opens the alert's page on
// click, else the console's alert list.

import type { StaffPushPayload as StaffPayload } from '#wire';

declare const self: ServiceWorkerGlobalScope;

/**
 * The console's alert list, where a click without a page of its own goes: in the host's admin when the console
 * registered this worker from a hand-off (`?home=`, an http(s) page: WordPress's cookie or Shopify's App Bridge
 * signs the member in there), else the console on this origin.
 */
function alertList(): string {
	try {
		const home = new URL(new URLSearchParams(self.location.search).get('home') ?? '');
		if (home.protocol === 'https:' || home.protocol === 'http:') {
			home.hash = '/alerts';
			return home.href;
		}
	} catch {
		// No home, or not an address: the console here.
	}
	return new URL('./#/alerts', self.registration.scope).href;
}
const LIST = alertList();

function parse(event: PushEvent): StaffPayload | null {
	try {
		const data = event.data?.json() as Partial<StaffPayload> | undefined;
		return data?.kind === 'staff' && typeof data.title === 'string' ? (data as StaffPayload) : null;
	} catch {
		return null;
	}
}

async function onPush(event: PushEvent): Promise<void> {
	const p = parse(event);
	// Always show something: browsers penalise or revoke pushes that show no notification.
	const options: NotificationOptions & { renotify?: boolean } = {
		body: p?.body ?? '',
		data: { url: p?.url ?? LIST },
	};
	if (p?.tag) {
		options.tag = p.tag;
		// A replacing alert is news too: sound and show it again.
		options.renotify = true;
	}
	await self.registration.showNotification(p?.title ?? 'Beckon', options);
}

async function open(url: string): Promise<void> {
	const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
	for (const client of windows) {
		if (client.url === url && 'focus' in client) {
			await client.focus();
			return;
		}
	}
	await self.clients.openWindow(url);
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
	const url = (event.notification.data as { url?: unknown } | null)?.url;
	event.notification.close();
	event.waitUntil(open(typeof url === 'string' ? url : LIST).catch(() => undefined));
});
