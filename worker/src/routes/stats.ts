import type { Env } from '../env';
import { requireSiteAdmin } from '../http/auth';
import { siteStats } from '../services/stats';

/** GET /v1/sites/:siteId/stats: subscribers by status and browser, active total, 30-day growth. */
export async function getStats(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json(await siteStats(env, siteId));
}
