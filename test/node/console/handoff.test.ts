import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	checkHandoff,
	HandoffError,
	handoffMessage,
	handoffUrl,
	readHandoffHash,
} from '../../../console/src/hosts/handoff.ts';
import { shopifyAppHome } from '../../../console/src/hosts/shopify.ts';

// The console's hand-off link (issue 14): read back what a console token says, with no verification of its own
// (the worker checks the MAC on every call; test/e2e/console-staff.test.ts hands off a real one), and tell an
// expired or damaged link apart.

const NOW = Date.parse('2025-06-01T12:00:00Z');
const t = (text: string) => text;

/** A token shaped as the worker's lib/console-token.ts signs it: `bct.<base64url JSON>.<mac>`. */
async function mint(ttlSeconds = 900, staff = { id: '7', name: 'Zoë Ñandú 🌵', email: 'zoe@example.com' }) {
	const exp = Math.floor(NOW / 1000) + ttlSeconds;
	const payload = Buffer.from(JSON.stringify({ v: 1, sid: 'site_a', stf: staff, role: 'editor', exp }));
	const mac = createHmac('sha256', 'test').update(payload).digest('base64url');
	return {
		token: `bct.${payload.toString('base64url')}.${mac}`,
		expiresAt: new Date(exp * 1000).toISOString(),
		siteId: 'site_a',
		staff,
		role: 'editor' as const,
	};
}

describe('handoffUrl and readHandoffHash', () => {
	it('round-trips the token, site and host through the worker console’s address', async () => {
		const token = await mint();
		const url = handoffUrl('http://127.0.0.1:8787/', token, 'wordpress');
		expect(url.startsWith('http://127.0.0.1:8787/console/#handoff=bct.')).toBe(true);
		expect(url).toContain('&site=site_a&from=wordpress');
		expect(readHandoffHash(new URL(url).hash)).toEqual({
			token: token.token,
			siteId: 'site_a',
			from: 'wordpress',
			back: null,
		});
	});

	it('carries the console’s page in the host’s admin (no fragment), and drops one that is not an http(s) page', async () => {
		const token = await mint();
		const wp = 'https://shop.example/wp-admin/admin.php?page=beckon#/alerts/devices';
		const url = handoffUrl('http://127.0.0.1:8787', token, 'wordpress', wp);
		expect(readHandoffHash(new URL(url).hash)?.back).toBe(
			'https://shop.example/wp-admin/admin.php?page=beckon',
		);
		for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'https://u:p@shop.example/', 'not a url']) {
			expect(readHandoffHash(new URL(handoffUrl('http://w', token, 'wordpress', bad)).hash)?.back).toBeNull();
			expect(
				readHandoffHash(`#handoff=x&site=s&from=wordpress&back=${encodeURIComponent(bad)}`)?.back,
			).toBeNull();
		}
	});

	it('is null for other hashes, and keeps a link without site or a known host for the check to refuse', () => {
		expect(readHandoffHash('#/alerts/devices')).toBeNull();
		expect(readHandoffHash('#site=site_a&key=k')).toBeNull();
		expect(readHandoffHash('#handoff=x&from=joomla')).toEqual({
			token: 'x',
			siteId: '',
			from: null,
			back: null,
		});
	});
});

describe('shopifyAppHome', () => {
	it('is the app in the shop’s admin, from the frame’s ?shop= and the App Bridge key; null otherwise', () => {
		expect(shopifyAppHome('?shop=oak-and-ash.myshopify.com&host=abc', 'k1_ab-c')).toBe(
			'https://oak-and-ash.myshopify.com/admin/apps/k1_ab-c',
		);
		expect(shopifyAppHome('?host=abc', 'k1')).toBeNull();
		expect(shopifyAppHome('?shop=evil.example', 'k1')).toBeNull();
		expect(shopifyAppHome('?shop=a.myshopify.com', '')).toBeNull();
		expect(shopifyAppHome('?shop=a.myshopify.com', '../x')).toBeNull();
	});
});

describe('checkHandoff', () => {
	it('reads the member, role and expiry the worker signed (names beyond ASCII too)', async () => {
		const token = await mint();
		const checked = checkHandoff({ token: token.token, siteId: 'site_a', from: 'shopify' }, NOW + 1000);
		expect(checked).toEqual({ ok: true, token });
	});

	it('says expired from the expiry on, not before', async () => {
		const token = await mint(60);
		const link = { token: token.token, siteId: 'site_a', from: 'wordpress' } as const;
		expect(checkHandoff(link, NOW + 59_000).ok).toBe(true);
		expect(checkHandoff(link, NOW + 60_000)).toEqual({ ok: false, reason: 'expired' });
	});

	it('says damaged for a cut, garbled or foreign token, another site, or an unknown host', async () => {
		const { token } = await mint();
		const [prefix, payload, mac] = token.split('.') as [string, string, string];
		const damaged = { ok: false, reason: 'damaged' };
		for (const [bad, siteId, from] of [
			[`${prefix}.${payload}`, 'site_a', 'wordpress'],
			[`${prefix}.${payload.slice(3)}.${mac}`, 'site_a', 'wordpress'],
			[`bat.${payload}.${mac}`, 'site_a', 'wordpress'],
			[`${prefix}.${btoa('{"sid":"site_a"}')}.${mac}`, 'site_a', 'wordpress'],
			[token, 'site_b', 'wordpress'],
			[token, 'site_a', null],
		] as const) {
			expect(checkHandoff({ token: bad, siteId, from }, NOW), bad).toEqual(damaged);
		}
	});
});

describe('handoffMessage', () => {
	it('names the host to go back to', () => {
		expect(handoffMessage('expired', 'wordpress', t)).toBe(
			'This sign-in from WordPress has expired; open the console again from WordPress.',
		);
		expect(new HandoffError('damaged', 'shopify', t).message).toBe(
			'This sign-in link from Shopify is damaged or not valid; open the console again from Shopify.',
		);
		expect(handoffMessage('expired', null, t)).toContain('open the console again from your admin');
	});
});
