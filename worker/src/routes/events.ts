import { parse } from '../api/parse';
import { type EVENT_PERMISSIONS, eventRequest } from '../api/schemas/subscribers';
import type { Env } from '../env';
import { readJsonObject } from '../http/body';
import { badRequest, HttpError, subscriberNotFound } from '../http/errors';
import { publicContext } from '../http/public';
import { isId } from '../lib/ids';
import { siteStore } from '../objects/site-store';
import type { SubscriberStatus } from '../store/subscribers';
import { ownPageUrl } from './subscribers';

const STATUS_OF: Record<(typeof EVENT_PERMISSIONS)[number], SubscriberStatus> = {
	granted: 'allowed',
	denied: 'blocked',
	default: 'ask',
	unsupported: 'unsupported',
};

/**
 * POST /v1/sites/:siteId/subscribers/:subscriberId/events: a pageview (keeps the last visited page of the
 * site's own origin), a permission change, or a notification shown / clicked / closed.
 */
export async function postEvent(
	request: Request,
	env: Env,
	siteId: string,
	subscriberId: string,
): Promise<Response> {
	const { site } = await publicContext(request, env, siteId);
	const event = parse(eventRequest, await readJsonObject(request, 4096));
	const now = Date.now();

	if (event.type === 'pageview') {
		const url = ownPageUrl(site, event.url);
		if (!url) throw badRequest('url', "must be a page on one of the site's origins");
		if (!(await siteStore(env, siteId).recordPageview(siteId, subscriberId, url, now)))
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
		if (!(await dispatcher.track(siteId, type))) {
			throw notificationNotFound(notificationId);
		}
	}
	return new Response(null, { status: 202 });
}

function notificationNotFound(id: string): HttpError {
	return new HttpError(404, 'notification_not_found', `No notification ${id} on this site`);
}
