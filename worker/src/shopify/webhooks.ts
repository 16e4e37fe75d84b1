import type { Env } from '../env';
import { readBodyBytes } from '../http/body';
import { HttpError } from '../http/errors';
import { siteStore } from '../objects/site-store';
import { trackEvents } from '../services/audience';
import type { ProductUpdate } from '../store/products';
import { shopifyFor } from './config';
import { applyShopUpdate, parseShopUpdate } from './primary-domain';
import { purgeShop } from './purge-shop';
import { exportCustomer, redactCustomer, saveDataRequest } from './store/privacy';
import { findShop, markUninstalled } from './store/shops';
import { recordWebhook, webhookSeen } from './store/webhooks';

type Payload = Record<string, unknown>;

/** One verified delivery. */
interface Delivery {
	topic: string;
	shop: string;
	payload: Payload;
	/** X-Shopify-Triggered-At as sent (not covered by the HMAC, which signs the body only). */
	triggeredAt: string | undefined;
}

/** Topics whose body does not name its shop. */
const UNNAMED_SHOP = new Set([
	'ORDERS_CREATE',
	'CHECKOUTS_CREATE',
	'CHECKOUTS_UPDATE',
	'FULFILLMENT_EVENTS_CREATE',
	'PRODUCTS_UPDATE',
]);

/** Largest webhook body read (the topics handled here are small JSON documents). */
const MAX_WEBHOOK_BYTES = 256 * 1024;

/**
 * POST /shopify/webhooks: app/uninstalled, shop/update, orders/create, checkouts/create|update,
 * fulfillment_events/create, products/update and the three mandatory compliance topics. The body's
 * HMAC is checked first (401 when missing or wrong); the shop is taken from the signed body and must match the
 * header; a delivery already handled (same X-Shopify-Webhook-Id) is acknowledged without being redone, and every
 * handler is idempotent besides.
 */
export async function webhook(request: Request, env: Env): Promise<Response> {
	const shopify = shopifyFor(env, request.url);
	const rawBody = new TextDecoder().decode(await readBodyBytes(request, MAX_WEBHOOK_BYTES));
	const check = await shopify.webhooks.validate({ rawBody, rawRequest: request });
	if (!check.valid) {
		if (check.reason === 'invalid_hmac' || check.reason === 'missing_hmac') {
			throw new HttpError(401, 'invalid_hmac', 'The webhook HMAC does not match the app secret');
		}
		const missing = 'missingHeaders' in check ? `: missing ${check.missingHeaders.join(', ')}` : '';
		throw new HttpError(400, 'invalid_webhook', `Webhook refused: ${check.reason}${missing}`);
	}
	let payload: Payload;
	try {
		payload = JSON.parse(rawBody) as Payload;
	} catch {
		throw new HttpError(400, 'invalid_json', 'Webhook body is not JSON');
	}
	if (typeof payload !== 'object' || payload === null) {
		throw new HttpError(400, 'invalid_json', 'Webhook body is not a JSON object');
	}
	const shop = shopify.utils.sanitizeShop(check.domain);
	// Order, checkout and fulfilment bodies name no shop: the HMAC (this app's secret) vouches for them, the TLS
	// connection for the header.
	const signedShop = UNNAMED_SHOP.has(check.topic) ? shop : (payload.shop_domain ?? payload.myshopify_domain);
	if (!shop || signedShop !== shop) {
		throw new HttpError(400, 'invalid_webhook', 'The shop in the body does not match X-Shopify-Shop-Domain');
	}
	if (await webhookSeen(env.DB, check.webhookId)) return Response.json({ ok: true, duplicate: true });
	const result = await handle(env, { topic: check.topic, shop, payload, triggeredAt: check.triggeredAt });
	await recordWebhook(env.DB, check.webhookId, shop, check.topic, Date.now());
	return Response.json({ ok: true, ...result });
}

