import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { verifyIdentity } from '../../../worker/src/lib/identity';
import { openSecret } from '../../../worker/src/lib/secrets';
import { identityContext } from '../../../worker/src/services/sites';
import { findSealedIdentitySecret } from '../../../worker/src/store/sites';
import { call, json } from '../helpers';
import type { FakeShopify } from './fake-shopify';
import { install, newStore, proxied, shopOf, signProxyQuery, siteApi, useFakeShopify } from './helpers';

/** A proxied query signed independently of the library, with a chosen timestamp. */
async function signedQuery(
	store: string,
	timestamp: number,
	extra: Record<string, string> = {},
): Promise<string> {
	const params: Record<string, string> = {
		shop: shopOf(store),
		path_prefix: '/apps/beckon',
		logged_in_customer_id: '',
		timestamp: String(timestamp),
		...extra,
	};
	const signature = await signProxyQuery(params);
	return new URLSearchParams({ ...params, signature }).toString();
}

describe('shopify app proxy', () => {
	let fake: FakeShopify;
	beforeEach(() => {
		fake = useFakeShopify();
	});

	it('serves the service-worker stub that imports the site’s worker, as JavaScript', async () => {
		const store = newStore();
		const { siteId } = await install(store);
		const response = await proxied(store, '/sw.js');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
		expect(await response.text()).toBe(`importScripts("https://beckon.test/v1/sites/${siteId}/sw.js");\n`);
	});

	it('accepts a query signed independently of the library (same algorithm)', async () => {
		const store = newStore();
		await install(store);
		const now = Math.floor(Date.now() / 1000);
		expect((await call(`/shopify/proxy/sw.js?${await signedQuery(store, now)}`)).status).toBe(200);
	});

	it('refuses forged, unsigned, tampered and stale requests with 401', async () => {
		const store = newStore();
		await install(store);
		const now = Math.floor(Date.now() / 1000);
		const forged = await proxied(store, '/sw.js', {}, 'not-the-app-secret');
		expect(forged.status).toBe(401);
		expect((await json<{ error: { code: string } }>(forged)).error.code).toBe('proxy_bad_signature');

		const unsigned = await call(`/shopify/proxy/sw.js?shop=${shopOf(store)}&timestamp=${now}`);
		expect((await json<{ error: { code: string } }>(unsigned)).error.code).toBe('proxy_missing_signature');

		// A guest's signed query with a customer id added by the browser.
		const tampered = `${await signedQuery(store, now)}`.replace(
			'logged_in_customer_id=',
			'logged_in_customer_id=42',
		);
		const tamperedResponse = await call(`/shopify/proxy/identity?${tampered}`);
		expect(tamperedResponse.status).toBe(401);

		for (const timestamp of [now - 600, now + 600]) {
			const stale = await call(`/shopify/proxy/sw.js?${await signedQuery(store, timestamp)}`);
			expect(stale.status).toBe(401);
			expect((await json<{ error: { code: string } }>(stale)).error.code).toBe(
				'proxy_stale_or_missing_timestamp',
			);
		}
	});

	it('refuses a signed request for a shop that never installed the app', async () => {
		const response = await proxied(newStore(), '/sw.js');
		expect(response.status).toBe(404);
	});

	it('hands a logged-in customer an identity token for the id Shopify signed, and guests none', async () => {
		const store = newStore();
		const { siteId } = await install(store);
		const guest = await proxied(store, '/identity');
		expect(await json(guest)).toEqual({ token: null });
		expect(guest.headers.get('cache-control')).toBe('private, no-store');

		const response = await proxied(store, '/identity', { logged_in_customer_id: '8123456789' });
		expect(response.status).toBe(200);
		const { token } = await json<{ token: string }>(response);
		const sealed = await findSealedIdentitySecret(env.DB, siteId);
		const secret = await openSecret(env.MASTER_KEY ?? null, sealed ?? '', identityContext(siteId));
		const check = await verifyIdentity(secret, token);
		expect(check).toMatchObject({ ok: true, userId: '8123456789' });
	});

	it("signs the customer's first name into the token once (read_customers), until the site knows it", async () => {
		const store = newStore();
		const installed = await install(store);
		const { siteId } = installed;
		fake.customers.set('8123456789', 'Ada');
		fake.customers.set('8000000001', null);
		const tokenFor = async (customer: string) => {
			const response = await proxied(store, '/identity', { logged_in_customer_id: customer });
			const { token } = await json<{ token: string }>(response);
			const sealed = await findSealedIdentitySecret(env.DB, siteId);
			const secret = await openSecret(env.MASTER_KEY ?? null, sealed ?? '', identityContext(siteId));
			return verifyIdentity(secret, token);
		};
		expect(await tokenFor('8123456789')).toMatchObject({ ok: true, attrs: { first_name: 'Ada' } });
		expect(fake.count('graphql', 'BeckonCustomer')).toBe(1);
		// The browser ties the token: the user now has the attribute, and the next token carries none.
		const put = await siteApi(installed, '/users/8123456789', {
			method: 'PUT',
			body: JSON.stringify({ attributes: { first_name: 'Ada' } }),
		});
		expect(put.status).toBe(200);
		const again = await tokenFor('8123456789');
		expect(again.ok && again.attrs).toBeUndefined();
		expect(fake.count('graphql', 'BeckonCustomer')).toBe(1);
		// A customer without a first name: no attrs, and Shopify is not asked again on every page.
		expect((await tokenFor('8000000001')) as { attrs?: unknown }).not.toHaveProperty('attrs');
		await tokenFor('8000000001');
		expect(fake.count('graphql', 'BeckonCustomer')).toBe(2);
	});
});
