// beckon-prev.js: loaded by the core only when the page asks for `unregisterPrevious`, so that sites that never
// used another push tool do not download it.

/** What the core hands over: the subset of its storage this needs. */
interface Store {
	get(key: string): string | null;
	set(key: string, value: string | null): void;
}

/** Script URLs of the push tools a site may be leaving: OneSignal's workers, PushEngage's and Perfecty Push's. */
const PREVIOUS = /OneSignalSDK|pushengage|perfecty/i;

/**
 * Unregisters the service workers of previous push tools on this origin. One at Beckon's own scope is kept:
 * registering Beckon there replaces its script and keeps its push subscription, which the core then moves to the
 * site's key like any other. Elsewhere, its subscription's endpoint is remembered (unless the browser already has
 * one) so that the subscription Beckon makes replaces the imported subscriber instead of adding one.
 */
async function unregisterPrevious({ scope }: { scope: string }, store: Store): Promise<void> {
	const own = new URL(scope, location.href).href;
	for (const r of await navigator.serviceWorker.getRegistrations()) {
		const url = (r.active || r.waiting || r.installing)?.scriptURL || '';
		if (r.scope === own || !PREVIOUS.test(url)) continue;
		const sub = await r.pushManager.getSubscription();
		if (sub && !store.get('endpoint')) store.set('endpoint', sub.endpoint);
		await r.unregister();
	}
}

declare global {
	interface Window {
		BeckonPrev?: typeof unregisterPrevious;
	}
}

window.BeckonPrev = unregisterPrevious;

export {};
