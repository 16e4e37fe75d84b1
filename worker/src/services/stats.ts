import type { SiteStats } from '#wire';
import type { Env } from '../env';
import { siteStore } from '../objects/site-store';

/** A site's subscriber statistics (O(1): read from its store's counters) with 30 days of growth. */
export function siteStats(env: Env, siteId: string): Promise<SiteStats> {
	return siteStore(env, siteId).stats(siteId, Date.now());
}
