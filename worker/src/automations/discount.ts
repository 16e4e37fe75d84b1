import type { EventValue, PushPayload } from '#wire';
import { MAX_PAYLOAD_BYTES, MAX_URL_LENGTH } from '../sending/message';

// A step's discount code (issue 13). Its Liquid reads it as `event.discount_code`, and on a Shopify shop the push's
// click goes through Shopify's shareable discount link, `https://<shop>/discount/<CODE>?redirect=<path>`, which puts
// the code on the buyer's cart and then opens the page the push linked to. The code must exist in the shop's admin:
// Beckon does not create it. Pure: the send carries a StepDiscount, the queue consumer links each recipient's click.

/** Discount code characters Beckon takes (Shopify's letters, digits, `-` and `_`), 1 to 255 of them. */
export const DISCOUNT_CODE = /^[A-Za-z0-9_-]{1,255}$/;

/** The shop whose links become discount links: its origins (myshopify and primary domains) and home page. */
export interface ShopOrigins {
	origins: readonly string[];
	home: string;
}

/** What a step's send carries about its discount code. */
export interface StepDiscount {
	code: string;
	/** The shop, when the site is a Shopify shop; null elsewhere (the code is text in the message only). */
	shop: ShopOrigins | null;
}

/** The site facts a step's discount reads. */
export interface DiscountSite {
	platform: string;
	origins: readonly string[];
	homeUrl: string;
}

/** A step's discount as its send carries it; null for a step without a code. */
export function stepDiscount(code: string | undefined, site: DiscountSite): StepDiscount | null {
	if (!code) return null;
	const shop = site.platform === 'shopify' ? { origins: site.origins, home: site.homeUrl } : null;
	return { code, shop };
}

/** The trigger event's properties with the step's code as `discount_code` (over one the event carried). */
export function withDiscountCode(
	event: Record<string, EventValue> | undefined,
	discount: StepDiscount | null | undefined,
): Record<string, EventValue> | undefined {
	return discount ? { ...event, discount_code: discount.code } : event;
}

/**
 * `url` through the shop's discount link: a URL on one of the shop's origins, or on the origin of the trigger event's
 * `checkout_url` (Shopify's link back to the checkout), becomes `<origin>/discount/<code>?redirect=<its path and
 * query>`, on the URL's own origin when that is the shop's, else on the shop's home. Any other site's URL, one that is
 * a discount link already, and one whose link would pass the URL limit are kept as they are.
 */
export function discountUrl(url: string, code: string, shop: ShopOrigins, checkoutUrl?: EventValue): string {
	const target = URL.parse(url);
	if (!target || target.pathname.startsWith('/discount/')) return url;
	const checkout = typeof checkoutUrl === 'string' ? URL.parse(checkoutUrl) : null;
	const home = URL.parse(shop.home)?.origin;
	const origin = shop.origins.includes(target.origin)
		? target.origin
		: checkout && target.origin === checkout.origin
			? home
			: undefined;
	if (!origin || origin === 'null') return url;
	const redirect = encodeURIComponent(`${target.pathname}${target.search}`);
	const linked = `${origin}/discount/${encodeURIComponent(code)}?redirect=${redirect}`;
	return linked.length <= MAX_URL_LENGTH ? linked : url;
}

const encoder = new TextEncoder();

/**
 * A recipient's payload with its click through the discount link (see {@link discountUrl}); kept as it is off a shop,
 * or when the longer link would take the payload past the push limit.
 */
export function withDiscountLink(
	payload: PushPayload,
	discount: StepDiscount | null | undefined,
	event?: Record<string, EventValue>,
): PushPayload {
	if (!discount?.shop) return payload;
	const url = discountUrl(payload.url, discount.code, discount.shop, event?.checkout_url);
	if (url === payload.url) return payload;
	const linked = { ...payload, url };
	return encoder.encode(JSON.stringify(linked)).byteLength <= MAX_PAYLOAD_BYTES ? linked : payload;
}
