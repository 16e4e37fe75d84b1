import fc from 'fast-check';
import { expect } from 'vitest';
import { call } from '../helpers';
import { SEND_FIELDS } from './bodies';
import { DbWatch } from './db-watch';
import type { FuzzRequest } from './requests';
import { expectSuccessShape } from './shapes';

/**
 * Seed of every fuzz property: fixed so runs are reproducible, overridden by `VITE_FUZZ_SEED=<n>` (Vite passes
 * only VITE_-prefixed variables into workerd). fast-check prints the seed and path of any failure.
 */
export const SEED = Number(
	(import.meta as { env?: Record<string, string> }).env?.VITE_FUZZ_SEED ?? 20_260_801,
);

/** `VITE_FUZZ_STATS=1` prints, per route, how many cases ended in each status, code and named field. */
const STATS = Boolean((import.meta as { env?: Record<string, string> }).env?.VITE_FUZZ_STATS);

/**
 * Cases per route per run: 300 in `npm test`, more with `VITE_FUZZ_RUNS=<n>` (and another `VITE_FUZZ_SEED`) for a
 * deeper search. The seed is fixed, so every run of `npm test` tries the same cases; at 600 the fuzz files were 70%
 * of the workerd project's time and kept the whole run over its 25-minute budget on the 2-core CI machine.
 */
export const RUNS = Number((import.meta as { env?: Record<string, string> }).env?.VITE_FUZZ_RUNS ?? 300);

/** Time allowed for one route's property (its 300 requests by default). */
export const ROUTE_TIMEOUT_MS = 120_000;

/** Field names a subscribe's 400 may name. */
export const SUBSCRIBE_FIELDS = [
	'permission',
	'subscription',
	'subscriberId',
	'oldEndpoint',
	'url',
	'timezone',
	'locale',
	'categories',
];

/** Every field name any route's 400 may name (for cases whose method led them to another route). */
const ALL_FIELDS = [
	'name',
	'origins',
	'platform',
	'homeUrl',
	'iconUrl',
	'prompt',
	...SUBSCRIBE_FIELDS,
	'type',
	'notificationId',
	'token',
	...SEND_FIELDS,
	'limit',
	'q',
	'attributes',
	'events',
	'userId',
	'filter',
	'description',
	'audience',
	'segment',
	'test',
	'labels',
	'message',
	'delivery',
	'schedule',
	'url',
];

/** What a 400's message may name: the route's fields, its headers and query parameters. */
export interface RouteSpec<T> {
	/** The route's own method: a case sent with another may reach another route, whose fields it may name. */
	method: string;
	fields: readonly string[];
	/** Turns a generated value into the request (for requests that need async work, such as an HMAC). */
	build?: (value: T) => FuzzRequest | Promise<FuzzRequest>;
	/** Cases for this route (default RUNS): files that fuzz many routes of one resource share the budget. */
	runs?: number;
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
		{ numRuns: spec.runs ?? RUNS, seed: SEED, examples: examples.map((e) => [e]) },
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
