import type { Env } from '../env';
import { HttpError } from '../http/errors';
import { createNotification, getNotification, recentNotifications } from '../routes/notifications';
import { getSite, patchSettings } from '../routes/sites';
import { getStats } from '../routes/stats';
import { searchLinks } from './admin-api';
import { adminContext, siteRequest } from './admin-context';
import { listDataRequests } from './store/privacy';

// The embedded admin page's API. Each route verifies the session token, then calls the site admin route of
// the shop's site unchanged (STYLE habit 9: one implementation of stats, sending and settings).

// Site routes throw HttpError for every failure, so a response that comes back is a success.
const body = <T>(response: Response): Promise<T> => response.json() as Promise<T>;

/** GET /shopify/api/overview: the shop, subscriber stats, recent notifications and prompt settings. */
export async function overview(request: Request, env: Env): Promise<Response> {
	const ctx = await adminContext(request, env);
	const siteId = ctx.shop.siteId;
	const [stats, recent, site] = await Promise.all([
		getStats(siteRequest(ctx, 'GET', '/stats'), env, siteId).then(body),
		recentNotifications(siteRequest(ctx, 'GET', '/notifications?limit=10'), env, siteId).then(
			body<{ notifications: unknown[] }>,
		),
		getSite(siteRequest(ctx, 'GET', ''), env, siteId).then(body<{ settings: { prompt: unknown } }>),
	]);
	return Response.json({
		shop: {
			domain: ctx.shop.shop,
			name: ctx.shop.name,
			primaryUrl: ctx.shop.primaryUrl,
			siteId,
			installedAt: new Date(ctx.shop.installedAt).toISOString(),
		},
		stats,
		notifications: recent.notifications,
		prompt: site.settings.prompt,
	});
}

/** POST /shopify/api/notifications: sends (the site route validates and answers 202). */
export async function send(request: Request, env: Env): Promise<Response> {
	const ctx = await adminContext(request, env);
	return createNotification(siteRequest(ctx, 'POST', '/notifications', request), env, ctx.shop.siteId);
}

/** GET /shopify/api/notifications/:id: live progress of one send. */
export async function progress(request: Request, env: Env, id: string): Promise<Response> {
	const ctx = await adminContext(request, env);
	return getNotification(siteRequest(ctx, 'GET', `/notifications/${id}`), env, ctx.shop.siteId, id);
}

/** PATCH /shopify/api/settings `{prompt}`: prompt texts, categories and timing, as the widget reads them. */
export async function settings(request: Request, env: Env): Promise<Response> {
	const ctx = await adminContext(request, env);
	return patchSettings(siteRequest(ctx, 'PATCH', '/settings', request), env, ctx.shop.siteId);
}

/** GET /shopify/api/links?q=: products and collections to link a notification to. */
export async function links(request: Request, env: Env): Promise<Response> {
	const ctx = await adminContext(request, env);
	const q = new URL(request.url).searchParams.get('q') ?? '';
	if (q.length > 100) throw new HttpError(400, 'invalid_request', 'q: must be at most 100 characters');
	const found = await ctx.withAdminApi((session) =>
		searchLinks(ctx.shopify, session, ctx.shop.primaryUrl, q),
	);
	return Response.json({ links: found });
}

/** GET /shopify/api/data-requests: exports made for customers/data_request, for the owner to hand over. */
export async function dataRequests(request: Request, env: Env): Promise<Response> {
	const ctx = await adminContext(request, env);
	return Response.json({ dataRequests: await listDataRequests(env.DB, ctx.shop.shop) });
}
