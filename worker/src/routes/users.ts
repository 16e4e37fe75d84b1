import { parse } from '../api/parse';
import { eventBatch, userPut } from '../api/schemas/audience';
import type { Env } from '../env';
import { requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { badRequest } from '../http/errors';
import { eraseUser, getUser, putUser, trackEvents } from '../services/audience';

/** A batch of 1,000 events with properties fits. */
const MAX_EVENT_BATCH_BYTES = 1_048_576;
/** 50 attributes of 1,000 characters fit. */
const MAX_USER_BODY_BYTES = 64 * 1024;

/** The user id of a path, as the router decoded it: the platform's signed id, 1 to 255 characters. */
function checkUserId(id: string): string {
	if (id.length < 1 || id.length > 255) throw badRequest('userId', 'must be 1 to 255 characters');
	return id;
}

/** PUT /v1/sites/:siteId/users/:userId (editor): merge attributes, creating the user if new. */
export async function putUserRoute(
	request: Request,
	env: Env,
	siteId: string,
	userId: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const id = checkUserId(userId);
	const input = parse(userPut, await readJsonObject(request, MAX_USER_BODY_BYTES));
	return Response.json(await putUser(env, siteId, id, input, Date.now()));
}

/** GET /v1/sites/:siteId/users/:userId: the profile, devices and recent events. */
export async function getUserRoute(
	request: Request,
	env: Env,
	siteId: string,
	userId: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json(await getUser(env, siteId, checkUserId(userId), Date.now()));
}

/** DELETE /v1/sites/:siteId/users/:userId (editor): erase the user, their devices and events. */
export async function deleteUserRoute(
	request: Request,
	env: Env,
	siteId: string,
	userId: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	await eraseUser(env, siteId, checkUserId(userId));
	return new Response(null, { status: 204 });
}

/** POST /v1/sites/:siteId/events (editor): record a batch of custom events. */
export async function postEventsRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const input = parse(eventBatch, await readJsonObject(request, MAX_EVENT_BATCH_BYTES));
	return Response.json(await trackEvents(env, siteId, input, Date.now()), { status: 202 });
}
