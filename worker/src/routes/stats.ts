import type { Env } from '../env';
import { requireSiteKey } from '../http/auth';
import { siteStore } from '../objects/site-store';

/** GET /v1/sites/:siteId/stats: subscribers by status and browser, active total, 30-day growth. */
export async function getStats(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteKey(request, env, siteId);
	return Response.json(await siteStore(env, siteId).stats(siteId, Date.now()));
}
