import { describe, expect, it } from 'vitest';
import { signTesterToken } from '../../../worker/src/lib/tester-link';
import {
	call,
	createSite,
	json,
	makeSubscription,
	problem,
	storeSql,
	subscribe,
	type TestSite,
} from '../helpers';

// Tester links (README "Test subscribers"): the console asks for a link, the widget on the page it opens hands the
// token back with its subscriber id. The claim is a public route: the site's origin, CORS, no bearer.

const MASTER_KEY_OF_TESTS = async (): Promise<string> => {
	const { env } = await import('cloudflare:test');
	return (env as unknown as { MASTER_KEY: string }).MASTER_KEY;
};

async function link(site: TestSite, body: unknown = {}, key = site.apiKey) {
	return call(`/v1/sites/${site.siteId}/testers/link`, { method: 'POST', key, body: JSON.stringify(body) });
}

function claim(site: TestSite, subscriberId: string, token: unknown, origin = site.origin) {
	return call(`/v1/sites/${site.siteId}/subscribers/${subscriberId}/tester`, {
		method: 'POST',
		headers: { origin, 'content-type': 'text/plain;charset=UTF-8' },
		body: JSON.stringify({ token }),
	});
}

async function isTester(siteId: string, subscriberId: string): Promise<number | undefined> {
	const rows = await storeSql<{ test: number }>(
		siteId,
		'SELECT test FROM subscribers WHERE id = ?',
		subscriberId,
	);
	return rows[0]?.test;
}

describe('tester links', () => {
	it('makes a link to the site with the token in the fragment; the widget’s claim marks the subscriber', async () => {
		const site = await createSite();
		const sid = await subscribe(site, await makeSubscription());
		const made = await link(site);
		expect(made.status).toBe(200);
		const {
			link: url,
			token,
			expiresAt,
		} = await json<{ link: string; token: string; expiresAt: string }>(made);
		expect(url).toBe(`${site.origin}/#beckon-tester=${token}`);
		expect(token).toMatch(/^btl\.[\w-]+\.[\w-]+$/);
		const ttl = Date.parse(expiresAt) - Date.now();
		expect(ttl).toBeGreaterThan(14 * 60_000);
		expect(ttl).toBeLessThanOrEqual(15 * 60_000);
		expect(await isTester(site.siteId, sid)).toBe(0);

		const claimed = await claim(site, sid, token);
		expect(claimed.status).toBe(200);
		expect(claimed.headers.get('access-control-allow-origin')).toBe(site.origin);
		expect(await json(claimed)).toEqual({ subscriberId: sid, test: true });
		expect(await isTester(site.siteId, sid)).toBe(1);
		// A tester send reaches it: the estimate of {test: true} counts it.
		const estimate = await call(`/v1/sites/${site.siteId}/audience/estimate`, {
			method: 'POST',
			key: site.apiKey,
			body: JSON.stringify({ audience: { test: true } }),
		});
		expect(await json(estimate)).toMatchObject({ count: 1, reachable: 1 });
	});

	it('links to a given page of the site, and refuses a page on another origin', async () => {
		const site = await createSite();
		const page = await link(site, { url: `${site.origin}/products/oak?x=1` });
		expect((await json<{ link: string }>(page)).link).toMatch(
			new RegExp(`^${site.origin.replace(/\./g, '\\.')}/products/oak\\?x=1#beckon-tester=btl\\.`),
		);
		const elsewhere = await problem(await link(site, { url: 'https://evil.example/' }));
		expect(elsewhere.status).toBe(400);
		expect(elsewhere.message).toMatch(/^url: https:\/\/evil\.example is not one of this site's origins/);
		const unknownField = await problem(await link(site, { page: '/' }));
		expect(unknownField.status).toBe(400);
	});

	it('needs an editor: no bearer is a 401, a viewer console token a 403', async () => {
		const site = await createSite();
		expect((await call(`/v1/sites/${site.siteId}/testers/link`, { method: 'POST', body: '{}' })).status).toBe(
			401,
		);
		const viewer = await call(`/v1/sites/${site.siteId}/console-tokens`, {
			method: 'POST',
			key: site.apiKey,
			body: JSON.stringify({ role: 'viewer', staff: { id: 'v1', name: 'Viv' } }),
		});
		const { token } = await json<{ token: string }>(viewer);
		expect((await link(site, {}, token)).status).toBe(403);
	});

	it('refuses forged, expired and other sites’ tokens, other origins and unknown subscribers, writing nothing', async () => {
		const [site, other] = await Promise.all([createSite(), createSite()]);
		const sid = await subscribe(site, await makeSubscription());
		const { token } = await json<{ token: string }>(await link(site));
		const { token: otherToken } = await json<{ token: string }>(await link(other));
		const masterKey = await MASTER_KEY_OF_TESTS();
		const expired = (await signTesterToken(masterKey, site.siteId, Date.now() - 16 * 60_000)).token;
		const [head, payload, mac] = token.split('.') as [string, string, string];
		const forged = `${head}.${payload}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
		const cases: Array<[unknown, number, string]> = [
			[forged, 401, 'tester_bad_signature'],
			[expired, 401, 'tester_expired'],
			[otherToken, 401, 'tester_other_site'],
			['btl.nope', 401, 'tester_malformed'],
			[`bct.${payload}.${mac}`, 401, 'tester_malformed'],
			['', 400, 'invalid_request'],
			[42, 400, 'invalid_request'],
		];
		for (const [bad, status, code] of cases) {
			const got = await problem(await claim(site, sid, bad));
			expect({ bad, status: got.status, code: got.code }).toEqual({ bad, status, code });
			expect(got.message.length).toBeGreaterThan(10);
		}
		expect((await problem(await claim(site, sid, token, 'https://evil.example'))).status).toBe(403);
		expect((await problem(await claim(site, 'sub_doesnotexist', token))).status).toBe(404);
		expect(await isTester(site.siteId, sid)).toBe(0);
	});
});
