import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { API_KEY, API_SECRET_KEY, getJwt } from '@shopify/shopify-api/test-helpers';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { auditFrame, DESKTOP, type Finding, PHONE, SCREENS } from '../../support/console.ts';

/** App Bridge's script on Shopify's CDN: every embedded page loads it first. */
export const APP_BRIDGE = 'https://cdn.shopify.com/shopifycloud/app-bridge.js';

const ADMIN_ORIGIN = 'https://admin.shopify.com';

/** A product as App Bridge's resource picker returns it (the fields the console reads). */
export interface PickerProduct {
	handle: string;
	title: string;
	images: Array<{ originalSrc: string }>;
}

/** A collection as App Bridge's resource picker returns it. */
export interface PickerCollection {
	handle: string;
	title: string;
	image: { originalSrc: string } | null;
}

/** A toast the app asked App Bridge to show: message and whether it is an error. */
export type Toast = [string, boolean];

/**
 * Stands in for App Bridge inside the app's iframe. Like the real one it holds no state of its own: session
 * tokens, toasts, the resource picker and the nav menu all go to the Shopify admin page around the frame by
 * postMessage. It also tells the admin the app's height, so the stand-in can show the whole app in one page.
 */
const APP_BRIDGE_STUB = `(() => {
	let next = 1;
	const waiting = new Map();
	const ask = (type, data) =>
		new Promise((resolve) => {
			const id = next++;
			waiting.set(id, resolve);
			parent.postMessage({ source: 'app-bridge', type, id, ...data }, '*');
		});
	addEventListener('message', (e) => {
		if (e.source !== parent || !e.data || e.data.source !== 'shopify-admin') return;
		if (e.data.type === 'reply') {
			waiting.get(e.data.id)?.(e.data.value);
			waiting.delete(e.data.id);
		} else if (e.data.type === 'navigate') {
			const to = new URL(e.data.href, location.href);
			history.pushState(null, '', location.pathname + location.search + to.hash);
			dispatchEvent(new PopStateEvent('popstate'));
		}
	});
	window.shopify = {
		idToken: () => ask('idToken'),
		toast: { show: (message, options) => ask('toast', { message, isError: Boolean(options && options.isError) }) },
		resourcePicker: (options) => ask('resourcePicker', { options }),
	};
	customElements.define('ui-nav-menu', class extends HTMLElement {
		connectedCallback() { this.hidden = true; }
	});
	addEventListener('DOMContentLoaded', () => {
		const links = [...document.querySelectorAll('ui-nav-menu a')].map((a) => ({
			href: a.getAttribute('href'), label: a.textContent, home: a.rel === 'home',
		}));
		parent.postMessage({ source: 'app-bridge', type: 'nav', links }, '*');
		const height = () => parent.postMessage(
			{ source: 'app-bridge', type: 'height', height: Math.ceil(document.documentElement.getBoundingClientRect().height) }, '*');
		new ResizeObserver(height).observe(document.documentElement);
		height();
	});
})();`;

