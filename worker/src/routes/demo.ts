import type { Env } from '../env';
import { HttpError } from '../http/errors';
import { findSiteIdByName } from '../store/sites';

/** Name of the site `npm start` creates for the demo store. */
export const DEMO_SITE_NAME = 'Beckon demo store';

/** GET /demo/site.json: which site the demo store subscribes to. */
export async function demoSite(_request: Request, env: Env): Promise<Response> {
	const siteId = await findSiteIdByName(env.DB, DEMO_SITE_NAME);
	if (!siteId) throw new HttpError(404, 'demo_not_ready', 'The demo site does not exist yet; run npm start');
	return Response.json({ siteId });
}

/**
 * GET /beckon-sw.js?site=<id>: the one-line same-origin stub a platform serves (here: the demo store), with
 * `Service-Worker-Allowed: /` so it can control the whole origin.
 */
export function serviceWorkerStub(request: Request): Response {
	const site = new URL(request.url).searchParams.get('site') ?? '';
	if (!/^site_[A-Za-z0-9_-]{1,40}$/.test(site)) {
		throw new HttpError(400, 'invalid_request', 'site: pass the site id as ?site=site_…');
	}
	return new Response(`importScripts('/v1/sites/${site}/sw.js');\n`, {
		headers: {
			'content-type': 'text/javascript; charset=utf-8',
			'service-worker-allowed': '/',
			'cache-control': 'no-cache',
		},
	});
}
