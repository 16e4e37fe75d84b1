import { runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import type { SiteStore } from '../../worker/src/objects/site-store';
import { encodeBase64Url } from '../../worker/src/push/base64url';
import { endpointHash } from '../../worker/src/store/subscribers';

/** The operator token the test config sets. */
export const OPERATOR = 'test-operator-token';

/** Calls the worker's fetch handler (the real router, in workerd). */
export function call(
	path: string,
	init: RequestInit & { key?: string; ip?: string } = {},
): Promise<Response> {
	const headers = new Headers(init.headers);
	if (init.key) headers.set('authorization', `Bearer ${init.key}`);
	headers.set(
		'cf-connecting-ip',
		init.ip ?? `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
	);
	if (typeof init.body === 'string' && !headers.has('content-type'))
		headers.set('content-type', 'application/json');
	return (exports as unknown as { default: Fetcher }).default.fetch(
		new Request(`https://beckon.test${path}`, { ...init, headers }),
	);
}

/** Calls a site's admin API (`/v1/sites/:siteId` + `path`) with its key (or `key`), a JSON body when given. */
export function siteApi(
	site: { siteId: string; apiKey: string },
	path: string,
	method = 'GET',
	body?: unknown,
	key = site.apiKey,
): Promise<Response> {
	return call(`/v1/sites/${site.siteId}${path}`, {
		method,
		key,
		...(body === undefined ? {} : { body: JSON.stringify(body) }),
	});
}

/** An error answer as `{status, code, message}`. */
export async function problem(
	response: Response,
): Promise<{ status: number; code: string; message: string }> {
	const body = await json<{ error: { code: string; message: string } }>(response);
	return { status: response.status, ...body.error };
}

/** Reads a JSON body, failing loudly with the status when it is not JSON. */
export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
	const text = await response.text();
	try {
		return JSON.parse(text) as T;
	} catch {
		throw new Error(`expected JSON, got ${response.status}: ${text.slice(0, 200)}`);
	}
}

/** A site created through the operator API. */
export interface TestSite {
	siteId: string;
	apiKey: string;
	identitySecret: string;
	vapidPublicKey: string;
	origin: string;
}

let counter = 0;

/** Creates a site with a unique origin. */
export async function createSite(fields: Record<string, unknown> = {}): Promise<TestSite> {
	const origin = `https://shop${++counter}-${crypto.randomUUID().slice(0, 8)}.example`;
	const response = await call('/v1/sites', {
		method: 'POST',
		key: OPERATOR,
		body: JSON.stringify({ name: 'Test shop', origins: [origin], platform: 'custom', ...fields }),
	});
	if (response.status !== 201) throw new Error(`createSite: ${response.status} ${await response.text()}`);
	const body = await json<{ siteId: string; apiKey: string; identitySecret: string; vapidPublicKey: string }>(
		response,
	);
	return { ...body, origin };
}

/** A browser-like push subscription with real keys whose private half the test keeps. */
export interface TestSubscription {
	json: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
	privateKey: CryptoKey;
	auth: Uint8Array;
}

/** Makes a subscription whose endpoint is the local push sink with the given behaviour (see push-sink.ts). */
export async function makeSubscription(behaviour = '201', endpoint?: string): Promise<TestSubscription> {
	const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
		'deriveBits',
	])) as CryptoKeyPair;
	const raw = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
	const auth = crypto.getRandomValues(new Uint8Array(16));
	return {
		json: {
			endpoint: endpoint ?? `${env.PUSH_SINK_URL}/push/${behaviour}/${crypto.randomUUID()}`,
			expirationTime: null,
			keys: { p256dh: encodeBase64Url(raw), auth: encodeBase64Url(auth) },
		},
		privateKey: pair.privateKey,
		auth,
	};
}

/** Subscribes a browser to a site through the public API and returns its subscriber id. */
export async function subscribe(
	site: TestSite,
	sub: TestSubscription,
	extra: Record<string, unknown> = {},
): Promise<string> {
	const response = await call(`/v1/sites/${site.siteId}/subscribers`, {
		method: 'POST',
		headers: {
			origin: site.origin,
			'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0',
		},
		body: JSON.stringify({ subscription: sub.json, permission: 'granted', url: `${site.origin}/`, ...extra }),
	});
	if (response.status !== 201 && response.status !== 200) {
		throw new Error(`subscribe: ${response.status} ${await response.text()}`);
	}
	return (await json<{ subscriberId: string }>(response)).subscriberId;
}

/** Sends a notification and returns its id. */
export async function send(site: TestSite, body: Record<string, unknown>): Promise<string> {
	const response = await call(`/v1/sites/${site.siteId}/notifications`, {
		method: 'POST',
		key: site.apiKey,
		body: JSON.stringify({ title: 'Hello', body: 'World', audience: { all: true }, ...body }),
	});
	if (response.status !== 202) throw new Error(`send: ${response.status} ${await response.text()}`);
	return (await json<{ notificationId: string }>(response)).notificationId;
}

/** Notification status as the admin API reports it. */
export interface NotificationView {
	status: string;
	counts: Record<string, number> & { failures: Record<string, number> };
}

