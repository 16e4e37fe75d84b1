// Beckon core (beckon.js): the JS API, permission states, triggers, subscription and reporting. No UI and no
// preact: the prompt, bell and iOS hint live in beckon-ui.js, loaded only when one of them has to be shown.
import { iosNeedsInstall, keyBytes, permissionState, pushSupported, sameKey, storage, whenIdle } from './env';
import { direction, textsFor } from './texts';
import type { Actions, BeckonState, EventProperties, PublicConfig, View } from './types';

/** The custom element the UI chunk (beckon-ui.js) defines. */
interface WidgetElement extends HTMLElement {
	draw(view: View, actions: Actions): void;
}

export type { BeckonState, EventProperties } from './types';

/**
 * How a page starts Beckon (also read from the script tag's data-site, data-sw, data-scope, data-identity,
 * data-api, data-unregister-previous).
 */
export interface BeckonOptions {
	siteId: string;
	/** Origin of the Beckon worker (API and UI chunk); defaults to the origin this script came from. */
	api?: string;
	/** Same-origin service-worker stub; default `/beckon-sw.js?site=<siteId>`. */
	serviceWorker?: string;
	scope?: string;
	/** Identity token of the signed-in user, signed by the platform. */
	identity?: string;
	/**
	 * Unregister the service workers of the push tool the site used before (OneSignal, PushEngage, Perfecty Push) on
	 * this origin; their browsers move to Beckon (README "Moving from another push tool").
	 */
	unregisterPrevious?: boolean;
}

type Listener = (state: BeckonState) => void;

const script = document.currentScript as HTMLScriptElement | null;
const scriptUrl = script?.src || '';

class Beckon {
	#o: (Required<Omit<BeckonOptions, 'identity' | 'unregisterPrevious'>> & { p?: unknown }) | null = null;
	#s = storage('beckon:');
	#config: Promise<PublicConfig> | null = null;
	#reg: Promise<ServiceWorkerRegistration> | null = null;
	#listeners = new Set<Listener>();
	#el: WidgetElement | null = null;
	#token: string | null = null;
	#shown: View['prompt'] = null;
	#panel = false;
	#state: BeckonState = 'unsupported';
	#ui = '';
	/** Tracked events not sent yet (kept until this browser has a subscriber id; at most 100). */
	#q: Array<{ name: string; properties: EventProperties }> = [];
	#t: ReturnType<typeof setTimeout> | 0 = 0;

