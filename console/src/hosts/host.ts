import type { ConsoleToken } from '#wire';

/** Where the console runs: it decides how a console token is obtained, how notices show and how it looks. */
export type HostKind = 'standalone' | 'wordpress' | 'shopify';

/** A page link a host can offer for the composer (Shopify's product picker). */
export interface PickedLink {
	url: string;
	title: string;
	image: string | null;
}

/** The small surface the console needs from the page embedding it. */
export interface Host {
	kind: HostKind;
	/** A console token; force=true fetches a new one (after a 401 token_expired). */
	token(force?: boolean): Promise<ConsoleToken>;
	/** standalone/wordpress: an in-app aria-live notice; shopify: App Bridge's toast. */
	toast(message: string, isError?: boolean): void;
	/** Shopify only: lets the merchant pick a product or collection to link to (App Bridge's resource picker). */
	pickLink?(kind: 'product' | 'collection'): Promise<PickedLink | null>;
	/**
	 * Where this console lives in its host's admin, for a staff push's click to land signed in (WordPress: the
	 * wp-admin page; Shopify: the app in the shop's admin; a hand-off: the host it came from). null: the console on
	 * the worker's origin itself.
	 */
	consoleHome?(): string | null;
	/** Translates a user-visible text (WordPress: the plugin's text domain). */
	t(text: string): string;
	/** Translates a text whose wording depends on a count (WordPress: `_n`); the count is not filled in. */
	tn(single: string, plural: string, n: number): string;
}

/** English plural choice, for hosts without translations. */
export const englishPlural = (single: string, plural: string, n: number) => (n === 1 ? single : plural);

/** A notice the in-app toast region shows. */
export interface Notice {
	id: number;
	message: string;
	isError: boolean;
}

type Listener = (notices: Notice[]) => void;

/** The in-app toast queue used by hosts without their own (standalone, WordPress). */
export class NoticeBoard {
	private notices: Notice[] = [];
	private listeners = new Set<Listener>();
	private next = 1;

	/** Shows a notice for a few seconds (errors stay longer). */
	push(message: string, isError = false): void {
		const notice = { id: this.next++, message, isError };
		this.set([...this.notices, notice]);
		setTimeout(() => this.dismiss(notice.id), isError ? 10_000 : 5_000);
	}

	/** Removes a notice. */
	dismiss(id: number): void {
		this.set(this.notices.filter((n) => n.id !== id));
	}

	/** Calls the listener on every change; returns the unsubscribe function. */
	subscribe(listener: Listener): () => void {
		this.listeners.add(listener);
		listener(this.notices);
		return () => this.listeners.delete(listener);
	}

	private set(notices: Notice[]): void {
		this.notices = notices;
		for (const l of this.listeners) l(notices);
	}
}

/** Keeps a token until shortly before it expires; concurrent callers share one in-flight request. */
export function tokenCache(
	fetchToken: () => Promise<ConsoleToken>,
): (force?: boolean) => Promise<ConsoleToken> {
	let current: Promise<ConsoleToken> | null = null;
	let expiresAt = 0;
	return (force = false) => {
		if (!current || force || Date.now() > expiresAt - 10_000) {
			const pending = fetchToken();
			current = pending;
			expiresAt = Number.POSITIVE_INFINITY;
			pending.then(
				(t) => {
					if (current === pending) expiresAt = Date.parse(t.expiresAt) || 0;
				},
				() => {
					if (current === pending) current = null;
				},
			);
		}
		return current;
	};
}

/** An http(s) address without its fragment, or null: what may be a console's home (the staff worker opens it). */
export function homeAddress(value: string | null | undefined): string | null {
	let url: URL | null = null;
	try {
		url = value ? new URL(value) : null;
	} catch {
		// Not an address.
	}
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
		return null;
	url.hash = '';
	return url.href;
}
