import { beforeEach, describe, expect, it } from 'vitest';
import { decryptRecorded } from '../decrypt';
import { call, json, sinkLog, storeOf, storeRowCounts, storeSql, type TestSite, waitDone } from '../helpers';
import {
	CUSTOMER,
	deliverWebhook,
	newStore,
	shopOf,
	shopWithCustomer,
	siteApi,
	useFakeShopify,
} from './helpers';

// The store automations on Shopify's own webhooks (signed by the official library's test helpers): checkouts
// become `checkout_started`, orders end their reminders and convert, carrier updates of a known order reach the
// buyer's devices. Journeys are run by the site's store with a fixed clock.

interface Template {
	id: string;
	body: Record<string, unknown>;
}

async function fromTemplate(installed: Parameters<typeof siteApi>[0], id: string): Promise<string> {
	const { templates } = await json<{ templates: Template[] }>(
		await siteApi(installed, '/automation-templates'),
	);
	const template = templates.find((t) => t.id === id);
	if (!template) throw new Error(`no template ${id}`);
	const created = await siteApi(installed, '/automations', {
		method: 'POST',
		body: JSON.stringify({ ...template.body, template: id, enabled: true }),
	});
	expect(created.status).toBe(201);
	return (await json<{ automationId: string }>(created)).automationId;
}

/** A console token's site as the shared helpers take it (its token is the admin key). */
const asSite = (installed: { siteId: string; token: string }): TestSite => ({
	siteId: installed.siteId,
	apiKey: installed.token,
	identitySecret: '',
	vapidPublicKey: '',
	origin: '',
});

async function runAt(siteId: string, now: number): Promise<string[]> {
	await storeOf(siteId).runJourneys(siteId, now);
	const rows = await storeSql<{ id: string; status: string }>(
		siteId,
		"SELECT id, status FROM notifications WHERE automation_id IS NOT NULL AND status <> 'done'",
	);
	return rows.map((r) => r.id);
}