async function handle(env: Env, delivery: Delivery): Promise<Record<string, unknown>> {
	const { topic, shop, payload } = delivery;
	const now = Date.now();
	switch (topic) {
		case 'APP_UNINSTALLED': {
			const outcome = await markUninstalled(env.DB, shop, triggeredAtOf(delivery, now), now);
			return outcome === 'stale' ? { ignored: 'stale' } : { uninstalled: true };
		}
		case 'SHOP_UPDATE': {
			const update = parseShopUpdate(payload, shop);
			const record = await findShop(env.DB, shop);
			if (!record) return { changed: false };
			const version = update.updatedAt ?? triggeredAtOf(delivery, now);
			return applyShopUpdate(env.DB, record, update.primaryUrl, version);
		}
		case 'CUSTOMERS_DATA_REQUEST': {
			const request = payload.data_request as { id?: unknown } | undefined;
			const customerId = customerOf(payload);
			if (request?.id === undefined || !Array.isArray(payload.orders_requested)) throw malformed(topic);
			const record = await findShop(env.DB, shop);
			if (!record) return { exported: 0 };
			const data = await exportCustomer(env, shop, record.siteId, customerId, now);
			await saveDataRequest(env.DB, String(request.id), data, now);
			return { exported: data.subscribers.length };
		}
		case 'CUSTOMERS_REDACT': {
			const customerId = customerOf(payload);
			if (!Array.isArray(payload.orders_to_redact)) throw malformed(topic);
			const record = await findShop(env.DB, shop);
			if (!record) return { redacted: 0 };
			return { redacted: await redactCustomer(env, shop, record.siteId, customerId) };
		}
		case 'SHOP_REDACT':
			return { ...(await purgeShop(env, shop)) };
		case 'ORDERS_CREATE':
		case 'CHECKOUTS_CREATE':
		case 'CHECKOUTS_UPDATE':
		case 'FULFILLMENT_EVENTS_CREATE':
		case 'PRODUCTS_UPDATE': {
			const record = await findShop(env.DB, shop);
			if (!record || record.uninstalledAt !== null) return { ignored: 'not_installed' };
			if (topic === 'PRODUCTS_UPDATE') {
				const product = parseProduct(payload, record.primaryUrl);
				return { notified: await siteStore(env, record.siteId).productChanged(record.siteId, product, now) };
			}
			if (topic === 'ORDERS_CREATE') {
				const staff = await alertStaffOfOrder(env, record.siteId, shop, payload, now);
				return { ...(await recordPurchase(env, record.siteId, payload, now)), staff };
			}
			if (topic === 'FULFILLMENT_EVENTS_CREATE')
				return recordFulfillmentEvent(env, record.siteId, payload, now);
			return recordCheckout(env, record.siteId, payload, now);
		}
		default:
			return { ignored: topic };
	}
}

/** The cart attribute the app embed tags a cart with: the browser's subscriber id (hidden at checkout: `_`). */
export const CART_ATTRIBUTE = '_beckon';

/** When the event happened: X-Shopify-Triggered-At, or now when Shopify did not say. */
function triggeredAtOf(delivery: Delivery, now: number): number {
	if (delivery.triggeredAt === undefined) return now;
	const at = Date.parse(delivery.triggeredAt);
	if (Number.isNaN(at)) {
		throw new HttpError(400, 'invalid_webhook', 'X-Shopify-Triggered-At must be an ISO 8601 time');
	}
	return at;
}

function customerOf(payload: Payload): string {
	const id = (payload.customer as { id?: unknown } | undefined)?.id;
	if ((typeof id !== 'number' && typeof id !== 'string') || !/^\d{1,20}$/.test(String(id))) {
		throw malformed('customer');
	}
	return String(id);
}

function malformed(what: string): HttpError {
	return new HttpError(400, 'invalid_webhook', `Webhook body is not a valid ${what} payload`);
}

