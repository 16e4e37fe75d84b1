import { useEffect, useState } from 'preact/hooks';
import type { StaffInboxItem } from '#wire';
import type { Api } from '../api';

/** How often the console asks for new staff alerts. */
export const LIVE_MS = 10_000;
/** Alerts the list shows; the badge alone asks for one (it only needs the unread count). */
const LIST_LIMIT = 100;

/** The signed-in member's alerts as `GET …/staff/me/notifications` answers. */
export interface Inbox {
	unread: number;
	notifications: StaffInboxItem[];
}

interface Reader {
	/** Wants the alerts themselves, not only the count. */
	list: boolean;
	show(inbox: Inbox | null, error: unknown): void;
}

/**
 * One poll of the member's alerts for the whole console: the navigation's badge and the alert list read the same
 * answer, every 10 s while the page is in view (a background tab skips a round). The list asks for the alerts
 * themselves; while only the badge is shown, one alert is asked for, for the unread count.
 */
class InboxFeed {
	private readers = new Set<Reader>();
	private timer: ReturnType<typeof setInterval> | null = null;
	private running: Promise<void> | null = null;
	private again = false;
	private inbox: Inbox | null = null;
	private error: unknown = null;
	/** Whether the last answer carried the list (not only one alert for the badge). */
	private listed = false;

	constructor(private readonly api: Api) {}

	/** Adds a reader, which gets the last answer at once (and a fresh one when it wants a list the feed lacks). */
	read(reader: Reader): () => void {
		this.readers.add(reader);
		if (this.fits(reader)) reader.show(this.inbox, this.error);
		if (!this.inbox || (reader.list && !this.listed)) void this.refresh();
		this.timer ??= setInterval(() => {
			if (!document.hidden) void this.refresh();
		}, LIVE_MS);
		return () => {
			this.readers.delete(reader);
			if (this.readers.size === 0 && this.timer !== null) {
				clearInterval(this.timer);
				this.timer = null;
			}
		};
	}

	/** Whether the last answer is one for this reader: the list never shows the badge's single alert. */
	private fits(reader: Reader): boolean {
		if (this.error) return true;
		return this.inbox !== null && (this.listed || !reader.list);
	}

	/** Asks now (after a change, e.g. alerts marked read); a call while one is under way asks once more after it. */
	refresh(): Promise<void> {
		if (this.running) {
			this.again = true;
			return this.running;
		}
		const list = [...this.readers].some((r) => r.list);
		this.running = this.api
			.call<Inbox>(`/staff/me/notifications?limit=${list ? LIST_LIMIT : 1}`)
			.then(
				(inbox) => {
					this.inbox = inbox;
					this.listed = list;
					this.error = null;
				},
				(error: unknown) => {
					this.error = error;
				},
			)
			.then(() => {
				for (const r of this.readers) if (this.fits(r)) r.show(this.inbox, this.error);
				this.running = null;
				if (this.again) {
					this.again = false;
					return this.refresh();
				}
			});
		return this.running;
	}
}

const feeds = new WeakMap<Api, InboxFeed>();

function feedOf(api: Api): InboxFeed {
	let feed = feeds.get(api);
	if (!feed) {
		feed = new InboxFeed(api);
		feeds.set(api, feed);
	}
	return feed;
}

/** The member's alerts from the shared poll: `[inbox, error, refresh]`; inbox is null until the first answer. */
export function useInbox(api: Api): [Inbox | null, unknown, () => Promise<void>] {
	const [state, setState] = useState<{ inbox: Inbox | null; error: unknown }>({ inbox: null, error: null });
	useEffect(
		() => feedOf(api).read({ list: true, show: (inbox, error) => setState({ inbox, error }) }),
		[api],
	);
	return [state.inbox, state.error, () => feedOf(api).refresh()];
}

/** The member's unread alert count from the shared poll; null until known. */
export function useUnread(api: Api): number | null {
	const [unread, setUnread] = useState<number | null>(null);
	useEffect(
		() => feedOf(api).read({ list: false, show: (inbox) => inbox && setUnread(inbox.unread) }),
		[api],
	);
	return unread;
}
