import type { Env } from '../env';
import { limiter } from '../lib/limit';
import { siteStore } from '../objects/site-store';
import { redactShop } from './store/privacy';
import { findShop } from './store/shops';

/** Dispatchers purged at once. */
const CONCURRENCY = 6;
/** Notification ids read from the store per round. */
const ROUND = 100;

/** What shop/redact removed. */
export interface ShopPurge {
	/** Whether the shop still had a site and Shopify rows. */
	shopRedacted: boolean;
	dispatchersPurged: number;
}

/**
 * shop/redact: purges each of the shop's notifications from its Dispatcher (message, audience, batches, alarm),
 * then the site's store (subscribers, counters, notification history), then the shop's rows in D1. Each step
 * can run again, so a delivery cut short (Shopify waits 5 s) is finished by its retry: the D1 rows that lead
 * to the store go last.
 */
export async function purgeShop(env: Env, shop: string): Promise<ShopPurge> {
	const run = limiter(CONCURRENCY);
	let dispatchersPurged = 0;
	const record = await findShop(env.DB, shop);
	if (record) {
		const store = siteStore(env, record.siteId);
		let after = '';
		for (;;) {
			const ids = await store.notificationIds(record.siteId, after, ROUND);
			if (ids.length === 0) break;
			await Promise.all(
				ids.map((id) => run(() => env.DISPATCHER.get(env.DISPATCHER.idFromName(id)).purge())),
			);
			dispatchersPurged += ids.length;
			after = ids.at(-1) as string;
		}
		await store.purge(record.siteId);
	}
	return { shopRedacted: await redactShop(env.DB, shop), dispatchersPurged };
}
