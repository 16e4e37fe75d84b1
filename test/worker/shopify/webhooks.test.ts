import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { signConsoleToken } from '../../../worker/src/lib/console-token';
import type { DispatchInput } from '../../../worker/src/objects/dispatcher';
import { sendBatch } from '../../../worker/src/queue/consumer';
import {
	call,
	createSite,
	EMPTY_STORE,
	json,
	makeSubscription,
	sinkLog,
	storeOf,
	storeRowCounts,
	storeSql,
} from '../helpers';
import type { FakeShopify } from './fake-shopify';
import {
	CUSTOMER,
	deliverWebhook,
	install,
	newStore,
	proxied,
	sendAs,
	shopOf,
	shopWithCustomer,
	siteApi,
	statsOf,
	useFakeShopify,
} from './helpers';

const count = async (sql: string, ...values: unknown[]) =>
	(await env.DB.prepare(sql)
		.bind(...values)
		.first<number>('n')) ?? 0;

describe('shopify webhooks', () => {
	let fake: FakeShopify;
	beforeEach(() => {
		fake = useFakeShopify();
	});

	it('refuses a forged or missing HMAC with 401 and changes nothing', async () => {
		const store = newStore();
		const { installed } = await shopWithCustomer(store);
		const payload = { shop_id: 1, shop_domain: shopOf(store) };
		const forged = await deliverWebhook('shop/redact', shopOf(store), payload, { secret: 'attacker' });
		expect(forged.status).toBe(401);
		const missing = await deliverWebhook('shop/redact', shopOf(store), payload, { hmac: null });
		expect(missing.status).toBe(401);
		expect(await count('SELECT COUNT(*) AS n FROM sites WHERE id = ?', installed.siteId)).toBe(1);
	});

	it('refuses a signed body whose shop differs from the (unsigned) shop header', async () => {
		const store = newStore();
		const victim = newStore();
		await shopWithCustomer(victim);
		const response = await deliverWebhook('shop/redact', shopOf(victim), {
			shop_id: 1,
			shop_domain: shopOf(store),
		});
		expect(response.status).toBe(400);
		expect(await count('SELECT COUNT(*) AS n FROM shopify_shops WHERE shop = ?', shopOf(victim))).toBe(1);
	});

	it('app/uninstalled stops sending, keeps the data, and is safe to receive twice', async () => {
		const store = newStore();
		// The console, open before the uninstall, keeps its console token.
		const { installed } = await shopWithCustomer(store);
		await sendAs(installed, { title: 'Before', body: 'uninstall', audience: { all: true } });
		const payload = { id: 1, name: 'Shop', domain: shopOf(store), myshopify_domain: shopOf(store) };
		const webhookId = crypto.randomUUID();
		for (const attempt of [1, 2]) {
			const response = await deliverWebhook('app/uninstalled', shopOf(store), payload, { webhookId });
			expect(response.status).toBe(200);
			expect((await json<{ duplicate?: boolean }>(response)).duplicate).toBe(
				attempt === 2 ? true : undefined,
			);
		}
		// A redelivery under a new webhook id is harmless too.
		expect((await deliverWebhook('app/uninstalled', shopOf(store), payload)).status).toBe(200);

		const siteId = installed.siteId;
		expect(
			await count('SELECT COUNT(*) AS n FROM sites WHERE id = ? AND disabled_at IS NOT NULL', siteId),
		).toBe(1);
		expect((await storeRowCounts(siteId)).subscribers).toBe(2);
		expect(await count('SELECT COUNT(*) AS n FROM shopify_sessions WHERE shop = ?', shopOf(store))).toBe(0);
		// The site API refuses new sends, a batch already queued sends nothing, the proxy no longer serves the shop.
		const refused = await siteApi(installed, '/notifications', {
			method: 'POST',
			body: JSON.stringify({ title: 'After', body: 'uninstall', audience: { all: true } }),
		});
		expect(refused.status).toBe(409);
		expect((await json<{ error: { code: string } }>(refused)).error.code).toBe('site_disabled');
		const sub = await makeSubscription();
		const report = await sendBatch(
			env,
			{
				notificationId: 'ntf_test',
				siteId,
				message: { title: 'x', body: 'y' },
				audience: { all: true },
				delivery: { ttl: 60, urgency: 'normal' },
				homeUrl: 'https://x.test/',
				iconUrl: null,
				createdAt: Date.now(),
			} satisfies DispatchInput,
			1,
			[
				{
					id: 'sub_x',
					endpoint: sub.json.endpoint,
					p256dh: sub.json.keys.p256dh,
					auth: sub.json.keys.auth,
					url: 'https://x.test/',
				},
			],
			(task) => task(),
		);
		expect(report).toMatchObject({ sent: 0, failures: { site_disabled: 1 } });
		expect(await sinkLog(sub.json.endpoint)).toEqual([]);
		expect((await proxied(store, '/sw.js')).status).toBe(404);

		// Reinstalling (the next admin visit's console token) lets it send again and rewrites the embed's metafields.
		fake.metafields.delete(shopOf(store));
		const again = await install(store);
		expect(again.siteId).toBe(siteId);
		expect(await count('SELECT COUNT(*) AS n FROM sites WHERE id = ? AND disabled_at IS NULL', siteId)).toBe(
			1,
		);
		expect(fake.metafields.get(shopOf(store))?.['beckon.site_id']).toBe(siteId);
		await sendAs(again, { title: 'After', body: 'reinstall', audience: { all: true } });
	});

	it('app/uninstalled triggered before the latest install is acknowledged and changes nothing', async () => {
		const store = newStore();
		const shop = shopOf(store);
		const record = await install(store);
		const payload = { id: 1, domain: shop, myshopify_domain: shop };
		await deliverWebhook('app/uninstalled', shop, payload);
		const reinstalledAt = Date.now();
		await install(store);
		const enabled = 'SELECT COUNT(*) AS n FROM sites WHERE id = ? AND disabled_at IS NULL';
		expect(await count(enabled, record.siteId)).toBe(1);

		// The first uninstall's late delivery (or a replay of it) arrives after the quick reinstall.
		const late = await deliverWebhook('app/uninstalled', shop, payload, {
			triggeredAt: new Date(reinstalledAt - 1000).toISOString(),
		});
		expect(late.status).toBe(200);
		expect(await json(late)).toEqual({ ok: true, ignored: 'stale' });
		expect(await count(enabled, record.siteId)).toBe(1);
		expect(await count('SELECT COUNT(*) AS n FROM shopify_sessions WHERE shop = ?', shop)).toBe(1);
		expect(
			await count('SELECT COUNT(*) AS n FROM shopify_shops WHERE shop = ? AND uninstalled_at IS NULL', shop),
		).toBe(1);
		expect((await proxied(store, '/sw.js')).status).toBe(200);

		// A malformed time is refused; without the header the webhook counts as happening now.
		const garbled = await deliverWebhook('app/uninstalled', shop, payload, { triggeredAt: 'yesterday' });
		expect(garbled.status).toBe(400);
		expect(await count(enabled, record.siteId)).toBe(1);
		const undated = await deliverWebhook('app/uninstalled', shop, payload, { triggeredAt: null });
		expect(await json(undated)).toEqual({ ok: true, uninstalled: true });
		expect(await count(enabled, record.siteId)).toBe(0);
	});

	it('customers/data_request exports the customer’s subscribers once per request', async () => {
		const store = newStore();
		const { customerSubscriber, installed } = await shopWithCustomer(store);
		const siteId = installed.siteId;
		const payload = {
			shop_id: 1,
			shop_domain: shopOf(store),
			orders_requested: [],
			customer: { id: CUSTOMER, email: 'a@example.com', phone: null },
			data_request: { id: 9001 },
		};
		for (let i = 0; i < 2; i++) {
			const response = await deliverWebhook('customers/data_request', shopOf(store), payload);
			expect(response.status).toBe(200);
			expect((await json<{ exported: number }>(response)).exported).toBe(1);
		}
		const list = await json<{
			dataRequests: Array<{
				id: string;
				customerId: string;
				export: { subscribers: Array<{ subscriberId: string }> };
			}>;
		}>(await siteApi(installed, '/data-requests'));
		expect(list.dataRequests).toHaveLength(1);
		expect(list.dataRequests[0]?.id).toBe('9001');
		expect(list.dataRequests[0]?.export.subscribers.map((s) => s.subscriberId)).toEqual([customerSubscriber]);
		// They hold personal data: admins only. Sites of other platforms have none.
		const staff = { id: 'v', name: null, email: null };
		const viewer = await signConsoleToken(env.MASTER_KEY ?? null, { siteId, staff, role: 'viewer' }, 60);
		expect((await call(`/v1/sites/${siteId}/data-requests`, { key: viewer.token })).status).toBe(403);
		const custom = await createSite();
		const none = await call(`/v1/sites/${custom.siteId}/data-requests`, { key: custom.apiKey });
		expect(await json(none)).toEqual({ dataRequests: [] });
	});

	it('customers/redact deletes that customer’s subscribers and nobody else’s', async () => {
		const store = newStore();
		const { installed, customerSubscriber } = await shopWithCustomer(store);
		const notificationId = await sendAs(installed, {
			title: 'Yours',
			body: 'only',
			audience: { userIds: [String(CUSTOMER), '42'] },
		});
		const payload = {
			shop_id: 1,
			shop_domain: shopOf(store),
			customer: { id: CUSTOMER, email: 'a@example.com', phone: null },
			orders_to_redact: [],
		};
		const first = await deliverWebhook('customers/redact', shopOf(store), payload);
		expect(first.status).toBe(200);
		expect((await json<{ redacted: number }>(first)).redacted).toBe(1);
		const replay = await deliverWebhook('customers/redact', shopOf(store), payload);
		expect((await json<{ redacted: number }>(replay)).redacted).toBe(0);
		const siteId = installed.siteId;
		expect(await storeSql(siteId, 'SELECT id FROM subscribers WHERE id = ?', customerSubscriber)).toEqual([]);
		expect((await storeRowCounts(siteId)).subscribers).toBe(1);
		expect((await statsOf(installed)).active).toBe(1);
		const [row] = await storeSql<{ audience: string }>(
			siteId,
			'SELECT audience FROM notifications WHERE id = ?',
			notificationId,
		);
		expect(JSON.parse(row?.audience ?? '{}')).toEqual({ userIds: ['42'] });
	});

	it('refuses a data-request body delivered under the redact topic', async () => {
		const store = newStore();
		await shopWithCustomer(store);
		const body = {
			shop_id: 1,
			shop_domain: shopOf(store),
			orders_requested: [],
			customer: { id: CUSTOMER },
			data_request: { id: 1 },
		};
		expect((await deliverWebhook('customers/redact', shopOf(store), body)).status).toBe(400);
	});

	it("orders/create records the customer's purchase once (by order id), and ignores guest orders", async () => {
		const store = newStore();
		const shop = shopOf(store);
		const { installed } = await shopWithCustomer(store);
		const order = {
			id: 5_550_001,
			created_at: new Date(Date.now() - 60_000).toISOString(),
			total_price: '49.90',
			currency: 'EUR',
			customer: { id: CUSTOMER },
			line_items: [{ id: 1 }, { id: 2 }],
		};
		const first = await deliverWebhook('orders/create', shop, order);
		expect(await json(first)).toMatchObject({ ok: true, purchase: 'recorded' });
		// Shopify may deliver an order again under a new webhook id: the event id keeps it once.
		const again = await deliverWebhook('orders/create', shop, order);
		expect(await json(again)).toMatchObject({ ok: true, purchase: 'duplicate' });
		const guest = await deliverWebhook('orders/create', shop, { ...order, id: 5_550_002, customer: null });
		expect(await json(guest)).toMatchObject({ ok: true, ignored: 'guest_order' });
		const bad = await deliverWebhook('orders/create', shop, { ...order, id: 'x' });
		expect(bad.status).toBe(400);

		const user = await json<{
			events: Array<{ name: string; properties?: Record<string, unknown>; time: string }>;
		}>(await siteApi(installed, `/users/${CUSTOMER}`));
		const purchases = user.events.filter((e) => e.name === 'purchase');
		expect(purchases).toHaveLength(1);
		expect(purchases[0]?.properties).toEqual({ orderId: '5550001', total: 49.9, currency: 'EUR', items: 2 });
		expect(purchases[0]?.time).toBe(order.created_at);
	});

	it('orders/create alerts the shop staff of every order (guests too), once, with a link to the order in Shopify admin', async () => {
		const store = newStore();
		const shop = shopOf(store);
		const { installed } = await shopWithCustomer(store);
		// The merchant opened the app: they are a staff member of the shop's site.
		expect((await siteApi(installed, '/staff/me')).status).toBe(200);
		const order = {
			id: 5_570_001,
			name: '#1042',
			created_at: new Date(Date.now() - 60_000).toISOString(),
			total_price: '129.5',
			currency: 'EUR',
			customer: null,
			email: 'buyer@example.com',
			line_items: [{ id: 1 }, { id: 2 }, { id: 3 }],
		};
		expect(await json(await deliverWebhook('orders/create', shop, order))).toMatchObject({
			ok: true,
			ignored: 'guest_order',
			staff: 1,
		});
		expect(await json(await deliverWebhook('orders/create', shop, order))).toMatchObject({ staff: 0 });
		const list = await json<{ notifications: Array<Record<string, unknown>> }>(
			await siteApi(installed, '/staff/me/notifications'),
		);
		expect(list.notifications).toEqual([
			expect.objectContaining({
				kind: 'order.created',
				title: 'New order #1042 · 129.50 EUR',
				body: '3 items',
				url: `https://admin.shopify.com/store/${store}/orders/5570001`,
			}),
		]);
		expect(JSON.stringify(list)).not.toContain('buyer@example.com');
	});

	it("links a guest's order to the browser named by the _beckon cart attribute, once, and to no one else", async () => {
		const store = newStore();
		const shop = shopOf(store);
		const { installed, guestSubscriber } = await shopWithCustomer(store);
		const order = {
			id: 5_560_001,
			created_at: new Date(Date.now() - 60_000).toISOString(),
			total_price: '19.00',
			currency: 'EUR',
			customer: null,
			note_attributes: [
				{ name: 'gift', value: 'no' },
				{ name: '_beckon', value: guestSubscriber },
			],
			line_items: [{ id: 1 }],
		};
		const purchases = () =>
			runInDurableObject(storeOf(installed.siteId), (_i, state) =>
				state.storage.sql
					.exec<{ subject: string; n: number }>("SELECT subject, n FROM event_days WHERE name = 'purchase'")
					.toArray(),
			);
		expect(await json(await deliverWebhook('orders/create', shop, order))).toMatchObject({
			ok: true,
			purchase: 'recorded',
		});
		expect(await json(await deliverWebhook('orders/create', shop, order))).toMatchObject({
			purchase: 'duplicate',
		});
		// A subscriber of another shop, or a malformed value, links nothing and writes nothing.
		for (const value of ['sub_not_in_this_shop', 'x y', '']) {
			const other = { ...order, id: 5_560_002, note_attributes: [{ name: '_beckon', value }] };
			const result = await json(await deliverWebhook('orders/create', shop, other));
			expect(result).toMatchObject({
				ok: true,
				ignored: value === 'sub_not_in_this_shop' ? 'unknown_subscriber' : 'guest_order',
			});
		}
		expect(await purchases()).toEqual([{ subject: `s:${guestSubscriber}`, n: 1 }]);
	});

	it('shop/redact deletes the site and everything of the shop', async () => {
		const store = newStore();
		const { installed } = await shopWithCustomer(store);
		await sendAs(installed, { title: 'Hi', body: 'there', audience: { all: true } });
		await deliverWebhook('app/uninstalled', shopOf(store), { myshopify_domain: shopOf(store) });
		const siteId = installed.siteId;
		const held = await storeRowCounts(siteId);
		expect(held).toMatchObject({ subscribers: 2, notifications: 1 });
		expect(held.counts).toBeGreaterThan(0);
		const payload = { shop_id: 1, shop_domain: shopOf(store) };
		for (let i = 0; i < 2; i++) {
			expect((await deliverWebhook('shop/redact', shopOf(store), payload)).status).toBe(200);
		}
		expect(await count('SELECT COUNT(*) AS n FROM sites WHERE id = ?', siteId)).toBe(0);
		expect(await count('SELECT COUNT(*) AS n FROM api_keys WHERE site_id = ?', siteId)).toBe(0);
		// The site's store is empty and has no alarm left to wake it.
		expect(await storeRowCounts(siteId)).toEqual(EMPTY_STORE);
		expect(await runInDurableObject(storeOf(siteId), (_i, state) => state.storage.getAlarm())).toBeNull();
		for (const table of ['shopify_shops', 'shopify_sessions', 'shopify_data_requests']) {
			expect(await count(`SELECT COUNT(*) AS n FROM ${table} WHERE shop = ?`, shopOf(store))).toBe(0);
		}
	});
});
