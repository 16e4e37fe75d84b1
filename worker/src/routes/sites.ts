import { parse, parseQuery } from '../api/parse';
import { settingsPatch } from '../api/schemas/prompt';
import { createSiteRequest, listSitesQuery } from '../api/schemas/sites';
import { config, type Env } from '../env';
import { requireOperator, requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { HttpError } from '../http/errors';
import { allowAnyOrigin, requireSite } from '../http/public';
import { newSecret } from '../lib/ids';
import { openSecret, sealSecret } from '../lib/secrets';
import {
	createSite as createSiteService,
	identityContext,
	normaliseOrigins,
	sitePage,
	siteView,
	updateSettings,
} from '../services/sites';
import { findSealedIdentitySecret, setIdentitySecret } from '../store/sites';

/** POST /v1/sites (operator): creates a site with its VAPID key pair and first API key (shown once). */
export async function createSite(request: Request, env: Env): Promise<Response> {
	await requireOperator(request, env);
	const input = parse(createSiteRequest, await readJsonObject(request));
	const made = await createSiteService(
		env,
		{
			name: input.name,
			platform: input.platform ?? 'custom',
			origins: normaliseOrigins(input.origins),
			homeUrl: input.homeUrl,
			iconUrl: input.iconUrl ?? null,
		},
		{ withApiKey: true },
	);
	return Response.json(
		{
			...siteView(made.site),
			apiKey: made.apiKey,
			identitySecret: made.identitySecret,
			warnings: made.warnings,
		},
		{ status: 201 },
	);
}

/** GET /v1/sites?after=&limit= (operator): every site, by id; `next` is the `after` of the next page. */
export async function listSitesRoute(request: Request, env: Env): Promise<Response> {
	allowAnyOrigin(request);
	await requireOperator(request, env);
	const { after = '', limit = 100 } = parseQuery(listSitesQuery, new URL(request.url).searchParams);
	return Response.json(await sitePage(env, after, limit));
}

/** GET /v1/sites/:siteId (site API key or console token). */
export async function getSite(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	const site = await requireSite(env, siteId);
	return Response.json(siteView(site));
}

/** A site's identity secret, opened; 409 when the site has none (sites made before identity existed). */
export async function openIdentitySecret(
	env: Env,
	siteId: string,
	headers: Record<string, string> = {},
): Promise<string> {
	const sealed = await findSealedIdentitySecret(env.DB, siteId);
	if (!sealed) {
		throw new HttpError(
			409,
			'no_identity_secret',
			'This site has no identity secret; create one with POST /v1/sites/:siteId/identity-secret',
			headers,
		);
	}
	return openSecret(config(env).masterKey, sealed, identityContext(siteId));
}

/** POST /v1/sites/:siteId/identity-secret (admin): a new identity secret, shown once; old tokens stop working. */
export async function rotateIdentitySecret(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const identitySecret = newSecret('bis_');
	await setIdentitySecret(
		env.DB,
		siteId,
		await sealSecret(config(env).masterKey, identitySecret, identityContext(siteId)),
	);
	return Response.json({ identitySecret }, { status: 201 });
}

/**
 * PATCH /v1/sites/:siteId/settings (editor; `staff` admin): `{prompt:{…}}` and the other settings, each a partial
 * update; returns the whole settings.
 */
export async function patchSettings(request: Request, env: Env, siteId: string): Promise<Response> {
	const principal = await requireSiteAdmin(request, env, siteId, 'editor');
	const { prompt, events, campaigns, staff } = parse(settingsPatch, await readJsonObject(request));
	if (staff !== undefined && principal.role !== 'admin') {
		throw new HttpError(
			403,
			'forbidden',
			`staff: only an admin changes the staff alert settings; this caller is ${principal.role}`,
		);
	}
	const site = await requireSite(env, siteId);
	return Response.json({
		settings: await updateSettings(env, site, prompt, {
			retentionDays: events?.retentionDays,
			campaigns,
			staff,
		}),
	});
}
