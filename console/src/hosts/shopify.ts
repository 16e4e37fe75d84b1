import type { ConsoleToken, SiteView } from '#wire';
import { ApiError, readError } from '../api-error';
import { type Host, type PickedLink, tokenCache } from './host';

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