describe('Shopify store automations', { timeout: 30_000 }, () => {
	beforeEach(() => {
		useFakeShopify();
	});

	it('reminds a customer of an abandoned checkout with a link back, once per checkout, until they order', async () => {
		const store = newStore();
		const shop = shopOf(store);
		const { installed, subs } = await shopWithCustomer(store);
		const automationId = await fromTemplate(installed, 'abandoned_checkout');
		const created = Date.now() - 60_000;
		const checkout = {
			id: 9_001,
			token: 'c0ffee42',
			created_at: new Date(created).toISOString(),
			completed_at: null,
			abandoned_checkout_url: `https://${shop}/checkouts/c0ffee42/recover?key=k`,
			total_price: '59.00',
			currency: 'EUR',
			customer: { id: CUSTOMER },
			line_items: [{ title: 'Red scarf', quantity: 1 }],
		};
		expect(await json(await deliverWebhook('checkouts/create', shop, checkout))).toMatchObject({
			checkout: 'recorded',
		});
		// checkouts/update fires at every step: the same checkout starts nothing more.
		expect(await json(await deliverWebhook('checkouts/update', shop, checkout))).toMatchObject({
			checkout: 'duplicate',
		});
		const journeys = await storeSql<{ key: string; subject: string; due_at: number }>(
			installed.siteId,
			'SELECT key, subject, due_at FROM journeys',
		);
		expect(journeys).toEqual([{ key: 'c0ffee42', subject: `u:${CUSTOMER}`, due_at: created + 3_600_000 }]);
		// One hour after the checkout: the first reminder, to the customer's device only, linking to the checkout.
		for (const id of await runAt(installed.siteId, created + 3_600_000))
			await waitDone(asSite(installed), id);
		const [customerSub, guestSub] = [subs[1], subs[0]];
		const log = await sinkLog(customerSub?.json.endpoint as string);
		expect(log).toHaveLength(1);
		const payload = await decryptRecorded(log[0]?.body ?? '', customerSub as NonNullable<typeof customerSub>);
		expect(payload).toMatchObject({
			title: 'You left something in your cart',
			body: 'Red scarf are still waiting for you.',
			url: checkout.abandoned_checkout_url,
		});
		expect(await sinkLog(guestSub?.json.endpoint as string)).toEqual([]);
		// The customer orders (that checkout): no second reminder, and the order counts for the first one.
		const order = {
			id: 5_570_001,
			name: '#1001',
			checkout_token: 'c0ffee42',
			created_at: new Date().toISOString(),
			total_price: '59.00',
			currency: 'EUR',
			customer: { id: CUSTOMER },
			line_items: [{ id: 1 }],
			order_status_url: `https://${shop}/orders/abc/authenticate?key=s`,
		};
		expect(await json(await deliverWebhook('orders/create', shop, order))).toMatchObject({
			purchase: 'recorded',
		});
		expect(await runAt(installed.siteId, created + 3 * 86_400_000 + 3_600_000)).toEqual([]);
		const report = await json<{ steps: Array<{ sent: number; converted: number; revenue: number }> }>(
			await siteApi(installed, `/automations/${automationId}/report`),
		);
		expect(report.steps.map((s) => [s.sent, s.converted, s.revenue])).toEqual([
			[1, 1, 59],
			[0, 0, 0],
			[0, 0, 0],
		]);
	});

	it("offers the last reminder's discount code: named in its text, its link applying the code on the way back to the checkout", async () => {
		const store = newStore();
		const shop = shopOf(store);
		const { installed, subs } = await shopWithCustomer(store);
		const { templates } = await json<{ templates: Template[] }>(
			await siteApi(installed, '/automation-templates'),
		);
		const body = templates.find((t) => t.id === 'abandoned_checkout')?.body as {
			steps: Array<Record<string, unknown>>;
		};
		// The template offers the field on its last step, empty; the owner fills it in (spaces trimmed).
		expect(body.steps.map((step) => step.discountCode)).toEqual([undefined, undefined, '']);
		body.steps[2] = { ...body.steps[2], discountCode: ' SAVE-10_oak ' };
		const created = await siteApi(installed, '/automations', {
			method: 'POST',
			body: JSON.stringify({ ...body, template: 'abandoned_checkout', enabled: true }),
		});
		expect(created.status).toBe(201);
		const view = await json<{ steps: Array<{ discountCode?: string }> }>(created);
		expect(view.steps.map((step) => step.discountCode)).toEqual([undefined, undefined, 'SAVE-10_oak']);
		const at = Date.now() - 60_000;
		const checkout = {
			id: 9_003,
			token: 'd15c0un7',
			created_at: new Date(at).toISOString(),
			completed_at: null,
			abandoned_checkout_url: `https://${shop}/55/checkouts/d15c0un7/recover?key=k2`,
			total_price: '80.00',
			currency: 'EUR',
			customer: { id: CUSTOMER },
			line_items: [{ title: 'Oak board', quantity: 1 }],
		};
		await deliverWebhook('checkouts/create', shop, checkout);
		for (const due of [3_600_000, 24 * 3_600_000, 72 * 3_600_000]) {
			for (const id of await runAt(installed.siteId, at + due)) await waitDone(asSite(installed), id);
		}
		const customerSub = subs[1] as NonNullable<(typeof subs)[1]>;
		const log = await sinkLog(customerSub.json.endpoint);
		const pushes = await Promise.all(log.map((push) => decryptRecorded(push.body, customerSub)));
		// Steps 1 and 2 have no code: the checkout's own link, no code in the text.
		expect(pushes.map((p) => [p.url, p.body])).toEqual([
			[checkout.abandoned_checkout_url, 'Oak board are still waiting for you.'],
			[checkout.abandoned_checkout_url, 'Your checkout is saved: pick up where you left off.'],
			[
				`https://${shop}/discount/SAVE-10_oak?redirect=${encodeURIComponent('/55/checkouts/d15c0un7/recover?key=k2')}`,
				'Use SAVE-10_oak at checkout. Your items may sell out.',
			],
		]);
		// The code costs no row: one journey, one notification per step.
		expect(await storeRowCounts(installed.siteId)).toMatchObject({
			journeys: 1,
			notifications: 3,
			automation_sends: 0,
		});
	});

	it('takes a guest checkout through the _beckon cart attribute, and ignores what it cannot tie to a person', async () => {
		const store = newStore();
		const shop = shopOf(store);
		const { installed, guestSubscriber } = await shopWithCustomer(store);
		await fromTemplate(installed, 'abandoned_checkout');
		const base = {
			id: 9_002,
			token: 'guest-1',
			completed_at: null,
			customer: null,
			note_attributes: [{ name: '_beckon', value: guestSubscriber }],
			line_items: [],
		};
		expect(await json(await deliverWebhook('checkouts/create', shop, base))).toMatchObject({
			checkout: 'recorded',
		});
		const before = await storeRowCounts(installed.siteId);
		const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
			[{ ...base, token: 'done-1', completed_at: new Date().toISOString() }, { ignored: 'completed' }],
			[{ ...base, token: 'anon-1', note_attributes: [] }, { ignored: 'unknown_buyer' }],
			[
				{ ...base, token: 'other-1', note_attributes: [{ name: '_beckon', value: 'sub_elsewhere' }] },
				{ ignored: 'unknown_subscriber' },
			],
		];
		for (const [body, answer] of cases) {
			expect(await json(await deliverWebhook('checkouts/update', shop, body))).toMatchObject(answer);
		}
		expect((await deliverWebhook('checkouts/create', shop, { ...base, token: 'bad token!' })).status).toBe(
			400,
		);
		expect(await storeRowCounts(installed.siteId)).toEqual(before);
		const journeys = await storeSql<{ subject: string }>(installed.siteId, 'SELECT subject FROM journeys');
		expect(journeys).toEqual([{ subject: `s:${guestSubscriber}` }]);
	});

	it("sends carrier updates of a known order to the buyer's devices, once per update, ignoring the others", async () => {
		const store = newStore();
		const shop = shopOf(store);
		const { installed, subs } = await shopWithCustomer(store);
		await fromTemplate(installed, 'shipping_updates');
		const order = {
			id: 5_580_001,
			name: '#1002',
			created_at: new Date().toISOString(),
			total_price: '10.00',
			currency: 'EUR',
			customer: { id: CUSTOMER },
			line_items: [{ id: 1 }],
			order_status_url: `https://${shop}/orders/def/authenticate?key=t`,
		};
		await deliverWebhook('orders/create', shop, order);
		const update = (id: number, status: string) => ({
			id,
			fulfillment_id: 77,
			order_id: order.id,
			status,
			message: status === 'out_for_delivery' ? 'With the courier since 08:10' : null,
			happened_at: new Date().toISOString(),
		});
		expect(
			await json(await deliverWebhook('fulfillment_events/create', shop, update(1, 'label_printed'))),
		).toMatchObject({ ignored: 'status' });
		expect(
			await json(
				await deliverWebhook('fulfillment_events/create', shop, { ...update(2, 'in_transit'), order_id: 1 }),
			),
		).toMatchObject({ ignored: 'unknown_order' });
		expect(
			await json(await deliverWebhook('fulfillment_events/create', shop, update(3, 'in_transit'))),
		).toMatchObject({ shipping: 'recorded' });
		expect(
			await json(await deliverWebhook('fulfillment_events/create', shop, update(3, 'in_transit'))),
		).toMatchObject({ shipping: 'duplicate' });
		expect(
			await json(await deliverWebhook('fulfillment_events/create', shop, update(4, 'out_for_delivery'))),
		).toMatchObject({ shipping: 'recorded' });
		expect(
			(await deliverWebhook('fulfillment_events/create', shop, { ...update(5, 'delivered'), id: 'x' }))
				.status,
		).toBe(400);
		for (const id of await runAt(installed.siteId, Date.now() + 1000)) await waitDone(asSite(installed), id);
		const customerSub = subs[1] as NonNullable<(typeof subs)[number]>;
		const pushes = await Promise.all(
			(await sinkLog(customerSub.json.endpoint)).map((p) => decryptRecorded(p.body, customerSub)),
		);
		expect(pushes.map((p) => [p.title, p.body, p.url]).sort()).toEqual([
			['Order #1002: on its way', 'Tap to follow your parcel.', order.order_status_url],
			['Order #1002: out for delivery', 'With the courier since 08:10', order.order_status_url],
		]);
		expect(await sinkLog((subs[0] as NonNullable<(typeof subs)[number]>).json.endpoint)).toEqual([]);
	});
});

