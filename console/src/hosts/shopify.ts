import type { ConsoleToken, SiteView } from '#wire';
import { ApiError, readError } from '../api-error';
import { type Host, type PickedLink, tokenCache } from './host';

/** A shop's own admin domain, as the app's address names it (`?shop=`). */
const SHOP = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * The app inside the shop's admin (`https://<shop>/admin/apps/<client id>`, which Shopify opens with App Bridge
 * signed in), from the frame's `?shop=` and App Bridge's `shopify-api-key` meta tag; null when either is missing.
 */
export function shopifyAppHome(search: string, apiKey: string | null | undefined): string | null {
	const shop = new URLSearchParams(search).get('shop');
	if (!shop || !SHOP.test(shop) || !apiKey || !/^[A-Za-z0-9_-]{1,100}$/.test(apiKey)) return null;
	return `https://${shop}/admin/apps/${apiKey}`;
}

/** The parts of App Bridge's `shopify` global the console uses. */
interface AppBridge {
	idToken(): Promise<string>;
	toast?: { show(message: string, options?: { isError?: boolean }): void };
	resourcePicker?(options: { type: 'product' | 'collection' }): Promise<
		| Array<{
				handle?: string;
				title?: string;
				/** Products. */
				images?: Array<{ originalSrc?: string }>;
				/** Collections. */
				image?: { originalSrc?: string } | null;
		  }>
		| undefined
	>;
}

declare global {
	interface Window {
		shopify?: AppBridge;
	}
}

/** The Shopify host: App Bridge session token → console token; App Bridge toasts and product picker. */
export function shopifyHost(api: string, site: () => SiteView | null): Host {
	const bridge = () => {
		if (!window.shopify)
			throw new ApiError(0, 'not_configured', 'App Bridge did not load; open Beckon from your Shopify admin');
		return window.shopify;
	};
	return {
		kind: 'shopify',
		token: tokenCache(async () => {
			const idToken = await bridge().idToken();
			const response = await fetch(`${api}/shopify/api/console-token`, {
				method: 'POST',
				headers: { authorization: `Bearer ${idToken}` },
			});
			if (!response.ok) throw await readError(response);
			return (await response.json()) as ConsoleToken;
		}),
		toast: (message, isError) => window.shopify?.toast?.show(message, { isError }),
		consoleHome: () =>
			shopifyAppHome(
				location.search,
				document.querySelector<HTMLMetaElement>('meta[name="shopify-api-key"]')?.content,
			),
		async pickLink(kind): Promise<PickedLink | null> {
			const picked = (await bridge().resourcePicker?.({ type: kind }))?.[0];
			const home = site()?.homeUrl;
			if (!picked?.handle || !home) return null;
			const base = home.endsWith('/') ? home : `${home}/`;
			return {
				url: `${base}${kind === 'product' ? 'products' : 'collections'}/${encodeURIComponent(picked.handle)}`,
				title: picked.title ?? picked.handle,
				image: picked.images?.[0]?.originalSrc ?? picked.image?.originalSrc ?? null,
			};
		},
		t: (text) => text,
		tn: (single, plural, n) => (n === 1 ? single : plural),
	};
}
