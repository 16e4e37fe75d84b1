import { describe, expect, it } from 'vitest';
import { call, createSite, json } from '../helpers';

describe('GET /v1/sites/:siteId/config', () => {
	it('returns the public key and no secrets, with CORS for the site origin', async () => {
		const site = await createSite();
		const response = await call(`/v1/sites/${site.siteId}/config`, { headers: { origin: site.origin } });
		expect(response.status).toBe(200);
		expect(response.headers.get('access-control-allow-origin')).toBe(site.origin);
		const body = await json<Record<string, unknown>>(response);
		expect(body.vapidPublicKey).toBe(site.vapidPublicKey);
		expect(JSON.stringify(body)).not.toMatch(/apiKey|private|bk_/);
	});

	it('answers 404 for an unknown site', async () => {
		expect((await call('/v1/sites/site_unknown/config')).status).toBe(404);
	});
});

describe('GET /v1/sites/:siteId/sw.js', () => {
	it('serves the service worker with the site id and API base baked in', async () => {
		const site = await createSite();
		const response = await call(`/v1/sites/${site.siteId}/sw.js`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toContain('javascript');
		const code = await response.text();
		expect(code.startsWith(`self.BECKON={"siteId":"${site.siteId}","api":"https://beckon.test"`)).toBe(true);
		expect(code).toContain('showNotification');
		expect(code).toContain('notificationclick');
		expect(code).toContain('pushsubscriptionchange');
	});

	it('answers 404 for an unknown site', async () => {
		expect((await call('/v1/sites/site_unknown/sw.js')).status).toBe(404);
	});
});

describe('GET /v1/sites/:siteId/sw.js rate limit', () => {
	it('limits each visitor address on its own, not every visitor of the site together', async () => {
		const site = await createSite();
		const statuses: number[] = [];
		for (let i = 0; i < 130; i++) {
			const r = await call(`/v1/sites/${site.siteId}/sw.js`, { ip: `198.51.100.${i}` });
			statuses.push(r.status);
			await r.arrayBuffer();
		}
		expect(statuses.filter((s) => s !== 200)).toEqual([]);
		// The local limiter counts in fixed 60 s windows: 250 calls (twice the limit and more) reach a 429 even when
		// the run crosses a window's end, as a loaded CI machine sometimes does.
		let limited = 0;
		for (let i = 0; i < 250 && limited === 0; i++) {
			const r = await call(`/v1/sites/${site.siteId}/sw.js`, { ip: '198.51.100.250' });
			if (r.status === 429) limited++;
			await r.arrayBuffer();
		}
		expect(limited).toBe(1);
	});
});
