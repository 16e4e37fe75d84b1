import { parse, parseQuery } from '../api/parse';
import { deliveriesQuery, webhookCreate, webhookPatch } from '../api/schemas/webhooks';
import { config, type Env } from '../env';
import { requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { badRequest, HttpError } from '../http/errors';
import { siteStore } from '../objects/site-store';

// Outbound webhooks (README "Webhooks"): a site's endpoints, each signed with its own secret per the Standard
// Webhooks scheme. Only a full key or an admin's console token manages them (an endpoint URL may carry a token).

const MAX_BODY_BYTES = 16 * 1024;

function notFound(id: string): HttpError {
	return new HttpError(404, 'not_found', `No webhook endpoint ${id} on this site`);
}

/** https only (http on 127.0.0.1 / localhost where loopback push endpoints are allowed); no user:password@. */
function checkUrl(env: Env, value: string | undefined): void {
	if (value === undefined) return;
	const url = new URL(value);
	const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
	if (url.protocol !== 'https:' && !(loopback && config(env).allowLoopbackPush)) {
		throw badRequest('url', 'must be an https URL');
	}
	if (url.username || url.password) throw badRequest('url', 'must not carry a user name or password');
}

/** GET /v1/sites/:siteId/webhooks (admin): the endpoints, never their secrets. */
export async function listWebhooksRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	return Response.json({ webhooks: await siteStore(env, siteId).webhooks(siteId, Date.now()) });
}

/** POST /v1/sites/:siteId/webhooks (admin): a new endpoint; its signing secret is in the answer this once. */
export async function createWebhookRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const input = parse(webhookCreate, await readJsonObject(request, MAX_BODY_BYTES));
	checkUrl(env, input.url);
	const created = await siteStore(env, siteId).createWebhook(
		siteId,
		{ url: input.url, description: input.description ?? '', events: input.events },
		Date.now(),
	);
	if (!created.ok) throw new HttpError(created.status, created.code, created.message);
	return Response.json(created.value, { status: 201 });
}

/** GET /v1/sites/:siteId/webhooks/:webhookId (admin). */
export async function getWebhookRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const view = await siteStore(env, siteId).webhook(siteId, id, Date.now());
	if (!view) throw notFound(id);
	return Response.json(view);
}

/** PATCH /v1/sites/:siteId/webhooks/:webhookId (admin): url, description, events, enabled. */
export async function patchWebhookRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const input = parse(webhookPatch, await readJsonObject(request, MAX_BODY_BYTES));
	checkUrl(env, input.url);
	const view = await siteStore(env, siteId).updateWebhook(siteId, id, input, Date.now());
	if (!view) throw notFound(id);
	return Response.json(view);
}

/** DELETE /v1/sites/:siteId/webhooks/:webhookId (admin): the endpoint and its delivery log. */
export async function deleteWebhookRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	if (!(await siteStore(env, siteId).deleteWebhook(siteId, id))) throw notFound(id);
	return new Response(null, { status: 204 });
}

/** POST /v1/sites/:siteId/webhooks/:webhookId/rotate-secret (admin): a new secret, shown this once. */
export async function rotateWebhookSecretRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const view = await siteStore(env, siteId).rotateWebhookSecret(siteId, id, Date.now());
	if (!view) throw notFound(id);
	return Response.json(view);
}

/** POST /v1/sites/:siteId/webhooks/:webhookId/test (admin): queues a `webhook.test` call. */
export async function testWebhookRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const deliveryId = await siteStore(env, siteId).testWebhook(siteId, id, Date.now());
	if (!deliveryId) throw notFound(id);
	return Response.json({ deliveryId }, { status: 202 });
}

/** GET /v1/sites/:siteId/webhooks/:webhookId/deliveries (admin): the delivery log, newest first. */
export async function listDeliveriesRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const { limit } = parseQuery(deliveriesQuery, new URL(request.url).searchParams);
	const deliveries = await siteStore(env, siteId).webhookDeliveries(siteId, id, limit ?? 50);
	if (!deliveries) throw notFound(id);
	return Response.json({ deliveries });
}