describe('Shopify web pixel', { timeout: 30_000 }, () => {
	let fake: ReturnType<typeof useFakeShopify>;
	beforeEach(() => {
		fake = useFakeShopify();
	});

	/** A Shopify standard event as the Web Pixels API hands it to a subscriber. */
	const standard = (name: string, id: string, product: { id: number; title: string }) => {
		const variant = {
			id: `${product.id}01`,
			title: 'Default',
			price: { amount: 24.5, currencyCode: 'EUR' },
			image: { src: 'https://cdn.shopify.com/s/files/scarf.jpg' },
			product: {
				id: String(product.id),
				title: product.title,
				url: `/products/p-${product.id}`,
				vendor: 'Acme',
			},
		};
		return {
			id,
			name,
			timestamp: new Date().toISOString(),
			data:
				name === 'product_viewed'
					? { productVariant: variant }
					: { cartLine: { merchandise: variant, quantity: 1 } },
		};
	};

	/** Runs the pixel's render() as Shopify's sandbox would, its fetch going to the worker from a sandbox origin. */
	async function loadPixel(settings: Record<string, string>, sid: string | null) {
		const { render } = await import('../../../shopify-app/extensions/beckon-pixel/src/index.js');
		const handlers = new Map<string, (event: unknown) => Promise<void>>();
		const posted: Response[] = [];
		const realFetch = globalThis.fetch;
		globalThis.fetch = (async (url: string, init: RequestInit) => {
			const target = new URL(url);
			const response = await call(`${target.pathname}${target.search}`, {
				...init,
				headers: {
					...(init.headers as Record<string, string>),
					origin: 'https://web-pixels.shopifysandbox.test',
				},
			});
			posted.push(response);
			return response;
		}) as typeof fetch;
		render({
			analytics: {
				subscribe: (name: string, fn: (event: unknown) => Promise<void>) => handlers.set(name, fn),
			},
			browser: {
				localStorage: {
					getItem: async (key: string) => (key === `beckon:${settings.siteId}:sid` ? sid : null),
				},
			},
			settings,
			init: { context: { document: { location: { origin: 'https://shop.example' } } } },
		});
		return {
			handlers,
			posted,
			fire: async (event: { name: string }) => handlers.get(event.name)?.(event),
			restore: () => {
				globalThis.fetch = realFetch;
			},
		};
	}

	it('is connected at install with the site and API origin, and updated when it already is', async () => {
		const store = newStore();
		const { installed } = await shopWithCustomer(store);
		const settings = JSON.parse(fake.pixels.get(shopOf(store)) ?? '{}');
		expect(settings).toEqual({ siteId: installed.siteId, apiOrigin: 'https://beckon.test' });
	});

	it('posts product views and add-to-carts as the subscriber’s events, and browse abandonment reminds of the product', async () => {
		const store = newStore();
		const { installed, guestSubscriber, subs } = await shopWithCustomer(store);
		const automationId = await fromTemplate(installed, 'browse_abandonment');
		const pixel = await loadPixel(
			{ siteId: installed.siteId, apiOrigin: 'https://beckon.test' },
			guestSubscriber,
		);
		try {
			expect([...pixel.handlers.keys()].sort()).toEqual(['product_added_to_cart', 'product_viewed']);
			const scarf = { id: 8001, title: 'Red scarf' };
			const hat = { id: 8002, title: 'Blue hat' };
			await pixel.fire(standard('product_viewed', 'sh-1', scarf));
			await pixel.fire(standard('product_viewed', 'sh-1', scarf)); // replayed: once
			await pixel.fire(standard('product_viewed', 'sh-2', hat));
			await pixel.fire(standard('product_added_to_cart', 'sh-3', hat));
			expect(pixel.posted.map((r) => r.status)).toEqual([202, 202, 202, 202]);
			expect(pixel.posted[0]?.headers.get('access-control-allow-origin')).toBe(
				'https://web-pixels.shopifysandbox.test',
			);
		} finally {
			pixel.restore();
		}
		const events = await storeSql<{ name: string; n: number; recent: string }>(
			installed.siteId,
			"SELECT name, n, recent FROM event_days WHERE subject = ? AND name LIKE 'product_%' ORDER BY name",
			`s:${guestSubscriber}`,
		);
		expect(events.map((e) => [e.name, e.n])).toEqual([
			['product_added_to_cart', 1],
			['product_viewed', 2],
		]);
		expect(JSON.parse(events[1]?.recent ?? '[]')[0].p).toEqual({
			product_id: '8001',
			variant_id: '800101',
			product_title: 'Red scarf',
			product_url: 'https://shop.example/products/p-8001',
			price: 24.5,
			currency: 'EUR',
			image_url: 'https://cdn.shopify.com/s/files/scarf.jpg',
		});
		// 30 minutes on: the scarf (viewed, not added) is recalled; the hat (added to the cart) is not.
		for (const id of await runAt(installed.siteId, Date.now() + 30 * 60_000 + 1000)) {
			await waitDone(asSite(installed), id);
		}
		const guest = subs[0] as NonNullable<(typeof subs)[number]>;
		const pushes = await Promise.all(
			(await sinkLog(guest.json.endpoint)).map((p) => decryptRecorded(p.body, guest)),
		);
		expect(pushes.map((p) => [p.title, p.url])).toEqual([
			['Still thinking about Red scarf?', 'https://shop.example/products/p-8001'],
		]);
		const report = await json<{ trigger: { entered: number; exited: number } }>(
			await siteApi(installed, `/automations/${automationId}/report`),
		);
		expect(report.trigger).toMatchObject({ entered: 2, exited: 1 });
	});

	it('refuses other events, unknown subscribers and sends nothing for a browser that never subscribed', async () => {
		const store = newStore();
		const { installed, guestSubscriber } = await shopWithCustomer(store);
		const post = (sid: string, body: unknown) =>
			call(`/v1/sites/${installed.siteId}/subscribers/${sid}/pixel-events`, {
				method: 'POST',
				headers: { origin: 'https://web-pixels.shopifysandbox.test', 'content-type': 'text/plain' },
				body: JSON.stringify(body),
			});
		const before = await storeRowCounts(installed.siteId);
		const wrong = await post(guestSubscriber, { events: [{ name: 'purchase' }] });
		expect(wrong.status).toBe(400);
		expect(wrong.headers.get('access-control-allow-origin')).toBe('https://web-pixels.shopifysandbox.test');
		expect((await json<{ error: { message: string } }>(wrong)).error.message).toMatch(/^events\[0\]\.name: /);
		expect((await post('sub_nobody', { events: [{ name: 'product_viewed' }] })).status).toBe(404);
		const pixel = await loadPixel({ siteId: installed.siteId, apiOrigin: 'https://beckon.test' }, null);
		try {
			await pixel.fire(standard('product_viewed', 'sh-9', { id: 1, title: 'x' }));
			expect(pixel.posted).toEqual([]);
		} finally {
			pixel.restore();
		}
		expect(await storeRowCounts(installed.siteId)).toEqual(before);
	});
});

