import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { originsAfterMove } from '../../../worker/src/shopify/primary-domain';
import { call, json } from '../helpers';
import type { FakeShopify } from './fake-shopify';
import { deliverWebhook, install, newStore, shopOf, shopRow, useFakeShopify } from './helpers';

/** The site's origins and home URL as stored. */
async function siteOf(siteId: string): Promise<{ origins: string[]; homeUrl: string }> {
	const row = await env.DB.prepare('SELECT origins, home_url FROM sites WHERE id = ?')
		.bind(siteId)
		.first<{ origins: string; home_url: string }>();
	if (!row) throw new Error('no site row');
	return { origins: JSON.parse(row.origins) as string[], homeUrl: row.home_url };
}

/** A shop/update body as Shopify sends it (the shop resource). */
function shopUpdate(store: string, domain: string, updatedAt = new Date()): Record<string, unknown> {
	return {
		id: 1,
		name: 'Shop',
		domain,
		myshopify_domain: shopOf(store),
		updated_at: updatedAt.toISOString(),
	};
}

/** The public config status for a browser on `origin` (403 when the origin is not the site's). */
async function configStatus(siteId: string, origin: string): Promise<number> {
	return (await call(`/v1/sites/${siteId}/config`, { headers: { origin } })).status;
}

describe('originsAfterMove', () => {
	it('puts the myshopify and new primary origins first and drops only the former primary', () => {
		expect(
			originsAfterMove(
				['https://a.myshopify.com', 'https://old.example', 'https://blog.example'],
				'a.myshopify.com',
				'https://old.example',
				'https://new.example',
			),
		).toEqual(['https://a.myshopify.com', 'https://new.example', 'https://blog.example']);
		expect(
			originsAfterMove(
				['https://a.myshopify.com'],
				'a.myshopify.com',
				'https://a.myshopify.com',
				'https://a.myshopify.com',
			),
		).toEqual(['https://a.myshopify.com']);
	});
});

describe('shop/update', () => {
	let fake: FakeShopify;
	beforeEach(() => {
		fake = useFakeShopify();
	});

	it('moves the site origins, home URL and store links to the new primary domain, twice harmlessly', async () => {
		const store = newStore();
		const shop = shopOf(store);
		const [former, primary] = [`https://old-${store}.example`, `https://new-${store}.example`];
		fake.primaryUrls.set(shop, former);
		const { siteId } = await install(store);
		// An origin that is not a primary domain of the shop (added by an operator) stays.
		await env.DB.prepare("UPDATE sites SET origins = json_insert(origins, '$[#]', ?) WHERE id = ?")
			.bind('https://blog.example', siteId)
			.run();
		expect(await configStatus(siteId, former)).toBe(200);

		const payload = shopUpdate(store, `new-${store}.example`);
		for (const changed of [true, false]) {
			const response = await deliverWebhook('shop/update', shop, payload);
			expect(response.status).toBe(200);
			expect(await json(response)).toEqual({ ok: true, primaryUrl: primary, changed });
		}
		expect(await siteOf(siteId)).toEqual({
			origins: [`https://${shop}`, primary, 'https://blog.example'],
			homeUrl: `${primary}/`,
		});
		expect(await configStatus(siteId, former)).toBe(403);
		expect(await configStatus(siteId, primary)).toBe(200);
		await install(store);
		expect((await shopRow(store))?.primaryUrl).toBe(primary);
	});

	it('ignores an update older than the latest install or the last applied one', async () => {
		const store = newStore();
		const shop = shopOf(store);
		const { siteId } = await install(store);
		const before = await siteOf(siteId);

		const older = shopUpdate(store, `old-${store}.example`, new Date(Date.now() - 3600_000));
		expect(await json(await deliverWebhook('shop/update', shop, older))).toEqual({
			ok: true,
			ignored: 'stale',
		});
		expect(await siteOf(siteId)).toEqual(before);

		const current = shopUpdate(store, `new-${store}.example`, new Date(Date.now() + 1000));
		expect((await deliverWebhook('shop/update', shop, current)).status).toBe(200);
		// A replayed body of an earlier change cannot bring back a former domain.
		const replay = shopUpdate(store, `old-${store}.example`, new Date(Date.now() + 500));
		expect(await json(await deliverWebhook('shop/update', shop, replay))).toEqual({
			ok: true,
			ignored: 'stale',
		});
		expect((await siteOf(siteId)).origins).toEqual([`https://${shop}`, `https://new-${store}.example`]);
	});

	it('refuses a malformed body with 400 naming the field, and changes nothing', async () => {
		const store = newStore();
		const shop = shopOf(store);
		const { siteId } = await install(store);
		const before = await siteOf(siteId);
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ ...shopUpdate(store, 'x.example'), domain: undefined }, 'domain'],
			[shopUpdate(store, 'https://x.example/shop'), 'domain'],
			[shopUpdate(store, 'evil.example:8443'), 'domain'],
			[{ ...shopUpdate(store, 'x.example'), updated_at: 'yesterday' }, 'updated_at'],
		];
		for (const [body, field] of cases) {
			const response = await deliverWebhook('shop/update', shop, body);
			expect(response.status).toBe(400);
			expect((await json<{ error: { message: string } }>(response)).error.message).toContain(field);
		}
		expect(await siteOf(siteId)).toEqual(before);
	});

	it('lets a reinstall pick up a primary domain changed while the app was uninstalled', async () => {
		const store = newStore();
		const shop = shopOf(store);
		const { siteId } = await install(store);
		await deliverWebhook('app/uninstalled', shop, { id: 1, domain: shop, myshopify_domain: shop });
		fake.primaryUrls.set(shop, `https://moved-${store}.example`);
		await install(store);
		expect((await shopRow(store))?.primaryUrl).toBe(`https://moved-${store}.example`);
		expect(await siteOf(siteId)).toEqual({
			origins: [`https://${shop}`, `https://moved-${store}.example`],
			homeUrl: `https://moved-${store}.example/`,
		});
	});
});
