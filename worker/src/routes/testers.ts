import { parse } from '../api/parse';
import { testerClaim, testerLinkRequest } from '../api/schemas/subscribers';
import { config, type Env } from '../env';
import { requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { badRequest, HttpError, subscriberNotFound } from '../http/errors';
import { publicContext, requireSite } from '../http/public';
import { signTesterToken, type TesterTokenProblem, verifyTesterToken } from '../lib/tester-link';
import { siteStore } from '../objects/site-store';
import { requireMasterKey } from '../services/sites';

const PROBLEMS: Record<TesterTokenProblem, string> = {
	malformed: 'The tester token is malformed; copy the whole link from the console',
	bad_signature: 'The tester token is not one this deployment signed',
	expired: 'The tester link has expired (links work for 15 minutes); make a new one in the console',
	other_site: 'The tester link was made for another site',
};

/**
 * POST /v1/sites/:siteId/testers/link (editor) `{url?}`: a link to a page of the site that marks the browser
 * opening it as a tester (README "Test subscribers"). The token travels in the fragment, so it reaches no server log.
 */
export async function testerLinkRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const { url } = parse(testerLinkRequest, await readJsonObject(request, 4096));
	const site = await requireSite(env, siteId);
	let page: URL;
	if (url === undefined) {
		const first = site.origins[0];
		if (first === undefined)
			throw badRequest('url', 'the site has no origins; add one in its settings first');
		page = new URL('/', first);
	} else {
		page = new URL(url);
		if (!site.origins.includes(page.origin)) {
			throw badRequest(
				'url',
				`${page.origin} is not one of this site's origins (${site.origins.join(', ')})`,
			);
		}
	}
	const { token, expiresAt } = await signTesterToken(requireMasterKey(env), siteId);
	page.hash = `beckon-tester=${token}`;
	return Response.json({ link: page.href, token, expiresAt });
}

/**
 * POST /v1/sites/:siteId/subscribers/:subscriberId/tester `{token}` (the widget, from the site's origin): marks
 * this browser's subscriber as a tester when the token from a tester link is valid for the site.
 */
export async function claimTesterRoute(
	request: Request,
	env: Env,
	siteId: string,
	subscriberId: string,
): Promise<Response> {
	await publicContext(request, env, siteId);
	const { token } = parse(testerClaim, await readJsonObject(request, 4096));
	const problem = await verifyTesterToken(config(env).masterKey, siteId, token);
	if (problem !== null) throw new HttpError(401, `tester_${problem}`, PROBLEMS[problem]);
	if (!(await siteStore(env, siteId).setTester(siteId, subscriberId, true)))
		throw subscriberNotFound(subscriberId);
	return Response.json({ subscriberId, test: true });
}
