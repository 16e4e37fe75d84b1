import type { Role, Staff } from '#wire';
import { parse } from '../api/parse';
import { apiKeyRequest, CONSOLE_TOKEN_TTL, consoleTokenRequest } from '../api/schemas/sites';
import type { Env } from '../env';
import { isOperator, requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { HttpError } from '../http/errors';
import { allowAnyOrigin, requireSite } from '../http/public';
import { isConsoleToken } from '../lib/console-token';
import { apiKeys, createApiKey, mintConsoleToken, revokeApiKey, rotateApiKey } from '../services/access';
import { listDataRequests } from '../shopify/store/privacy';
import { findShopOfSite } from '../shopify/store/shops';

/** Reads `{staff?, role?, ttlSeconds?}` of a console-token request, with the defaults filled in. */
export function parseConsoleTokenRequest(body: Record<string, unknown>): {
	staff: Staff;
	role: Role;
	ttlSeconds: number;
} {
	const input = parse(consoleTokenRequest, body);
	return {
		staff: input.staff
			? { id: input.staff.id, name: input.staff.name ?? null, email: input.staff.email ?? null }
			: { id: 'owner', name: null, email: null },
		role: input.role ?? 'admin',
		ttlSeconds: input.ttlSeconds ?? CONSOLE_TOKEN_TTL.default,
	};
}

/**
 * POST /v1/sites/:siteId/console-tokens (site API key or operator token) `{staff?, role?, ttlSeconds?}`: a
 * short-lived, site-scoped bearer for the console, carrying the staff member's identity and role. A console token
 * cannot mint another (it has to come back to whoever holds the key).
 */
export async function createConsoleToken(request: Request, env: Env, siteId: string): Promise<Response> {
	allowAnyOrigin(request);
	const operator = await isOperator(request, env);
	if (!operator) {
		const header = request.headers.get('authorization') ?? '';
		if (isConsoleToken(header.replace(/^Bearer\s+/i, ''))) {
			throw new HttpError(
				403,
				'forbidden',
				'A console token cannot mint console tokens; use the site API key or the operator token',
			);
		}
		await requireSiteAdmin(request, env, siteId, 'admin');
	}
	await requireSite(env, siteId);
	const input = parseConsoleTokenRequest(await readJsonObject(request, 4096, { optional: true }));
	return Response.json(await mintConsoleToken(env, siteId, input.staff, input.role, input.ttlSeconds), {
		status: 201,
	});
}

/** GET /v1/sites/:siteId/api-keys (admin): the site's keys by name and prefix. */
export async function listApiKeysRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	return Response.json({ apiKeys: await apiKeys(env, siteId) });
}

/** POST /v1/sites/:siteId/api-keys (admin) `{name, scope?}`: a new key, shown this once. */
export async function createApiKeyRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	await requireSite(env, siteId);
	const { name, scope } = parse(apiKeyRequest, await readJsonObject(request, 4096));
	return Response.json(await createApiKey(env, siteId, name, scope), { status: 201 });
}

/** POST /v1/sites/:siteId/api-keys/:keyId/rotate (admin): a new secret for the key (shown once); the old one stops. */
export async function rotateApiKeyRoute(
	request: Request,
	env: Env,
	siteId: string,
	keyId: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	return Response.json(await rotateApiKey(env, siteId, keyId));
}

/** DELETE /v1/sites/:siteId/api-keys/:keyId (admin): revokes a key at once (never the last one). */
export async function revokeApiKeyRoute(
	request: Request,
	env: Env,
	siteId: string,
	keyId: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	await revokeApiKey(env, siteId, keyId);
	return new Response(null, { status: 204 });
}

/**
 * GET /v1/sites/:siteId/data-requests (admin): the exports made for a Shopify shop's customers/data_request
 * webhooks, newest first, for the owner to hand over (empty for other sites). Admin only: they hold personal data.
 */
export async function listDataRequestsRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const shop = await findShopOfSite(env.DB, siteId);
	return Response.json({ dataRequests: shop ? await listDataRequests(env.DB, shop) : [] });
}
