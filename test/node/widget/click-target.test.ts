import { describe, expect, it } from 'vitest';
import { clickTarget } from '../../../widget/sw/click-target.ts';

const scope = 'https://shop.example/';

describe('clickTarget (service worker)', () => {
	it('opens the action link, else the notification link, else the scope', () => {
		const data = { url: 'https://shop.example/sale', actions: { shop: 'https://shop.example/shop' } };
		expect(clickTarget(data, 'shop', scope)).toBe('https://shop.example/shop');
		expect(clickTarget(data, '', scope)).toBe('https://shop.example/sale');
		expect(clickTarget(data, 'unknown', scope)).toBe('https://shop.example/sale');
		expect(clickTarget({}, '', scope)).toBe(scope);
	});

	it('opens http(s) links on other hosts (the worker validated the campaign link)', () => {
		expect(clickTarget({ url: 'http://partner.example/offer' }, '', scope)).toBe(
			'http://partner.example/offer',
		);
		expect(clickTarget({ url: '/products/lamp' }, '', scope)).toBe('https://shop.example/products/lamp');
	});

	it.each([
		'javascript:alert(document.cookie)',
		' JavaScript:alert(1)',
		'data:text/html,<script>alert(1)</script>',
		'blob:https://shop.example/0b5c',
		'file:///etc/passwd',
		'vbscript:msgbox(1)',
		'http://[not a host',
	])('falls back to the scope for %j, as a link or as an action link', (bad) => {
		expect(clickTarget({ url: bad }, '', scope)).toBe(scope);
		expect(clickTarget({ url: 'https://shop.example/sale', actions: { go: bad } }, 'go', scope)).toBe(scope);
	});
});
