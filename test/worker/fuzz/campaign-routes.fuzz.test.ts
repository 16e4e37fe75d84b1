import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { call, json, OPERATOR } from '../helpers';
import { fuzzRoute, ROUTE_TIMEOUT_MS } from './check';
import { makeWorld, type World } from './fixtures';
import { authorization, contentType, method, pathId, request } from './requests';
import { bodyBytes, fieldsObject, maybe, nastyString, rarely, wrongValue } from './values';

// Campaigns under generated input: messages, audiences, schedules (zones, dates, recurrences), valid and not, must be
// stored as a draft (201) or refused with a 4xx naming the field, writing nothing; never a 5xx.

let world: World;
let campaignId: string;
beforeAll(async () => {
	world = await makeWorld();
	const response = await call(`/v1/sites/${world.site.siteId}/campaigns`, {
		method: 'POST',
		key: world.site.apiKey,
		body: JSON.stringify({ name: 'Fuzzed', message: { title: 'Hi' }, audience: { all: true } }),
	});
	if (response.status !== 201) throw new Error(`campaign: ${response.status} ${await response.text()}`);
	campaignId = (await json<{ campaignId: string }>(response)).campaignId;
});

const siteId = () => pathId([world.site.siteId], [world.other.siteId]);
const adminHeaders = () =>
	fc.record({
		authorization: authorization(world.site.apiKey, [world.other.apiKey, OPERATOR]),
		'content-type': contentType,
		origin: rarely(fc.constant(world.site.origin), 3),
	});

const or = <T>(good: fc.Arbitrary<T>) =>
	fc.oneof(
		{ weight: 4, arbitrary: good },
		{ weight: 1, arbitrary: nastyString },
		{ weight: 1, arbitrary: wrongValue },
	);
const zone = or(
	fc.constantFrom('Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC', 'Mars/Olympus', ''),
);
const time = or(fc.constantFrom('09:00', '00:00', '23:59', '24:00', '9:00', '12:60'));
const date = or(fc.constantFrom('2026-12-01', '2030-02-29', '2028-02-29', '2026-13-01', '01/12/2026'));
const instant = or(
	fc.oneof(
		fc
			.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true })
			.map((d) => d.toISOString()),
		fc.constantFrom('2026-12-24T09:00:00+01:00', 'tomorrow', '2026-12-24 09:00'),
	),
);
const recurrence = fc.record(
	{
		freq: or(fc.constantFrom('daily', 'weekly', 'monthly', 'yearly')),
		interval: or(fc.integer({ min: -1, max: 400 })),
		byWeekday: or(fc.array(or(fc.constantFrom('MO', 'WE', 'SU', 'XX')), { maxLength: 4 })),
		byMonthDay: or(fc.array(or(fc.integer({ min: -2, max: 32 })), { maxLength: 4 })),
		times: or(fc.array(time, { maxLength: 4 })),
		start: date,
		end: date,
		timezone: zone,
	},
	{ requiredKeys: ['freq', 'times', 'start', 'timezone'] },
);
const schedule = or(
	fc.oneof(
		fc.constant({ type: 'now' }),
		fc.record({ type: fc.constant('once'), at: instant }),
		fc.record({ type: fc.constant('dates'), at: or(fc.array(instant, { maxLength: 5 })) }),
		fc.record({ type: fc.constant('recurring'), rule: or(recurrence) }),
		fc.record({ type: or(fc.constantFrom('weekly', 'later')) }),
	),
);
const message = or(
	fc.record(
		{
			title: or(
				fc.constantFrom('Hi {{ user.first_name | default: "there" }}', 'Sale', '{{ x | nope }}', '{% if'),
			),
			body: or(fc.string({ maxLength: 20 })),
			url: or(
				fc.constantFrom('https://shop.example/{{ subscriber.id }}', 'javascript:alert(1)', '/relative'),
			),
			icon: or(fc.constantFrom('https://cdn.example/i.png', 'http://cdn.example/i.png')),
			tag: maybe(fc.string({ maxLength: 70 })),
		},
		{ requiredKeys: [] },
	),
);
const audience = or(
	fc.oneof(
		fc.constant({ all: true }),
		fc.constant({ test: true }),
		fc.record({ segment: or(fc.constantFrom('seg_missing', '')) }),
		fc.record({ filter: or(fc.constant({ status: ['allowed'] })) }),
		fc.record({ subscriberIds: or(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 })) }),
	),
);
const delivery = or(
	fc.record(
		{
			ttl: or(fc.integer({ min: -1, max: 30 * 86_400 })),
			urgency: or(fc.constantFrom('low', 'high', 'urgent')),
			topic: maybe(fc.string({ maxLength: 40 })),
		},
		{ requiredKeys: [] },
	),
);
const FIELDS = ['name', 'labels', 'message', 'audience', 'delivery', 'schedule'];

describe('campaign routes under generated input', () => {
	it(
		'POST /v1/sites/:siteId/campaigns',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: siteId().map((id) => `/v1/sites/${id}/campaigns`),
						headers: adminHeaders(),
						body: bodyBytes({
							fields: fieldsObject({
								name: maybe(fc.string({ minLength: 1, maxLength: 30 })),
								labels: maybe(or(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }))),
								message,
								audience,
								delivery: maybe(delivery),
								schedule: maybe(schedule),
							}),
							valid: fc.record({
								name: fc.uuid(),
								message: fc.constant({ title: 'Hello {{ user.first_name }}' }),
								audience: fc.constant({ all: true }),
								schedule: fc.constant({
									type: 'recurring',
									rule: {
										freq: 'weekly',
										byWeekday: ['MO'],
										times: ['09:00'],
										start: '2027-01-04',
										timezone: 'Europe/Berlin',
									},
								}),
							}),
							limit: 1_048_576,
						}),
					}),
				),
				{ method: 'POST', fields: FIELDS },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'PATCH /v1/sites/:siteId/campaigns/:campaignId',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('PATCH'),
						path: fc
							.tuple(siteId(), pathId([campaignId], ['cmp_missing']))
							.map(([site, id]) => `/v1/sites/${site}/campaigns/${id}`),
						headers: adminHeaders(),
						body: bodyBytes({
							fields: fieldsObject({
								name: maybe(fc.string({ minLength: 1, maxLength: 30 })),
								message: maybe(message),
								audience: maybe(audience),
								delivery: maybe(delivery),
								schedule: maybe(fc.oneof(schedule, fc.constant(null))),
							}),
							valid: fc.record({ name: fc.uuid() }),
							limit: 1_048_576,
						}),
					}),
				),
				{ method: 'PATCH', fields: FIELDS },
			);
		},
		ROUTE_TIMEOUT_MS,
	);
});
