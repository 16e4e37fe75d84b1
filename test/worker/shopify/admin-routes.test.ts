import { beforeEach, describe, expect, it } from 'vitest';
import { call, json, makeSubscription } from '../helpers';
import { admin, install, newStore, shopOf, useFakeShopify } from './helpers';

interface Progress {
	status: string;
	counts: { targeted: number; sent: number };
}

describe('shopify embedded admin API', () => {
	beforeEach(() => {
		useFakeShopify();
	});

	it('exchanges a session token for a console token of the shop site; the shop keeps no API key', async () => {
		const store = newStore();
		const { shop } = await install(store);
		const exchanged = await admin(store, '/shopify/api/console-token', { method: 'POST' });
		expect(exchanged.status).toBe(201);
		const token = await json<{ token: string; siteId: string; role: string; staff: { id: string } }>(
			exchanged,
		);
		expect(token).toMatchObject({
			siteId: shop.siteId,
			role: 'admin',
			staff: { id: expect.stringMatching(/^shopify:/) },
		});
		expect((await call(`/v1/sites/${shop.siteId}/stats`, { key: token.token })).status).toBe(200);
		const other = await install(newStore());
		expect((await call(`/v1/sites/${other.shop.siteId}/stats`, { key: token.token })).status).toBe(403);
		// Installing made the site through the service layer: no API key exists, none is sealed in the shop row.
		const { DB } = (await import('cloudflare:workers')).env as { DB: D1Database };
		expect(
			await DB.prepare('SELECT COUNT(*) AS n FROM api_keys WHERE site_id = ?').bind(shop.siteId).first('n'),
		).toBe(0);
		expect(
			await DB.prepare('SELECT api_key FROM shopify_shops WHERE shop = ?')
				.bind(shopOf(store))
				.first('api_key'),
		).toBe('');
		const refused = await call('/shopify/api/console-token', {
			method: 'POST',
			headers: { authorization: 'Bearer not-a-session-token' },
		});
		expect(refused.status).toBe(401);
		expect(refused.headers.get('x-shopify-retry-invalid-session-request')).toBe('1');
	});

	it('counts a storefront subscriber, sends to it and reports progress until done', async () => {
		const store = newStore();
		const { shop } = await install(store);
		const origin = `https://${shopOf(store)}`;
		const sub = await makeSubscription();
		const subscribed = await call(`/v1/sites/${shop.siteId}/subscribers`, {
			method: 'POST',
			headers: {
				origin,
				'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0',
			},
			body: JSON.stringify({ subscription: sub.json, permission: 'granted', url: `${origin}/` }),
		});
		expect(subscribed.status).toBe(201);

		const overview = await json<{ stats: { active: number; byBrowser: Record<string, number> } }>(
			await admin(store, '/shopify/api/overview'),
		);
		expect(overview.stats.active).toBe(1);
		expect(overview.stats.byBrowser).toEqual({ firefox: 1 });

		const sent = await admin(store, '/shopify/api/notifications', {
			method: 'POST',
			headers: { 'idempotency-key': 'composer-1' },
			body: JSON.stringify({
				title: 'Oak is back',
				body: 'The chopping board is in stock',
				url: `${origin}/products/oak-chopping-board`,
				image: 'https://cdn.shopify.test/oak-chopping-board.jpg',
				audience: { all: true },
			}),
		});
		expect(sent.status).toBe(202);
		const { notificationId } = await json<{ notificationId: string }>(sent);
		const again = await admin(store, '/shopify/api/notifications', {
			method: 'POST',
			headers: { 'idempotency-key': 'composer-1' },
			body: JSON.stringify({ title: 'Oak is back', body: 'x', audience: { all: true } }),
		});
		expect((await json<{ notificationId: string; duplicate: boolean }>(again)).duplicate).toBe(true);

		let progress: Progress = { status: 'queued', counts: { targeted: 0, sent: 0 } };
		for (let i = 0; i < 100 && progress.status !== 'done'; i++) {
			progress = await json<Progress>(await admin(store, `/shopify/api/notifications/${notificationId}`));
			if (progress.status !== 'done') await new Promise((r) => setTimeout(r, 100));
		}
		expect(progress).toMatchObject({ status: 'done', counts: { targeted: 1, sent: 1 } });
		const list = await json<{ notifications: Array<{ notificationId: string }> }>(
			await admin(store, '/shopify/api/overview'),
		);
		expect(list.notifications[0]?.notificationId).toBe(notificationId);
	});

	it('refuses a bad notification with the site API’s 400', async () => {
		const store = newStore();
		await install(store);
		const response = await admin(store, '/shopify/api/notifications', {
			method: 'POST',
			body: JSON.stringify({ body: 'no title', audience: { all: true } }),
		});
		expect(response.status).toBe(400);
		expect((await json<{ error: { message: string } }>(response)).error.message).toMatch(/^title/);
	});

	it('saves prompt settings that the widget then reads from the public config', async () => {
		const store = newStore();
		const { shop } = await install(store);
		const prompt = {
			variant: 'categories',
			texts: { title: 'Hear about restocks', subscribe: 'Yes please' },
			categories: [
				{ id: 'restock', label: 'Restocks' },
				{ id: 'sale', label: 'Sales' },
			],
			trigger: { type: 'pageviews', value: 2 },
			laterDays: 3,
		};
		const saved = await admin(store, '/shopify/api/settings', {
			method: 'PATCH',
			body: JSON.stringify({ prompt }),
		});
		expect(saved.status).toBe(200);
		const config = await json<{ prompt: typeof prompt & { texts: Record<string, string> } }>(
			await call(`/v1/sites/${shop.siteId}/config`, { headers: { origin: `https://${shopOf(store)}` } }),
		);
		expect(config.prompt.variant).toBe('categories');
		expect(config.prompt.texts.title).toBe('Hear about restocks');
		expect(config.prompt.trigger).toEqual({ type: 'pageviews', value: 2 });
		expect(config.prompt.categories.map((c) => c.id)).toEqual(['restock', 'sale']);

		const bad = await admin(store, '/shopify/api/settings', {
			method: 'PATCH',
			body: JSON.stringify({ prompt: { trigger: { type: 'never' } } }),
		});
		expect(bad.status).toBe(400);
	});

	it('never lets one shop’s token reach another shop’s site', async () => {
		const a = newStore();
		const b = newStore();
		const siteA = (await install(a)).shop.siteId;
		const siteB = (await install(b)).shop.siteId;
		expect(siteA).not.toBe(siteB);
		const asB = await json<{ shop: { siteId: string } }>(await admin(b, '/shopify/api/overview'));
		expect(asB.shop.siteId).toBe(siteB);
	});
});
