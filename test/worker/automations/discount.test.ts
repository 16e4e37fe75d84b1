import { describe, expect, it } from 'vitest';
import type { PushPayload } from '#wire';
import {
	DISCOUNT_CODE,
	discountUrl,
	stepDiscount,
	withDiscountCode,
	withDiscountLink,
} from '../../../worker/src/automations/discount';
import { MAX_PAYLOAD_BYTES, MAX_URL_LENGTH } from '../../../worker/src/sending/message';

// A step's discount code: the event property its Liquid reads, and Shopify's shareable discount link
// (`https://<shop>/discount/<code>?redirect=<path>`) that a shop's clicks go through.

const SHOP = {
	origins: ['https://oak-linen.myshopify.com', 'https://oaklinen.example'],
	home: 'https://oaklinen.example/',
};

describe('discountUrl', () => {
	it('links a shop page through /discount/<code>, redirecting to its path and query, on its own origin', () => {
		expect(discountUrl('https://oaklinen.example/products/scarf?variant=7&ref=push', 'SAVE10', SHOP)).toBe(
			'https://oaklinen.example/discount/SAVE10?redirect=%2Fproducts%2Fscarf%3Fvariant%3D7%26ref%3Dpush',
		);
		expect(discountUrl('https://oak-linen.myshopify.com/', 'SAVE10', SHOP)).toBe(
			'https://oak-linen.myshopify.com/discount/SAVE10?redirect=%2F',
		);
		// The fragment is no part of the redirect.
		expect(discountUrl('https://oaklinen.example/cart#notes', 'X', SHOP)).toBe(
			'https://oaklinen.example/discount/X?redirect=%2Fcart',
		);
	});

	it('encodes the code and the redirect, so neither can add a path or a parameter', () => {
		expect(
			discountUrl('https://oaklinen.example/a b/ü?q=a&redirect=https://evil.example', 'SUMMER_24-B', SHOP),
		).toBe(
			'https://oaklinen.example/discount/SUMMER_24-B?redirect=%2Fa%2520b%2F%25C3%25BC%3Fq%3Da%26redirect%3Dhttps%3A%2F%2Fevil.example',
		);
		const odd = discountUrl('https://oaklinen.example/x', 'a/b?c', SHOP);
		expect(odd).toBe('https://oaklinen.example/discount/a%2Fb%3Fc?redirect=%2Fx');
		const read = new URL(odd);
		expect(read.pathname).toBe('/discount/a%2Fb%3Fc');
		expect([...read.searchParams.keys()]).toEqual(['redirect']);
	});

	it('links the checkout on its own origin, or on the shop’s home when the checkout is on Shopify’s host', () => {
		const checkout = 'https://oak-linen.myshopify.com/55/checkouts/ac/c0ffee/recover?key=k1';
		expect(discountUrl(checkout, 'SAVE10', SHOP, checkout)).toBe(
			'https://oak-linen.myshopify.com/discount/SAVE10?redirect=%2F55%2Fcheckouts%2Fac%2Fc0ffee%2Frecover%3Fkey%3Dk1',
		);
		const legacy = 'https://checkout.shopify.com/55/checkouts/c0ffee/recover?key=k1';
		expect(discountUrl(legacy, 'SAVE10', SHOP, legacy)).toBe(
			'https://oaklinen.example/discount/SAVE10?redirect=%2F55%2Fcheckouts%2Fc0ffee%2Frecover%3Fkey%3Dk1',
		);
	});

	it('keeps another site’s URL, a discount link already, and a link that would pass the URL limit', () => {
		const checkout = 'https://oak-linen.myshopify.com/checkouts/c0ffee/recover?key=k1';
		for (const foreign of [
			'https://instagram.com/oaklinen',
			'https://oaklinen.example.evil.example/products/scarf',
			'http://oaklinen.example/products/scarf',
			'https://oaklinen.example:8443/products/scarf',
		]) {
			expect(discountUrl(foreign, 'SAVE10', SHOP, checkout)).toBe(foreign);
		}
		const linked = 'https://oaklinen.example/discount/OTHER?redirect=%2F';
		expect(discountUrl(linked, 'SAVE10', SHOP)).toBe(linked);
		const long = `https://oaklinen.example/${'a'.repeat(MAX_URL_LENGTH - 40)}`;
		expect(discountUrl(long, 'SAVE10', SHOP)).toBe(long);
		expect(discountUrl('not a url', 'SAVE10', SHOP)).toBe('not a url');
	});
});

