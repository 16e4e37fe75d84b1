import type { Env } from '../env';
import { readJsonObject } from '../http/body';
import { badRequest, HttpError, subscriberNotFound } from '../http/errors';
import { publicContext } from '../http/public';
import { optEnum, optString, optUrl } from '../http/validate';
import { isId } from '../lib/ids';
import { siteStore } from '../objects/site-store';
import type { SubscriberStatus } from '../store/subscribers';
import { ownPageUrl } from './subscribers';

const TYPES = ['pageview', 'permission', 'shown', 'clicked', 'closed'] as const;
const STATUS_OF: Record<string, SubscriberStatus> = {
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
	const body = await readJsonObject(request, 4096);
	const type = optEnum(body, 'type', TYPES);
	if (!type) throw badRequest('type', `is required: one of ${TYPES.join(', ')}`);
	const now = Date.now();

	if (type === 'pageview') {
		const url = ownPageUrl(site, optUrl(body, 'url', 4096));
		if (!url) throw badRequest('url', "must be a page on one of the site's origins");
		if (!(await siteStore(env, siteId).recordPageview(siteId, subscriberId, url, now)))
			throw subscriberNotFound(subscriberId);
	} else if (type === 'permission') {
		const permission = optEnum(body, 'permission', Object.keys(STATUS_OF));
		if (!permission)
			throw badRequest('permission', `is required: one of ${Object.keys(STATUS_OF).join(', ')}`);
		if (
			!(await siteStore(env, siteId).updateStatus(
				siteId,
				subscriberId,
				STATUS_OF[permission] as SubscriberStatus,
				now,
			))
		) {
			throw subscriberNotFound(subscriberId);
		}
	} else {
		const notificationId = optString(body, 'notificationId', 64);
		if (!notificationId) throw badRequest('notificationId', `is required for ${type} events`);
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
