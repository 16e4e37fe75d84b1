import { config, type Env } from '../env';
import { HttpError } from '../http/errors';

/**
 * GET /v1/dev/outbox: the mail the local SMTP sink caught (`npm start` sets DEV_OUTBOX_URL), so the console can show
 * what staff reminders would have sent. Only with DEMO=true: a deployment answers 404.
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
