import type { StaffDeviceView } from '#wire';
import type { Api } from '../api';

/** The staff service worker and its scope, on the worker's own origin (scripts/build.mjs builds it). */
export const STAFF_SW = '/console/staff-sw.js';
export const STAFF_SCOPE = '/console/';

/**
 * The staff worker's script address: `?home=` names the console's page in the host's admin (wp-admin, the
 * Shopify admin), where a click without a page of its own lands signed in; without it, the console here.
 */
export function staffWorkerUrl(home: string | null): string {
	return home ? `${STAFF_SW}?${new URLSearchParams({ home })}` : STAFF_SW;
}

/** Why push could not be turned on: each has its own advice on the screen. */
export type PushOnResult =
	| { ok: true; device: StaffDeviceView }
	| { ok: false; reason: 'unsupported' | 'denied' | 'subscribe_failed' | 'save_failed'; detail: string };

function keyBytes(b64: string): Uint8Array<ArrayBuffer> {
	const s = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
	return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Waits until a registration has an active worker (subscribe needs one). */
async function activated(registration: ServiceWorkerRegistration): Promise<void> {
	const worker = registration.installing ?? registration.waiting;
	if (registration.active || !worker) return;
	await new Promise<void>((resolve) => {
		worker.addEventListener('statechange', () => {
			if (worker.state === 'activated' || worker.state === 'redundant') resolve();
		});
	});
}

const detailOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A browser without a reachable push service may never settle a subscribe: give up after this long. */
const SUBSCRIBE_TIMEOUT_MS = 20_000;

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(message)), ms);
	});
	return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Turns on staff pushes in this browser: registers the staff service worker (telling it the console's home), asks for permission, subscribes with
 * the site's VAPID key and saves the subscription as the signed-in member's device (`POST /staff/me/devices`).
 */
export async function turnOnPush(
	api: Api,
	vapidPublicKey: string,
	home: string | null = null,
): Promise<PushOnResult> {
	if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window))
		return { ok: false, reason: 'unsupported', detail: '' };
	let subscription: PushSubscription;
	try {
		const registration = await navigator.serviceWorker.register(staffWorkerUrl(home), { scope: STAFF_SCOPE });
		if ((await Notification.requestPermission()) !== 'granted')
			return { ok: false, reason: 'denied', detail: '' };
		await activated(registration);
		subscription =
			(await registration.pushManager.getSubscription()) ??
			(await withTimeout(
				registration.pushManager.subscribe({
					userVisibleOnly: true,
					applicationServerKey: keyBytes(vapidPublicKey),
				}),
				SUBSCRIBE_TIMEOUT_MS,
				'no answer from the push service',
			));
	} catch (e) {
		// NotAllowedError: permission for push itself was refused (a headless or locked-down browser).
		const denied = e instanceof DOMException && e.name === 'NotAllowedError';
		return { ok: false, reason: denied ? 'denied' : 'subscribe_failed', detail: detailOf(e) };
	}
	try {
		const device = await api.call<StaffDeviceView>('/staff/me/devices', {
			method: 'POST',
			body: { subscription: subscription.toJSON() },
		});
		return { ok: true, device };
	} catch (e) {
		return { ok: false, reason: 'save_failed', detail: detailOf(e) };
	}
}

/** Ends this browser's own staff subscription (after its device was removed). */
export async function turnOffHere(): Promise<void> {
	const registration = await navigator.serviceWorker?.getRegistration(STAFF_SCOPE);
	await (await registration?.pushManager.getSubscription())?.unsubscribe();
}
