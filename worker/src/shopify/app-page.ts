import type { Env } from '../env';
import { appOrigin, shopifyConfig, shopifyFor } from './config';
import { checkSessionToken } from './session-token';

/** The console's screens in Shopify admin's app navigation (App Bridge's `ui-nav-menu`). */
const NAV: ReadonlyArray<[string, string]> = [
	['#/send', 'Send'],
	['#/campaigns', 'Campaigns'],
	['#/automations', 'Automations'],
	['#/messages', 'Saved messages'],
	['#/segments', 'Segments'],
	['#/notifications', 'History'],
	['#/subscribers', 'Subscribers'],
	['#/settings/prompt', 'Prompt & widget'],
];

/** App Bridge, loaded from Shopify's CDN as the first script of every embedded page (Shopify's requirement). */
export const APP_BRIDGE_URL = 'https://cdn.shopify.com/shopifycloud/app-bridge.js';

const esc = (s: string) =>
	s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
	);

function head(apiKey: string, title: string): string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="shopify-api-key" content="${esc(apiKey)}">
<script src="${APP_BRIDGE_URL}"></script>
<title>${esc(title)}</title>`;
}

function html(body: string, status: number, headers: Record<string, string> = {}): Response {
	return new Response(body, {
		status,
		headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
	});
}

/**
 * GET /shopify/app (application_url): the embedded admin page. Shopify opens it with `shop`, `host` and a
 * session token in `id_token`; a missing or invalid token goes to the bounce page, where App Bridge fetches a
 * new one and reloads (`shopify-reload`). The page itself holds no data: its API calls carry their own tokens.
 */
export async function appPage(request: Request, env: Env): Promise<Response> {
	const cfg = shopifyConfig(env);
	const shopify = shopifyFor(env, request.url);
	const url = new URL(request.url);
	const shop = shopify.utils.sanitizeShop(url.searchParams.get('shop') ?? '');
	if (!shop) {
		return html(
			`${head(cfg.apiKey, 'Beckon')}</head><body><p>Open Beckon from your Shopify admin (Apps → Beckon).</p></body></html>`,
			400,
		);
	}
	const check = await checkSessionToken(shopify, url.searchParams.get('id_token'));
	if (!check.valid || check.shop !== shop) {
		url.searchParams.delete('id_token');
		const bounce = new URL('/shopify/app/bounce', url);
		for (const key of ['shop', 'host', 'embedded']) {
			const value = url.searchParams.get(key);
			if (value !== null) bounce.searchParams.set(key, value);
		}
		bounce.searchParams.set('shopify-reload', `${appOrigin(env, request.url)}${url.pathname}${url.search}`);
		return Response.redirect(bounce.href, 302);
	}
	// The one console (console/), as on every host: it exchanges App Bridge session tokens for console tokens
	// (POST /shopify/api/console-token) and then calls the public admin API. The nav menu is App Bridge's.
	const nav = NAV.map(([hash, label]) => `<a href="/shopify/app${hash}">${esc(label)}</a>`).join('');
	return html(
		`${head(cfg.apiKey, 'Beckon')}
<link rel="stylesheet" href="/console/console.css">
<script type="module" src="/console/console.js"></script>
</head><body><ui-nav-menu><a href="/shopify/app#/overview" rel="home">Beckon</a>${nav}</ui-nav-menu>
<div id="beckon-console" data-host="shopify" data-api=""></div></body></html>`,
		200,
		// Only the shop's admin may frame the page (Shopify's clickjacking requirement for embedded apps).
		{ 'content-security-policy': `frame-ancestors https://${shop} https://admin.shopify.com;` },
	);
}

/** GET /shopify/app/bounce: App Bridge alone; it gets a fresh session token and reloads `shopify-reload`. */
export function bouncePage(request: Request, env: Env): Response {
	const reload = new URL(request.url).searchParams.get('shopify-reload') ?? '';
	// Only ever reload into this app's own page: for anything else, a plain page without App Bridge (which would
	// otherwise still reload into the foreign URL).
	if (!reload.startsWith(`${appOrigin(env, request.url)}/shopify/app?`)) {
		return html(
			'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Beckon</title></head><body><p>Open Beckon from your Shopify admin (Apps → Beckon).</p></body></html>',
			400,
		);
	}
	return html(`${head(shopifyConfig(env).apiKey, 'Beckon')}</head><body></body></html>`, 200);
}
