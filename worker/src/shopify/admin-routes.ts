import { parse, parseQuery } from '../api/parse';
import { settingsPatch } from '../api/schemas/prompt';
import { linksQuery } from '../api/schemas/shopify';
import { CONSOLE_TOKEN_TTL } from '../api/schemas/sites';
import type { Env } from '../env';
import { readJsonObject } from '../http/body';
import { requireSite } from '../http/public';
import { readSendInput } from '../routes/notifications';
import { mintConsoleToken } from '../services/access';
import { readNotification, recentNotifications, sendNotification } from '../services/notifications';
import { siteView, updatePromptSettings } from '../services/sites';
import { siteStats } from '../services/stats';
import { searchLinks } from './admin-api';
import { adminContext } from './admin-context';
import { listDataRequests } from './store/privacy';

// The embedded admin page's API. Each route verifies the session token, then calls the same services as the
// site admin API (STYLE habit 9: one implementation of stats, sending and settings).

/**
 * POST /shopify/api/console-token: exchanges the verified App Bridge session token for a console token of the
 * shop's site, so the console calls the public admin API like on every other host. The staff member is the
 * Shopify user the session token names (`sub`).
 */
export async function consoleToken(request: Request, env: Env): Promise<Response> {
	const ctx = await adminContext(request, env);
	const token = await mintConsoleToken(
		env,
		ctx.shop.siteId,
		{ id: `shopify:${ctx.userId ?? 'staff'}`, name: null, email: null },
		'admin',
		CONSOLE_TOKEN_TTL.default,
	);
	return Response.json(token, { status: 201 });
}

/** GET /shopify/api/overview: the shop, subscriber stats, recent notifications and prompt settings. */
export async function overview(request: Request, env: Env): Promise<Response> {
	const ctx = await adminContext(request, env);
	const siteId = ctx.shop.siteId;
	const [stats, notifications, site] = await Promise.all([
		siteStats(env, siteId),
		recentNotifications(env, siteId, 10),
		requireSite(env, siteId),
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
		notifications,
		prompt: siteView(site).settings.prompt,
	});
}

/** POST /shopify/api/notifications: sends (validated as the site API does; 202). */
export async function send(request: Request, env: Env): Promise<Response> {
	const ctx = await adminContext(request, env);
	const site = await requireSite(env, ctx.shop.siteId);
	const { result, created } = await sendNotification(env, site, await readSendInput(request, site.origins));
	return Response.json(result, { status: created ? 202 : 200 });
}

/** GET /shopify/api/notifications/:id: live progress of one send. */
export async function progress(request: Request, env: Env, id: string): Promise<Response> {
	const ctx = await adminContext(request, env);
	return Response.json(await readNotification(env, ctx.shop.siteId, id));
}

/** PATCH /shopify/api/settings `{prompt}`: prompt texts, categories and timing, as the widget reads them. */
export async function settings(request: Request, env: Env): Promise<Response> {
	const ctx = await adminContext(request, env);
	const { prompt } = parse(settingsPatch, await readJsonObject(request));
	const site = await requireSite(env, ctx.shop.siteId);
	return Response.json({ settings: await updatePromptSettings(env, site, prompt) });
}

/** GET /shopify/api/links?q=: products and collections to link a notification to. */
export async function links(request: Request, env: Env): Promise<Response> {
	const ctx = await adminContext(request, env);
	const { q = '' } = parseQuery(linksQuery, new URL(request.url).searchParams);
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
