import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { RequestType, setUpValidRequest } from '@shopify/shopify-api/test-helpers';
import { EMBED_ASSETS, renderEmbed } from './render-embed.ts';
import { renderNotify } from './render-notify.ts';
import { liquidProduct, type ShopProduct } from './shop-product.ts';
import { homePage, productPage } from './theme-pages.ts';

/** One request the fake app proxy forwarded to the worker. */
export interface ProxiedRequest {
	path: string;
	status: number;
	customerId: string;
}

/** A stand-in for a shop's online store: theme pages with the app embed, and Shopify's app proxy. */
export interface Storefront {
	origin: string;
	/** Stand-in for Shopify's CDN: where `asset_url` points (the theme app extension's assets/ folder). */
	cdnAssets: string;
	proxied: ProxiedRequest[];
	/** Whether theme pages include the app embed (the theme editor switch). */
	embed: boolean;
	/** The cart's attributes, as `POST /cart/update.js` left them (the storefront keeps one cart). */
	cartAttributes: Record<string, string>;
	close(): Promise<void>;
}

export interface StorefrontOptions {
	workerUrl: string;
	/** Store name; the shop is `<store>.myshopify.com`. */
	store: string;
	apiSecret: string;
	/** The app-data metafields the app wrote (as Shopify would expose them to the embed). */
	metafields: () => Record<string, string> | undefined;
	proxyPath?: string;
	/**
	 * The shop's products: `/products/<handle>` is a product page with the "Notify me when available" app block
	 * (read on every request, so a test may change their stock).
	 */
	products?: ShopProduct[];
}

function customerOf(cookie: string | undefined): string {
	return /(?:^|;\s*)customer_id=(\d+)/.exec(cookie ?? '')?.[1] ?? '';
}

/**
 * Starts the storefront on 127.0.0.1. `/apps/beckon/*` behaves like Shopify's app proxy: it forwards to the
 * worker's proxy URL, drops cookies, and adds shop, path_prefix, logged_in_customer_id, timestamp and the
 * signature (made by the library's own test helper). `/account/login?customer_id=N` logs a customer in.
 */
export async function startStorefront(options: StorefrontOptions): Promise<Storefront> {
	const proxyPath = options.proxyPath ?? '/apps/beckon';
	const proxied: ProxiedRequest[] = [];
	const state = { embed: true };
	const cartAttributes: Record<string, string> = {};
	const cdn = await startCdn();
	const server: Server = createServer((req, res) => {
		void (async () => {
			const url = new URL(req.url ?? '/', 'http://storefront');
			const customerId = customerOf(req.headers.cookie);
			if (url.pathname.startsWith(`${proxyPath}/`)) {
				const target = new URL(
					`${options.workerUrl}/shopify/proxy/${url.pathname.slice(proxyPath.length + 1)}`,
				);
				for (const [k, v] of url.searchParams) target.searchParams.set(k, v);
				target.searchParams.set('path_prefix', proxyPath);
				target.searchParams.set('logged_in_customer_id', customerId);
				const signed = await setUpValidRequest(
					{ type: RequestType.Public, store: options.store, apiSecretKey: options.apiSecret },
					new Request(target.href),
				);
				const response = await fetch(signed.url, {
					headers: { 'user-agent': req.headers['user-agent'] ?? '' },
				});
				proxied.push({ path: url.pathname, status: response.status, customerId });
				res.writeHead(response.status, {
					'content-type': response.headers.get('content-type') ?? 'text/plain',
					'cache-control': response.headers.get('cache-control') ?? 'no-cache',
				});
				res.end(Buffer.from(await response.arrayBuffer()));
				return;
			}
			if (url.pathname === '/account/login') {
				const id = url.searchParams.get('customer_id') ?? '';
				res.writeHead(302, { location: '/', 'set-cookie': `customer_id=${id}; Path=/; SameSite=Lax` });
				res.end();
				return;
			}
			// Shopify's AJAX cart API, the part the embed uses: attributes merge into the cart.
			if (url.pathname === '/cart/update.js' && req.method === 'POST') {
				const chunks: Buffer[] = [];
				for await (const chunk of req) chunks.push(chunk as Buffer);
				const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
					attributes?: Record<string, string>;
				};
				Object.assign(cartAttributes, body.attributes ?? {});
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ attributes: cartAttributes, items: [] }));
				return;
			}
			if (url.pathname === '/favicon.ico') {
				res.writeHead(404).end();
				return;
			}
			const embed = state.embed
				? await renderEmbed({
						metafields: options.metafields(),
						customer: customerId ? { id: Number(customerId) } : null,
						settings: { proxy_path: proxyPath },
						cartAttributes,
						assetBase: cdn.assets,
					})
				: '';
			const handle = /^\/products\/([\w-]+)$/.exec(url.pathname)?.[1];
			const product = options.products?.find((p) => p.handle === handle);
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
			if (!product) {
				res.end(homePage(url.pathname === '/' ? 'Autumn in oak' : 'Collection', embed));
				return;
			}
			const variant = url.searchParams.get('variant');
			const block = await renderNotify({ product, variant, origin });
			const shown = liquidProduct(product, variant).selected_or_first_available_variant;
			res.end(productPage(product, shown?.id ?? 0, block, embed));
		})().catch((error: Error) => {
			res.writeHead(500).end(error.message);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		origin,
		cdnAssets: cdn.assets,
		proxied,
		cartAttributes,
		get embed() {
			return state.embed;
		},
		set embed(value: boolean) {
			state.embed = value;
		},
		close: () => Promise.all([stop(server), cdn.close()]).then(() => undefined),
	};
}

function stop(server: Server): Promise<void> {
	return new Promise<void>((resolve) => {
		server.closeAllConnections();
		server.close(() => resolve());
	});
}

/** Serves the extension's assets/ on another origin, as Shopify's CDN serves a deployed extension's. */
async function startCdn(): Promise<{ assets: string; close(): Promise<void> }> {
	const prefix = '/extensions/test-extension/1/assets/';
	const server = createServer((req, res) => {
		const name = (req.url ?? '').startsWith(prefix) ? (req.url ?? '').slice(prefix.length) : '';
		if (!/^[\w.-]+$/.test(name)) {
			res.writeHead(404).end();
			return;
		}
		readFile(join(EMBED_ASSETS, name)).then(
			(body) => {
				res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'max-age=31536000' });
				res.end(body);
			},
			() => res.writeHead(404).end(),
		);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		assets: `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`,
		close: () => stop(server),
	};
}
