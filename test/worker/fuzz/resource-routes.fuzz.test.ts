import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_ACTIONS } from '../../../worker/src/wire/browsers';
import { call, json, STORE_DATA_TABLES } from '../helpers';
import { adminHeadersOf, attackedSiteId, thingId } from './admin-requests';
import { SEND_FIELDS, sendBodies } from './bodies';
import { fuzzRoute, ROUTE_TIMEOUT_MS, RUNS } from './check';
import { makeWorld, type World } from './fixtures';
import { messageFields, mostly, validMessage } from './messages';
import { headerValue, method, request, segment, toRequest } from './requests';
import { bodyBytes, fieldsObject, nastyString, rarely, utf8, wrongValue } from './values';

// Push resources (saved messages with language variants) under generated input: names, labels, message fields
// (Liquid, URLs, buttons, sizes), languages, list queries, ids and versions, and sends that name a resource with
// overrides, must succeed with the documented shape or be refused with a 4xx naming the field, writing nothing;
// never a 5xx.

/**
 * Cases per route: a third of check.ts's RUNS (100 by default, VITE_FUZZ_RUNS=<n> gives n/3). A case costs about
 * 30 ms here as elsewhere (the write watch dominates) and this file fuzzes six routes to the campaign file's two, so
 * at the full RUNS each it would run three times as long; at a third it takes about as long as campaign-routes, and the
 * site id bias below keeps as many cases reaching the resource code as the other files' full RUNS do.
 */
const ROUTE_RUNS = Math.max(1, Math.round(RUNS / 3));

interface Resource {
	resourceId: string;
}

/**
 * The fixture resources: `held` (two languages; PATCH changes it), `sent` (the same content, only ever sent), `big`
 * (only sent; a German variant near the push limit), all three held by scheduled campaigns so that no DELETE removes
 * them; `spares` for DELETE to remove, and the other site's.
 */
let world: World;
let held: Resource;
let sent: Resource;
let big: Resource;
let spares: string[];
let foreign: string;

async function createResource(site: World['site'], body: Record<string, unknown>): Promise<Resource> {
	const response = await call(`/v1/sites/${site.siteId}/resources`, {
		method: 'POST',
		key: site.apiKey,
		body: JSON.stringify(body),
	});
	if (response.status !== 201) throw new Error(`resource: ${response.status} ${await response.text()}`);
	return json<Resource>(response);
}

beforeAll(async () => {
	// The write watch must see the resource tables (helpers.ts lists them), or "writes nothing" would go unchecked there.
	expect(STORE_DATA_TABLES).toEqual(expect.arrayContaining(['resources', 'resource_versions']));
	world = await makeWorld();
	const spring = {
		labels: ['promotions'],
		message: {
			title: 'Spring sale, {{ user.first_name | default: "friend" }}',
			body: '20 % off everything',
			url: `${world.site.origin}/sale?s={{ subscriber.id }}`,
			actions: [{ action: 'shop', title: 'Shop', url: `${world.site.origin}/shop` }],
		},
		locales: { de: { title: 'Frühlingsangebot', body: '20 % auf alles' }, 'pt-br': { body: 'Promoção' } },
	};
	held = await createResource(world.site, { name: 'Spring sale', ...spring });
	sent = await createResource(world.site, { name: 'Spring sale (sends)', ...spring });
	big = await createResource(world.site, {
		name: 'Back in stock',
		labels: ['alerts'],
		message: { title: 'It is back' },
		locales: { de: { title: 'Wieder da', body: 'ü'.repeat(875) } },
	});
	spares = [];
	for (let i = 0; i < 4; i++)
		spares.push(
			(await createResource(world.site, { name: `Spare ${i}`, message: { title: 'x' } })).resourceId,
		);
	foreign = (await createResource(world.other, { name: 'Spring sale', message: { title: 'Elsewhere' } }))
		.resourceId;
	const api = (path: string, body: unknown) =>
		call(`/v1/sites/${world.site.siteId}${path}`, {
			method: 'POST',
			key: world.site.apiKey,
			body: JSON.stringify(body),
		});
	// Scheduled campaigns hold the resources that must outlive the DELETEs other routes' cases may send.
	for (const r of [held, sent, big]) {
		const campaign = await api('/campaigns', {
			name: `Holds ${r.resourceId}`,
			message: { resource: r.resourceId },
			audience: { all: true },
			schedule: { type: 'once', at: '2035-01-01T09:00:00Z' },
		});
		if (campaign.status !== 201) throw new Error(`campaign: ${campaign.status} ${await campaign.text()}`);
		const { campaignId } = await json<{ campaignId: string }>(campaign);
		const scheduled = await api(`/campaigns/${campaignId}/schedule`, {});
		if (scheduled.status !== 200) throw new Error(`schedule: ${scheduled.status} ${await scheduled.text()}`);
	}
});

