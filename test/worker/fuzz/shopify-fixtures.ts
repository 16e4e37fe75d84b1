import { env } from 'cloudflare:workers';
import { signConsoleToken } from '../../../worker/src/lib/console-token';
import { install, newStore, sendAs, sessionToken, shopOf, useFakeShopify } from '../shopify/helpers';
import { watchSiteStores } from './db-watch';

/** Two installed shops for the Shopify fuzz properties, a send, and session and console tokens good and bad. */
export interface Shops {
	/** Installed; the console-token route and the admin API it opens are fuzzed against it. */
	store: string;
	/** Installed; only webhooks name it (they may uninstall or redact it). */
	hookStore: string;
	/** The sites of store and hookStore. */
	siteId: string;
	hookSiteId: string;
	notificationIds: string[];
	/** Authorization header values for POST /shopify/api/console-token: index 0 is valid, the rest are not. */
	tokens: string[];
	/** Authorization header values for /v1/sites/:siteId/...: index 0 is store's admin console token (as
	 * POST /shopify/api/console-token minted it), the rest are other sites', weaker, expired, forged or not
	 * console tokens at all. */
	consoleTokens: string[];
}

/** Installs the shops (through a fake Shopify, by their first console-token request) and mints the tokens. */
export async function makeShops(): Promise<Shops> {
	useFakeShopify();
	const store = newStore();
	const hookStore = newStore();
	const installed = await install(store);
	const hooked = await install(hookStore);
	// Rejected requests must leave both shops' site stores untouched too, not only D1.
	watchSiteStores(installed.siteId, hooked.siteId);
	const notificationId = await sendAs(installed, { title: 'Hello', audience: { all: true } });
	const now = Math.floor(Date.now() / 1000);
	const tokens = [
		await sessionToken(store),
		await sessionToken(store, {}, 'not-the-app-secret'),
		await sessionToken(store, { exp: now - 120, nbf: now - 3600 }),
		await sessionToken(store, { aud: 'another-app' }),
		await sessionToken(store, { dest: `https://${shopOf(hookStore)}` }),
		await sessionToken(newStore(), {}, 'not-the-app-secret'),
	].map((t) => `Bearer ${t}`);
	const staff = { id: 'shopify:fuzz', name: null, email: null };
	const sign = async (role: 'viewer' | 'editor' | 'admin', ttl: number) =>
		(await signConsoleToken(env.MASTER_KEY ?? null, { siteId: installed.siteId, staff, role }, ttl)).token;
	const consoleTokens = [
		installed.token,
		hooked.token,
		await sign('viewer', 300),
		await sign('editor', 300),
		await sign('admin', -60),
		`${installed.token.slice(0, -4)}AAAA`,
		await sessionToken(store),
	].map((t) => `Bearer ${t}`);
	return {
		store,
		hookStore,
		siteId: installed.siteId,
		hookSiteId: hooked.siteId,
		notificationIds: [notificationId],
		tokens,
		consoleTokens,
	};
}