/** The admin page around the app: top bar, sidebar with the app's nav menu, the app's iframe, toasts, picker. */
function adminPage(
	store: string,
	appUrl: string,
	products: PickerProduct[],
	collections: PickerCollection[],
): string {
	const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
	return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Beckon · ${esc(store)} · Shopify</title>
<style>
*{box-sizing:border-box}
body{margin:0;font:13px/1.4 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;background:#1a1a1a;color:#303030}
.top{height:56px;display:flex;align-items:center;gap:16px;padding:0 16px;color:#e3e3e3}
.logo{font-weight:700;font-size:15px;color:#fff}
.search{flex:1;max-width:560px;margin:0 auto;height:34px;border-radius:10px;background:#303030;color:#b5b5b5;display:flex;align-items:center;padding:0 12px}
.store{display:flex;align-items:center;gap:8px}
.store b{display:inline-grid;place-items:center;width:28px;height:28px;border-radius:8px;background:#36fba1;color:#1a1a1a}
.admin{display:flex;background:#ebebeb;border-radius:12px 12px 0 0;min-height:calc(100vh - 56px);overflow:hidden}
aside{width:240px;flex:none;padding:12px 8px}
aside a,aside button{display:block;width:100%;text-align:left;padding:5px 8px;border:0;border-radius:8px;background:none;font:inherit;color:#303030;text-decoration:none;cursor:pointer}
aside a.current,aside button.current{background:#fff;font-weight:600}
aside .apps{margin-top:16px;color:#616161;padding:5px 8px;font-weight:600}
aside .sub{padding-left:20px}
main{flex:1;min-width:0;background:#f1f1f1;display:flex;flex-direction:column}
.app-bar{height:48px;display:flex;align-items:center;gap:8px;padding:0 16px;border-bottom:1px solid #e3e3e3;background:#f1f1f1;font-weight:600}
.app-bar i{width:20px;height:20px;border-radius:5px;background:#1d4ed8}
iframe{display:block;width:100%;border:0;min-height:calc(100vh - 104px)}
#toasts{position:fixed;left:50%;bottom:24px;transform:translateX(-50%);display:grid;gap:8px;z-index:10;pointer-events:none}
#toasts p{margin:0;padding:10px 16px;border-radius:10px;background:#1a1a1a;color:#fff;box-shadow:0 4px 12px #0004}
#toasts p.error{background:#8e1f0b}
dialog{border:0;border-radius:12px;padding:0;width:min(560px,calc(100vw - 32px));box-shadow:0 8px 32px #0006}
dialog::backdrop{background:#0007}
dialog h2{margin:0;padding:16px;font-size:14px;border-bottom:1px solid #e3e3e3}
dialog ul{list-style:none;margin:0;padding:8px}
dialog li button{display:flex;align-items:center;gap:12px;width:100%;padding:8px;border:0;border-radius:8px;background:none;font:inherit;text-align:left;cursor:pointer}
dialog li button:hover{background:#f1f1f1}
dialog img{width:40px;height:40px;border-radius:8px;border:1px solid #e3e3e3}
dialog footer{display:flex;justify-content:flex-end;padding:12px 16px;border-top:1px solid #e3e3e3}
dialog footer button{padding:6px 12px;border:1px solid #c9c9c9;border-radius:8px;background:#fff;font:inherit;cursor:pointer}
@media (max-width:767px){aside{display:none}.search{display:none}.admin{border-radius:0}}
</style></head><body>
<header class="top"><span class="logo">shopify</span><span class="search">Search</span>
<span class="store"><b>${esc(store.slice(0, 2).toUpperCase())}</b>${esc(store)}</span></header>
<div class="admin">
<aside><nav aria-label="Shopify admin"><a href="#">Home</a><a href="#">Orders</a><a href="#">Products</a><a href="#">Customers</a>
<div class="apps">Apps</div><div id="app-nav"></div></nav></aside>
<main><div class="app-bar"><i></i>Beckon</div>
<iframe name="app-iframe" title="Beckon" allow="local-network-access; local-network; loopback-network" src="${esc(appUrl)}"></iframe></main>
</div>
<div id="toasts" role="status" aria-live="polite"></div>
<dialog id="picker" aria-labelledby="picker-title"><h2 id="picker-title">Select product</h2>
<ul></ul>
<footer><button type="button" data-cancel>Cancel</button></footer></dialog>
<script>
const RESOURCES = { product: ${JSON.stringify(products)}, collection: ${JSON.stringify(collections)} };
let offered = [];
// The picker lists what the app asked for (type product or collection), like App Bridge's.
function openPicker(type) {
	offered = RESOURCES[type] || [];
	document.getElementById('picker-title').textContent = type === 'collection' ? 'Select collection' : 'Select product';
	const list = picker.querySelector('ul');
	list.replaceChildren(...offered.map((r, i) => {
		const li = document.createElement('li');
		const b = document.createElement('button');
		b.type = 'button';
		b.dataset.index = String(i);
		const img = document.createElement('img');
		img.alt = '';
		img.src = (r.images ? r.images[0] && r.images[0].originalSrc : r.image && r.image.originalSrc) || '';
		b.append(img, r.title);
		li.append(b);
		return li;
	}));
	picker.showModal();
}
const frame = document.querySelector('iframe');
const picker = document.getElementById('picker');
window.toasts = [];
let pick = null;
const reply = (id, value) => frame.contentWindow.postMessage({ source: 'shopify-admin', type: 'reply', id, value }, '*');
picker.addEventListener('click', (e) => {
	const button = e.target.closest('button');
	if (!button || !pick) return;
	const index = button.dataset.index;
	pick(index === undefined ? undefined : [offered[Number(index)]]);
	pick = null;
	picker.close();
});
addEventListener('message', async (e) => {
	if (e.source !== frame.contentWindow || !e.data || e.data.source !== 'app-bridge') return;
	const m = e.data;
	if (m.type === 'idToken') reply(m.id, await window.beckonTestToken());
	else if (m.type === 'toast') {
		window.toasts.push([m.message, m.isError]);
		const p = document.createElement('p');
		p.textContent = m.message;
		if (m.isError) p.className = 'error';
		document.getElementById('toasts').append(p);
		setTimeout(() => p.remove(), 5000);
		reply(m.id);
	} else if (m.type === 'resourcePicker') {
		pick = (value) => reply(m.id, value);
		openPicker(m.options && m.options.type);
	} else if (m.type === 'height') {
		frame.style.height = m.height + 'px';
		window.heightAt = performance.now();
	}
	else if (m.type === 'nav') {
		const nav = document.getElementById('app-nav');
		nav.replaceChildren();
		for (const link of m.links) {
			const b = document.createElement('button');
			b.type = 'button';
			b.textContent = link.label;
			b.dataset.href = link.href;
			if (!link.home) b.className = 'sub';
			b.addEventListener('click', () => {
				for (const other of nav.children) other.classList.toggle('current', other === b);
				frame.contentWindow.postMessage({ source: 'shopify-admin', type: 'navigate', href: link.href }, '*');
			});
			nav.append(b);
		}
	}
});
</script></body></html>`;
}

/** A Shopify admin stand-in with the app open in its iframe. */
export interface ShopifyAdmin {
	page: Page;
	/** The app's iframe, for locators. */
	app: FrameLocator;
	/** The app's frame, for evaluate and axe-core. */
	frame(): Promise<Frame>;
	/** Toasts the app showed through App Bridge, in order. */
	toasts(): Promise<Toast[]>;
	/** Waits until the iframe has taken the app's height after a resize or a new screen. */
	settle(): Promise<void>;
}

export interface OpenAdminOptions {
	/** The store name (shop `<store>.myshopify.com`). */
	store: string;
	/** The worker's origin: the app's application_url is `<workerUrl>/shopify/app`. */
	workerUrl: string;
	/** What the resource picker offers. */
	products?: PickerProduct[];
	collections?: PickerCollection[];
	viewport?: { width: number; height: number };
}

/** A session token for the store, signed with the library's test API key and secret (as Shopify would). */
export const sessionToken = async (store: string): Promise<string> =>
	(await getJwt(store, API_KEY, API_SECRET_KEY)).token;

/**
 * Opens `https://admin.shopify.com/store/<store>/apps/beckon` in a new page: a stand-in for Shopify admin that
 * frames the app's URL (with `shop`, `host` and a fresh `id_token`, as Shopify opens it) and answers App Bridge
 * through the stub above. Resolves once the console shows its overview.
 */
export async function openShopifyAdmin(
	newPage: (viewport: { width: number; height: number }) => Promise<Page>,
	options: OpenAdminOptions,
): Promise<ShopifyAdmin> {
	const { store, workerUrl, products = [], collections = [] } = options;
	const shop = `${store}.myshopify.com`;
	const host = Buffer.from(`admin.shopify.com/store/${store}`).toString('base64url');
	const page = await newPage(options.viewport ?? DESKTOP);
	// Chromium's Local Network Access checks stop a public page (admin.shopify.com) from framing 127.0.0.1 unless
	// the user allowed it; a real app is on a public host, so the stand-in grants it (and its iframe delegates it).
	await page.context().grantPermissions(['local-network-access'], { origin: ADMIN_ORIGIN });
	await page.exposeFunction('beckonTestToken', () => sessionToken(store));
	await page.route(APP_BRIDGE, (route) =>
		route.fulfill({ contentType: 'text/javascript', body: APP_BRIDGE_STUB }),
	);
	const adminUrl = `${ADMIN_ORIGIN}/store/${store}/apps/beckon`;
	await page.route(adminUrl, async (route) => {
		const appUrl = `${workerUrl}/shopify/app?embedded=1&host=${host}&id_token=${await sessionToken(store)}&locale=en&shop=${shop}`;
		await route.fulfill({
			contentType: 'text/html; charset=utf-8',
			body: adminPage(store, appUrl, products, collections),
		});
	});
	// When a test fails, what the admin and the app showed: a screenshot and the app's address and text.
	onTestFailed(async () => {
		if (page.isClosed()) return;
		const dir = join(process.cwd(), 'test-results', 'failures');
		mkdirSync(dir, { recursive: true });
		await page.screenshot({ path: join(dir, `shopify-admin-${store}.png`) }).catch(() => {});
		const app = page.frame({ name: 'app-iframe' });
		console.log(
			`Shopify admin stand-in (${store}) at failure:`,
			JSON.stringify({
				app: app?.url(),
				text: await app
					?.evaluate(() => document.querySelector('main')?.textContent?.slice(0, 2000))
					.catch((e) => String(e)),
				toasts: await page
					.evaluate(() => (window as unknown as { toasts?: unknown }).toasts)
					.catch(() => null),
			}),
		);
	});
	await page.goto(adminUrl);
	const app = page.frameLocator('iframe[name=app-iframe]');
	await app.locator('#screen-title').waitFor();
	const frame = async () => {
		const handle = await page.locator('iframe[name=app-iframe]').elementHandle();
		const found = await handle?.contentFrame();
		if (!found) throw new Error('the app iframe has no frame');
		return found;
	};
	const settle = async () => {
		// After layout the stub's ResizeObserver posts the app's height; wait for it and then for a quiet moment.
		await (await frame()).evaluate(
			() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
		);
		await page.waitForFunction(
			() => performance.now() - ((window as unknown as { heightAt?: number }).heightAt ?? 0) > 150,
			undefined,
			{ polling: 50 },
		);
	};
	return {
		page,
		app,
		frame,
		settle,
		toasts: () => page.evaluate(() => (window as unknown as { toasts: Toast[] }).toasts),
	};
}

/**
 * Screenshots the whole admin page with the app in it. A full-page screenshot leaves the app's cross-origin
 * (out-of-process) iframe blank below the first screen, so the viewport is made as tall as the page instead,
 * for the shot only.
 */
export async function screenshotAdmin(admin: ShopifyAdmin, path: string): Promise<void> {
	const { page } = admin;
	const viewport = page.viewportSize() ?? DESKTOP;
	await admin.settle();
	const height = await page.evaluate(() => document.documentElement.scrollHeight);
	if (height > viewport.height) {
		await page.setViewportSize({ width: viewport.width, height });
		await admin.settle();
	}
	await page.screenshot({ path });
	if (height > viewport.height) {
		await page.setViewportSize(viewport);
		await admin.settle();
	}
}

/**
 * Screenshots the admin stand-in with the app's current screen at phone and desktop size
 * (`<name>-<phone|desktop>.png`) and runs axe-core in the app's frame; returns the serious and critical findings
 * by viewport. Leaves the page at desktop size.
 */
export async function captureAdmin(admin: ShopifyAdmin, name: string): Promise<Record<string, Finding[]>> {
	mkdirSync(SCREENS, { recursive: true });
	const out: Record<string, Finding[]> = {};
	for (const [size, viewport] of [
		['phone', PHONE],
		['desktop', DESKTOP],
	] as const) {
		await admin.page.setViewportSize(viewport);
		await admin.page.evaluate(() => window.scrollTo(0, 0));
		await admin.settle();
		out[size] = (await auditFrame(await admin.frame())).filter(
			(f) => f.impact === 'serious' || f.impact === 'critical',
		);
		await screenshotAdmin(admin, join(SCREENS, `${name}-${size}.png`));
	}
	return out;
}
