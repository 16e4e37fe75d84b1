import type { Env } from '../env';
import { publicContext } from '../http/public';
import { promptOf } from '../settings/prompt';

/** GET /v1/sites/:siteId/config: what the page script and widget need (no secrets). */
export async function getPublicConfig(request: Request, env: Env, siteId: string): Promise<Response> {
	const { site } = await publicContext(request, env, siteId);
	return Response.json(
		{
			siteId: site.id,
			vapidPublicKey: site.vapidPublicKey,
			vapidKeyId: site.vapidKeyId,
			homeUrl: site.homeUrl,
			iconUrl: site.iconUrl,
			prompt: promptOf(site.settings),
		},
		{ headers: { 'cache-control': 'public, max-age=60' } },
	);
}

let swSource: Promise<string> | null = null;

/**
 * GET /v1/sites/:siteId/sw.js: the service worker with the site id and API base baked in, so that a platform's
 * same-origin stub is one line: `importScripts('<worker>/v1/sites/<siteId>/sw.js')`.
 */
export async function getServiceWorker(request: Request, env: Env, siteId: string): Promise<Response> {
	// Any origin may import the service worker (it is served with `*`), so the origin check is skipped by asking
	// without the Origin header; the caller's address is kept, or every visitor would share one rate-limit key.
	const ip = request.headers.get('cf-connecting-ip');
	const { site } = await publicContext(
		new Request(request.url, { headers: ip ? { 'cf-connecting-ip': ip } : {} }),
		env,
		siteId,
	);
	if (!swSource) {
		swSource = env.ASSETS.fetch(new URL('/sw.js', request.url)).then((r) => {
			if (!r.ok) throw new Error('sw.js asset is missing; run npm run build');
			return r.text();
		});
		swSource.catch(() => {
			swSource = null;
		});
	}
	const api = new URL(request.url).origin;
	const prelude = `self.BECKON=${JSON.stringify({ siteId: site.id, api, vapidPublicKey: site.vapidPublicKey })};\n`;
	return new Response(prelude + (await swSource), {
		headers: {
			'content-type': 'text/javascript; charset=utf-8',
			'cache-control': 'no-cache',
			'access-control-allow-origin': '*',
		},
	});
}