/**
 * orders/create → a `purchase` event of the customer (the user id their identity tokens carry), idempotent by the
 * order id, with the order's total, currency, id and item count: campaign goals and segments count it. A guest
 * checkout is linked to the browser that subscribed through the `_beckon` cart attribute (the app embed tags the cart
 * with the browser's subscriber id; Shopify copies cart attributes into the order's note_attributes), so a shopper
 * who came back through a push and bought without an account still converts. A guest order without the attribute,
 * or naming a subscriber the shop does not have, is ignored.
 */
async function recordPurchase(
	env: Env,
	siteId: string,
	payload: Payload,
	now: number,
): Promise<Record<string, unknown>> {
	const customer = payload.customer as { id?: unknown } | null | undefined;
	const customerId = customer && /^\d{1,20}$/.test(String(customer.id)) ? String(customer.id) : null;
	const orderId = /^\d{1,20}$/.test(String(payload.id)) ? String(payload.id) : null;
	if (orderId === null) throw malformed('ORDERS_CREATE');
	const subscriberId = customerId === null ? taggedSubscriber(payload) : null;
	if (customerId === null && subscriberId === null) return { ignored: 'guest_order' };
	const total = Number(payload.total_price);
	const created = Date.parse(String(payload.created_at ?? ''));
	const properties: Record<string, string | number> = { orderId };
	if (Number.isFinite(total)) properties.total = total;
	if (typeof payload.currency === 'string' && /^[A-Z]{3}$/.test(payload.currency))
		properties.currency = payload.currency;
	if (Array.isArray(payload.line_items)) properties.items = payload.line_items.length;
	// The checkout it completes: ends that checkout's reminders (the abandoned-checkout automation's key).
	if (typeof payload.checkout_token === 'string' && /^[\w-]{1,64}$/.test(payload.checkout_token))
		properties.checkout_id = payload.checkout_token;
	const result = await trackEvents(
		env,
		siteId,
		{
			events: [
				{
					name: 'purchase',
					...(customerId !== null ? { userId: customerId } : { subscriberId: subscriberId as string }),
					id: `shopify-order-${orderId}`,
					// A late delivery keeps the order's time, within the events' accepted range.
					...(Number.isNaN(created) || Math.abs(now - created) > 6 * 86_400_000
						? {}
						: { time: new Date(created).toISOString() }),
					properties,
				},
			],
		},
		now,
	);
	if (result.rejected.length > 0) return { ignored: 'unknown_subscriber' };
	// Its shipping updates go to the same person's devices.
	await siteStore(env, siteId).rememberOrder(
		siteId,
		{
			id: orderId,
			subject: customerId !== null ? `u:${customerId}` : `s:${subscriberId}`,
			name: typeof payload.name === 'string' ? payload.name.slice(0, 64) : null,
			statusUrl: httpsUrl(payload.order_status_url),
		},
		now,
	);
	return { purchase: result.accepted === 1 ? 'recorded' : 'duplicate' };
}

/**
 * orders/create → an `order.created` staff alert (every order, guests too): its name, total and item count, and a
 * link to the order in Shopify admin. Nothing about the buyer. Idempotent by the order id.
 */
async function alertStaffOfOrder(
	env: Env,
	siteId: string,
	shop: string,
	payload: Payload,
	now: number,
): Promise<number> {
	const orderId = /^\d{1,20}$/.test(String(payload.id)) ? String(payload.id) : null;
	if (orderId === null) throw malformed('ORDERS_CREATE');
	const name = typeof payload.name === 'string' && payload.name.length <= 64 ? payload.name : `#${orderId}`;
	const total = Number(payload.total_price);
	const currency =
		typeof payload.currency === 'string' && /^[A-Z]{3}$/.test(payload.currency) ? payload.currency : '';
	const items = Array.isArray(payload.line_items) ? payload.line_items.length : null;
	const amount = Number.isFinite(total) ? ` · ${total.toFixed(2)}${currency ? ` ${currency}` : ''}` : '';
	const result = await siteStore(env, siteId).staffEvents(
		siteId,
		[
			{
				id: `shopify-order-${orderId}`,
				type: 'order.created',
				title: `New order ${name}${amount}`,
				...(items === null ? {} : { body: items === 1 ? '1 item' : `${items} items` }),
				url: `https://admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, '')}/orders/${orderId}`,
			},
		],
		now,
	);
	return result.notified;
}

