import { type FirefoxSession, launchFirefox } from './firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from './firefox/mozilla-push-server.ts';
import { type HostSite, startHostSite } from './host-site.ts';
import { signIdentityToken } from './identity.ts';
import { type LocalWorker, startWorker } from './local-worker.ts';

// One Beckon site embedded on several origins, with one real Firefox: Firefox holds one push subscription per
// origin, so several subscribers of one site are the same site on several host pages, a tab each.

/** The site as the operator API created it. */
export interface MultiOriginSite {
	siteId: string;
	apiKey: string;
	identitySecret: string;
}

/** The running stack: push server, worker, Firefox, the host pages and the site. */
export interface MultiOriginStack {
	push: MozillaPushServer;
	worker: LocalWorker;
	firefox: FirefoxSession;
	hosts: HostSite[];
	site: MultiOriginSite;
	/** Calls the site's admin API with its key; throws on a non-2xx answer. */
	api<T>(path: string, init?: RequestInit): Promise<T>;
	/** Opens each origin in its own tab, signed in as `users[i]`, and returns the subscriber ids in that order. */
	subscribe(users: string[]): Promise<string[]>;
	close(): Promise<void>;
}

/** Starts the stack with `origins` host pages serving one site named `name` (`prefs`: extra Firefox prefs). */
export async function startMultiOriginSite(
	origins: number,
	name: string,
	prefs: Record<string, string | number | boolean> = {},
): Promise<MultiOriginStack> {
	const push = await startMozillaPushServer();
	const [worker, firefox] = await Promise.all([
		startWorker(),
		launchFirefox({ pushServerUrl: push.url, prefs }),
	]);
	const hosts: HostSite[] = [];
	let site: MultiOriginSite | null = null;
	for (let i = 0; i < origins; i++) hosts.push(await startHostSite(worker.url, () => site?.siteId ?? ''));
	const created = await fetch(`${worker.url}/v1/sites`, {
		method: 'POST',
		headers: { authorization: `Bearer ${worker.adminToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ name, origins: hosts.map((h) => h.origin), platform: 'custom' }),
	});
	site = (await created.json()) as MultiOriginSite;
	const theSite = site;
	const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
		const r = await fetch(`${worker.url}/v1/sites/${theSite.siteId}${path}`, {
			...init,
			headers: { authorization: `Bearer ${theSite.apiKey}`, 'content-type': 'application/json' },
		});
		if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
		return (r.status === 204 ? null : await r.json()) as T;
	};
	return {
		push,
		worker,
		firefox,
		hosts,
		site: theSite,
		api,
		async subscribe(users) {
			const ids: string[] = [];
			for (const [i, host] of hosts.entries()) {
				host.page({
					attributes: { 'data-identity': signIdentityToken(theSite.identitySecret, users[i] as string) },
				});
				// A tab per origin stays open: notifications are read from a page of their origin.
				const tab = i === 0 ? firefox.page : await firefox.browser.newPage();
				await tab.goto(`${host.origin}/`);
				const handle = await tab.waitForFunction(
					(id: string) => localStorage.getItem(`beckon:${id}:sid`),
					{ timeout: 15_000 },
					theSite.siteId,
				);
				ids.push((await handle.jsonValue()) as string);
			}
			return ids;
		},
		async close() {
			await firefox.close();
			for (const host of hosts) await host.close();
			await worker.stop();
			await push.close();
		},
	};
}
