import { parseQuery } from '../api/parse';
import { notificationListQuery } from '../api/schemas/subscribers';
import type { Env } from '../env';
import { requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { HttpError } from '../http/errors';
import { requireSite } from '../http/public';
import { parseSendRequest } from '../sending/message';
import {
	readNotification,
	recentNotifications,
	type SendInput,
	sendNotification,
} from '../services/notifications';
import { MESSAGE_FIELDS, namesResource, useResource } from '../services/resources';
import type { Site } from '../store/sites';

/**
 * The validated send of a request: its body and its `Idempotency-Key` header (which wins over the body's). A body
 * with `resource` sends that push resource's current version, the message fields beside it overriding its own.
 */
async function readSendInput(request: Request, env: Env, site: Site): Promise<SendInput> {
	const header = request.headers.get('idempotency-key');
	if (header !== null && (header.length === 0 || header.length > 128)) {
		throw new HttpError(400, 'invalid_request', 'Idempotency-Key: must be 1–128 characters');
	}
	const body = await readJsonObject(request, 64 * 1024);
	if (!namesResource(body)) {
		const { resource: _none, ...plain } = body;
		const parsed = parseSendRequest(plain, site.origins);
		return { ...parsed, idempotencyKey: header ?? parsed.idempotencyKey };
	}
	const used = await useResource(env, site, body, '');
	const rest: Record<string, unknown> = { ...body };
	delete rest.resource;
	for (const field of MESSAGE_FIELDS) delete rest[field];
	const parsed = parseSendRequest({ ...rest, ...used.message }, site.origins);
	return {
		...parsed,
		resource: used.ref,
		translations: used.translations,
		idempotencyKey: header ?? parsed.idempotencyKey,
	};
}

/** POST /v1/sites/:siteId/notifications (editor): validates, stores and hands the send to a dispatcher (202). */
export async function createNotification(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const site = await requireSite(env, siteId);
	const { result, created } = await sendNotification(env, site, await readSendInput(request, env, site));
	return Response.json(result, { status: created ? 202 : 200 });
}

/** GET /v1/sites/:siteId/notifications/:id: live status and counts from its dispatcher. */
export async function getNotification(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json(await readNotification(env, siteId, id));
}

/** GET /v1/sites/:siteId/notifications?limit=: the most recent notifications with their last saved counts. */
export async function listNotifications(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	const { limit = 20 } = parseQuery(notificationListQuery, new URL(request.url).searchParams);
	return Response.json({ notifications: await recentNotifications(env, siteId, limit) });
}