/** An https URL as given, or null. */
function httpsUrl(value: unknown): string | null {
	if (typeof value !== 'string' || value.length > 1024) return null;
	const url = URL.parse(value);
	return url?.protocol === 'https:' ? url.href : null;
}

/** A time Shopify gave, as an ISO string the events API takes (within the last 6 days), else nothing (now). */
function eventTime(value: unknown, now: number): { time?: string } {
	const at = Date.parse(String(value ?? ''));
	return Number.isNaN(at) || Math.abs(now - at) > 6 * 86_400_000 || at > now
		? {}
		: { time: new Date(at).toISOString() };
}

/**
 * checkouts/create and checkouts/update → the buyer's `checkout_started` event (once per checkout: its token is the
 * event id and the automation key), with the link back to the checkout, its total and first item. The buyer is the
 * customer, or for a guest the browser the cart was tagged with. A completed checkout, or one Beckon cannot tie to a
 * person, is ignored.
 */
async function recordCheckout(
	env: Env,
	siteId: string,
	payload: Payload,
	now: number,
): Promise<Record<string, unknown>> {
	const token =
		typeof payload.token === 'string' && /^[\w-]{1,64}$/.test(payload.token) ? payload.token : null;
	if (token === null) throw malformed('checkout');
	if (payload.completed_at) return { ignored: 'completed' };
	const customer = payload.customer as { id?: unknown } | null | undefined;
	const customerId = customer && /^\d{1,20}$/.test(String(customer.id)) ? String(customer.id) : null;
	const subscriberId = customerId === null ? taggedSubscriber(payload) : null;
	if (customerId === null && subscriberId === null) return { ignored: 'unknown_buyer' };
	const properties: Record<string, string | number> = { checkout_id: token };
	const url = httpsUrl(payload.abandoned_checkout_url);
	if (url) properties.checkout_url = url;
	const total = Number(payload.total_price);
	if (Number.isFinite(total)) properties.total = total;
	if (typeof payload.currency === 'string' && /^[A-Z]{3}$/.test(payload.currency))
		properties.currency = payload.currency;
	const items = Array.isArray(payload.line_items) ? (payload.line_items as Array<{ title?: unknown }>) : [];
	properties.items = items.length;
	if (typeof items[0]?.title === 'string') properties.item_title = items[0].title.slice(0, 100);
	const result = await trackEvents(
		env,
		siteId,
		{
			events: [
				{
					name: 'checkout_started',
					...(customerId !== null ? { userId: customerId } : { subscriberId: subscriberId as string }),
					id: `shopify-checkout-${token}`,
					...eventTime(payload.created_at, now),
					properties,
				},
			],
		},
		now,
	);
	if (result.rejected.length > 0) return { ignored: 'unknown_subscriber' };
	return { checkout: result.accepted === 1 ? 'recorded' : 'duplicate' };
}

/** Carrier statuses that are news to a buyer, in their words. */
const SHIPPING_STATUSES: Record<string, string> = {
	in_transit: 'on its way',
	out_for_delivery: 'out for delivery',
	delivered: 'delivered',
	attempted_delivery: 'delivery attempted',
	ready_for_pickup: 'ready for pickup',
	delayed: 'delayed',
	failure: 'delivery failed',
	carrier_picked_up: 'picked up by the carrier',
};

/**
 * fulfillment_events/create → the buyer's `fulfillment_updated` event (once per fulfilment event) for the carrier
 * statuses a buyer cares about, when Beckon recorded the order's buyer (orders/create). Others are ignored.
 */
