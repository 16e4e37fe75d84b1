// Beckon page script: registers the service worker, subscribes on request, reports the subscription and
// pageviews. No UI of its own (the subscribe widget builds on it). Exposed as window.Beckon.

export interface BeckonOptions {
	siteId: string;
	/** Origin of the Beckon worker; defaults to this script's origin. */
	api?: string;
	/** URL of the same-origin service-worker stub; defaults to /beckon-sw.js?site=<siteId>. */
	serviceWorker?: string;
	scope?: string;
}

export type BeckonState = 'unsupported' | 'ask' | 'allowed' | 'blocked';

interface PublicConfig {
	vapidPublicKey: string;
}

const scriptOrigin = (() => {
	const src = (document.currentScript as HTMLScriptElement | null)?.src;
	return src ? new URL(src).origin : location.origin;
})();

function keyBytes(b64: string): Uint8Array<ArrayBuffer> {
	const s = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
	return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function sameKey(sub: PushSubscription, key: Uint8Array): boolean {
	const current = sub.options.applicationServerKey;
	if (!current) return false;
	const bytes = new Uint8Array(current);
	return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}

class Beckon {
	private opts: Required<BeckonOptions> | null = null;
	private registration: Promise<ServiceWorkerRegistration> | null = null;
	private config: Promise<PublicConfig> | null = null;

	/** Whether this browser can receive web push at all. */
	get supported(): boolean {
		return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
	}

	/** The subscriber id this browser holds for the site, if it reported before. */
	get subscriberId(): string | null {
		return this.opts ? localStorage.getItem(this.key('sid')) : null;
	}

	/** Starts Beckon on this page: registers the service worker, keeps the subscription current, sends a pageview. */
	init(options: BeckonOptions): Promise<void> {
		const api = options.api ?? scriptOrigin;
		this.opts = {
			siteId: options.siteId,
			api,
			serviceWorker: options.serviceWorker ?? `/beckon-sw.js?site=${encodeURIComponent(options.siteId)}`,
			scope: options.scope ?? '/',
		};
		if (!this.supported) return Promise.resolve();
		this.registration = navigator.serviceWorker.register(this.opts.serviceWorker, { scope: this.opts.scope });
		for (const el of document.querySelectorAll('[data-beckon-subscribe]')) {
			el.addEventListener('click', (event) => {
				event.preventDefault();
				void this.subscribe();
			});
		}
		return this.refresh();
	}

	/** The current permission state. */
	getState(): BeckonState {
		if (!this.supported) return 'unsupported';
		const p = Notification.permission;
		return p === 'granted' ? 'allowed' : p === 'denied' ? 'blocked' : 'ask';
	}

	/** Asks for permission (call from a click), subscribes and reports to the backend. */
	async subscribe(): Promise<BeckonState> {
		this.need();
		if (!this.supported) return 'unsupported';
		const permission = await Notification.requestPermission();
		if (permission !== 'granted') {
			await this.report({ permission: permission === 'denied' ? 'denied' : 'default' });
			return this.getState();
		}
		const registration = await (this.registration as Promise<ServiceWorkerRegistration>);
		const key = keyBytes((await this.publicConfig()).vapidPublicKey);
		let sub = await registration.pushManager.getSubscription();
		if (sub && !sameKey(sub, key)) {
			await sub.unsubscribe();
			sub = null;
		}
		sub ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
		await this.report({ permission: 'granted', subscription: sub.toJSON() });
		return 'allowed';
	}

	/** Unsubscribes this browser and forgets its subscriber id. */
	async unsubscribe(): Promise<void> {
		const opts = this.need();
		const registration = await this.registration;
		const sub = await registration?.pushManager.getSubscription();
		await sub?.unsubscribe();
		const sid = this.subscriberId;
		if (sid) {
			await fetch(`${opts.api}/v1/sites/${opts.siteId}/subscribers/${sid}`, { method: 'DELETE' });
			localStorage.removeItem(this.key('sid'));
			localStorage.removeItem(this.key('endpoint'));
		}
	}

	/** Re-checks the subscription against what the backend knows; reports a pageview. */
	private async refresh(): Promise<void> {
		if (Notification.permission !== 'granted') return;
		const registration = await (this.registration as Promise<ServiceWorkerRegistration>);
		const sub = await registration.pushManager.getSubscription();
		const key = keyBytes((await this.publicConfig()).vapidPublicKey);
		if (!sub || !sameKey(sub, key)) {
			await this.subscribe();
		} else if (sub.endpoint !== localStorage.getItem(this.key('endpoint')) || !this.subscriberId) {
			await this.report({ permission: 'granted', subscription: sub.toJSON() });
		}
		this.pageview();
	}

	private pageview(): void {
		const opts = this.need();
		const sid = this.subscriberId;
		if (!sid) return;
		const body = JSON.stringify({ type: 'pageview', url: location.href });
		navigator.sendBeacon(`${opts.api}/v1/sites/${opts.siteId}/subscribers/${sid}/events`, body);
	}

	private async report(fields: Record<string, unknown>): Promise<void> {
		const opts = this.need();
		const old = localStorage.getItem(this.key('endpoint'));
		const sub = fields.subscription as PushSubscriptionJSON | undefined;
		const response = await fetch(`${opts.api}/v1/sites/${opts.siteId}/subscribers`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				...fields,
				subscriberId: this.subscriberId ?? undefined,
				oldEndpoint: sub && old && old !== sub.endpoint ? old : undefined,
				url: location.href,
				timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
				locale: navigator.language,
			}),
		});
		if (!response.ok) throw new Error(`Beckon: subscribe failed (${response.status})`);
		const { subscriberId } = (await response.json()) as { subscriberId: string };
		localStorage.setItem(this.key('sid'), subscriberId);
		if (sub?.endpoint) localStorage.setItem(this.key('endpoint'), sub.endpoint);
		else localStorage.removeItem(this.key('endpoint'));
	}

	private publicConfig(): Promise<PublicConfig> {
		const opts = this.need();
		this.config ??= fetch(`${opts.api}/v1/sites/${opts.siteId}/config`).then((r) => {
			if (!r.ok) throw new Error(`Beckon: config failed (${r.status})`);
			return r.json() as Promise<PublicConfig>;
		});
		return this.config;
	}

	private key(name: string): string {
		return `beckon:${this.need().siteId}:${name}`;
	}

	private need(): Required<BeckonOptions> {
		if (!this.opts) throw new Error('Beckon: call Beckon.init({ siteId }) first');
		return this.opts;
	}
}

declare global {
	interface Window {
		Beckon: Beckon;
	}
}

window.Beckon = new Beckon();
