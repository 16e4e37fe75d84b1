import { config, type Env } from '../env';
import { requireOperator, requireSiteKey } from '../http/auth';
import { readJsonObject } from '../http/body';
import { badRequest, HttpError } from '../http/errors';
import { requireSite } from '../http/public';
import { optEnum, optObject, optStringArray, optUrl, reqString } from '../http/validate';
import { newId, newSecret } from '../lib/ids';
import { openSecret, sealSecret, sha256Hex } from '../lib/secrets';
import { generateVapidKeys } from '../push/vapid';
import { chooseVapidSubject } from '../sending/subject';
import { mergePromptSettings, promptOf } from '../settings/prompt';
import {
	findSealedIdentitySecret,
	insertSite,
	type Platform,
	type Site,
	saveSettings,
	setIdentitySecret,
} from '../store/sites';

/** Public view of a site for its admins (no secrets). */
export function siteView(site: Site) {
	return {
		siteId: site.id,
		name: site.name,
		platform: site.platform,
		origins: site.origins,
		homeUrl: site.homeUrl,
		iconUrl: site.iconUrl,
		vapidPublicKey: site.vapidPublicKey,
		settings: { ...site.settings, prompt: promptOf(site.settings) },
		createdAt: new Date(site.createdAt).toISOString(),
	};
}

/** POST /v1/sites (operator): creates a site with its VAPID key pair and first API key (shown once). */
export async function createSite(request: Request, env: Env): Promise<Response> {
	await requireOperator(request, env);
	const body = await readJsonObject(request);
	const name = reqString(body, 'name', 100);
	const platform = optEnum<Platform>(body, 'platform', ['wordpress', 'shopify', 'custom']) ?? 'custom';
	const origins = parseOrigins(optStringArray(body, 'origins', 20, 255));
	const homeUrl = optUrl(body, 'homeUrl')?.href ?? `${origins[0]}/`;
	const iconUrl = optUrl(body, 'iconUrl')?.href ?? null;
	const masterKey = config(env).masterKey;
	if (!masterKey) {
		throw new HttpError(
			503,
			'not_configured',
			'MASTER_KEY is not set on this deployment; see README "Secrets"',
		);
	}

	const id = newId('site');
	const keys = await generateVapidKeys();
	const apiKey = newSecret('bk_');
	const identitySecret = newSecret('bis_');
	const site: Site = {
		id,
		name,
		platform,
		origins,
		homeUrl,
		iconUrl,
		settings: {},
		vapidPublicKey: keys.publicKey,
		vapidKeyId: keys.publicKey.slice(0, 16),
		createdAt: Date.now(),
		disabledAt: null,
	};
	const sealed = {
		privateKey: await sealSecret(masterKey, keys.privateKey, id),
		identitySecret: await sealSecret(masterKey, identitySecret, identityContext(id)),
	};
	await insertSite(env.DB, site, sealed, { hash: await sha256Hex(apiKey), prefix: apiKey.slice(0, 7) });
	// Said once, here: a contact push services reject (Apple: BadJwtToken) would fail every Safari push later.
	const { warning } = chooseVapidSubject(config(env).vapidSubject, homeUrl);
	const warnings = warning ? [{ code: 'vapid_subject', message: warning }] : [];
	return Response.json({ ...siteView(site), apiKey, identitySecret, warnings }, { status: 201 });
}

/** GET /v1/sites/:siteId (site API key). */
export async function getSite(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteKey(request, env, siteId);
	const site = await requireSite(env, siteId);
	return Response.json(siteView(site));
}

/** Sealing context of a site's identity secret (distinct from its VAPID key's). */
export function identityContext(siteId: string): string {
	return `${siteId}:identity`;
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

/** POST /v1/sites/:siteId/identity-secret (site API key): a new identity secret, shown once; old tokens stop working. */
export async function rotateIdentitySecret(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteKey(request, env, siteId);
	const identitySecret = newSecret('bis_');
	await setIdentitySecret(
		env.DB,
		siteId,
		await sealSecret(config(env).masterKey, identitySecret, identityContext(siteId)),
	);
	return Response.json({ identitySecret }, { status: 201 });
}

/** PATCH /v1/sites/:siteId/settings (site API key): `{prompt:{…}}` partial update; returns the whole settings. */
export async function patchSettings(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteKey(request, env, siteId);
	const body = await readJsonObject(request);
	for (const key of Object.keys(body))
		if (key !== 'prompt') throw badRequest(key, 'is not a setting; use prompt');
	const site = await requireSite(env, siteId);
	const input = optObject(body, 'prompt');
	if (!input) throw badRequest('prompt', 'is required: the prompt settings to change');
	const settings = { ...site.settings, prompt: mergePromptSettings(promptOf(site.settings), input) };
	await saveSettings(env.DB, siteId, settings);
	return Response.json({ settings });
}

function parseOrigins(values: string[] | undefined): string[] {
	if (!values || values.length === 0)
		throw badRequest('origins', 'is required: the site origins, e.g. ["https://shop.example"]');
	return values.map((value, i) => {
		let url: URL;
		try {
			url = new URL(value);
		} catch {
			throw badRequest(`origins[${i}]`, 'must be an origin like https://shop.example');
		}
		if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value.replace(/\/$/, '')) {
			throw badRequest(
				`origins[${i}]`,
				'must be an origin (scheme, host and port only) like https://shop.example',
			);
		}
		return url.origin;
	});
}
