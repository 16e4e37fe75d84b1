import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, createSite, json, makeSubscription, subscribe, type TestSite } from '../helpers';

/** Every public route's error answers, asked from the site's own origin as its widget would. */
function errorCases(site: TestSite, subscriberId: string) {
	const base = `/v1/sites/${site.siteId}`;
	return [
		{
			name: 'subscribe with a bad body (400)',
			path: `${base}/subscribers`,
			method: 'POST',
			body: '{"permission":1}',
		},
		{
			name: 'subscribe with a body too large (413)',
			path: `${base}/subscribers`,
			method: 'POST',
			body: JSON.stringify({ pad: 'x'.repeat(40_000) }),
		},
		{ name: 'subscribe with broken JSON (400)', path: `${base}/subscribers`, method: 'POST', body: '{' },
		{
			name: 'event of an unknown type (400)',
			path: `${base}/subscribers/${subscriberId}/events`,
			method: 'POST',
			body: '{"type":"nope"}',
		},
		{
			name: 'event for an unknown subscriber (404)',
			path: `${base}/subscribers/sub_missing/events`,
			method: 'POST',
			body: `{"type":"pageview","url":"${site.origin}/"}`,
		},
		{
			name: 'shown for an unknown notification (404)',
			path: `${base}/subscribers/${subscriberId}/events`,
			method: 'POST',
			body: '{"type":"shown","notificationId":"ntf_missing"}',
		},
		{
			name: 'identify without a token (400)',
			path: `${base}/subscribers/${subscriberId}/identify`,
			method: 'POST',
			body: '{}',
		},
		{
			name: 'identify with a forged token (401)',
			path: `${base}/subscribers/${subscriberId}/identify`,
			method: 'POST',
			body: '{"token":"e30.AAAA"}',
		},
		{
			name: 'categories of the wrong type (400)',
			path: `${base}/subscribers/${subscriberId}`,
			method: 'PATCH',
			body: '{"categories":"sale"}',
		},
		{
			name: 'unsubscribe an unknown subscriber (404)',
			path: `${base}/subscribers/sub_missing`,
			method: 'DELETE',
		},
	];
}

describe('CORS on public routes', () => {
	it('puts the CORS headers on every error a public route answers to its own origin', async () => {
		const site = await createSite();
		const subscriberId = await subscribe(site, await makeSubscription());
		for (const c of errorCases(site, subscriberId)) {
			const response = await call(c.path, {
				method: c.method,
				headers: { origin: site.origin },
				...(c.body === undefined ? {} : { body: c.body }),
			});
			const body = await json<{ error?: { code: string; message: string } }>(response);
			expect(response.status, c.name).toBeGreaterThanOrEqual(400);
			expect(response.status, c.name).toBeLessThan(500);
			expect(body.error?.message, c.name).toBeTruthy();
			expect(response.headers.get('access-control-allow-origin'), c.name).toBe(site.origin);
			expect(response.headers.get('vary'), c.name).toContain('Origin');
		}
	});

	it('puts them on a 429 and on an unexpected 500 too', async () => {
		const site = await createSite();
		let limited: Response | null = null;
		for (let i = 0; i < 200 && !limited; i++) {
			const r = await call(`/v1/sites/${site.siteId}/config`, {
				ip: '192.0.2.91',
				headers: { origin: site.origin },
			});
			if (r.status === 429) limited = r;
			else await r.arrayBuffer();
		}
		expect(limited?.headers.get('access-control-allow-origin')).toBe(site.origin);
		expect(limited?.headers.get('retry-after')).toBe('60');

		// A sealed identity secret that no longer opens is a server fault: 500, but the page can still read it.
		const subscriberId = await subscribe(site, await makeSubscription());
		await env.DB.prepare('UPDATE sites SET identity_secret = ? WHERE id = ?')
			.bind('garbage', site.siteId)
			.run();
		const broken = await call(`/v1/sites/${site.siteId}/subscribers/${subscriberId}/identify`, {
			method: 'POST',
			headers: { origin: site.origin },
			body: '{"token":"e30.AAAA"}',
		});
		expect(broken.status).toBe(500);
		expect((await json<{ error: { code: string } }>(broken)).error.code).toBe('internal');
		expect(broken.headers.get('access-control-allow-origin')).toBe(site.origin);
	});

	it("gives other origins' requests no CORS headers, errors included", async () => {
		const site = await createSite();
		const response = await call(`/v1/sites/${site.siteId}/subscribers`, {
			method: 'POST',
			headers: { origin: 'https://evil.example' },
			body: '{',
		});
		expect(response.status).toBe(403);
		expect(response.headers.get('access-control-allow-origin')).toBeNull();
	});

	it('lets any origin call admin routes with a bearer token, never with credentials', async () => {
		const site = await createSite();
		const foreign = 'https://console.example';
		const refused = await call(`/v1/sites/${site.siteId}/stats`, { headers: { origin: foreign } });
		expect(refused.status).toBe(401);
		expect(refused.headers.get('access-control-allow-origin')).toBe(foreign);
		const ok = await call(`/v1/sites/${site.siteId}/stats`, {
			key: site.apiKey,
			headers: { origin: foreign },
		});
		expect(ok.status).toBe(200);
		expect(ok.headers.get('access-control-allow-origin')).toBe(foreign);
		expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
		// The preflight of a call that carries Authorization is answered for any origin…
		const preflight = await call(`/v1/sites/${site.siteId}/subscribers/sub_x`, {
			method: 'OPTIONS',
			headers: {
				origin: foreign,
				'access-control-request-method': 'DELETE',
				'access-control-request-headers': 'authorization',
			},
		});
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
		// …while a browser-facing call (no Authorization) still needs the site's own origin.
		const publicPreflight = await call(`/v1/sites/${site.siteId}/subscribers`, {
			method: 'OPTIONS',
			headers: { origin: foreign, 'access-control-request-method': 'POST' },
		});
		expect(publicPreflight.status).toBe(403);
		expect(publicPreflight.headers.get('access-control-allow-origin')).toBeNull();
	});
});
