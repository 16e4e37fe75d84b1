import { parse, parseQuery } from '../api/parse';
import { importRequest, MAX_IMPORT_BYTES, vapidKeyDeleteQuery } from '../api/schemas/vapid-keys';
import type { Env } from '../env';
import { requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { requireSite } from '../http/public';
import { deleteVapidKey, importSubscribers, vapidKeys } from '../services/vapid-keys';

/**
 * POST /v1/sites/:siteId/subscribers/import (admin) `{vapidPublicKey, vapidPrivateKey, label?, subscriptions | csv}`:
 * subscriptions made with another tool's key pair, checked row by row; answers what was imported, duplicate and
 * refused (with why).
 */
export async function postImport(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const input = parse(importRequest, await readJsonObject(request, MAX_IMPORT_BYTES));
	const site = await requireSite(env, siteId);
	return Response.json(await importSubscribers(env, site, input));
}

/** GET /v1/sites/:siteId/vapid-keys (admin): the site's VAPID keys (public parts) with their subscriber counts. */
export async function listVapidKeys(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	const site = await requireSite(env, siteId);
	return Response.json({ vapidKeys: await vapidKeys(env, site) });
}

/** DELETE /v1/sites/:siteId/vapid-keys/:keyId?force= (admin): deletes an imported key (never the current one). */
export async function removeVapidKey(
	request: Request,
	env: Env,
	siteId: string,
	keyId: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const { force } = parseQuery(vapidKeyDeleteQuery, new URL(request.url).searchParams);
	const site = await requireSite(env, siteId);
	const subscribersDeleted = await deleteVapidKey(env, site, keyId, force === 'true');
	return Response.json({ keyId, subscribersDeleted });
}
