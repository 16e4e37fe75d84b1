import { join } from 'node:path';
import { EXTENSION, renderBlock } from './render-embed.ts';
import { liquidProduct, type ShopProduct } from './shop-product.ts';

/** Path of the "Notify me when available" app block. */
export const NOTIFY_BLOCK = join(EXTENSION, 'blocks/notify.liquid');

/** What a product page gives the block when Shopify renders it. */
export interface NotifyContext {
	/** The page's product; null on a page without one. */
	product: ShopProduct | null;
	/** The URL's `?variant=`. */
	variant?: string | null;
	settings?: { button_text?: string; confirmation_text?: string };
	designMode?: boolean;
	/** The storefront's origin (`request.origin`). */
	origin?: string;
}

/** Renders the app block the way a product template would include it, with a real Liquid engine. */
export function renderNotify(context: NotifyContext): Promise<string> {
	return renderBlock(NOTIFY_BLOCK, {
		product: context.product && liquidProduct(context.product, context.variant ?? null),
		block: { id: 'notify', settings: context.settings ?? {} },
		request: {
			design_mode: context.designMode ?? false,
			origin: context.origin ?? 'https://oak-and-linen.com',
		},
	});
}
