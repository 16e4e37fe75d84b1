import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { expect } from 'vitest';
import { appTables, call, tableRowCounts } from '../helpers';
import type { FuzzRequest } from './arbitraries';

/**
 * Seed of every fuzz property: fixed so runs are reproducible, overridden by `VITE_FUZZ_SEED=<n>` (Vite passes
 * only VITE_-prefixed variables into workerd). fast-check prints the seed and path of any failure.
 */
export const SEED = Number(
	(import.meta as { env?: Record<string, string> }).env?.VITE_FUZZ_SEED ?? 20_260_801,
);

/** `VITE_FUZZ_STATS=1` prints, per route, how many cases ended in each status, code and named field. */
const STATS = Boolean((import.meta as { env?: Record<string, string> }).env?.VITE_FUZZ_STATS);

/** Cases per route per run. */
export const RUNS = 1000;

/** Time allowed for one route's property (its 1,000 requests). */
export const ROUTE_TIMEOUT_MS = 120_000;

/** Every field name any route's 400 may name (for cases whose method led them to another route). */
const ALL_FIELDS = [
	'name',
	'origins',
	'platform',
	'homeUrl',
	'iconUrl',
	'prompt',
	'permission',
	'subscription',
	'subscriberId',
	'oldEndpoint',
	'url',
	'timezone',
	'locale',
	'categories',
	'type',
	'notificationId',
	'token',
	'title',
	'body',
	'icon',
	'image',
	'badge',
	'actions',
	'requireInteraction',
	'tag',
	'ttl',
	'urgency',
	'topic',
	'audience',
	'idempotencyKey',
	'Idempotency-Key',
	'limit',
	'q',
];

/** Tables whose rows change after the response on purpose (a dispatcher's progress lands later). */
const ASYNC_TABLES = new Set(['notifications']);

/** The test-only table {@link DbWatch}'s triggers add a row to for every row written elsewhere. */
const WRITES_TABLE = 'fuzz_writes';

/** Row counts of every app table, {@link WRITES_TABLE} included, from one query (tableRowCounts). */
export type DbSnapshot = Record<string, number>;

/**
 * Watches D1 for writes: the row count of every app table, plus test-only triggers that log each row inserted,
 * updated or deleted (but in ASYNC_TABLES) to WRITES_TABLE, so that an in-place update changes a count too.
 */
export class DbWatch {
	private tables: string[] = [];

	async snapshot(): Promise<DbSnapshot> {
		if (this.tables.length === 0) await this.install();
		return tableRowCounts(this.tables);
	}

	/** What differs between two snapshots, one line per table (empty when nothing was written). */
	changes(before: DbSnapshot, after: DbSnapshot): string[] {
		return this.tables
			.filter((t) => before[t] !== after[t])
			.map((t) =>
				t === WRITES_TABLE
					? `${(after[t] ?? 0) - (before[t] ?? 0)} row(s) written`
					: `${t}: ${before[t]} → ${after[t]} rows`,
			);
	}

	private async install(): Promise<void> {
		const statements = [`CREATE TABLE IF NOT EXISTS ${WRITES_TABLE} (at_table TEXT NOT NULL)`];
		for (const table of await appTables()) {
			if (table === WRITES_TABLE || ASYNC_TABLES.has(table)) continue;
			for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
				statements.push(
					`CREATE TRIGGER IF NOT EXISTS "fuzz_${table}_${event}" AFTER ${event} ON "${table}"
					BEGIN INSERT INTO ${WRITES_TABLE} VALUES ('${table}'); END`,
				);
			}
		}
		await env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));
		this.tables = await appTables();
	}
}

/** What a 400's message may name: the route's fields, its headers and query parameters. */
export interface RouteSpec<T> {
	/** The route's own method: a case sent with another may reach another route, whose fields it may name. */
	method: string;
	fields: readonly string[];
	/** Turns a generated value into the request (for requests that need async work, such as an HMAC). */
	build?: (value: T) => FuzzRequest | Promise<FuzzRequest>;
}

/**
 * Runs one route's property: for every generated request, no 5xx; every 4xx carries `{error:{code,message}}`
 * with a message naming the problem (for 400s, a field the route knows or one the body sent); a rejected
 * request changes no table; a 2xx has the route's documented shape.
 */
