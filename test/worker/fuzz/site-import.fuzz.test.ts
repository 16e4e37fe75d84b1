import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	call,
	createSite,
	json,
	makeSubscription,
	OPERATOR,
	siteApi,
	subscribe,
	tableRowCounts,
} from '../helpers';
import { SEED } from './check';
import { nastyString, wrongValue } from './values';

// POST /v1/sites/import under damaged exports: a real export with lines dropped, doubled, swapped, cut, or a field
// given a wrong value. Every case ends in a 201 or a 4xx naming a line, never a 5xx, and a refused import leaves
// no site and no API key behind.

/** Cases per run: each import makes (and on refusal deletes) a site, so fewer than the route fuzzers. */
const RUNS = 60;

let lines: string[] = [];

beforeAll(async () => {
	const site = await createSite();
	await subscribe(site, await makeSubscription(), { categories: ['news'] });
	await siteApi(site, '/users/u1', 'PUT', { attributes: { plan: 'pro' } });
	await siteApi(site, '/segments', 'POST', {
		name: 'Pro',
		filter: { attribute: 'plan', op: 'eq', value: 'pro' },
	});
	await siteApi(site, '/campaigns', 'POST', {
		name: 'Draft',
		message: { title: 'Hi' },
		audience: { all: true },
	});
	const response = await call(`/v1/sites/${site.siteId}/export?keys=clear`, { key: site.apiKey });
	lines = new TextDecoder()
		.decode(await response.arrayBuffer())
		.trim()
		.split('\n');
});

type Damage =
	| { kind: 'drop' | 'double' | 'cut'; at: number; where: number }
	| { kind: 'swap'; at: number; other: number }
	| { kind: 'field'; at: number; field: number; value: unknown }
	| { kind: 'insert'; at: number; text: string };

const damage: fc.Arbitrary<Damage> = fc.oneof(
	fc.record({ kind: fc.constantFrom('drop', 'double', 'cut'), at: fc.nat(), where: fc.nat() }),
	fc.record({ kind: fc.constant('swap'), at: fc.nat(), other: fc.nat() }),
	fc.record({ kind: fc.constant('field'), at: fc.nat(), field: fc.nat(), value: wrongValue }),
	fc.record({ kind: fc.constant('insert'), at: fc.nat(), text: nastyString }),
);

function apply(source: string[], d: Damage): string[] {
	const out = [...source];
	const at = d.at % out.length;
	const line = out[at] as string;
	switch (d.kind) {
		case 'drop':
			out.splice(at, 1);
			break;
		case 'double':
			out.splice(at, 0, line);
			break;
		case 'cut':
			out[at] = line.slice(0, d.where % line.length);
			break;
		case 'swap': {
			const other = d.other % out.length;
			out[at] = out[other] as string;
			out[other] = line;
			break;
		}
		case 'field': {
			const record = JSON.parse(line) as Record<string, unknown>;
			const keys = Object.keys(record);
			record[keys[d.field % keys.length] as string] = d.value;
			out[at] = JSON.stringify(record);
			break;
		}
		case 'insert':
			out.splice(at, 0, d.text.replaceAll('\n', ' '));
			break;
	}
	return out;
}

describe('POST /v1/sites/import under damaged exports', () => {
	it('answers 201 or a 4xx naming a line, and a refusal leaves nothing behind', {
		timeout: 180_000,
	}, async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 3 }), async (damages) => {
				const body = damages.reduce(apply, lines).join('\n');
				const before = await tableRowCounts(['sites', 'api_keys']);
				const response = await call('/v1/sites/import', {
					method: 'POST',
					key: OPERATOR,
					body,
					headers: { 'content-type': 'application/x-ndjson' },
				});
				const answer = await json<{ siteId?: string; error?: { message: string } }>(response);
				if (response.status === 201) {
					expect(answer.siteId).toMatch(/^site_/);
					return;
				}
				expect([400, 413]).toContain(response.status);
				expect(answer.error?.message).toMatch(/^line \d+: /);
				expect(await tableRowCounts(['sites', 'api_keys'])).toEqual(before);
			}),
			{ numRuns: RUNS, seed: SEED },
		);
	});
});
