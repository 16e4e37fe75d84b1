import type { Env } from '../env';
import { limiter } from '../lib/limit';
import { deleteShopNotifications, notificationIdsOfShop, redactShop } from './store/privacy';

/** Dispatchers purged at once. */
const CONCURRENCY = 6;
/** Notifications per round: a round's rows are deleted once their dispatchers are purged. */
const ROUND = 60;

/** What shop/redact removed. */
export interface ShopPurge {
	/** Whether the shop still had a site and Shopify rows. */
	shopRedacted: boolean;
	dispatchersPurged: number;
}

/**
 * shop/redact: purges each of the shop's notifications from its Dispatcher (message, audience, batches, alarm),
 * then deletes the shop's rows. A notification row goes only after its dispatcher is purged, so a delivery cut
 * short (Shopify waits 5 s) leaves nothing unreachable and its retry resumes where it stopped.
 */
export async function purgeShop(env: Env, shop: string): Promise<ShopPurge> {
	const run = limiter(CONCURRENCY);
	let dispatchersPurged = 0;
	for (;;) {
		const ids = await notificationIdsOfShop(env.DB, shop, ROUND);
		if (ids.length === 0) break;
		await Promise.all(ids.map((id) => run(() => env.DISPATCHER.get(env.DISPATCHER.idFromName(id)).purge())));
		dispatchersPurged += ids.length;
		// Nothing deleted would mean the same ids again: stop rather than loop.
		if ((await deleteShopNotifications(env.DB, shop, ids)) === 0) break;
	}
	return { shopRedacted: await redactShop(env.DB, shop), dispatchersPurged };
}
