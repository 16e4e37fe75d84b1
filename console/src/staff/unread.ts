import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api';

/** How often the console asks for new staff alerts. */
export const LIVE_MS = 10_000;

const EVENT = 'beckon-staff-unread';

/** Tells the navigation's badge the unread count a screen just loaded (so it does not wait for its own refresh). */
export function announceUnread(unread: number): void {
	dispatchEvent(new CustomEvent<number>(EVENT, { detail: unread }));
}

/** The signed-in member's unread alert count, refreshed every 10 s while the page is in view; null until known. */
export function useUnread(api: Api): number | null {
	const [unread, setUnread] = useState<number | null>(null);
	useEffect(() => {
		let stopped = false;
		const load = () => {
			if (document.hidden) return;
			api.call<{ unread: number }>('/staff/me/notifications?limit=1').then(
				(r) => {
					if (!stopped) setUnread(r.unread);
				},
				() => undefined,
			);
		};
		const onAnnounce = (e: Event) => setUnread((e as CustomEvent<number>).detail);
		addEventListener(EVENT, onAnnounce);
		load();
		const timer = setInterval(load, LIVE_MS);
		return () => {
			stopped = true;
			clearInterval(timer);
			removeEventListener(EVENT, onAnnounce);
		};
	}, [api]);
	return unread;
}
