import { parse } from '../api/parse';
import { pixelEventBatch, subscriberEventBatch } from '../api/schemas/audience';
import { type EVENT_PERMISSIONS, eventRequest } from '../api/schemas/subscribers';
import type { Env } from '../env';
import { readJsonObject } from '../http/body';
import { badRequest, HttpError, subscriberNotFound } from '../http/errors';
import { publicContext } from '../http/public';
import { isId } from '../lib/ids';
import { siteStore } from '../objects/site-store';
import { trackSubscriberEvents } from '../services/audience';
import type { SubscriberStatus } from '../store/subscribers';
import { ownPageUrl } from './subscribers';

const STATUS_OF: Record<(typeof EVENT_PERMISSIONS)[number], SubscriberStatus> = {
	granted: 'allowed',
	denied: 'blocked',
	default: 'ask',
	unsupported: 'unsupported',
};

/** 20 events with 2 KB of properties each fit. */
const MAX_EVENTS_BODY_BYTES = 64 * 1024;

/**
 * POST /v1/sites/:siteId/subscribers/:subscriberId/events: a pageview (the `pageview` event, and the last visited
 * page of the site's own origin), a permission change, or a notification shown / clicked / closed; or, as
 * `{events: [...]}`, up to 20 of the page's own events (`Beckon.track`), recorded on the subscriber.
 */
export async function postEvent(
	request: Request,
	env: Env,
	siteId: string,
	subscriberId: string,
): Promise<Response> {
	const { site } = await publicContext(request, env, siteId);
	const body = await readJsonObject(request, MAX_EVENTS_BODY_BYTES);
	const now = Date.now();
	if (Object.hasOwn(body, 'events')) {
		await trackSubscriberEvents(env, siteId, subscriberId, parse(subscriberEventBatch, body), now);
		return new Response(null, { status: 202 });
	}
	const event = parse(eventRequest, body);

	if (event.type === 'pageview') {
		const url = ownPageUrl(site, event.url);
		if (!url) throw badRequest('url', "must be a page on one of the site's origins");
		if ((await siteStore(env, siteId).recordPageview(siteId, subscriberId, url, now)) === null)
			throw subscriberNotFound(subscriberId);
	} else if (event.type === 'permission') {
		const status = STATUS_OF[event.permission];
		if (!(await siteStore(env, siteId).updateStatus(siteId, subscriberId, status, now))) {
			throw subscriberNotFound(subscriberId);
		}
	} else {
		const { type, notificationId } = event;
		// A made-up id never reaches (and so never creates) a Durable Object.
		if (!isId('ntf', notificationId)) throw notificationNotFound(notificationId);
		// Counted per notification by its dispatcher, which checks the site: no D1 read on this hottest path
		// (one `shown` beacon per push delivered).
		const dispatcher = env.DISPATCHER.get(env.DISPATCHER.idFromName(notificationId));
		if (!(await dispatcher.track(siteId, type, isId('sub', subscriberId) ? subscriberId : null))) {
			throw notificationNotFound(notificationId);
		}
	}
	return new Response(null, { status: 202 });
}

function notificationNotFound(id: string): HttpError {
	return new HttpError(404, 'notification_not_found', `No notification ${id} on this site`);
}

/**
 * POST /v1/sites/:siteId/subscribers/:subscriberId/pixel-events: storefront events from Beckon's Shopify web pixel
 * (product_viewed, product_added_to_cart), recorded on the subscriber as `Beckon.track` would. The pixel runs in
 * Shopify's sandbox, whose origin is not the shop's: any origin may call (no credentials; the subscriber id is the
 * capability, as for the other public routes), and it sends text/plain so no preflight is needed.
 */
export async function postPixelEvents(
	request: Request,
	env: Env,
	siteId: string,
	subscriberId: string,
): Promise<Response> {
	await publicContext(request, env, siteId, { anyOrigin: true });
	const body = await readJsonObject(request, MAX_EVENTS_BODY_BYTES);
	await trackSubscriberEvents(env, siteId, subscriberId, parse(pixelEventBatch, body), Date.now());
	return new Response(null, { status: 202 });
}
