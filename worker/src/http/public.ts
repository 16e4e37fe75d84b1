import { config, type Env } from '../env';
import { findSite, type Site } from '../store/sites';
import { HttpError, siteNotFound } from './errors';

/** A site loaded for a browser-facing request, with the CORS headers its responses need. */
export interface PublicContext {
	site: Site;
	cors: Record<string, string>;
}

/**
 * Loads the site, refuses browser origins that are not the site's own (CORS only for them), and applies the
 * per IP × site rate limit. Requests without an Origin header (no browser) pass the origin check.
 */
export async function publicContext(request: Request, env: Env, siteId: string): Promise<PublicContext> {
	const site = await requireSite(env, siteId);
	const origin = request.headers.get('origin');
	const cors: Record<string, string> = { vary: 'Origin' };
	if (origin !== null) {
		if (!site.origins.includes(origin)) {
			throw new HttpError(403, 'origin_not_allowed', `Origin ${origin} is not one of this site's origins`);
		}
		cors['access-control-allow-origin'] = origin;
	}
	if (env.PUBLIC_RATE_LIMIT && config(env).rateLimitPublic && request.method !== 'OPTIONS') {
		const ip = request.headers.get('cf-connecting-ip') ?? 'unknown';
		const { success } = await env.PUBLIC_RATE_LIMIT.limit({ key: `${siteId}:${ip}` });
		if (!success) {
			throw new HttpError(429, 'rate_limited', 'Too many requests from this address; try again in a minute', {
				...cors,
				'retry-after': '60',
			});
		}
	}
	return { site, cors };
}

/** The site, or a 404 naming its id. */
export async function requireSite(env: Env, siteId: string): Promise<Site> {
	const site = await findSite(env.DB, siteId);
	if (!site) throw siteNotFound(siteId);
	return site;
}

/** Answers a CORS preflight for a site's public endpoints. */
export async function preflight(request: Request, env: Env, siteId: string): Promise<Response> {
	const { cors } = await publicContext(request, env, siteId);
	return new Response(null, {
		status: 204,
		headers: {
			...cors,
			'access-control-allow-methods': 'GET, POST, PATCH, DELETE, OPTIONS',
			'access-control-allow-headers': 'content-type',
			'access-control-max-age': '86400',
		},
	});
}