	/** Starts Beckon once per page; later calls only update the identity token. */
	init(options: BeckonOptions): Promise<void> {
		if (options.identity) this.#token = options.identity;
		if (this.#o)
			return this.#token
				? this.#tie(this.#token, true).then(
						() => undefined,
						() => undefined,
					)
				: Promise.resolve();
		const api = options.api || (scriptUrl ? new URL(scriptUrl).origin : location.origin);
		// A page that names the worker gets the UI chunk from it: the core may come from elsewhere (Shopify serves
		// it from the theme app extension's CDN), the chunk never does.
		this.#ui = new URL('beckon-ui.js', options.api || !scriptUrl ? `${api}/` : scriptUrl).href;
		this.#o = {
			siteId: options.siteId,
			api,
			serviceWorker: options.serviceWorker || `/beckon-sw.js?site=${encodeURIComponent(options.siteId)}`,
			scope: options.scope || '/',
			// unregisterPrevious: true, or the data attribute present (empty) or "true".
			p: [true, '', 'true'].includes(options.unregisterPrevious as boolean),
		};
		this.#s = storage(`beckon:${options.siteId}:`);
		// A tester link from the console (README "Test subscribers"): kept until the browser has a subscriber id.
		const m = /#?beckon-tester=([\w.-]+)/.exec(location.hash);
		if (m) {
			this.#s.set('tester', m[1] as string);
			history.replaceState(history.state, '', location.href.replace(m[0], ''));
		}
		this.#state = this.#current();
		addEventListener('pagehide', () => this.#flush());
		for (const el of document.querySelectorAll('[data-beckon-subscribe]')) {
			el.addEventListener('click', (event) => {
				event.preventDefault();
				void this.#declarative();
			});
		}
		return new Promise((resolve) => whenIdle(() => this.#start().then(resolve, (e) => resolve(warn(e)))));
	}

	/** This browser's state: unsupported, ask, allowed, blocked (or suspended, as the backend reported it). */
	getState(): BeckonState {
		return this.#state;
	}

	/** Calls `cb` with the new state whenever it changes, and after every subscribe() that succeeds; returns a
	 * function that stops it. */
	on(event: 'change', cb: Listener): () => void {
		if (event === 'change') this.#listeners.add(cb);
		return () => this.#listeners.delete(cb);
	}

	/** Asks the browser for permission (call it from a click) and subscribes; resolves to the new state. */
	async subscribe(categories?: string[]): Promise<BeckonState> {
		this.#need();
		if (!pushSupported()) return 'unsupported';
		this.#hide();
		const permission = await Notification.requestPermission();
		if (permission !== 'granted') {
			await this.#report({ permission: permission === 'denied' ? 'denied' : 'default' });
			this.#s.set('reported', permission);
			return this.#set(permission === 'denied' ? 'blocked' : 'ask');
		}
		this.#s.set('off', null);
		const [reg, config] = await Promise.all([this.#registration(), this.#publicConfig()]);
		const key = keyBytes(config.vapidPublicKey);
		let sub = await reg.pushManager.getSubscription();
		if (sub && !sameKey(sub, key)) {
			// Made with another key (an imported subscription, or a key since changed): the report of the new one
			// names this endpoint, so the worker updates the subscriber in place.
			this.#s.set('endpoint', sub.endpoint);
			await sub.unsubscribe();
			sub = null;
		}
		sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
		await this.#report({
			permission: 'granted',
			subscription: sub.toJSON(),
			...(categories ? { categories } : {}),
		});
		this.#s.set('reported', 'granted');
		// Listeners hear every subscription made, even when permission was already granted (state stays allowed).
		this.#set('allowed', true);
		if (this.#token) await this.#tie(this.#token, true).catch(warn);
		this.#pageview();
		return this.#state;
	}

	/** Removes this browser's subscription. */
	async unsubscribe(): Promise<void> {
		const sub = await (await this.#registration()).pushManager.getSubscription();
		await sub?.unsubscribe();
		const u = this.#sub();
		if (u) await fetch(u, { method: 'DELETE' });
		this.#s.set('sid', null);
		this.#s.set('endpoint', null);
		this.#s.set('off', '1');
		this.#set(this.#current());
	}

	/** Changes the topics this subscriber wants (ids from the site's categories). */
	async setCategories(categories: string[]): Promise<void> {
		const u = this.#sub();
		if (!u) throw new Error('Beckon: subscribe first');
		const r = await fetch(u, {
			method: 'PATCH',
			body: JSON.stringify({ categories }),
		});
		if (!r.ok) await fail(r);
		this.#s.set('categories', JSON.stringify(categories));
	}

	/** Ties the signed-in user (token signed by the platform) to this browser; applied after subscribing if needed. */
	identify(token: string): Promise<BeckonState> {
		return this.#tie(token, false);
	}

	/**
	 * The identify call. Automatic calls (a page's data-identity) skip a token for the user already tied:
	 * platforms mint a fresh token per page, and the user inside it (read here unverified, only to skip a call)
	 * makes a signed-in shopper cost one identify, not one per page. Explicit calls always ask the worker.
	 */
	async #tie(token: string, auto: boolean): Promise<BeckonState> {
		const u = this.#sub('/identify');
		this.#token = token;
		const user = tokenUser(token);
		if (!u || (auto && user !== null && this.#s.get('identity') === user)) return this.#state;
		const r = await fetch(u, {
			method: 'POST',
			body: JSON.stringify({ token }),
		});
		if (!r.ok) await fail(r);
		this.#s.set('identity', user);
		return this.#state;
	}

	/**
	 * Records an event of this browser (name as `^[A-Za-z][A-Za-z0-9_.:-]{0,63}$`, not a built-in one; at most 20
	 * properties of strings, numbers and booleans, 2 KB of JSON). Calls within a second are sent together, once the
	 * browser has a subscriber id; throws on a bad name or properties.
	 */
	track(name: string, properties: EventProperties = {}): void {
		const values = Object.values(properties);
		// The worker's rules (EVENT_NAME, ≤ 20 properties of 2 KB): a bad event would cost its whole batch. (It also
		// refuses the built-in names; not checked here, for the core's byte budget.)
		if (
			!/^[A-Za-z][\w.:-]{0,63}$/.test(name) ||
			values.length > 20 ||
			JSON.stringify(properties).length > 2048 ||
			values.some((v) => !(Number.isFinite(v) || /^[sb]/.test(typeof v)))
		)
			throw new Error('Beckon: bad event');
		if (this.#q.length < 100) this.#q.push({ name, properties });
		this.#t ||= setTimeout(() => this.#flush(), 1000);
	}

	/** Sends the tracked events (20 per beacon) once there is a subscriber id; keeps them until then. */
	#flush(): void {
		this.#t = 0;
		const url = this.#o && this.#sub('/events');
		if (!url) return;
		while (this.#q.length) {
			const body = JSON.stringify({ events: this.#q.splice(0, 20) });
			if (!navigator.sendBeacon(url, body))
				void fetch(url, { method: 'POST', body, keepalive: true }).catch(() => 0);
		}
	}

	/** Shows the soft prompt now (for sites whose trigger is manual). */
	async showPrompt(): Promise<void> {
		if (this.#state === 'ask') await this.#draw(iosNeedsInstall() ? 'ios' : 'prompt');
	}

	#need() {
		if (!this.#o) throw new Error('Beckon: call Beckon.init({ siteId }) first');
		return this.#o;
	}

	#current(): BeckonState {
		if (iosNeedsInstall() || !pushSupported()) return 'unsupported';
		const p = permissionState();
		return p === 'allowed' && this.#s.get('off') ? 'ask' : p;
	}

	#set(state: BeckonState, always?: boolean): BeckonState {
		if (always || state !== this.#state) {
			this.#state = state;
			for (const cb of this.#listeners) cb(state);
		}
		void this.#redraw();
		return state;
	}

	async #start(): Promise<void> {
		const config = await this.#publicConfig();
		const prompt = config.prompt;
		if (!pushSupported() || iosNeedsInstall()) {
			if (this.#s.get('reported') !== 'unsupported') {
				this.#s.set('reported', 'unsupported');
				await this.#report({ permission: 'unsupported' }).catch(() => undefined);
			}
			if (iosNeedsInstall() && prompt.trigger.type !== 'manual' && !this.#later()) await this.#draw('ios');
			return;
		}
		// The previous push tools' workers go first (beckon-prev.js, loaded only for this), before Beckon registers.
		const o = this.#need();
		if (o.p) {
			await this.#load(this.#ui.replace(/ui\.js$/, 'prev.js'));
			await self.BeckonPrev?.(o, this.#s);
		}
		void this.#registration();
		if (this.#state === 'allowed') await this.#refresh();
		else if (this.#state === 'blocked' && this.#s.get('sid') && this.#s.get('reported') !== 'denied') {
			await this.#event({ type: 'permission', permission: 'denied' });
			this.#s.set('reported', 'denied');
		}
		if (prompt.bell.enabled) await this.#draw(null);
		if (this.#state === 'ask' && this.#s.get('tester')) await this.showPrompt();
		else if (this.#state === 'ask' && !this.#later()) this.#arm(prompt.trigger);
	}

	#arm(trigger: PublicConfig['prompt']['trigger']): void {
		const show = () => void this.showPrompt();
		if (trigger.type === 'seconds') setTimeout(show, trigger.value * 1000);
		else if (trigger.type === 'pageviews') {
			const views = Number(this.#s.get('views') ?? '0') + 1;
			this.#s.set('views', String(views));
			if (views >= trigger.value) show();
		} else if (trigger.type === 'scroll') {
			const check = () => {
				const max = document.documentElement.scrollHeight - innerHeight;
				if (max <= 0 || (scrollY / max) * 100 >= trigger.value) {
					removeEventListener('scroll', check);
					show();
				}
			};
			addEventListener('scroll', check, { passive: true });
			check();
		}
	}

	#later(): boolean {
		return Number(this.#s.get('later') ?? '0') > Date.now();
	}

	async #declarative(): Promise<void> {
		const config = await this.#publicConfig();
		if (config.prompt.variant === 'categories' && this.#state === 'ask') await this.#draw('prompt');
		else await this.subscribe();
	}

	/** Keeps the backend in step with the browser: same key, same endpoint, a subscriber id; sends a pageview. */
	async #refresh(): Promise<void> {
		const [reg, config] = await Promise.all([this.#registration(), this.#publicConfig()]);
		const sub = await reg.pushManager.getSubscription();
		if (!sub || !sameKey(sub, keyBytes(config.vapidPublicKey))) {
			await this.subscribe();
			return;
		}
		if (sub.endpoint !== this.#s.get('endpoint') || !this.#s.get('sid')) {
			await this.#report({ permission: 'granted', subscription: sub.toJSON() });
		}
		if (this.#token) await this.#tie(this.#token, true).catch(warn);
		this.#pageview();
		await this.#mark();
	}

	/** Hands a tester link's token to the worker once there is a subscriber id (then forgets it). */
	async #mark(): Promise<void> {
		const token = this.#s.get('tester');
		const u = this.#sub('/tester');
		if (!token || !u) return;
		this.#s.set('tester', null);
		const r = await fetch(u, { method: 'POST', body: JSON.stringify({ token }) });
		console.info('Beckon tester link:', r.status);
	}

	/** Every pageview is sent: the worker counts each as a `pageview` event. */
	#pageview(): void {
		const u = this.#sub('/events');
		if (u) navigator.sendBeacon(u, JSON.stringify({ type: 'pageview', url: location.href.split('#')[0] }));
	}

	async #event(body: Record<string, unknown>): Promise<void> {
		const u = this.#sub('/events');
		if (u) await fetch(u, { method: 'POST', body: JSON.stringify(body) });
	}

	/** This browser's subscriber URL (`…/subscribers/<id><path>`), or '' before it has an id. */
	#sub(path = ''): string {
		const o = this.#need();
		const sid = this.#s.get('sid');
		return sid ? `${o.api}/v1/sites/${o.siteId}/subscribers/${sid}${path}` : '';
	}

	async #report(fields: Record<string, unknown>): Promise<void> {
		const o = this.#need();
		const old = this.#s.get('endpoint');
		const sub = fields.subscription as PushSubscriptionJSON | undefined;
		const r = await fetch(`${o.api}/v1/sites/${o.siteId}/subscribers`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				...fields,
				subscriberId: this.#s.get('sid') ?? undefined,
				oldEndpoint: sub && old && old !== sub.endpoint ? old : undefined,
				url: location.href,
				timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
				locale: navigator.language,
			}),
		});
		if (!r.ok) await fail(r);
		const { subscriberId, status } = (await r.json()) as { subscriberId: string; status: BeckonState };
		if (subscriberId !== this.#s.get('sid')) this.#s.set('identity', null);
		this.#s.set('sid', subscriberId);
		this.#s.set('endpoint', sub?.endpoint ?? null);
		this.#flush();
		void this.#mark();
		if (status === 'suspended') this.#set('suspended');
	}

	/** Loads a script of the worker's (a chunk); resolves once it ran or failed. */
	#load(src: string): Promise<unknown> {
		return new Promise((resolve) => {
			const tag = document.createElement('script');
			tag.src = src;
			tag.onload = tag.onerror = resolve;
			document.head.append(tag);
		});
	}

	#registration(): Promise<ServiceWorkerRegistration> {
		const o = this.#need();
		this.#reg ??= navigator.serviceWorker.register(o.serviceWorker, { scope: o.scope });
		return this.#reg;
	}

	#publicConfig(): Promise<PublicConfig> {
		const o = this.#need();
		this.#config ??= fetch(`${o.api}/v1/sites/${o.siteId}/config`).then(async (r) => {
			if (!r.ok) await fail(r);
			return r.json() as Promise<PublicConfig>;
		});
		return this.#config;
	}

	/** Shows a view (prompt, iOS hint, or only the bell) through the UI chunk, loading it the first time. */
	async #draw(prompt: View['prompt']): Promise<void> {
		this.#shown = prompt;
		if (prompt === 'prompt' && !this.#s.get('sid')) {
			// The funnel's "asked": the first time the soft prompt is shown, the browser is recorded as `ask`.
			void this.#report({ permission: 'default' }).catch(() => undefined);
		}
		if (!this.#el) {
			if (!customElements.get('beckon-widget')) void this.#load(this.#ui);
			await customElements.whenDefined('beckon-widget');
			this.#el = document.createElement('beckon-widget') as WidgetElement;
			document.body.append(this.#el);
		}
		await this.#redraw();
	}

	async #redraw(): Promise<void> {
		if (!this.#el) return;
		const config = (await this.#publicConfig()).prompt;
		const { texts, labels, lang } = textsFor(config, navigator.languages ?? [navigator.language]);
		const chosen = JSON.parse(this.#s.get('categories') ?? '[]') as string[];
		const view: View = {
			prompt: this.#state === 'ask' || this.#shown === 'ios' ? this.#shown : null,
			bell: config.bell.enabled && this.#state !== 'unsupported',
			panel: this.#panel,
			state: this.#state,
			chosen,
			texts,
			labels,
			config,
			dir: direction(config, lang),
		};
		this.#el.draw(view, this.#actions);
	}

	#hide(): void {
		this.#shown = null;
		this.#panel = false;
		void this.#redraw();
	}

	#actions: Actions = {
		subscribe: (categories) => {
			this.#s.set('categories', JSON.stringify(categories));
			void this.subscribe(categories.length ? categories : undefined).catch(warn);
		},
		later: () =>
			void this.#publicConfig().then((c) => {
				this.#s.set('later', String(Date.now() + c.prompt.laterDays * 86_400_000));
				this.#hide();
			}),
		togglePanel: () => {
			this.#panel = !this.#panel;
			void this.#redraw();
		},
		unsubscribe: () => void this.unsubscribe().then(() => this.#hide()),
		saveCategories: (categories) => void this.setCategories(categories).then(() => this.#hide(), warn),
	};
}

/**
 * The user id inside an identity token's payload (with its `attrs`, if any, so that changed attributes are sent
 * again), or null if it cannot be read.
 */
function tokenUser(token: string): string | null {
	try {
		const payload = token.split('.')[0] ?? '';
		const { sub, attrs } = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
		return typeof sub !== 'string' ? null : attrs ? JSON.stringify([sub, attrs]) : sub;
	} catch {
		return null;
	}
}

/** Logs what went wrong without breaking the page. */
function warn(e: unknown): void {
	console.warn('Beckon:', e);
}

/** Throws `Beckon: <the worker's error message>` for a failed response. */
async function fail(r: Response): Promise<never> {
	let text = `HTTP ${r.status}`;
	try {
		text = ((await r.json()) as { error?: { message?: string } }).error?.message ?? text;
	} catch {}
	throw new Error(`Beckon: ${text}`);
}

declare global {
	interface Window {
		Beckon: Beckon;
		BeckonConfig?: BeckonOptions;
	}
}

const beckon = window.Beckon instanceof Beckon ? window.Beckon : new Beckon();
window.Beckon = beckon;
const data = script?.dataset;
// Empty or missing attributes fall back to the defaults (init reads them with ||).
const auto: BeckonOptions | undefined = data?.site
	? // data-scope, data-identity, data-api and data-unregister-previous are read by their own names.
		{ ...(data as unknown as BeckonOptions), siteId: data.site, serviceWorker: data.sw }
	: window.BeckonConfig;
if (auto) void beckon.init(auto);