const siteId = () => attackedSiteId(world);
const adminHeaders = () => adminHeadersOf(world);

/** Resource ids: the route's own half the time, else another site's, missing, malformed, junk. */
const resourceId = (own: string[]) =>
	thingId(own, [foreign, 'res_missing', `res_${'a'.repeat(41)}`, held.resourceId.toUpperCase()]);

/** A language's fields that pass alone (an empty one changes nothing: refused). */
const localeFields = fc.record(
	{
		title: fc.constantFrom('Hallo', 'Salut', 'Olá {{ user.first_name }}'),
		body: fc.string({ maxLength: 40 }),
	},
	{ requiredKeys: [] },
);

/** Language tags: good ones (any case, with _), bad ones, junk. */
const tag = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.constantFrom('de', 'fr-ca', 'pt-br', 'pt_BR', 'DE', ' de ', 'zh-hant', 'en-us', 'EN-US'),
	},
	{ weight: 1, arbitrary: fc.constantFrom('Deutsch!', 'x', '', 'de-', 'de-toolongtag', '__proto__', 'd e') },
	{ weight: 1, arbitrary: nastyString },
);
/** Up to MAX_LOCALES + 1 (41) valid tags, to reach the language limit. */
const manyTags = fc
	.integer({ min: 38, max: 41 })
	.map((n) => Array.from({ length: n }, (_, i) => `${String.fromCharCode(97 + (i % 26))}${'abc'[i % 3]}z`));
const locales = () =>
	fc.oneof(
		{
			weight: 4,
			arbitrary: fc.dictionary(tag, fc.oneof(localeFields, mostly(messageFields(world.site.origin))), {
				maxKeys: 4,
			}),
		},
		{ weight: 1, arbitrary: fc.dictionary(tag, fc.constant({}), { minKeys: 1, maxKeys: 2 }) },
		{
			weight: 1,
			arbitrary: manyTags.map((tags) => Object.fromEntries(tags.map((t) => [t, { title: t }]))),
		},
	);

