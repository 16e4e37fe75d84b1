import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { call, json, makeSubscription } from '../helpers';
import type { FakeShopify } from './fake-shopify';
import {
	consoleTokenResponse,
	install,
	newStore,
	sessionToken,
	shopOf,
	siteApi,
	statsOf,
	useFakeShopify,
} from './helpers';

interface Progress {
	status: string;
	counts: { targeted: number; sent: number };
}

// The embedded admin page is the one console: it trades its session token for a console token
// (POST /shopify/api/console-token) and then uses the public admin API, /v1/sites/:siteId/..., like every host.

describe('shopify embedded admin (console token, then the public admin API)', () => {
	let fake: FakeShopify;
	beforeEach(() => {
		fake = useFakeShopify();
	});

	it('exchanges a session token for a console token of the shop site; the shop keeps no API key', async () => {
		const store = newStore();
		const exchanged = await consoleTokenResponse(store);
		expect(exchanged.status).toBe(201);
		const token = await json<{
			token: string;
			expiresAt: string;
			siteId: string;
			role: string;
			staff: { id: string };
		}>(exchanged);
		expect(token).toMatchObject({
			siteId: expect.stringMatching(/^site_/),
			role: 'admin',
			staff: { id: expect.stringMatching(/^shopify:/) },
		});
		expect(Date.parse(token.expiresAt)).toBeGreaterThan(Date.now());
		// The staff member is the Shopify user the session token names.
		const named = await call('/shopify/api/console-token', {
			method: 'POST',
			headers: { authorization: `Bearer ${await sessionToken(store, { sub: '4242' })}` },
		});
		expect((await json<{ staff: { id: string }; siteId: string }>(named)).staff.id).toBe('shopify:4242');
		expect(fake.count('exchange')).toBe(1);

		expect((await call(`/v1/sites/${token.siteId}/stats`, { key: token.token })).status).toBe(200);
		const other = await install(newStore());
		expect((await call(`/v1/sites/${other.siteId}/stats`, { key: token.token })).status).toBe(403);
		// Installing made the site through the service layer: no API key exists, none is sealed in the shop row.
		expect(
			await env.DB.prepare('SELECT COUNT(*) AS n FROM api_keys WHERE site_id = ?')
				.bind(token.siteId)
				.first('n'),
		).toBe(0);
		expect(
			await env.DB.prepare('SELECT api_key FROM shopify_shops WHERE shop = ?')
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
		const installed = await install(store);
		const origin = `https://${shopOf(store)}`;
		const sub = await makeSubscription();
		const subscribed = await call(`/v1/sites/${installed.siteId}/subscribers`, {
			method: 'POST',
			headers: {
				origin,
				'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0',
			},
			body: JSON.stringify({ subscription: sub.json, permission: 'granted', url: `${origin}/` }),
		});
		expect(subscribed.status).toBe(201);

		const stats = await statsOf(installed);
		expect(stats.active).toBe(1);
		expect(stats.byBrowser).toEqual({ firefox: 1 });

		const sent = await siteApi(installed, '/notifications', {
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
		const again = await siteApi(installed, '/notifications', {
			method: 'POST',
			headers: { 'idempotency-key': 'composer-1' },
			body: JSON.stringify({ title: 'Oak is back', body: 'x', audience: { all: true } }),
		});
		expect(again.status).toBe(200);
		expect(await json<{ notificationId: string; duplicate: boolean }>(again)).toMatchObject({
			notificationId,
			duplicate: true,
		});

		let progress: Progress = { status: 'queued', counts: { targeted: 0, sent: 0 } };
		for (let i = 0; i < 100 && progress.status !== 'done'; i++) {
			progress = await json<Progress>(await siteApi(installed, `/notifications/${notificationId}`));
			if (progress.status !== 'done') await new Promise((r) => setTimeout(r, 100));
		}
		expect(progress).toMatchObject({ status: 'done', counts: { targeted: 1, sent: 1 } });
		const list = await json<{ notifications: Array<{ notificationId: string }> }>(
			await siteApi(installed, '/notifications'),
		);
		expect(list.notifications[0]?.notificationId).toBe(notificationId);
	});

	it('refuses a bad notification with the site API’s 400', async () => {
		const installed = await install(newStore());
		const response = await siteApi(installed, '/notifications', {
			method: 'POST',
			body: JSON.stringify({ body: 'no title', audience: { all: true } }),
		});
		expect(response.status).toBe(400);
		expect((await json<{ error: { message: string } }>(response)).error.message).toMatch(/^title/);
	});

	it('saves prompt settings that the widget then reads from the public config', async () => {
		const store = newStore();
		const installed = await install(store);
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
		const saved = await siteApi(installed, '/settings', {
			method: 'PATCH',
			body: JSON.stringify({ prompt }),
		});
		expect(saved.status).toBe(200);
		const config = await json<{ prompt: typeof prompt & { texts: Record<string, string> } }>(
			await call(`/v1/sites/${installed.siteId}/config`, { headers: { origin: `https://${shopOf(store)}` } }),
		);
		expect(config.prompt.variant).toBe('categories');
		expect(config.prompt.texts.title).toBe('Hear about restocks');
		expect(config.prompt.trigger).toEqual({ type: 'pageviews', value: 2 });
		expect(config.prompt.categories.map((c) => c.id)).toEqual(['restock', 'sale']);

		const bad = await siteApi(installed, '/settings', {
			method: 'PATCH',
			body: JSON.stringify({ prompt: { trigger: { type: 'never' } } }),
		});
		expect(bad.status).toBe(400);
	});

	it('never lets one shop’s token reach another shop’s site', async () => {
		const a = await install(newStore());
		const b = newStore();
		const asB = await install(b);
		expect(asB.siteId).not.toBe(a.siteId);
		expect((await install(b)).siteId).toBe(asB.siteId);
		for (const path of ['/stats', '/notifications', '/subscribers', '/data-requests', '']) {
			const crossed = await call(`/v1/sites/${a.siteId}${path}`, { key: asB.token });
			expect(crossed.status, path).toBe(403);
		}
		const send = await call(`/v1/sites/${a.siteId}/notifications`, {
			method: 'POST',
			key: asB.token,
			body: JSON.stringify({ title: 'Not yours', audience: { all: true } }),
		});
		expect(send.status).toBe(403);
	});

	it('answers the removed JSON routes with 404 and the JSON error envelope', async () => {
		const store = newStore();
		await install(store);
		const removed: Array<[string, string, string?]> = [
			['GET', '/shopify/api/overview'],
			['POST', '/shopify/api/notifications', JSON.stringify({ title: 'x', audience: { all: true } })],
			['GET', '/shopify/api/notifications/ntf_x'],
			['PATCH', '/shopify/api/settings', JSON.stringify({ prompt: {} })],
			['GET', '/shopify/api/links?q=oak'],
			['GET', '/shopify/api/data-requests'],
			['GET', '/shopify/api/console-token'],
		];
		for (const [method, path, body] of removed) {
			const response = await call(path, {
				method,
				headers: { authorization: `Bearer ${await sessionToken(store)}` },
				body,
			});
			expect(response.status, `${method} ${path}`).toBe(404);
			expect(response.headers.get('content-type')).toMatch(/^application\/json/);
			const error = (await json<{ error: { code: string; message: string } }>(response)).error;
			expect(error.code).toBe('not_found');
			expect(error.message).toContain(new URL(path, 'https://x.test').pathname);
		}
		// Nothing reached the Admin API beyond the install.
		expect(fake.count('graphql', 'BeckonLinks')).toBe(0);
	});
});
