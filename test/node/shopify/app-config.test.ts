import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(join(process.cwd(), path), 'utf8');
const appToml = read('shopify-app/shopify.app.toml');

/** A comma-separated scope list as a sorted set. */
const scopeSet = (list: string) =>
	list
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean)
		.sort();

/** The first `key = "value"` of a TOML text (top-level keys and simple tables only). */
function tomlString(text: string, key: string): string {
	const value = new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, 'm').exec(text)?.[1];
	if (value === undefined) throw new Error(`${key} is not set`);
	return value;
}

describe('shopify app configuration', () => {
	it('requests the scopes the app uses: customers for first names, orders for purchases and checkouts, fulfillments for shipping updates, products for the link picker, write_app_proxy for [app_proxy], pixels and customer events for the web pixel', () => {
		expect(appToml).toMatch(/^\[app_proxy\]$/m);
		expect(scopeSet(tomlString(appToml, 'scopes'))).toEqual([
			'read_customer_events',
			'read_customers',
			'read_fulfillments',
			'read_orders',
			'read_products',
			'write_app_proxy',
			'write_pixels',
		]);
	});

	it('keeps the worker default, wrangler.toml and the test stand-in equal to [access_scopes]', () => {
		const scopes = scopeSet(tomlString(appToml, 'scopes'));
		expect(scopeSet(tomlString(read('wrangler.toml'), 'SHOPIFY_SCOPES'))).toEqual(scopes);
		const fallback = /DEFAULT_SCOPES =\s*'([^']*)'/.exec(read('worker/src/shopify/config.ts'))?.[1] ?? '';
		expect(scopeSet(fallback)).toEqual(scopes);
		const granted = /scope:\s*'([^']*)'/.exec(read('test/worker/shopify/fake-shopify.ts'))?.[1] ?? '';
		expect(scopeSet(granted)).toEqual(scopes);
	});

	it('uses no configuration key the Shopify CLI no longer supports', () => {
		expect(appToml).not.toMatch(/include_config_on_deploy/);
	});
});