/** Names: fresh ones, taken ones (any case), blank, too long, junk. */
const name = () =>
	fc.oneof(
		{ weight: 3, arbitrary: fc.uuid() },
		{
			weight: 2,
			arbitrary: fc.constantFrom(
				'Spring sale',
				'SPRING SALE',
				'  spring sale  ',
				'Back in stock',
				'Spare 0',
				'',
				'   ',
				'x'.repeat(101),
				'ß'.repeat(100),
			),
		},
		{ weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
	);
/** Labels: known ones (any case), blank, too long, junk; up to 12 (10 allowed). */
const labels = () =>
	fc.array(
		fc.oneof(
			{ weight: 3, arbitrary: fc.constantFrom('promotions', 'alerts', 'PROMOTIONS', 'spring') },
			{ weight: 1, arbitrary: fc.constantFrom('', ' ', 'x'.repeat(33)) },
			{ weight: 1, arbitrary: nastyString },
		),
		{ maxLength: 12 },
	);

const validLocales = () =>
	fc.dictionary(
		fc.constantFrom('de', 'fr-ca', 'pt-br'),
		localeFields.filter((f) => Object.keys(f).length > 0),
		{ maxKeys: 3 },
	);

const RESOURCE_FIELDS = ['name', 'labels', 'message', 'locales'];

describe('resource routes under generated input', () => {
	it(
		'POST /v1/sites/:siteId/resources',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: siteId().map((id) => `/v1/sites/${id}/resources`),
						headers: adminHeaders(),
						body: bodyBytes({
							fields: fieldsObject({
								name: mostly(name()),
								labels: mostly(labels()),
								message: fc.oneof(validMessage(world.site.origin), mostly(messageFields(world.site.origin))),
								locales: mostly(locales()),
							}),
							valid: fc.record(
								{
									name: fc.uuid(),
									labels: fc.constant(['promotions']),
									message: validMessage(world.site.origin),
									locales: validLocales(),
								},
								{ requiredKeys: ['name', 'message'] },
							),
							limit: 256 * 1024,
						}),
					}),
				),
				{ method: 'POST', fields: RESOURCE_FIELDS, runs: ROUTE_RUNS },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'PATCH /v1/sites/:siteId/resources/:resourceId',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('PATCH'),
						path: fc
							.tuple(siteId(), resourceId([held.resourceId, spares[0] as string]))
							.map(([site, id]) => `/v1/sites/${site}/resources/${id}`),
						headers: adminHeaders(),
						body: bodyBytes({
							fields: fieldsObject({
								name: mostly(name()),
								labels: mostly(labels()),
								message: fc.oneof(validMessage(world.site.origin), mostly(messageFields(world.site.origin))),
								locales: mostly(locales()),
							}),
							valid: fc.record(
								{
									name: fc.constantFrom('Spring sale', 'Spring sale II', 'Back in stock'),
									labels: fc.constant(['promotions', 'spring']),
									message: validMessage(world.site.origin),
									locales: validLocales(),
								},
								{ requiredKeys: [] },
							),
							limit: 256 * 1024,
						}),
					}),
				),
				{ method: 'PATCH', fields: RESOURCE_FIELDS, runs: ROUTE_RUNS },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /v1/sites/:siteId/resources?q=&label=&limit=',
		async () => {
			const value = (good: string[]) =>
				fc.oneof(
					{ weight: 3, arbitrary: fc.constantFrom(...good) },
					{ weight: 1, arbitrary: nastyString.map(segment) },
					{
						weight: 1,
						arbitrary: fc.constantFrom('', '%', '_', '%25', '%00', '%E0%A4%A', '+', 'x'.repeat(101)),
					},
				);
			const param = fc.oneof(
				value(['spring', 'SPRING', 'sale', 'nope', 'ü']).map((v) => `q=${v}`),
				value(['promotions', 'alerts', 'PROMOTIONS', 'x'.repeat(33)]).map((v) => `label=${v}`),
				fc
					.oneof(
						fc.integer({ min: -5, max: 205 }).map(String),
						fc.constantFrom('', '1.5', '0x10', '1e2', ' 3', '200', '201'),
						nastyString.map(segment),
					)
					.map((v) => `limit=${v}`),
				fc.constantFrom('__proto__=1', 'constructor=x', 'offset=3', 'q', '&', '=x'),
			);
			const query = fc
				.array(param, { maxLength: 4 })
				.map((params) => (params.length === 0 ? '' : `?${params.join('&')}`));
			await fuzzRoute(
				request(
					fc.record({
						method: method('GET'),
						path: fc.tuple(siteId(), query).map(([id, q]) => `/v1/sites/${id}/resources${q}`),
						headers: adminHeaders(),
						body: fc.constant(null),
					}),
				),
				{ method: 'GET', fields: ['q', 'label', 'limit'], runs: ROUTE_RUNS },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /v1/sites/:siteId/resources/:resourceId[/versions/:version]',
		async () => {
			const version = fc.oneof(
				{ weight: 3, arbitrary: fc.integer({ min: 1, max: 6 }).map(String) },
				{
					weight: 2,
					arbitrary: fc.constantFrom(
						'0',
						'-1',
						'01',
						'1.0',
						'1e1',
						'999999999',
						'9999999999',
						'x',
						'%31',
						'%20',
						'1%00',
					),
				},
				{ weight: 1, arbitrary: nastyString.map(segment) },
			);
			await fuzzRoute(
				request(
					fc.record({
						method: method('GET'),
						path: fc
							.tuple(
								siteId(),
								resourceId([held.resourceId, sent.resourceId, big.resourceId, ...spares]),
								fc.option(version, { freq: 3 }),
							)
							.map(
								([site, id, v]) => `/v1/sites/${site}/resources/${id}${v === null ? '' : `/versions/${v}`}`,
							),
						headers: adminHeaders(),
						body: fc.constant(null),
					}),
				),
				{ method: 'GET', fields: ['version'], runs: ROUTE_RUNS },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'DELETE /v1/sites/:siteId/resources/:resourceId',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('DELETE'),
						path: fc
							.tuple(siteId(), resourceId([...spares, held.resourceId, sent.resourceId, big.resourceId]))
							.map(([site, id]) => `/v1/sites/${site}/resources/${id}`),
						headers: adminHeaders(),
						body: fc.constant(null),
					}),
				),
				{ method: 'DELETE', fields: [], runs: ROUTE_RUNS },
			);
			// The resources scheduled campaigns send are all still there: every DELETE of them was a 409.
			for (const r of [held, sent, big]) {
				const kept = await call(`/v1/sites/${world.site.siteId}/resources/${r.resourceId}`, {
					key: world.site.apiKey,
				});
				expect(kept.status, r.resourceId).toBe(200);
			}
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'POST /v1/sites/:siteId/notifications with a resource',
		async () => {
			const { fields, valid } = sendBodies(world.site.origin, world.subscriberIds);
			const resource = fc.oneof(
				{ weight: 4, arbitrary: fc.constantFrom(sent.resourceId, big.resourceId) },
				{
					weight: 1,
					arbitrary: fc.constantFrom(
						foreign,
						'res_missing',
						'res_',
						'RES_x',
						held.resourceId,
						` ${sent.resourceId} `,
						sent.resourceId.toUpperCase(),
						`res_${'a'.repeat(41)}`,
						'',
						null,
					),
				},
				{ weight: 1, arbitrary: wrongValue },
			);
			// Overrides aimed at the merged checks: room the German variant of `big` does not have, the push limit
			// on the default message, blanks and bad values in fields the resource already sets.
			const overrides = rarely(
				fc.constantFrom<Record<string, unknown>>(
					{ icon: 'https://cdn.example/an-icon-the-german-variant-has-no-room-for.png' },
					{ image: `https://cdn.example/${'i'.repeat(60)}.png` },
					{ body: 'ü'.repeat(860) },
					{ title: 'ü'.repeat(150), body: 'ü'.repeat(700) },
					{ title: '' },
					{ title: null, body: null, url: null },
					{ title: '{% if' },
					{ url: 'javascript:alert(1)' },
					{ url: '{{ user.landing_page }}' },
					{ actions: Array.from({ length: MAX_ACTIONS + 1 }, (_, i) => ({ action: `a${i}`, title: 'A' })) },
					{ tag: 'x'.repeat(65) },
				),
				3,
			);
			// The send's own fields (the overrides) plus the resource; the title is optional then.
			const withResource = (body: fc.Arbitrary<Record<string, unknown>>) =>
				fc.tuple(body, resource, overrides, fc.boolean()).map(([b, r, extra, keepTitle]) => {
					const { title, ...rest } = b;
					return { ...rest, ...(keepTitle ? { title } : {}), ...extra, resource: r };
				});
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: siteId().map((id) => `/v1/sites/${id}/notifications`),
						headers: fc
							.tuple(adminHeaders(), rarely(headerValue, 4))
							.map(([headers, key]) => ({ ...headers, 'idempotency-key': key })),
						body: bodyBytes({
							fields: withResource(fields),
							valid: withResource(
								valid.map((b) => ({ ...b, audience: { subscriberIds: world.subscriberIds.slice(0, 1) } })),
							),
							limit: 64 * 1024,
						}),
					}),
				),
				{ method: 'POST', fields: [...SEND_FIELDS, 'resource'], runs: ROUTE_RUNS },
				// Null reads as absent, so this send is the resource's own message; whatever the answer, a 400 names
				// the body's field (`title`), not one it does not have.
				[
					toRequest({
						method: 'POST',
						path: `/v1/sites/${world.site.siteId}/notifications`,
						headers: { authorization: `Bearer ${world.site.apiKey}`, 'content-type': 'application/json' },
						body: utf8(
							JSON.stringify({
								resource: sent.resourceId,
								title: null,
								audience: { subscriberIds: world.subscriberIds.slice(0, 1) },
							}),
						),
					}),
				],
			);
		},
		ROUTE_TIMEOUT_MS,
	);
});
