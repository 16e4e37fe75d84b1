/** A variant of a test shop's product: its stock decides whether it can be bought. */
export interface ShopVariant {
	id: number;
	title: string;
	price: string;
	inventory: number;
}

/** A test shop's product, as the storefront shows it and products/update describes it. */
export interface ShopProduct {
	id: number;
	title: string;
	handle: string;
	variants: ShopVariant[];
}

/** A fresh copy of the test shop's apron: Natural in stock, Charcoal and Rust sold out. */
export function linenApron(): ShopProduct {
	return {
		id: 8_100_000_000_001,
		title: 'Linen apron',
		handle: 'linen-apron',
		variants: [
			{ id: 45_000_000_000_001, title: 'Natural', price: '38.00', inventory: 3 },
			{ id: 45_000_000_000_002, title: 'Charcoal', price: '38.00', inventory: 0 },
			{ id: 45_000_000_000_003, title: 'Rust', price: '42.00', inventory: 0 },
		],
	};
}

/** A variant as Liquid's `variant` object has it (the part the block reads). */
export interface LiquidVariant {
	id: number;
	title: string;
	price: string;
	available: boolean;
}

/** The Liquid `product` object a product page gets; `selected` is the URL's `?variant=` (ignored unless one of them). */
export function liquidProduct(product: ShopProduct, selected: string | null = null) {
	const variants: LiquidVariant[] = product.variants.map((v) => ({
		id: v.id,
		title: v.title,
		price: v.price,
		available: v.inventory > 0,
	}));
	const chosen = variants.find((v) => String(v.id) === selected) ?? null;
	return {
		id: product.id,
		title: product.title,
		handle: product.handle,
		url: `/products/${product.handle}`,
		variants,
		selected_variant: chosen,
		// Shopify's rule: the URL's variant, else the first one in stock, else the first.
		selected_or_first_available_variant: chosen ?? variants.find((v) => v.available) ?? variants[0],
	};
}

/**
 * The products/update webhook body for the product (stock tracked by Shopify, no overselling), as API versions since
 * 2024-07 send it: without `inventory_management`.
 */
export function productsUpdateBody(product: ShopProduct): Record<string, unknown> {
	return {
		id: product.id,
		title: product.title,
		handle: product.handle,
		updated_at: new Date().toISOString(),
		variants: product.variants.map((v) => ({
			id: v.id,
			product_id: product.id,
			title: v.title,
			price: v.price,
			inventory_quantity: v.inventory,
			inventory_policy: 'deny',
		})),
	};
}