export async function fuzzRoute<T = FuzzRequest>(
	arbitrary: fc.Arbitrary<T>,
	spec: RouteSpec<T>,
	examples: T[] = [],
): Promise<void> {
	const build = spec.build ?? ((value: T) => value as unknown as FuzzRequest);
	const watch = new DbWatch();
	let before = await watch.snapshot();
	let ip = 0;
	const tally = new Map<string, number>();
	await fc.assert(
		fc.asyncProperty(arbitrary, async (value) => {
			const req = await build(value);
			ip++;
			const response = await call(req.path, {
				method: req.method,
				headers: req.headers,
				body: req.body,
				ip: `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
			});
			const text = await response.text();
			const after = await watch.snapshot();
			const status = response.status;
			const where = `${req.method} ${req.path.slice(0, 200)} → ${status} ${text.slice(0, 300)}`;
			const previous = before;
			before = after;
			if (STATS) {
				const error = /"code":"([^"]*)","message":"([^:"]{0,40})/.exec(text);
				const key = `${req.method} ${status} ${error?.[1] ?? ''} ${status === 400 ? (error?.[2] ?? '') : ''}`;
				tally.set(key, (tally.get(key) ?? 0) + 1);
			}
			expect(status, where).toBeLessThan(500);
			if (status >= 400) {
				const changed = watch.changes(previous, after);
				expect(changed, `a rejected request wrote to D1: ${where}`).toEqual([]);
				if (req.method !== 'HEAD')
					expectErrorEnvelope(
						status,
						text,
						req,
						req.method === spec.method ? spec.fields : ALL_FIELDS,
						where,
					);
			} else if (req.method !== 'HEAD') {
				expectSuccessShape(req, status, text, response.headers, where);
			}
		}),
		{ numRuns: RUNS, seed: SEED, examples: examples.map((e) => [e]) },
	);
	if (STATS)
		console.log(
			[...tally]
				.sort((a, b) => b[1] - a[1])
				.map(([k, n]) => `${n}\t${k}`)
				.join('\n'),
		);
}

function expectErrorEnvelope(
	status: number,
	text: string,
	req: FuzzRequest,
	fields: readonly string[],
	where: string,
) {
	let body: { error?: { code?: unknown; message?: unknown } };
	try {
		body = JSON.parse(text);
	} catch {
		throw new Error(`4xx without a JSON body: ${where}`);
	}
	const code = body.error?.code;
	const message = body.error?.message;
	expect(typeof code === 'string' && code.length > 0, `error.code: ${where}`).toBe(true);
	expect(typeof message === 'string' && message.trim().length > 3, `error.message: ${where}`).toBe(true);
	if (status !== 400) return;
	const msg = message as string;
	if (code === 'invalid_json') {
		expect(msg, where).toMatch(/body/i);
		return;
	}
	if (code !== 'invalid_request') {
		// Other 400s (a webhook's) name the header or payload field somewhere in the sentence.
		const lower = msg.toLowerCase();
		expect(
			fields.some((f) => lower.includes(f.toLowerCase())),
			`a 400 must name ${fields.join(', ')}: ${where}`,
		).toBe(true);
		return;
	}
	const named = [...fields, ...bodyKeys(req)];
	const names = named.some((f) => [':', '.', '['].some((sep) => msg.startsWith(`${f}${sep}`)));
	expect(names, `a 400 must start with the field at fault (${fields.join(', ')}): ${where}`).toBe(true);
}

function bodyKeys(req: FuzzRequest): string[] {
	if (!req.body) return [];
	try {
		const value = JSON.parse(new TextDecoder().decode(req.body));
		return value && typeof value === 'object' ? Object.keys(value) : [];
	} catch {
		return [];
	}
}

type Json = Record<string, unknown>;

/** Documented 2xx shapes by method and path (README "API reference"). */
const SHAPES: Array<[string, RegExp, (status: number, body: Json | null, headers: Headers) => void]> = [
	[
		'POST',
		/^\/v1\/sites\/?$/,
		(status, b) => {
			expect(status).toBe(201);
			expect(b).toMatchObject({
				siteId: expect.stringMatching(/^site_/),
				apiKey: expect.stringMatching(/^bk_/),
			});
			expect(b?.origins).toEqual(expect.any(Array));
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ siteId: expect.any(String), vapidPublicKey: expect.any(String) });
			expect(b).not.toHaveProperty('apiKey');
		},
	],
	[
		'PATCH',
		/^\/v1\/sites\/[^/]+\/settings\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ settings: { prompt: { variant: expect.any(String) } } });
		},
	],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/identity-secret\/?$/,
		(status, b) => {
			expect(status).toBe(201);
			expect(b).toMatchObject({ identitySecret: expect.stringMatching(/^bis_/) });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/config\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ siteId: expect.any(String), vapidPublicKey: expect.any(String), prompt: {} });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/sw\.js\/?$/,
		(status, _b, headers) => {
			expect(status).toBe(200);
			expect(headers.get('content-type')).toMatch(/^text\/javascript/);
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/stats\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ byStatus: {}, active: expect.any(Number), daily: expect.any(Array) });
		},
	],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/subscribers\/?$/,
		(status, b) => {
			expect([200, 201]).toContain(status);
			expect(b).toMatchObject({ subscriberId: expect.stringMatching(/^sub_/), status: expect.any(String) });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/subscribers\/[^/]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ subscriberId: expect.any(String), status: expect.any(String) });
			for (const secret of ['endpoint', 'p256dh', 'auth']) expect(b).not.toHaveProperty(secret);
		},
	],
	['DELETE', /^\/v1\/sites\/[^/]+\/subscribers\/[^/]+\/?$/, (status) => expect(status).toBe(204)],
	[
		'PATCH',
		/^\/v1\/sites\/[^/]+\/subscribers\/[^/]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ subscriberId: expect.any(String), categories: expect.any(Array) });
		},
	],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/subscribers\/[^/]+\/identify\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ subscriberId: expect.any(String), status: expect.any(String) });
		},
	],
	['POST', /^\/v1\/sites\/[^/]+\/subscribers\/[^/]+\/events\/?$/, (status) => expect(status).toBe(202)],
	[
		'POST',
		/^\/(v1\/sites\/[^/]+|shopify\/api)\/notifications\/?$/,
		(status, b) => {
			expect([200, 202]).toContain(status);
			expect(b).toMatchObject({ notificationId: expect.stringMatching(/^ntf_/), status: expect.any(String) });
			if (status === 200) expect(b).toMatchObject({ duplicate: true });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/notifications\/?(\?.*)?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b?.notifications).toEqual(expect.any(Array));
		},
	],
	[
		'GET',
		/^\/(v1\/sites\/[^/]+|shopify\/api)\/notifications\/[^/?]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ notificationId: expect.any(String), status: expect.any(String), counts: {} });
		},
	],
	['OPTIONS', /^\/v1\/sites\/[^/]+(\/.*)?$/, (status) => expect(status).toBe(204)],
	[
		'GET',
		/^\/shopify\/api\/overview\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({
				shop: { siteId: expect.any(String) },
				stats: {},
				notifications: expect.any(Array),
			});
		},
	],
	[
		'GET',
		/^\/shopify\/api\/data-requests\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b?.dataRequests).toEqual(expect.any(Array));
		},
	],
	[
		'PATCH',
		/^\/shopify\/api\/settings\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ settings: { prompt: {} } });
		},
	],
	[
		'GET',
		/^\/shopify\/api\/links\/?(\?.*)?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b?.links).toEqual(expect.any(Array));
		},
	],
	[
		'POST',
		/^\/shopify\/webhooks\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ ok: true });
		},
	],
	[
		'GET',
		/^\/shopify\/proxy\/sw\.js(\?.*)?$/,
		(status, _b, headers) => {
			expect(status).toBe(200);
			expect(headers.get('content-type')).toMatch(/^text\/javascript/);
		},
	],
	[
		'GET',
		/^\/shopify\/proxy\/identity(\?.*)?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toHaveProperty('token');
		},
	],
];

function expectSuccessShape(req: FuzzRequest, status: number, text: string, headers: Headers, where: string) {
	const path =
		new URL(req.path, 'https://beckon.test').pathname + new URL(req.path, 'https://beckon.test').search;
	const shape = SHAPES.find(([m, re]) => m === req.method && re.test(path));
	if (!shape) throw new Error(`unexpected success: ${where}`);
	let body: Json | null = null;
	if (text !== '' && headers.get('content-type')?.startsWith('application/json'))
		body = JSON.parse(text) as Json;
	try {
		shape[2](status, body, headers);
	} catch (error) {
		throw new Error(`wrong success shape: ${where}\n${(error as Error).message}`);
	}
}
