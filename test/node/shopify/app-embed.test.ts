import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CDN_ASSETS, EMBED_BLOCK, embedSchema, renderEmbed } from './render-embed.ts';

const metafields = { site_id: 'site_abc123', api_origin: 'https://beckon.example.workers.dev' };

/** Attributes of every <script> tag in some HTML. */
function scripts(html: string): Array<Record<string, string>> {
	return [...html.matchAll(/<script\b([^>]*)>/g)].map((m) =>
		Object.fromEntries([...(m[1] ?? '').matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((a) => [a[1], a[2] ?? ''])),
	);
}

/** A stand-in for the page's sessionStorage (shared between the page views of one test). */
function memoryStorage(): {
	items: Map<string, string>;
	getItem(k: string): string | null;
	setItem(k: string, v: string): void;
} {
	const items = new Map<string, string>();
	return {
		items,
		getItem: (k) => items.get(k) ?? null,
		setItem: (k, v) => void items.set(k, v),
	};
}

/**
 * Runs the inline loader with a stub DOM and fetch while the page is still loading, checks that it touches nothing
 * before the load event, then fires it; resolves with the script element it appended.
 */
async function runLoader(
	html: string,
	identity: unknown,
	sessionStorage?: ReturnType<typeof memoryStorage>,
	page: { localStorage?: ReturnType<typeof memoryStorage>; Beckon?: unknown } = {},
): Promise<{ el: Record<string, unknown>; fetched: string[]; bodies: unknown[] }> {
	const code = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
	if (!code) throw new Error('no inline loader');
	const fetched: string[] = [];
	const bodies: unknown[] = [];
	const onLoad: Array<() => void> = [];
	let loaded = false;
	return new Promise((resolve, reject) => {
		const el: Record<string, unknown> = {
			attrs: {} as Record<string, string>,
			setAttribute(name: string, value: string) {
				(el.attrs as Record<string, string>)[name] = value;
			},
		};
		const early = (what: string) => reject(new Error(`the loader ${what} before the page's load event`));
		const document = {
			readyState: 'interactive',
			createElement: () => el,
			head: { appendChild: () => (loaded ? resolve({ el, fetched, bodies }) : early('added the script')) },
		};
		const window = {
			Beckon: page.Beckon,
			addEventListener: (type: string, listener: () => void) => {
				if (type === 'load') onLoad.push(listener);
			},
		};
		const fetch = (url: string, init?: { method?: string; body?: string }) => {
			if (!loaded) early('fetched');
			fetched.push(init?.method ? `${init.method} ${url}` : url);
			if (init?.body) bodies.push(JSON.parse(init.body));
			return Promise.resolve({ ok: true, json: () => Promise.resolve(identity) });
		};
		const context = {
			document,
			window,
			fetch,
			JSON,
			...(sessionStorage ? { sessionStorage } : {}),
			...(page.localStorage ? { localStorage: page.localStorage } : {}),
		};
		runInNewContext(code, context);
		loaded = true;
		document.readyState = 'complete';
		for (const listener of onLoad) listener();
	});
}

describe('shopify app embed (Liquid)', () => {
	const core = `${CDN_ASSETS}beckon.js`;

	it('for guests, adds the core from the extension assets with the site, the worker, the proxy service worker and its scope', async () => {
		const html = await renderEmbed({ metafields });
		expect(scripts(html)).toEqual([{}]);
		const { el, fetched } = await runLoader(html, null);
		expect(fetched).toEqual([]);
		expect(el.async).toBe(true);
		expect(el.src).toBe(core);
		expect(el.attrs).toEqual({
			'data-site': 'site_abc123',
			'data-api': 'https://beckon.example.workers.dev',
			'data-sw': '/apps/beckon/sw.js',
			'data-scope': '/apps/beckon/',
		});
	});

	it('puts no Liquid output in a script src attribute (Shopify app doctor: UNSAFE_INNERHTML)', async () => {
		const block = readFileSync(EMBED_BLOCK, 'utf8');
		expect(block).not.toMatch(/<script[^>]*\bsrc=/);
		for (const customer of [null, { id: 1 }]) {
			expect(scripts(await renderEmbed({ metafields, customer }))).toEqual([{}]);
		}
	});

	it('follows a changed app proxy path', async () => {
		const html = await renderEmbed({ metafields, settings: { proxy_path: '/a/push' } });
		const { el } = await runLoader(html, null);
		expect(el.attrs).toMatchObject({ 'data-sw': '/a/push/sw.js', 'data-scope': '/a/push/' });
	});

	it('keeps a hostile proxy path setting inside the loader as data', async () => {
		const html = await renderEmbed({
			metafields,
			settings: { proxy_path: '"</script><img src=x onerror=alert(1)>' },
		});
		expect(html).not.toContain('<img');
		expect(html.match(/<\/script>/g)).toHaveLength(1);
		const { el } = await runLoader(html, null);
		expect((el.attrs as Record<string, string>)['data-sw']).toBe(
			'"/script>img src=x onerror=alert(1)>/sw.js',
		);
	});

	it('for a logged-in customer, fetches the identity token from the proxy and never prints the customer id', async () => {
		const html = await renderEmbed({ metafields, customer: { id: 8_123_456_789, email: 'c@example.com' } });
		expect(html).not.toContain('8123456789');
		expect(html).not.toContain('c@example.com');
		const { el, fetched } = await runLoader(html, { token: 'payload.signature' });
		expect(fetched).toEqual(['/apps/beckon/identity']);
		expect(el.async).toBe(true);
		expect(el.src).toBe(core);
		expect(el.attrs).toEqual({
			'data-site': 'site_abc123',
			'data-api': 'https://beckon.example.workers.dev',
			'data-sw': '/apps/beckon/sw.js',
			'data-scope': '/apps/beckon/',
			'data-identity': 'payload.signature',
		});
	});

	it('keeps the token for the browser session and fetches a new one only near its expiry or for another customer', async () => {
		const storage = memoryStorage();
		const now = Math.floor(Date.now() / 1000);
		const html = await renderEmbed({ metafields, customer: { id: 8_123_456_789 } });
		const first = await runLoader(html, { token: 'first.sig', expiresAt: now + 3600 }, storage);
		expect(first.fetched).toEqual(['/apps/beckon/identity']);
		expect((first.el.attrs as Record<string, string>)['data-identity']).toBe('first.sig');
		// The next page view reuses it: no proxy request, same token.
		const second = await runLoader(html, { token: 'unused.sig', expiresAt: now + 3600 }, storage);
		expect(second.fetched).toEqual([]);
		expect((second.el.attrs as Record<string, string>)['data-identity']).toBe('first.sig');
		expect([...storage.items.keys()]).toHaveLength(1);
		expect([...storage.items.keys()][0]).toMatch(/^beckon-id-[0-9a-f]{64}$/);
		expect([...storage.items.keys()][0]).not.toContain('8123456789');
		// Another customer in the same tab never gets the first one's token.
		const other = await runLoader(
			await renderEmbed({ metafields, customer: { id: 42 } }),
			{ token: 'other.sig', expiresAt: now + 3600 },
			storage,
		);
		expect(other.fetched).toEqual(['/apps/beckon/identity']);
		expect((other.el.attrs as Record<string, string>)['data-identity']).toBe('other.sig');
		// Within 5 minutes of expiry the token is replaced.
		const key = [...storage.items.keys()][0] as string;
		storage.items.set(key, JSON.stringify({ token: 'first.sig', expiresAt: now + 200 }));
		const renewed = await runLoader(html, { token: 'renewed.sig', expiresAt: now + 3600 }, storage);
		expect(renewed.fetched).toEqual(['/apps/beckon/identity']);
		expect((renewed.el.attrs as Record<string, string>)['data-identity']).toBe('renewed.sig');
		expect(JSON.parse(storage.items.get(key) ?? '{}')).toEqual({
			token: 'renewed.sig',
			expiresAt: now + 3600,
		});
	});

	it("tags the cart with a subscribed browser's id once the widget has loaded, and only when the cart lacks it", async () => {
		const html = await renderEmbed({ metafields });
		// Not subscribed: no sid in the widget's storage, nothing sent; subscribing later tags the cart.
		const local = memoryStorage();
		const listeners: Array<() => void> = [];
		const Beckon = { on: (event: string, cb: () => void) => event === 'change' && listeners.push(cb) };
		const first = await runLoader(html, {}, undefined, { localStorage: local, Beckon });
		(first.el.onload as () => void)();
		expect(first.fetched).toEqual([]);
		local.setItem('beckon:site_abc123:sid', 'sub_123');
		for (const listener of listeners) listener();
		for (const listener of listeners) listener();
		expect(first.fetched).toEqual(['POST /cart/update.js']);
		expect(first.bodies).toEqual([{ attributes: { _beckon: 'sub_123' } }]);
		// A cart that already carries the id is left alone; one carrying another browser's id is retagged.
		const tagged = await renderEmbed({ metafields, cartAttributes: { _beckon: 'sub_123' } });
		const second = await runLoader(tagged, {}, undefined, { localStorage: local, Beckon });
		(second.el.onload as () => void)();
		expect(second.fetched).toEqual([]);
		const stale = await renderEmbed({ metafields, cartAttributes: { _beckon: 'sub_old' } });
		const third = await runLoader(stale, {}, undefined, { localStorage: local, Beckon });
		(third.el.onload as () => void)();
		expect(third.bodies).toEqual([{ attributes: { _beckon: 'sub_123' } }]);
		// A hostile attribute value stays data.
		const hostile = await renderEmbed({ metafields, cartAttributes: { _beckon: '"</script><script>x()' } });
		expect(hostile).not.toContain('</script><script>x()');
	});

	it('still loads the widget when the identity request fails', async () => {
		const html = await renderEmbed({ metafields, customer: { id: 1 } });
		const { el } = await runLoader(html, {});
		expect((el.attrs as Record<string, string>)['data-identity']).toBeUndefined();
	});

	it('renders nothing until the app is set up (a hint only in the theme editor)', async () => {
		expect((await renderEmbed({})).trim()).toBe('');
		const editor = await renderEmbed({ designMode: true });
		expect(editor).toContain('open the Beckon app');
		expect(scripts(editor)).toEqual([]);
	});

	it('declares an app embed for the body that loads the core itself (no schema javascript)', () => {
		const schema = embedSchema();
		expect(schema.target).toBe('body');
		expect(schema.javascript).toBeUndefined();
		expect(schema.name).toBe('Beckon web push');
	});
});
