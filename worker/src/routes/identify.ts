import * as z from 'zod';
import { parse } from '../api/parse';
import { userPut } from '../api/schemas/audience';
import { identifyRequest, subscriberPatch } from '../api/schemas/subscribers';
import type { Env } from '../env';
import { readJsonObject } from '../http/body';
import { badRequest, HttpError, subscriberNotFound } from '../http/errors';
import { publicContext } from '../http/public';
import { type IdentityProblem, verifyIdentity } from '../lib/identity';
import { newId } from '../lib/ids';
import { siteStore } from '../objects/site-store';
import { attributeChanges } from '../services/audience';
import { promptOf } from '../settings/prompt';
import { openIdentitySecret } from './sites';

/** The token's `attrs` claim: the attributes of PUT …/users/{userId}, errors named `attrs.<name>`. */
const tokenAttrs = z.object({ attrs: userPut.shape.attributes });

const PROBLEMS: Record<IdentityProblem, string> = {
	malformed:
		'The identity token is malformed; it must be <payload>.<signature> as made by the platform plugin',
	bad_signature: "The identity token's signature does not match this site's identity secret",
	expired: 'The identity token has expired; the page must get a fresh one',
	too_long_lived: 'The identity token expires too far in the future (at most 7 days)',
};

/**
 * POST /v1/sites/:siteId/subscribers/:subscriberId/identify `{token}`: ties a signed-in user (identity token
 * signed by the platform with the site's identity secret) to this browser's subscriber, first merging the token's
 * `attrs` claim into the user's attributes (as PUT …/users/:userId; a 400 naming `attrs.<name>` writes nothing).
 */
export async function identify(
	request: Request,
	env: Env,
	siteId: string,
	subscriberId: string,
): Promise<Response> {
	await publicContext(request, env, siteId);
	const { token } = parse(identifyRequest, await readJsonObject(request, 8192));
	const secret = await openIdentitySecret(env, siteId);
	const check = await verifyIdentity(secret, token);
	if (!check.ok) throw new HttpError(401, `identity_${check.problem}`, PROBLEMS[check.problem]);
	const attrs = check.attrs === undefined ? null : parse(tokenAttrs, { attrs: check.attrs }).attrs;
	const status = await siteStore(env, siteId).identify(
		siteId,
		subscriberId,
		check.userId,
		newId('sub'),
		Date.now(),
		attrs === null ? null : attributeChanges(attrs),
	);
	if (status === null) throw subscriberNotFound(subscriberId);
	if (typeof status === 'object')
		throw badRequest(status.path.replace(/^attributes/, 'attrs'), status.message);
	return Response.json({ subscriberId, status });
}

/** PATCH /v1/sites/:siteId/subscribers/:subscriberId `{categories}`: the topics this browser wants. */
export async function patchSubscriber(
	request: Request,
	env: Env,
	siteId: string,
	subscriberId: string,
): Promise<Response> {
	const { site } = await publicContext(request, env, siteId);
	const { categories } = parse(subscriberPatch, await readJsonObject(request, 4096));
	const known = new Set(promptOf(site.settings).categories.map((c) => c.id));
	const unknown = categories.filter((c) => !known.has(c));
	if (unknown.length > 0) throw badRequest('categories', `unknown category ${unknown.join(', ')}`);
	if (!(await siteStore(env, siteId).setCategories(siteId, subscriberId, categories, Date.now()))) {
		throw subscriberNotFound(subscriberId);
	}
	return Response.json({ subscriberId, categories });
}
