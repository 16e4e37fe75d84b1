import { config, type Env } from '../env';
import { requireSiteAdmin } from '../http/auth';
import { HttpError } from '../http/errors';
import { allowAnyOrigin } from '../http/public';

/**
 * GET /v1/dev/outbox: the mail the local SMTP sink caught (`npm start` sets DEV_OUTBOX_URL), so a developer can see
 * what staff reminders would have sent. Only with DEMO=true: a deployment answers 404. No CORS: a page of another
 * origin cannot read it.
 */
export async function devOutbox(_request: Request, env: Env): Promise<Response> {
	if (!config(env).demo) throw new HttpError(404, 'not_found', 'Not found');
	if (!env.DEV_OUTBOX_URL) {
		throw new HttpError(
			503,
			'not_configured',
			'DEV_OUTBOX_URL is not set; npm start sets it to its SMTP sink',
		);
	}
	let response: Response;
	try {
		response = await fetch(new URL('/messages', env.DEV_OUTBOX_URL), { signal: AbortSignal.timeout(5000) });
	} catch {
		throw new HttpError(
			503,
			'outbox_unavailable',
			'The local SMTP sink does not answer; is npm start running?',
		);
	}
	if (!response.ok)
		throw new HttpError(503, 'outbox_unavailable', `The local SMTP sink answered ${response.status}`);
	return new Response(response.body, {
		headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
	});
}

/**
 * GET /v1/sites/:siteId/dev/outbox (console token or API key of the site): the same list for the console's outbox
 * screen, on every host (a bearer route, so any origin may read it, e.g. the console inside wp-admin). A deployment
 * answers 404 before looking at the token, so the route tells nothing there.
 */
export async function siteDevOutbox(request: Request, env: Env, siteId: string): Promise<Response> {
	allowAnyOrigin(request);
	if (!config(env).demo) {
		throw new HttpError(404, 'not_found', 'The outbox exists only in local development (npm start)');
	}
	await requireSiteAdmin(request, env, siteId);
	return devOutbox(request, env);
}
