// Beckon's web pixel: Shopify's standard customer events `product_viewed` and `product_added_to_cart` are posted,
// as the subscribed browser's own events, to the Beckon worker (POST /v1/sites/<site>/subscribers/<id>/pixel-events).
// The subscriber id is the one the app embed's widget keeps in localStorage (`beckon:<site>:sid`); a browser that
// never subscribed sends nothing. Shopify's event id is the event id, so a replayed event counts once.
// `shopify.extend('WebPixel::Render', …)` is what @shopify/web-pixels-extension's register() does.

/** Shopify's event → Beckon's event (name and properties), or null. */
export function toBeckonEvent(event, shopOrigin) {
	const variant =
		event.name === 'product_viewed'
			? event.data?.productVariant
			: event.name === 'product_added_to_cart'
				? event.data?.cartLine?.merchandise
				: null;
	const product = variant?.product;
	if (!variant || !product?.id) return null;
	const properties = { product_id: String(product.id) };
	if (variant.id) properties.variant_id = String(variant.id);
	if (product.title) properties.product_title = String(product.title).slice(0, 200);
	if (product.url) {
		try {
			properties.product_url = new URL(product.url, shopOrigin).href;
		} catch {}
	}
	if (variant.price?.amount !== undefined) properties.price = Number(variant.price.amount);
	if (variant.price?.currencyCode) properties.currency = String(variant.price.currencyCode);
	if (variant.image?.src) properties.image_url = String(variant.image.src);
	return {
		name: event.name,
		...(event.id ? { id: String(event.id).slice(0, 64) } : {}),
		...(event.timestamp ? { time: event.timestamp } : {}),
		properties,
	};
}

/** Subscribes to the events and posts each (a simple text/plain POST: no preflight from the sandbox). */
export function render({ analytics, browser, settings, init }) {
	const siteId = settings.siteId;
	const api = settings.apiOrigin;
	if (!siteId || !api) return;
	const shopOrigin = init?.context?.document?.location?.origin;
	const forward = async (event) => {
		const sid = await browser.localStorage.getItem(`beckon:${siteId}:sid`);
		if (!sid) return;
		const beckon = toBeckonEvent(event, shopOrigin);
		if (!beckon) return;
		await fetch(
			`${api}/v1/sites/${encodeURIComponent(siteId)}/subscribers/${encodeURIComponent(sid)}/pixel-events`,
			{
				method: 'POST',
				headers: { 'content-type': 'text/plain' },
				body: JSON.stringify({ events: [beckon] }),
				keepalive: true,
			},
		).catch(() => {});
	};
	analytics.subscribe('product_viewed', forward);
	analytics.subscribe('product_added_to_cart', forward);
}

if (typeof shopify !== 'undefined') shopify.extend('WebPixel::Render', render);
