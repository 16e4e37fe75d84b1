import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Context, Liquid, Tag, type TagToken, type TopLevelToken } from 'liquidjs';

/** The theme app extension's folder. */
export const EXTENSION = join(process.cwd(), 'shopify-app/extensions/beckon-embed');
/** Path of the theme app extension's app embed block. */
export const EMBED_BLOCK = join(EXTENSION, 'blocks/beckon.liquid');
/** The extension's assets folder (what `asset_url` points into). */
export const EMBED_ASSETS = join(EXTENSION, 'assets');
/** Where Shopify's CDN serves a deployed extension's assets (the uuid and version are the deployment's). */
export const CDN_ASSETS =
	'https://cdn.shopify.com/extensions/0190a4e2-7d5c-7b9e-9c1a-2f1e3d4c5b6a/1.0.0/assets/';

/** What a theme page gives the block when Shopify renders it. */
export interface EmbedContext {
	metafields?: { site_id?: string; api_origin?: string };
	customer?: { id: number; email?: string } | null;
	settings?: { proxy_path?: string };
	designMode?: boolean;
	/** The cart's attributes (what `cart.attributes` holds on the page). */
	cartAttributes?: Record<string, string>;
	/** What `asset_url` puts before an asset's name; default Shopify's CDN ({@link CDN_ASSETS}). */
	assetBase?: string;
}

/** The app embed's {% schema %} JSON (Shopify reads it; it renders nothing). */
export function embedSchema(): Record<string, unknown> {
	return blockSchema(EMBED_BLOCK);
}

/** A block file's {% schema %} JSON. */
export function blockSchema(file: string): Record<string, unknown> {
	const match = /\{%\s*schema\s*%\}([\s\S]*?)\{%\s*endschema\s*%\}/.exec(readFileSync(file, 'utf8'));
	if (!match?.[1]) throw new Error(`${file} has no schema`);
	return JSON.parse(match[1]) as Record<string, unknown>;
}

const engine = new Liquid({ strictFilters: true });
// Shopify's {% schema %} is a raw block that renders nothing; liquidjs does not know it.
engine.registerTag(
	'schema',
	class extends Tag {
		constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
			super(token, remain, liquid);
			for (let t = remain.shift(); t; t = remain.shift()) {
				if ('name' in t && (t as TagToken).name === 'endschema') return;
			}
			throw new Error('{% schema %} is not closed');
		}
		*render(): Generator<unknown, void, unknown> {}
	},
);

// Shopify's asset_url: in an app block, a file of the extension's assets/ folder on Shopify's CDN.
engine.registerFilter('asset_url', function (this: { context: Context }, name: string) {
	if (!existsSync(join(EMBED_ASSETS, name))) throw new Error(`asset_url: no assets/${name} in the extension`);
	return `${this.context.getSync(['beckon_test_asset_base'])}${name}`;
});

const locale = JSON.parse(readFileSync(join(EXTENSION, 'locales/en.default.json'), 'utf8')) as Record<
	string,
	unknown
>;

/** A text of the extension's default locale (`notify.button`), as Shopify's `t` filter gives it; throws when missing. */
export function t(key: string): string {
	const text = key
		.split('.')
		.reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], locale);
	if (typeof text !== 'string') throw new Error(`t: no ${key} in locales/en.default.json`);
	return text;
}

engine.registerFilter('t', t);

/** Renders a block file of the extension with a real Liquid engine and the objects Shopify would give it. */
export function renderBlock(file: string, scope: Record<string, unknown>): Promise<string> {
	return engine.parseAndRender(readFileSync(file, 'utf8'), scope);
}

/** Renders the app embed block the way a theme page would include it, with a real Liquid engine. */
export function renderEmbed(context: EmbedContext): Promise<string> {
	const metafields: Record<string, { value: string }> = {};
	for (const [key, value] of Object.entries(context.metafields ?? {})) {
		if (value !== undefined) metafields[key] = { value };
	}
	return renderBlock(EMBED_BLOCK, {
		app: { metafields: { beckon: metafields } },
		customer: context.customer ?? null,
		cart: { attributes: context.cartAttributes ?? {} },
		routes: { cart_update_url: '/cart/update' },
		block: { settings: context.settings ?? {} },
		request: { design_mode: context.designMode ?? false },
		beckon_test_asset_base: context.assetBase ?? CDN_ASSETS,
	});
}
