import type * as z from 'zod';
import type { Filter } from '#wire';
import { parse, parseQuery, pathName } from '../api/parse';
import {
	type PERMISSION_WORDS,
	type pushSubscription,
	subscriberFilter,
	subscriberListQuery,
	subscriberReport,
} from '../api/schemas/subscribers';
import { checkFilter, FilterError } from '../audience/filter';
import { config, type Env } from '../env';
import { bearer, requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { badRequest } from '../http/errors';
import { publicContext } from '../http/public';
import { newId } from '../lib/ids';
import { parseUserAgent } from '../lib/user-agent';
import { siteStore } from '../objects/site-store';
import { validateSubscriptionKeys } from '../push/request';
import { MAX_URL_LENGTH } from '../sending/message';
import { pushServiceOf } from '../sending/push-hosts';
import {
	decodeCursor,
	eraseSubscriber,
	subscriber,
	subscriberPage,
	subscribersCsv,
} from '../services/subscribers';
import type { Site } from '../store/sites';
import type { PushKeys, SubscriberFilter, SubscriberReport, SubscriberStatus } from '../store/subscribers';

/** Browser permission words (Notification.permission) and our own status words, mapped to a status. */
const PERMISSIONS: Record<(typeof PERMISSION_WORDS)[number], SubscriberStatus> = {
	granted: 'allowed',
	allowed: 'allowed',
	denied: 'blocked',
	blocked: 'blocked',
	default: 'ask',
	ask: 'ask',
	prompt: 'ask',
	unsupported: 'unsupported',
};

/** POST /v1/sites/:siteId/subscribers: upsert by endpoint; 201 when new, 200 when it updated a subscriber. */
export async function postSubscriber(request: Request, env: Env, siteId: string): Promise<Response> {
	const { site } = await publicContext(request, env, siteId);
	const input = parse(subscriberReport, await readJsonObject(request));
	const permission = input.permission ?? (input.subscription ? 'granted' : undefined);
	if (!permission)
		throw badRequest('permission', `is required: one of ${Object.keys(PERMISSIONS).join(', ')}`);
	const status = PERMISSIONS[permission];
	const push =
		status === 'allowed' ? await pushKeys(input.subscription, site, config(env).allowLoopbackPush) : null;
	const ua = parseUserAgent(request.headers.get('user-agent') ?? '');
	const report: SubscriberReport = {
		status,
		push,
		knownId: input.subscriberId ?? null,
		oldEndpoint: input.oldEndpoint ?? null,
		browser: ua.browser,
		os: ua.os,
		categories: input.categories ?? null,
		timezone: input.timezone ?? null,
		locale: input.locale ?? null,
		lastUrl: ownPageUrl(site, input.url),
	};
	const { id, created } = await siteStore(env, site.id).upsertSubscriber(
		site.id,
		newId('sub'),
		report,
		Date.now(),
	);
	return Response.json({ subscriberId: id, status }, { status: created ? 201 : 200 });
}

/**
 * DELETE /v1/sites/:siteId/subscribers/:subscriberId. From the browser (no Authorization, the site's origin):
 * unsubscribe. From an admin (console token or API key, editor role): erase (GDPR), from any origin.
 */
export async function removeSubscriber(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	const admin = bearer(request) !== null;
	if (admin) await requireSiteAdmin(request, env, siteId, 'editor');
	else await publicContext(request, env, siteId);
	await eraseSubscriber(env, siteId, id, !admin);
	return new Response(null, { status: 204 });
}

/** GET /v1/sites/:siteId/subscribers/:subscriberId (admin): the subscriber without endpoint or keys. */
export async function getSubscriber(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json(await subscriber(env, siteId, id));
}

/** The list filters of a query string, without the ones not given. */
function filterOf(query: z.output<typeof subscriberFilter>): SubscriberFilter {
	const filter: SubscriberFilter = {};
	if (query.q) filter.q = query.q;
	if (query.status) filter.status = query.status;
	if (query.browser) filter.browser = query.browser;
	if (query.category) filter.category = query.category;
	if (query.userId) filter.userId = query.userId;
	if (query.segment) filter.audience = { segment: query.segment };
	else if (query.filter) filter.audience = { filter: filterParam(query.filter) };
	return filter;
}

/** The `filter` parameter: a filter tree as JSON (docs/SEGMENTS.md). */
function filterParam(text: string): Filter {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw badRequest('filter', 'must be a filter as JSON, such as {"status":["allowed"]}');
	}
	try {
		return checkFilter(value, ['filter']);
	} catch (error) {
		if (error instanceof FilterError) throw badRequest(pathName(error.path), error.message);
		throw error;
	}
}

/** GET /v1/sites/:siteId/subscribers?q=&status=&browser=&category=&userId=&cursor=&limit= (admin): newest first. */
export async function listSubscribers(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	const query = parseQuery(subscriberListQuery, new URL(request.url).searchParams);
	let before: number | null = null;
	if (query.cursor) {
		before = decodeCursor(query.cursor);
		if (before === null) throw badRequest('cursor', 'must be a nextCursor this list returned');
	}
	return Response.json(await subscriberPage(env, siteId, filterOf(query), before, query.limit ?? 50));
}

/** GET /v1/sites/:siteId/subscribers/export.csv?filters (admin): every matching subscriber as CSV. */
export async function exportSubscribers(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	const filter = filterOf(parseQuery(subscriberFilter, new URL(request.url).searchParams));
	const day = new Date().toISOString().slice(0, 10);
	return new Response(await subscribersCsv(env, siteId, filter), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="subscribers-${siteId}-${day}.csv"`,
			'cache-control': 'no-store',
		},
	});
}

/** Keeps a URL only if it is a page of one of the site's own origins, trimmed to the stored length. */
export function ownPageUrl(site: Site, page: string | undefined): string | null {
	const url = page === undefined ? null : URL.parse(page);
	if (!url || !site.origins.includes(url.origin)) return null;
	url.hash = '';
	const href = url.href;
	return href.length <= MAX_URL_LENGTH ? href : null;
}

/** The push keys of a granted report, checked against the known push services and by WebCrypto. */
async function pushKeys(
	subscription: z.output<typeof pushSubscription> | undefined,
	site: Site,
	allowLoopback: boolean,
): Promise<PushKeys> {
	if (!subscription)
		throw badRequest('subscription', 'is required when permission is granted (a PushSubscription JSON)');
	const { endpoint, keys } = subscription;
	const pushService = pushServiceOf(new URL(endpoint), allowLoopback);
	if (!pushService) {
		throw badRequest(
			'subscription.endpoint',
			'must be an https URL of a known push service (FCM, Mozilla, Apple, Windows)',
		);
	}
	const problem = await validateSubscriptionKeys(keys.p256dh, keys.auth);
	if (problem) throw badRequest('subscription.keys', problem);
	// Keep the endpoint exactly as the browser gave it (WNS tokens break when re-encoded).
	return { endpoint, p256dh: keys.p256dh, auth: keys.auth, pushService, vapidKeyId: site.vapidKeyId };
}
