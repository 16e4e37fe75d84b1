import { config, type Env } from '../env';
import { requireSiteKey } from '../http/auth';
import { readJsonObject } from '../http/body';
import { badRequest, subscriberNotFound } from '../http/errors';
import { publicContext } from '../http/public';
import { optEnum, optObject, optString, optStringArray, optUrl, within } from '../http/validate';
import { newId } from '../lib/ids';
import { parseUserAgent } from '../lib/user-agent';
import { siteStore } from '../objects/site-store';
import { validateSubscriptionKeys } from '../push/request';
import { MAX_URL_LENGTH } from '../sending/message';
import { pushServiceOf } from '../sending/push-hosts';
import type { Site } from '../store/sites';
import type { PushKeys, SubscriberReport, SubscriberStatus } from '../store/subscribers';

/** Browser permission words (Notification.permission) and our own status words, mapped to a status. */
const PERMISSIONS: Record<string, SubscriberStatus> = {
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
	const body = await readJsonObject(request);
	const permission =
		optEnum(body, 'permission', Object.keys(PERMISSIONS)) ?? (body.subscription ? 'granted' : undefined);
	if (!permission)
		throw badRequest('permission', `is required: one of ${Object.keys(PERMISSIONS).join(', ')}`);
	const status = PERMISSIONS[permission] as SubscriberStatus;
	const push =
		status === 'allowed' ? await parseSubscription(body, site, config(env).allowLoopbackPush) : null;
	const ua = parseUserAgent(request.headers.get('user-agent') ?? '');
	const report: SubscriberReport = {
		status,
		push,
		knownId: optString(body, 'subscriberId', 64) ?? null,
		oldEndpoint: optString(body, 'oldEndpoint', 2048) ?? null,
		browser: ua.browser,
		os: ua.os,
		categories: optStringArray(body, 'categories', 50, 64) ?? null,
		timezone: parseTimezone(optString(body, 'timezone', 64)),
		locale: parseLocale(optString(body, 'locale', 35)),
		lastUrl: ownPageUrl(site, optUrl(body, 'url', 4096)),
	};
	const { id, created } = await siteStore(env, site.id).upsertSubscriber(
		site.id,
		newId('sub'),
		report,
		Date.now(),
	);
	return Response.json({ subscriberId: id, status }, { status: created ? 201 : 200 });
}

/** DELETE /v1/sites/:siteId/subscribers/:subscriberId: unsubscribe (forgets the push subscription). */
export async function removeSubscriber(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await publicContext(request, env, siteId);
	if (!(await siteStore(env, siteId).deleteSubscriber(siteId, id))) throw subscriberNotFound(id);
	return new Response(null, { status: 204 });
}

/** GET /v1/sites/:siteId/subscribers/:subscriberId (site API key): the subscriber without endpoint or keys. */
export async function getSubscriber(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteKey(request, env, siteId);
	const view = await siteStore(env, siteId).subscriber(siteId, id);
	if (!view) throw subscriberNotFound(id);
	return Response.json(view);
}

/** Keeps a URL only if it is a page of one of the site's own origins, trimmed to the stored length. */
export function ownPageUrl(site: Site, url: URL | undefined): string | null {
	if (!url || !site.origins.includes(url.origin)) return null;
	url.hash = '';
	const href = url.href;
	return href.length <= MAX_URL_LENGTH ? href : null;
}

async function parseSubscription(
	body: Record<string, unknown>,
	site: Site,
	allowLoopback: boolean,
): Promise<PushKeys> {
	const sub = optObject(body, 'subscription');
	if (!sub)
		throw badRequest('subscription', 'is required when permission is granted (a PushSubscription JSON)');
	const raw = within('subscription', () => optString(sub, 'endpoint', 2048));
	if (!raw) throw badRequest('subscription.endpoint', 'is required');
	let endpoint: URL;
	try {
		endpoint = new URL(raw);
	} catch {
		throw badRequest('subscription.endpoint', 'must be an absolute URL');
	}
	const pushService = pushServiceOf(endpoint, allowLoopback);
	if (!pushService) {
		throw badRequest(
			'subscription.endpoint',
			'must be an https URL of a known push service (FCM, Mozilla, Apple, Windows)',
		);
	}
	const keys = within('subscription', () => optObject(sub, 'keys'));
	const p256dh = keys ? within('subscription.keys', () => optString(keys, 'p256dh', 128)) : undefined;
	const auth = keys ? within('subscription.keys', () => optString(keys, 'auth', 64)) : undefined;
	if (!p256dh) throw badRequest('subscription.keys.p256dh', 'is required');
	if (!auth) throw badRequest('subscription.keys.auth', 'is required');
	const problem = await validateSubscriptionKeys(p256dh, auth);
	if (problem) throw badRequest('subscription.keys', problem);
	// Keep the endpoint exactly as the browser gave it (WNS tokens break when re-encoded).
	return { endpoint: raw, p256dh, auth, pushService, vapidKeyId: site.vapidKeyId };
}

function parseTimezone(value: string | undefined): string | null {
	if (!value) return null;
	try {
		new Intl.DateTimeFormat('en', { timeZone: value });
		return value;
	} catch {
		throw badRequest('timezone', 'must be an IANA time zone such as Europe/Berlin');
	}
}

function parseLocale(value: string | undefined): string | null {
	if (!value) return null;
	if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(value))
		throw badRequest('locale', 'must be a language tag such as en-GB');
	return value;
}