/** Polls a notification until it is done (or the timeout passes). */
export async function waitDone(site: TestSite, id: string, timeoutMs = 20_000): Promise<NotificationView> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const view = await json<NotificationView>(
			await call(`/v1/sites/${site.siteId}/notifications/${id}`, { key: site.apiKey }),
		);
		if (view.status === 'done') return view;
		if (Date.now() > deadline) throw new Error(`notification ${id} not done: ${JSON.stringify(view)}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** What the push sink recorded for an endpoint. */
export async function sinkLog(
	endpoint: string,
): Promise<Array<{ status: number | 'hang'; headers: Record<string, string>; body: string }>> {
	const key = new URL(endpoint).pathname.replace(/^\/push\//, '');
	const response = await fetch(`${env.PUSH_SINK_URL}/_log/${key}`);
	return response.json();
}

/** A test subscription as a queue message's recipient. */
export function recipientOf(sub: TestSubscription, id: string, url: string) {
	return { id, endpoint: sub.json.endpoint, p256dh: sub.json.keys.p256dh, auth: sub.json.keys.auth, url };
}

/** The app's own D1 tables (from sqlite_master; not d1_migrations, _cf_* or sqlite_*), by name. */
export async function appTables(): Promise<string[]> {
	const { results } = await env.DB.prepare(
		`SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'd1_migrations'
			AND substr(name, 1, 4) != '_cf_' AND substr(name, 1, 7) != 'sqlite_' ORDER BY name`,
	).all<{ name: string }>();
	return results.map((r) => r.name);
}

/** Row count of every app table, by name (one query); compare two of them to see whether anything was written. */
export async function tableRowCounts(tables?: string[]): Promise<Record<string, number>> {
	const names = tables ?? (await appTables());
	const columns = names.map((name, i) => `(SELECT count(*) FROM "${name}") AS c${i}`).join(', ');
	const row = await env.DB.prepare(`SELECT ${columns}`).first<Record<string, number>>();
	return Object.fromEntries(names.map((name, i) => [name, row?.[`c${i}`] ?? 0]));
}

/** A site's store (its SiteStore Durable Object), as the worker reaches it. */
export function storeOf(siteId: string): DurableObjectStub<SiteStore> {
	return env.SITE_STORE.get(env.SITE_STORE.idFromName(siteId));
}

/**
 * Runs SQL inside a site's store (opened first, as any request would) and returns the rows: how tests look at
 * or prepare per-site data. Runs in one transaction, like a request.
 */
export async function storeSql<T extends Record<string, SqlStorageValue> = Record<string, SqlStorageValue>>(
	siteId: string,
	query: string,
	...bindings: SqlStorageValue[]
): Promise<T[]> {
	const stub = storeOf(siteId);
	await stub.importState(siteId);
	return runInDurableObject(stub, (_instance: SiteStore, state) =>
		state.storage.transactionSync(() => state.storage.sql.exec<T>(query, ...bindings).toArray()),
	);
}

/** One subscriber row for {@link seedSubscribers}. */
export interface SeedRow {
	id: string;
	endpoint: string;
	p256dh: string;
	auth: string;
	browser?: string;
	status?: string;
	externalUserId?: string | null;
}

/**
 * Writes subscriber rows straight into a site's store (through the real table, so the counting triggers run),
 * for audiences too large to subscribe one by one.
 */
export async function seedSubscribers(siteId: string, rows: SeedRow[], now = Date.now()): Promise<void> {
	const hashes = await Promise.all(rows.map((r) => endpointHash(r.endpoint)));
	const stub = storeOf(siteId);
	await stub.importState(siteId);
	await runInDurableObject(stub, (_instance: SiteStore, state) => {
		state.storage.transactionSync(() => {
			rows.forEach((r, i) => {
				state.storage.sql.exec(
					`INSERT INTO subscribers (id, status, endpoint, endpoint_hash, p256dh, auth, browser, external_user_id,
						last_seen_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					r.id,
					r.status ?? 'allowed',
					r.endpoint,
					hashes[i] ?? null,
					r.p256dh,
					r.auth,
					r.browser ?? 'firefox',
					r.externalUserId ?? null,
					now,
					now,
					now,
				);
			});
		});
	});
}

/** The tables of a site's store that hold the site's data (meta and _schema are the store's own). */
export const STORE_DATA_TABLES = [
	'subscribers',
	'counts',
	'daily',
	'notifications',
	'users',
	'attribute_defs',
	'event_days',
	'segments',
	'campaigns',
	'campaign_runs',
	'resources',
	'resource_versions',
	'automations',
	'journeys',
	'automation_stats',
	'automation_sends',
	'shop_orders',
	'shop_variants',
	'webhooks',
	'webhook_deliveries',
	'staff',
	'teams',
	'team_members',
	'staff_devices',
	'conversations',
	'conversation_reads',
	'conversation_messages',
	'staff_inbox',
	'staff_events',
] as const;

/** Row count of each of a site's store data tables, by name (one query inside the store). */
export async function storeRowCounts(
	siteId: string,
): Promise<Record<(typeof STORE_DATA_TABLES)[number], number>> {
	const columns = STORE_DATA_TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ');
	const [row] = await storeSql<Record<string, number>>(siteId, `SELECT ${columns}`);
	if (!row) throw new Error(`storeRowCounts: no row for ${siteId}`);
	return row as Record<(typeof STORE_DATA_TABLES)[number], number>;
}

/** Every data table of a site store at 0 rows: what a purged store must hold (new tables included by themselves). */
export const EMPTY_STORE = Object.fromEntries(STORE_DATA_TABLES.map((t) => [t, 0])) as Record<
	(typeof STORE_DATA_TABLES)[number],
	number
>;
