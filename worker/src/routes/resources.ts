import { parseQuery } from '../api/parse';
import { resourceListQuery } from '../api/schemas/resources';
import type { Env } from '../env';
import { requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { HttpError } from '../http/errors';
import { requireSite } from '../http/public';
import { siteStore } from '../objects/site-store';
import {
	createResource,
	deleteResource,
	readResource,
	readResourceVersion,
	updateResource,
} from '../services/resources';

/** A message with two languages of long texts fits easily; 40 languages of full messages do too. */
const MAX_RESOURCE_BODY_BYTES = 256 * 1024;

/** GET /v1/sites/:siteId/resources?q=&label=&limit=: most recently changed first. */
export async function listResourcesRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	const { q, label, limit = 50 } = parseQuery(resourceListQuery, new URL(request.url).searchParams);
	const resources = await siteStore(env, siteId).resources(siteId, {
		...(q ? { q } : {}),
		...(label ? { label } : {}),
		limit,
	});
	return Response.json({ resources });
}

/** POST /v1/sites/:siteId/resources (editor): a saved message, version 1. */
export async function createResourceRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const site = await requireSite(env, siteId);
	const body = await readJsonObject(request, MAX_RESOURCE_BODY_BYTES);
	return Response.json(await createResource(env, site, body), { status: 201 });
}

/** GET /v1/sites/:siteId/resources/:resourceId. */
export async function getResourceRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json(await readResource(env, siteId, id));
}

/** PATCH /v1/sites/:siteId/resources/:resourceId (editor): a new version. */
export async function patchResourceRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const site = await requireSite(env, siteId);
	const body = await readJsonObject(request, MAX_RESOURCE_BODY_BYTES);
	return Response.json(await updateResource(env, site, id, body));
}

/** GET /v1/sites/:siteId/resources/:resourceId/versions/:version. */
export async function getResourceVersionRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
	version: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	if (!/^[1-9]\d{0,8}$/.test(version)) {
		throw new HttpError(400, 'invalid_request', 'version: must be a whole number from 1');
	}
	return Response.json(await readResourceVersion(env, siteId, id, Number(version)));
}

/** DELETE /v1/sites/:siteId/resources/:resourceId (editor): 409 naming the campaigns that still send it. */
export async function deleteResourceRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	await deleteResource(env, siteId, id);
	return new Response(null, { status: 204 });
}