async function recordFulfillmentEvent(
	env: Env,
	siteId: string,
	payload: Payload,
	now: number,
): Promise<Record<string, unknown>> {
	const id = /^\d{1,20}$/.test(String(payload.id)) ? String(payload.id) : null;
	const orderId = /^\d{1,20}$/.test(String(payload.order_id)) ? String(payload.order_id) : null;
	if (id === null || orderId === null) throw malformed('fulfillment event');
	const status = typeof payload.status === 'string' ? payload.status : '';
	const label = SHIPPING_STATUSES[status];
	if (!label) return { ignored: 'status' };
	const order = await siteStore(env, siteId).findOrder(siteId, orderId);
	if (!order) return { ignored: 'unknown_order' };
	const properties: Record<string, string> = {
		update_id: id,
		order_id: orderId,
		status,
		status_label: label,
	};
	if (order.name) properties.order_name = order.name;
	if (order.statusUrl) properties.order_url = order.statusUrl;
	if (typeof payload.message === 'string' && payload.message.trim())
		properties.status_detail = payload.message.trim().slice(0, 200);
	const subject = order.subject.startsWith('u:')
		? { userId: order.subject.slice(2) }
		: { subscriberId: order.subject.slice(2) };
	const result = await trackEvents(
		env,
		siteId,
		{
			events: [
				{
					name: 'fulfillment_updated',
					...subject,
					id: `shopify-fulfillment-event-${id}`,
					...eventTime(payload.happened_at ?? payload.created_at, now),
					properties,
				},
			],
		},
		now,
	);
	if (result.rejected.length > 0) return { ignored: 'unknown_subscriber' };
	return { shipping: result.accepted === 1 ? 'recorded' : 'duplicate' };
}

/** The subscriber id the app embed put in the cart's `_beckon` attribute, if the order carries a well-formed one. */
function taggedSubscriber(payload: Payload): string | null {
	const attributes = Array.isArray(payload.note_attributes) ? payload.note_attributes : [];
	for (const a of attributes as Array<{ name?: unknown; value?: unknown }>) {
		if (a?.name === CART_ATTRIBUTE && typeof a.value === 'string' && /^[\w-]{1,64}$/.test(a.value))
			return a.value;
	}
	return null;
}

/**
 * A products/update body as the store keeps it: ids, title, the storefront URL (the shop's primary domain and the
 * handle), first image, when it changed, and each variant's price and whether it can be bought (stock above zero,
 * selling on when out of stock, or stock not tracked where the body still says so).
 */
function parseProduct(payload: Payload, primaryUrl: string): ProductUpdate {
	const id = /^\d{1,20}$/.test(String(payload.id)) ? String(payload.id) : null;
	if (id === null || !Array.isArray(payload.variants)) throw malformed('product');
	const handle =
		typeof payload.handle === 'string' && /^[\w-]{1,255}$/.test(payload.handle) ? payload.handle : null;
	const image = (payload.image as { src?: unknown } | null | undefined)?.src;
	const variants: ProductUpdate['variants'] = [];
	for (const v of payload.variants as Array<Record<string, unknown>>) {
		if (!v || !/^\d{1,20}$/.test(String(v.id))) throw malformed('product');
		const price = Number(v.price);
		const quantity = Number(v.inventory_quantity);
		// Since API 2024-07 the body has no inventory_management; where it is still sent, null means untracked stock.
		const untracked = Object.hasOwn(v, 'inventory_management') && v.inventory_management === null;
		const available =
			untracked || v.inventory_policy === 'continue' || (Number.isFinite(quantity) && quantity > 0);
		variants.push({ id: String(v.id), price: Number.isFinite(price) ? price : null, available });
	}
	return {
		id,
		title: typeof payload.title === 'string' ? payload.title.slice(0, 200) : '',
		url: handle ? `${primaryUrl}/products/${handle}` : null,
		imageUrl: httpsUrl(image),
		updatedAt: Number.isNaN(Date.parse(String(payload.updated_at ?? '')))
			? null
			: Date.parse(String(payload.updated_at)),
		variants: variants.slice(0, 250),
	};
}
