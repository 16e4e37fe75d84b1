import { json } from '../helpers';
import { admin, install, newStore, sessionToken, shopOf, useFakeShopify } from '../shopify/helpers';
import { watchSiteStores } from './db-watch';

/** Two installed shops for the Shopify fuzz properties, a send, and session tokens good and bad. */
export interface Shops {
	/** Installed; the admin API and proxy are fuzzed against it. */
	store: string;
	/** Installed; only webhooks name it (they may uninstall or redact it). */
	hookStore: string;
	notificationIds: string[];
	/** Authorization header values: index 0 is valid, the rest are not. */
	tokens: string[];
}

/** Installs the shops (through a fake Shopify) and mints the tokens. */
export async function makeShops(): Promise<Shops> {
	useFakeShopify();
	const store = newStore();
	const hookStore = newStore();
	const installed = await install(store);
	const hooked = await install(hookStore);
	// Rejected requests must leave both shops' site stores untouched too, not only D1.
	watchSiteStores(installed.shop.siteId, hooked.shop.siteId);
	const sent = await admin(store, '/shopify/api/notifications', {
		method: 'POST',
		body: JSON.stringify({ title: 'Hello', audience: { all: true } }),
	});
	const { notificationId } = await json<{ notificationId: string }>(sent);
	const now = Math.floor(Date.now() / 1000);
	const tokens = [
		await sessionToken(store),
		await sessionToken(store, {}, 'not-the-app-secret'),
		await sessionToken(store, { exp: now - 120, nbf: now - 3600 }),
		await sessionToken(store, { aud: 'another-app' }),
		await sessionToken(store, { dest: `https://${shopOf(hookStore)}` }),
		await sessionToken(newStore(), {}, 'not-the-app-secret'),
	].map((t) => `Bearer ${t}`);
	return { store, hookStore, notificationIds: [notificationId], tokens };
}