describe('stepDiscount and withDiscountCode', () => {
	const site = { platform: 'shopify', origins: SHOP.origins, homeUrl: SHOP.home };

	it('gives a step with a code its shop on Shopify only, and no discount to a step without one', () => {
		expect(stepDiscount('SAVE10', site)).toEqual({
			code: 'SAVE10',
			shop: { origins: SHOP.origins, home: SHOP.home },
		});
		expect(stepDiscount('SAVE10', { ...site, platform: 'wordpress' })).toEqual({
			code: 'SAVE10',
			shop: null,
		});
		expect(stepDiscount(undefined, site)).toBeNull();
		expect(stepDiscount('', site)).toBeNull();
	});

	it('puts the step’s code into the event as discount_code, over one the event carried', () => {
		const discount = { code: 'SAVE10', shop: null };
		expect(withDiscountCode({ checkout_id: 'c1', discount_code: 'OLD' }, discount)).toEqual({
			checkout_id: 'c1',
			discount_code: 'SAVE10',
		});
		expect(withDiscountCode(undefined, discount)).toEqual({ discount_code: 'SAVE10' });
		const event = { checkout_id: 'c1' };
		expect(withDiscountCode(event, null)).toBe(event);
		expect(withDiscountCode(undefined, undefined)).toBeUndefined();
	});

	it('takes Shopify’s code characters only', () => {
		for (const ok of ['SAVE10', 'summer_24-b', 'x'.repeat(255)]) expect(DISCOUNT_CODE.test(ok)).toBe(true);
		for (const bad of ['', 'two words', 'SAVE10%', 'ÉTÉ', 'a/b', 'x'.repeat(256)])
			expect(DISCOUNT_CODE.test(bad)).toBe(false);
	});
});

describe('withDiscountLink', () => {
	const payload: PushPayload = {
		v: 1,
		nid: 'ntf_1',
		sid: 'sub_1',
		title: 'Last reminder',
		body: 'Use SAVE10 at checkout.',
		url: 'https://oaklinen.example/cart',
	};
	const shopDiscount = { code: 'SAVE10', shop: SHOP };

	it('links a shop’s click, and keeps the click of a site that is not a shop', () => {
		expect(withDiscountLink(payload, shopDiscount)).toEqual({
			...payload,
			url: 'https://oaklinen.example/discount/SAVE10?redirect=%2Fcart',
		});
		expect(withDiscountLink(payload, { code: 'SAVE10', shop: null })).toBe(payload);
		expect(withDiscountLink(payload, undefined)).toBe(payload);
	});

	it('trusts the origin of the trigger event’s checkout_url, and nothing else of the event', () => {
		const legacy = { ...payload, url: 'https://checkout.shopify.com/55/checkouts/c0ffee/recover?key=k' };
		expect(withDiscountLink(legacy, shopDiscount, { checkout_url: legacy.url }).url).toBe(
			'https://oaklinen.example/discount/SAVE10?redirect=%2F55%2Fcheckouts%2Fc0ffee%2Frecover%3Fkey%3Dk',
		);
		expect(withDiscountLink(legacy, shopDiscount)).toBe(legacy);
		expect(withDiscountLink(legacy, shopDiscount, { checkout_url: 42 })).toBe(legacy);
	});

	it('keeps the click when the longer link would take the payload past the push limit', () => {
		const bytes = (p: PushPayload) => new TextEncoder().encode(JSON.stringify(p)).byteLength;
		// 10 bytes under the limit: the link (30 bytes longer) does not fit.
		const full = { ...payload, body: 'x'.repeat(MAX_PAYLOAD_BYTES - 10 - bytes({ ...payload, body: '' })) };
		expect(bytes(full)).toBe(MAX_PAYLOAD_BYTES - 10);
		expect(withDiscountLink(full, shopDiscount)).toBe(full);
		const roomy = { ...full, body: full.body.slice(30) };
		expect(withDiscountLink(roomy, shopDiscount).url).toBe(
			'https://oaklinen.example/discount/SAVE10?redirect=%2Fcart',
		);
	});
});
