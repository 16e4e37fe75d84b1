import { config, type Env } from '../env';
import { findSite, type Site } from '../store/sites';
import { HttpError, siteNotFound } from './errors';

/** A site loaded for a browser-facing request. */
export interface PublicContext {
	site: Site;
}

/** CORS headers owed to each browser-facing request, recorded once its origin is known to be the site's own. */
const corsOwed = new WeakMap<Request, Record<string, string>>();

/**
 * Loads the site, refuses browser origins that are not the site's own (CORS only for them; `anyOrigin`: a route
 * whose caller runs in a sandbox of its own, such as Shopify's web pixel, and sends no credentials), and applies the
 * per IP × site rate limit. Requests without an Origin header (no browser) pass the origin check. From here on,
 * every response to the request carries the CORS headers, errors included (see {@link withCors}).
 */
export async function publicContext(
	request: Request,
	env: Env,
	siteId: string,
	{ anyOrigin = false }: { anyOrigin?: boolean } = {},
): Promise<PublicContext> {
	const site = await requireSite(env, siteId);
	const origin = request.headers.get('origin');
	const cors: Record<string, string> = { vary: 'Origin' };
	if (origin !== null) {
		if (!anyOrigin && !site.origins.includes(origin)) {
			throw new HttpError(403, 'origin_not_allowed', `Origin ${origin} is not one of this site's origins`);
		}
		cors['access-control-allow-origin'] = origin;
	}
	corsOwed.set(request, cors);
	if (env.PUBLIC_RATE_LIMIT && config(env).rateLimitPublic && request.method !== 'OPTIONS') {
		const ip = request.headers.get('cf-connecting-ip') ?? 'unknown';
		const { success } = await env.PUBLIC_RATE_LIMIT.limit({ key: `${siteId}:${ip}` });
		if (!success) {
			throw new HttpError(429, 'rate_limited', 'Too many requests from this address; try again in a minute', {
				'retry-after': '60',
			});
		}
	}
	return { site };
}

/**
 * Router `finally` stage: adds the CORS headers a request is owed to whatever response it got, so that an error
 * thrown anywhere (400, 413, 429, 500) still reaches the page's script instead of an opaque network error.
 */
export function withCors(response: Response | undefined, request: Request): Response | undefined {
	const cors = corsOwed.get(request);
	if (!response || !cors) return response;
	const headers = new Headers(response.headers);
	for (const [name, value] of Object.entries(cors)) {
		if (name === 'vary') {
			const vary = headers.get('vary');
			if (!vary?.toLowerCase().includes('origin')) headers.set('vary', vary ? `${vary}, Origin` : value);
		} else if (!headers.has(name)) headers.set(name, value);
	}
	return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The site, or a 404 naming its id. */
export async function requireSite(env: Env, siteId: string): Promise<Site> {
	const site = await findSite(env.DB, siteId);
	if (!site) throw siteNotFound(siteId);
	return site;
}

/**
 * Answers a CORS preflight under /v1/sites/:siteId/. A request that will carry `Authorization` is an admin call
 * (API key or console token, never a cookie): any origin may make it, e.g. the console inside WordPress admin.
 * Anything else is a browser-facing call, allowed from the site's own origins only.
 */
export async function preflight(request: Request, env: Env, siteId: string): Promise<Response> {
	const asked = (request.headers.get('access-control-request-headers') ?? '').toLowerCase();
	const admin = asked.split(',').some((h) => h.trim() === 'authorization');
	if (admin) allowAnyOrigin(request);
	else await publicContext(request, env, siteId);
	return new Response(null, {
		status: 204,
		headers: {
			'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
			'access-control-allow-headers': admin ? 'authorization, content-type, idempotency-key' : 'content-type',
			'access-control-max-age': '86400',
		},
	});
}

/** Marks a bearer-authenticated request as callable from any origin (no cookies are involved). */
export function allowAnyOrigin(request: Request): void {
	const origin = request.headers.get('origin');
	const cors: Record<string, string> = { vary: 'Origin' };
	if (origin !== null) cors['access-control-allow-origin'] = origin;
	corsOwed.set(request, cors);
}

/** Answers a CORS preflight of an operator or admin route (bearer tokens only, so any origin). */
export function adminPreflight(request: Request): Response {
	allowAnyOrigin(request);
	return new Response(null, {
		status: 204,
		headers: {
			'access-control-allow-methods': 'GET, POST, OPTIONS',
			'access-control-allow-headers': 'authorization, content-type',
			'access-control-max-age': '86400',
		},
	});
}
