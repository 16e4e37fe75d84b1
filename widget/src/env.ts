import type { BeckonState } from './types';

/** Whether the browser has what web push needs. */
export function pushSupported(): boolean {
	return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** iPhone/iPad Safari outside a home-screen app: push only works after "Add to Home Screen". */
export function iosNeedsInstall(): boolean {
	const ios =
		/iPad|iPhone|iPod/.test(navigator.userAgent) ||
		(navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
	const standalone =
		(navigator as { standalone?: boolean }).standalone === true ||
		matchMedia('(display-mode: standalone)').matches;
	return ios && !standalone;
}

/** The browser's permission as a Beckon state. */
export function permissionState(): BeckonState {
	if (!pushSupported()) return 'unsupported';
	const p = Notification.permission;
	return p === 'granted' ? 'allowed' : p === 'denied' ? 'blocked' : 'ask';
}

/** Runs `fn` once the page is interactive and the browser is idle. */
export function whenIdle(fn: () => void): void {
	const idle = () =>
		'requestIdleCallback' in window ? requestIdleCallback(() => fn(), { timeout: 2000 }) : setTimeout(fn, 1);
	if (document.readyState === 'complete') idle();
	else addEventListener('load', idle, { once: true });
}

/** Base64url VAPID key → bytes for `pushManager.subscribe`. */
export function keyBytes(b64: string): Uint8Array<ArrayBuffer> {
	const s = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
	return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Whether a subscription was made with this application server key. */
export function sameKey(sub: PushSubscription, key: Uint8Array): boolean {
	const current = sub.options.applicationServerKey;
	if (!current) return false;
	const bytes = new Uint8Array(current);
	return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}

/** Small namespaced localStorage that never throws (private modes, full quota, blocked storage). */
export function storage(prefix: string) {
	return {
		get(key: string): string | null {
			try {
				return localStorage.getItem(prefix + key);
			} catch {
				return null;
			}
		},
		set(key: string, value: string | null): void {
			try {
				if (value === null) localStorage.removeItem(prefix + key);
				else localStorage.setItem(prefix + key, value);
			} catch {}
		},
	};
}