describe('Shopify restocks and price drops', { timeout: 30_000 }, () => {
	beforeEach(() => {
		useFakeShopify();
	});

	it('tells who pressed "Notify me" when the variant is back (once per request), and recent viewers of a price drop', async () => {
		const store = newStore();
		const shop = shopOf(store);
		const { installed, guestSubscriber, customerSubscriber, subs } = await shopWithCustomer(store);
		await fromTemplate(installed, 'back_in_stock');
		await fromTemplate(installed, 'price_drop');
		const origin = `https://${shop}`;
		const track = (sid: string, path: string, events: unknown[]) =>
			call(`/v1/sites/${installed.siteId}/subscribers/${sid}/${path}`, {
				method: 'POST',
				headers: { origin },
				body: JSON.stringify({ events }),
			});
		// The guest presses "Notify me when available" on the sold-out variant; the customer only looks at the product.
		expect(
			(
				await track(guestSubscriber, 'events', [
					{ name: 'back_in_stock_requested', properties: { product_id: '500', variant_id: '5001' } },
				])
			).status,
		).toBe(202);
		expect(
			(
				await track(customerSubscriber, 'pixel-events', [
					{ name: 'product_viewed', id: 'v-1', properties: { product_id: '500', product_title: 'Scarf' } },
				])
			).status,
		).toBe(202);
		const product = (quantity: number, price: string) => ({
			id: 500,
			title: 'Wool scarf',
			handle: 'wool-scarf',
			image: { src: 'https://cdn.shopify.com/s/files/wool.jpg' },
			variants: [
				{
					id: 5001,
					price,
					inventory_quantity: quantity,
					inventory_policy: 'deny',
				},
				{
					id: 5002,
					price: '40.00',
					inventory_quantity: 9,
					inventory_policy: 'deny',
				},
			],
		});
		const update = async (quantity: number, price: string) =>
			json<{ notified: number }>(await deliverWebhook('products/update', shop, product(quantity, price)));
		// First sight: nothing to compare with.
		expect(await update(0, '30.00')).toMatchObject({ notified: 0 });
		// Stock changes alone (still sold out) write nothing.
		const quiet = await storeRowCounts(installed.siteId);
		expect(await update(0, '30.00')).toMatchObject({ notified: 0 });
		expect(await storeRowCounts(installed.siteId)).toEqual(quiet);
		// Back, and cheaper: the guest hears of the restock, the customer (a viewer) of the price.
		expect(await update(4, '25.00')).toMatchObject({ notified: 2 });
		for (const id of await runAt(installed.siteId, Date.now() + 1000)) await waitDone(asSite(installed), id);
		const guest = subs[0] as NonNullable<(typeof subs)[number]>;
		const customer = subs[1] as NonNullable<(typeof subs)[number]>;
		const heard = async (sub: NonNullable<(typeof subs)[number]>) =>
			(await Promise.all((await sinkLog(sub.json.endpoint)).map((p) => decryptRecorded(p.body, sub)))).map(
				(p) => [p.title, p.body, p.url],
			);
		expect(await heard(guest)).toEqual([
			[
				'Wool scarf is back in stock',
				'You asked us to tell you. Get it before it is gone again.',
				`${origin}/products/wool-scarf`,
			],
		]);
		expect(await heard(customer)).toEqual([
			['Price drop: Wool scarf', 'Now 25 (was 30).', `${origin}/products/wool-scarf`],
		]);
		// Sold out and back again: the guest's request was answered, so no second push until they ask again.
		expect(await update(0, '25.00')).toMatchObject({ notified: 0 });
		expect(await update(2, '25.00')).toMatchObject({ notified: 0 });
		expect((await deliverWebhook('products/update', shop, { id: 'x', variants: [] })).status).toBe(400);
	});

	it('tells pending requests when it first sees the variant in stock, matches numeric ids, and ignores late older updates', async () => {
		const store = newStore();
		const shop = shopOf(store);
		const { installed, guestSubscriber } = await shopWithCustomer(store);
		await fromTemplate(installed, 'back_in_stock');
		const ask = await call(`/v1/sites/${installed.siteId}/subscribers/${guestSubscriber}/events`, {
			method: 'POST',
			headers: { origin: `https://${shop}` },
			// A custom storefront tracking the ids as numbers.
			body: JSON.stringify({
				events: [{ name: 'back_in_stock_requested', properties: { product_id: 600, variant_id: 6001 } }],
			}),
		});
		expect(ask.status).toBe(202);
		const body = (quantity: number, updatedAt: string, untracked = false) => ({
			id: 600,
			title: 'Linen apron',
			handle: 'linen-apron',
			updated_at: updatedAt,
			variants: [
				{
					id: 6001,
					price: '20.00',
					inventory_quantity: quantity,
					inventory_policy: 'deny',
					...(untracked ? { inventory_management: null } : {}),
				},
			],
		});
		const t = Date.now();
		// The app learns of the variant only once it is back (installed while it was sold out): the request is answered.
		expect(
			await json(await deliverWebhook('products/update', shop, body(3, new Date(t).toISOString()))),
		).toMatchObject({ notified: 1 });
		// A late update from before (sold out) changes nothing; nor does a later one with untracked stock.
		expect(
			await json(await deliverWebhook('products/update', shop, body(0, new Date(t - 60_000).toISOString()))),
		).toMatchObject({ notified: 0 });
		const [row] = await storeSql<{ available: number }>(
			installed.siteId,
			'SELECT available FROM shop_variants',
		);
		expect(row?.available).toBe(1);
		expect(
			await json(
				await deliverWebhook('products/update', shop, body(0, new Date(t + 60_000).toISOString(), true)),
			),
		).toMatchObject({ notified: 0 });
		const [after] = await storeSql<{ available: number }>(
			installed.siteId,
			'SELECT available FROM shop_variants',
		);
		expect(after?.available).toBe(1);
	});
});
