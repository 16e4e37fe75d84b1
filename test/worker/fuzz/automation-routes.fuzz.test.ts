import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUTOMATION_TEMPLATES } from '../../../worker/src/automations/templates';
import { MAX_AUTOMATIONS } from '../../../worker/src/store/automations';
import { call, json, STORE_DATA_TABLES } from '../helpers';
import { adminHeadersOf, attackedSiteId, thingId } from './admin-requests';
import { fuzzRoute, ROUTE_TIMEOUT_MS, RUNS } from './check';
import { makeWorld, type World } from './fixtures';
import { messageFields, messageUrl, mostly, title, validMessage } from './messages';
import { method as anyMethod, request, segment, toRequest } from './requests';
import { type BodyModel, bodyBytes, fieldsObject, nastyString, rarely, utf8, wrongValue } from './values';

// Automations under generated input: triggers (event, inaction, date) with their conditions, keys, segments and
// bounds, steps (waits, messages with the trigger event's Liquid, push resources), exit and goal rules, holdouts,
// quiet hours and zones must be saved with the documented shape or refused with a 4xx naming the field, writing
// nothing; never a 5xx. So must the switches, reads, reports and deletes, and events arriving while automations of
// each kind listen (those start, end and convert journeys).

/**
 * Cases per property: a third of check.ts's RUNS (100 by default), as in resource-routes: six properties over ten
 * routes here, a case as costly (the write watch dominates), and most cases reach the automation code (see siteId).
 */
const ROUTE_RUNS = Math.max(1, Math.round(RUNS / 3));

/** The site's longest wait, in seconds (schemas/automations.ts). */
const MAX_WAIT = 30 * 86_400;
const DAY = 86_400;

/**
 * The fixture automations. `kept`: one or more of each trigger kind, enabled, whose first pushes are a day or more
 * away (a push due during the run would be written by the store's alarm after its response, and read as a later
 * case's write); never changed, switched or deleted. `switched`: PATCH and enable/disable change them. `spares`: for
 * DELETE to remove. `foreign`: the other site's.
 */
let world: World;
let kept: string[];
let switched: string[];
let spares: string[];
let foreign: string;
let segmentId: string;
let foreignSegment: string;
let resourceId: string;
let foreignResource: string;

async function post<T>(site: World['site'], path: string, body: unknown, status = 201): Promise<T> {
	const response = await call(`/v1/sites/${site.siteId}${path}`, {
		method: 'POST',
		key: site.apiKey,
		body: JSON.stringify(body),
	});
	if (response.status !== status) throw new Error(`${path}: ${response.status} ${await response.text()}`);
	return json<T>(response);
}

const createAutomation = async (site: World['site'], body: Record<string, unknown>) =>
	(await post<{ automationId: string }>(site, '/automations', body)).automationId;

/** Every automation id of the attacked site. */
async function automationIds(): Promise<string[]> {
	const response = await call(`/v1/sites/${world.site.siteId}/automations`, { key: world.site.apiKey });
	const { automations } = await json<{ automations: Array<{ automationId: string }> }>(response);
	return automations.map((a) => a.automationId);
}

const inDays = (days: number) => new Date(Date.now() + days * DAY * 1000).toISOString().slice(0, 10);

beforeAll(async () => {
	// The write watch must see the automation tables (helpers.ts lists them), or "writes nothing" would go unchecked.
	expect(STORE_DATA_TABLES).toEqual(
		expect.arrayContaining(['automations', 'journeys', 'automation_stats', 'automation_sends']),
	);
	world = await makeWorld();
	const site = world.site;
	const allowed = { filter: { status: ['allowed'] } };
	segmentId = (await post<{ segmentId: string }>(site, '/segments', { name: 'Allowed', ...allowed }))
		.segmentId;
	foreignSegment = (
		await post<{ segmentId: string }>(world.other, '/segments', { name: 'Allowed', ...allowed })
	).segmentId;
	resourceId = (
		await post<{ resourceId: string }>(site, '/resources', { name: 'Nudge', message: { title: 'Hi' } })
	).resourceId;
	foreignResource = (
		await post<{ resourceId: string }>(world.other, '/resources', { name: 'Nudge', message: { title: 'Hi' } })
	).resourceId;
	const later = (title: string, seconds = 2 * DAY) => ({ wait: { seconds }, message: { title } });
	const abandoned = AUTOMATION_TEMPLATES.find((t) => t.id === 'abandoned_checkout')?.body ?? {};
	const date = (fields: Record<string, unknown>) => ({ type: 'date', event: 'booking_made', ...fields });
	kept = [];
	for (const body of [
		{
			name: 'Welcome',
			trigger: {
				type: 'event',
				event: 'signed_up',
				where: [
					{ property: 'plan', op: 'ne', value: 'free' },
					{ property: 'seats', op: 'gte', value: 1 },
					{ property: 'trial', op: 'eq', value: true },
				],
				segment: segmentId,
				key: 'account_id',
			},
			steps: [
				{
					wait: { seconds: 2 * DAY },
					message: { title: 'Your {{ event.plan }} plan', url: '{{ event.url }}' },
				},
				{ wait: { until: '09:00' }, message: { resource: resourceId, title: '{{ event.plan | upcase }}' } },
			],
			exit: { events: ['account_closed'], segment: segmentId },
			goal: { event: 'purchase', valueProperty: 'total' },
			reentryAfterSeconds: 0,
			holdoutPercent: 25,
			quietHours: { start: '22:00', end: '07:00', action: 'delay' },
			ignoreFrequencyCap: true,
			timezone: 'Asia/Kolkata',
		},
		{
			...abandoned,
			trigger: {
				...(abandoned.trigger as object),
				where: [
					{ property: 'total', op: 'gt', value: 10 },
					{ property: 'total', op: 'lt', value: 1000 },
				],
			},
		},
		{
			name: 'Browsing',
			trigger: {
				type: 'event',
				event: 'viewed',
				where: [
					{ property: 'sku', op: 'exists' },
					{ property: 'price', op: 'lte', value: 100 },
					{ property: 'path', op: 'contains', value: 'sale' },
				],
				key: 'sku',
			},
			steps: [later('Still looking?', MAX_WAIT), later('On sale', DAY), later('Last chance', DAY)],
			exit: { events: ['purchase', 'viewed_cart'] },
			goal: { event: 'purchase' },
		},
		{
			name: 'Trip',
			trigger: date({ property: 'departure', offsetDays: -1, at: '09:00', key: 'booking' }),
			steps: [{ message: { title: 'Your trip to {{ event.city }} is tomorrow' } }],
			timezone: 'Europe/Berlin',
		},
		{
			name: 'Return next year',
			trigger: date({
				property: 'return',
				offsetDays: 365,
				at: '23:59',
				where: [{ property: 'city', op: 'exists' }],
			}),
			steps: [{ message: { title: 'A year ago' } }],
			timezone: 'Pacific/Kiritimati',
			reentryAfterSeconds: DAY,
		},
		{
			name: 'Departure day',
			trigger: date({ property: 'departure', offsetDays: 0, at: '23:59' }),
			steps: [{ wait: { until: '09:00' }, message: { title: 'Have a good trip' } }],
		},
		{
			name: 'A year before',
			trigger: date({ property: 'departure', offsetDays: -365, at: '00:00' }),
			steps: [later('Plan ahead')],
			timezone: 'Pacific/Pago_Pago',
			holdoutPercent: 50,
		},
		{
			name: 'Renewal',
			trigger: { type: 'date', attribute: 'renewal_date', offsetDays: -3, at: '10:00' },
			steps: [{ message: { title: 'Renews in 3 days' } }],
			timezone: 'America/New_York',
		},
	]) {
		kept.push(await createAutomation(site, { ...body, enabled: true }));
	}
	// A journey under way already, from a user's date attribute.
	const put = await call(`/v1/sites/${site.siteId}/users/user_1`, {
		method: 'PUT',
		key: site.apiKey,
		body: JSON.stringify({ attributes: { renewal_date: { date: inDays(30) } } }),
	});
	if (put.status !== 200) throw new Error(`user: ${put.status} ${await put.text()}`);
	switched = [
		await createAutomation(site, {
			name: 'Switched on',
			enabled: true,
			trigger: { type: 'event', event: 'signed_up' },
			steps: [later('Hi')],
		}),
		await createAutomation(site, {
			name: 'Switched off',
			trigger: { type: 'inaction', event: 'checkout_started', without: 'purchase', withinSeconds: 3600 },
			steps: [{ message: { resource: resourceId } }],
		}),
	];
	spares = [];
	for (let i = 0; i < 4; i++)
		spares.push(
			await createAutomation(site, {
				name: `Spare ${i}`,
				enabled: i % 2 === 0,
				trigger: { type: 'event', event: 'spare' },
				steps: [later('x')],
			}),
		);
	foreign = await createAutomation(world.other, {
		name: 'Elsewhere',
		enabled: true,
		trigger: { type: 'event', event: 'signed_up' },
		steps: [later('x')],
	});
});

/**
 * The route's own method mostly, sometimes another, but DELETE only in the DELETE route: a DELETE of an automation
 * the path names is a legitimate 204, and the fixtures must outlive the other routes.
 */
const method = (own: string) =>
	own === 'DELETE' ? anyMethod(own) : anyMethod(own).filter((m) => m !== 'DELETE');

const siteId = () => attackedSiteId(world);
const adminHeaders = () => adminHeadersOf(world);

/** Automation ids: the route's own half the time, else another site's, missing, malformed, junk. */
const automationId = (own: string[]) =>
	thingId(own, [foreign, 'aut_missing', `aut_${'a'.repeat(41)}`, (own[0] as string).toUpperCase()]);

// ---- definitions -------------------------------------------------------------------------------------------------

/** Event names: ones the fixtures listen to, built-in ones, bad ones (digit first, too long, spaces), junk. */
const LISTENED = [
	'signed_up',
	'account_closed',
	'purchase',
	'checkout_started',
	'booking_made',
	'viewed',
	'viewed_cart',
];
const eventName = fc.oneof(
	{ weight: 4, arbitrary: fc.constantFrom(...LISTENED, 'app:open', 'a.b-c_d') },
	{
		weight: 1,
		arbitrary: fc.constantFrom('subscribed', 'clicked', '9lives', '', ' ', 'x'.repeat(65), 'a b', 'ü'),
	},
	{ weight: 1, arbitrary: nastyString },
);
/** Event property names: the fixtures', prototype names, bad ones, junk. */
const PROPERTIES = ['plan', 'seats', 'trial', 'account_id', 'url', 'checkout_id', 'total', 'item_title'];
const propertyName = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.constantFrom(...PROPERTIES, 'departure', 'return', 'city', 'sku', 'price', 'path'),
	},
	{ weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'a:b.c-d', '', 'a b', 'x'.repeat(65)) },
	{ weight: 1, arbitrary: nastyString },
);
/** Times of day: good, out of range, unpadded, with seconds, blank. */
const timeOfDay = fc.constantFrom(
	'09:00',
	'00:00',
	'23:59',
	'24:00',
	'9:00',
	'12:60',
	'',
	'09:00:00',
	' 09:00',
);
const goodTime = fc.constantFrom('09:00', '00:00', '23:59', '02:30');
/** Whole numbers of seconds in and just past [min, max], fractions, numbers as text. */
const seconds = (min: number, max: number) =>
	fc.oneof(
		fc.integer({ min: min - 2, max: max + 2 }),
		fc.constantFrom(min, max, min - 1, max + 1, 1.5, -0, `${min}`),
	);
/** Segments: the site's, the other site's, missing, blank, junk. */
const segmentRef = () =>
	fc.oneof(
		{ weight: 2, arbitrary: fc.constant(segmentId) },
		{
			weight: 1,
			arbitrary: fc.constantFrom(foreignSegment, 'seg_missing', '', ` ${segmentId} `, 'x'.repeat(65)),
		},
	);
/** Push resources: the site's, the other site's, missing, oddly written. */
const resourceRef = () =>
	fc.oneof(
		{ weight: 2, arbitrary: fc.constant(resourceId) },
		{
			weight: 1,
			arbitrary: fc.constantFrom(
				foreignResource,
				'res_missing',
				'',
				resourceId.toUpperCase(),
				` ${resourceId} `,
			),
		},
	);
const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists'];
const conditionValue = fc.oneof(
	fc.constantFrom('pro', 'free', 'sale', 'x'.repeat(200), 'x'.repeat(201), true, false, 0, -1.5, 1e308, null),
	fc.string({ maxLength: 20 }),
	fc.integer(),
	wrongValue,
);
const conditions = fc.array(
	fieldsObject({
		property: mostly(propertyName),
		op: mostly(fc.constantFrom(...OPS, 'like', 'EQ', '')),
		value: mostly(conditionValue),
	}),
	{ maxLength: 12 },
);
const validConditions = fc.array(
	fc.oneof(
		fc.record({
			property: fc.constantFrom(...PROPERTIES),
			op: fc.constantFrom(...OPS),
			value: fc.oneof(fc.constantFrom('pro', 'sale', true), fc.integer({ min: -5, max: 500 })),
		}),
		fc.record({ property: fc.constantFrom(...PROPERTIES), op: fc.constant('exists') }),
	),
	{ maxLength: 3 },
);

/** Triggers of each type, each field plausible or wrong: unknown types and fields, the date's two sources at once. */
const trigger = () =>
	fc.oneof(
		fieldsObject({
			type: mostly(fc.constant('event')),
			event: mostly(eventName),
			where: mostly(conditions),
			segment: mostly(segmentRef()),
			key: mostly(propertyName),
		}),
		fieldsObject({
			type: fc.constant('inaction'),
			event: mostly(eventName),
			without: mostly(fc.oneof(eventName, fc.constant('checkout_started'))),
			withinSeconds: mostly(seconds(1, MAX_WAIT)),
			where: mostly(conditions),
			segment: mostly(segmentRef()),
			key: mostly(propertyName),
		}),
		fieldsObject({
			type: fc.constant('date'),
			attribute: mostly(fc.constantFrom('renewal_date', 'trip_date', '', 'Bad Name', 'x'.repeat(65))),
			event: mostly(eventName),
			property: mostly(propertyName),
			offsetDays: mostly(seconds(-365, 365)),
			at: mostly(timeOfDay),
			where: mostly(conditions),
			key: mostly(propertyName),
			segment: rarely(segmentRef(), 4),
		}),
		fc.record({ type: fc.oneof(fc.constantFrom('sometimes', 'Event', ''), wrongValue), event: eventName }),
	);
const validTrigger = () =>
	fc.oneof(
		fc.record(
			{
				type: fc.constant('event'),
				event: fc.constantFrom(...LISTENED),
				where: validConditions,
				segment: fc.constant(segmentId),
				key: fc.constantFrom(...PROPERTIES),
			},
			{ requiredKeys: ['type', 'event'] },
		),
		fc.record(
			{
				type: fc.constant('inaction'),
				event: fc.constant('checkout_started'),
				without: fc.constantFrom('purchase', 'account_closed'),
				withinSeconds: fc.integer({ min: 1, max: MAX_WAIT }),
				where: validConditions,
				key: fc.constant('checkout_id'),
			},
			{ requiredKeys: ['type', 'event', 'without', 'withinSeconds'] },
		),
		fc.record({
			type: fc.constant('date'),
			attribute: fc.constantFrom('renewal_date', 'trip_date'),
			offsetDays: fc.integer({ min: -365, max: 365 }),
			at: goodTime,
		}),
		fc.record(
			{
				type: fc.constant('date'),
				event: fc.constant('booking_made'),
				property: fc.constantFrom('departure', 'return'),
				offsetDays: fc.integer({ min: -365, max: 365 }),
				at: goodTime,
				key: fc.constant('booking'),
			},
			{ requiredKeys: ['type', 'event', 'property', 'offsetDays', 'at'] },
		),
	);

/** Waits: seconds in and out of bounds, a time of day, both, neither, another unit. */
const wait = fc.oneof(
	fc.record({ seconds: seconds(0, MAX_WAIT) }),
	fc.record({ until: timeOfDay }),
	fc.constantFrom({}, { minutes: 5 }, { seconds: 60, until: '09:00' }, { until: null }, { seconds: null }),
);
const validWait = fc.oneof(
	fc.record({ seconds: fc.integer({ min: 0, max: MAX_WAIT }) }),
	fc.record({ until: goodTime }),
);

/** Titles and URLs with the trigger event's Liquid, good and bad, besides the send's own. */
const eventTitle = fc.oneof(
	title,
	fc.constantFrom(
		'Your {{ event.plan }} plan',
		'{{ event.item_title | upcase }} is back',
		'{{ event.plan | default: "free" }}',
		'{{ event. }}',
		'Hi {{ event.plan ',
		'{% for x in event.items %}{{ x }}{% endfor %}',
		'{{ event["plan"] }}',
	),
);
const eventUrl = (origin: string) =>
	fc.oneof(
		messageUrl(origin),
		fc.constantFrom(
			'{{ event.url }}',
			'{{ event.checkout_url }}',
			` {{ event.checkout_url }} `,
			`${origin}/c/{{ event.checkout_id }}`,
			'{{ event.url',
			'{% if event.url %}{{ event.url }}{% endif %}',
			`https://shop.example/{{ event.checkout_id }}/${'a'.repeat(1100)}`,
		),
	);
const delivery = fieldsObject({
	ttl: mostly(fc.integer({ min: -1, max: 2_500_000 })),
	urgency: mostly(fc.constantFrom('very-low', 'low', 'normal', 'high', 'urgent')),
	topic: mostly(fc.constantFrom('sale', 'a b', 'x'.repeat(33), 'é')),
});

/** A step's message: the send's fields with the event's Liquid, or a push resource with overrides. */
const stepMessage = (origin: string) =>
	messageFields(origin, {
		title: mostly(eventTitle),
		url: mostly(eventUrl(origin)),
		resource: rarely(mostly(resourceRef()), 3),
	});
const validStepMessage = (origin: string) =>
	fc.oneof(
		validMessage(origin),
		fc.record(
			{
				title: fc.constantFrom('Your {{ event.plan | default: "new" }} plan', 'Back: {{ event.item_title }}'),
				url: fc.constantFrom('{{ event.url }}', `${origin}/c/{{ event.checkout_id }}`),
			},
			{ requiredKeys: ['title'] },
		),
		fc.record(
			{ resource: fc.constant(resourceId), title: fc.constantFrom('Override {{ event.plan }}', 'Override') },
			{ requiredKeys: ['resource'] },
		),
	);
/** A step's discount code: Shopify's characters, or blank, spaced, too long, another charset, or not a string. */
const discountCode = fc.oneof(
	fc.constantFrom(
		'SAVE10',
		' SAVE10 ',
		'',
		'   ',
		'x'.repeat(255),
		'x'.repeat(256),
		'two words',
		'ÉTÉ',
		'a/b?c',
	),
	fc.string({ maxLength: 12 }),
);
const steps = (origin: string) =>
	fc.array(
		fc.oneof(
			fieldsObject({
				wait: mostly(wait),
				message: fc.oneof(validStepMessage(origin), mostly(stepMessage(origin))),
				delivery: mostly(delivery),
				discountCode: mostly(discountCode),
			}),
			wrongValue,
		),
		{ maxLength: 6 },
	);
const validSteps = (origin: string) =>
	fc.array(
		fc.record(
			{
				wait: validWait,
				message: validStepMessage(origin),
				delivery: fc.record({ ttl: fc.constant(3600), urgency: fc.constant('high') }, { requiredKeys: [] }),
				discountCode: fc.constantFrom('SAVE10', ' summer_24-b ', ''),
			},
			{ requiredKeys: ['message'] },
		),
		{ minLength: 1, maxLength: 5 },
	);

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC', 'Pacific/Kiritimati', 'Etc/GMT+5'];
const timezone = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...ZONES) },
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			'Mars/Olympus',
			'',
			'+01:00',
			'-05:00',
			'utc',
			'europe/berlin',
			'EST',
			'Local',
		),
	},
	{ weight: 1, arbitrary: nastyString },
);

/** Every field of a definition, each plausible or wrong (PATCH takes them all, POST adds name, enabled, template). */
const definitionFields = (origin: string) => ({
	trigger: mostly(fc.oneof(trigger(), validTrigger())),
	steps: mostly(steps(origin)),
	exit: mostly(
		fieldsObject({
			events: mostly(fc.array(eventName, { maxLength: 6 })),
			segment: mostly(segmentRef()),
		}),
	),
	goal: fc.oneof(
		fc.constant(null),
		mostly(
			fieldsObject({
				event: mostly(eventName),
				valueProperty: mostly(propertyName),
				windowSeconds: mostly(seconds(60, MAX_WAIT)),
			}),
		),
	),
	reentryAfterSeconds: fc.oneof(fc.constant(null), mostly(seconds(0, 365 * DAY))),
	holdoutPercent: fc.oneof(
		fc.constant(null),
		mostly(
			fc.oneof(fc.constantFrom(0, 0.001, 0.01, 50, 50.01, 33.3, -1, 100), fc.double({ min: 0, max: 60 })),
		),
	),
	quietHours: fc.oneof(
		fc.constant(null),
		mostly(
			fieldsObject({
				start: mostly(timeOfDay),
				end: mostly(timeOfDay),
				action: mostly(fc.constantFrom('delay', 'discard', 'skip')),
			}),
		),
	),
	ignoreFrequencyCap: mostly(fc.boolean()),
	timezone: mostly(timezone),
});
const validDefinition = (origin: string) => ({
	trigger: validTrigger(),
	steps: validSteps(origin),
	exit: fc.record(
		{ events: fc.array(fc.constantFrom(...LISTENED), { maxLength: 3 }), segment: fc.constant(segmentId) },
		{ requiredKeys: [] },
	),
	goal: fc.oneof(
		fc.constant(null),
		fc.record(
			{
				event: fc.constant('purchase'),
				valueProperty: fc.constantFrom('total', 'value'),
				windowSeconds: fc.integer({ min: 60, max: MAX_WAIT }),
			},
			{ requiredKeys: ['event'] },
		),
	),
	reentryAfterSeconds: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 365 * DAY })),
	holdoutPercent: fc.oneof(fc.constant(null), fc.double({ min: 0.01, max: 50, noNaN: true })),
	quietHours: fc.oneof(
		fc.constant(null),
		fc
			.record({ start: goodTime, end: goodTime, action: fc.constantFrom('delay', 'discard') })
			.filter((q) => q.start !== q.end),
	),
	ignoreFrequencyCap: fc.boolean(),
	timezone: fc.constantFrom(...ZONES),
});

const name = () =>
	fc.oneof(
		{ weight: 3, arbitrary: fc.uuid() },
		{ weight: 1, arbitrary: fc.constantFrom('Welcome', '', '   ', 'x'.repeat(101), 'ß'.repeat(100)) },
		{ weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
	);

const DEFINITION_FIELDS = [
	'trigger',
	'steps',
	'exit',
	'goal',
	'reentryAfterSeconds',
	'holdoutPercent',
	'quietHours',
	'ignoreFrequencyCap',
	'timezone',
];
const AUTOMATION_FIELDS = ['name', 'enabled', 'template', ...DEFINITION_FIELDS];

// ---- events ------------------------------------------------------------------------------------------------------

/**
 * Date property values: days ahead (never within a day of now after the fixtures' offsets, so nothing falls due during
 * the run), long past, at and past the ends of the calendar (years 0999, 9999, ±275760), impossible days, instants
 * in zones, numbers of any size.
 */
const dateValue = () =>
	fc.oneof(
		{
			weight: 2,
			arbitrary: fc.constantFrom(
				inDays(10),
				inDays(100),
				inDays(400),
				`${inDays(20)}T09:00:00Z`,
				`${inDays(50)}T23:30:00+14:00`,
			),
		},
		{
			weight: 2,
			arbitrary: fc.constantFrom(
				'0999-12-31',
				'1000-01-01',
				'1000-12-31',
				'9999-12-30',
				'9999-12-31',
				'9999-12-31T23:59:59Z',
				'9999-12-31T12:00:00-11:00',
			),
		},
		{
			weight: 1,
			arbitrary: fc.constantFrom(
				'2020-02-29',
				'2026-02-30',
				'2026-13-01',
				'0000-01-01',
				'0050-06-01',
				'+275760-09-13T00:00:00Z',
				'-271821-04-20T00:00:00Z',
				'+010000-01-01',
				'tomorrow',
			),
		},
		{
			weight: 1,
			arbitrary: fc.constantFrom(
				0,
				-1,
				8.64e15,
				-8.64e15,
				8.64e15 + 86_400_000,
				86_400_000 * 1e9,
				1e300,
				-1e300,
			),
		},
		{ weight: 1, arbitrary: fc.integer() },
		{ weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
	);
/** Property values the fixtures test, besides random ones. */
const propertyValue = () =>
	fc.oneof(
		dateValue(),
		fc.constantFrom('free', 'pro', '/sale', 'Lisbon', 'c1', 'c2', true, false, 1, 100, 101, 'x'.repeat(1001)),
		fc.string({ maxLength: 20 }),
		fc.integer(),
		fc.double({ noNaN: true, noDefaultInfinity: true }),
	);
/** Properties that pass: the fixtures' names with values of every kind, dates above all. */
const validProperties = () =>
	fc.dictionary(
		fc.constantFrom(...PROPERTIES, 'departure', 'return', 'city', 'sku', 'price', 'path', 'value'),
		fc.oneof(dateValue(), fc.constantFrom('free', 'pro', '/sale', 'Lisbon', 'c1', true, 1, 100, 101)),
		{ maxKeys: 6 },
	);
const properties = () =>
	fc.dictionary(
		fc.oneof(
			{
				weight: 4,
				arbitrary: fc.constantFrom(...PROPERTIES, 'departure', 'return', 'city', 'sku', 'price', 'path'),
			},
			{ weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'value', '') },
			{ weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) },
		),
		propertyValue(),
		{ maxKeys: 8 },
	);

/** Events that meet the fixtures' triggers, conditions, keys, exits and goals, or nearly (a free plan, a low total). */
const fixtureEvent = (origin: string) =>
	fc.oneof(
		fc.record({
			name: fc.constant('signed_up'),
			properties: fc.record(
				{
					plan: fc.constantFrom('pro', 'free'),
					seats: fc.integer({ min: 0, max: 3 }),
					trial: fc.boolean(),
					account_id: fc.constantFrom('a1', 'a2'),
					url: fc.constantFrom(`${origin}/welcome`, 'javascript:alert(1)'),
				},
				{ requiredKeys: ['plan', 'seats', 'trial'] },
			),
		}),
		fc.record({
			name: fc.constantFrom('checkout_started', 'purchase'),
			properties: fc.record(
				{
					checkout_id: fc.constantFrom('c1', 'c2', 'c3'),
					total: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.constantFrom('12.50', 1e308)),
					value: fc.double({ noNaN: true, noDefaultInfinity: true }),
					item_title: fc.string({ maxLength: 20 }),
					checkout_url: fc.constant(`${origin}/checkouts/c1`),
				},
				{ requiredKeys: ['checkout_id', 'total'] },
			),
		}),
		fc.record({
			name: fc.constant('booking_made'),
			properties: fc.record(
				{
					booking: fc.constantFrom('B1', 'B2'),
					city: fc.constantFrom('Lisbon', 'Oslo'),
					departure: dateValue(),
					return: dateValue(),
				},
				{ requiredKeys: ['departure'] },
			),
		}),
		fc.record({
			name: fc.constant('viewed'),
			properties: fc.record(
				{
					sku: fc.constantFrom('s1', 's2'),
					price: fc.integer({ min: 0, max: 200 }),
					path: fc.constantFrom('/sale', '/SALE/shoes', '/home'),
				},
				{ requiredKeys: ['price', 'path'] },
			),
		}),
		fc.record({
			name: fc.constantFrom('account_closed', 'viewed_cart'),
			properties: fc.record(
				{ account_id: fc.constantFrom('a1', 'a2'), sku: fc.constantFrom('s1', 's2') },
				{ requiredKeys: [] },
			),
		}),
	);

/**
 * {@link bodyBytes}, with whole valid bodies besides in `share` of the cases (a quarter by default): valid bodies
 * with one thing wrong stop at the first check, and only whole ones save a definition or start a journey.
 */
const bodies = (model: BodyModel & { valid: fc.Arbitrary<Record<string, unknown>> }, share = 1 / 4) =>
	fc.oneof(
		{ weight: Math.round((1 - share) * 100), arbitrary: bodyBytes(model) },
		{ weight: Math.round(share * 100), arbitrary: model.valid.map((body) => utf8(JSON.stringify(body))) },
	);

/** A request to the attacked site with its key, for the examples every run sends besides the generated cases. */
const example = (method: string, path: string, body: unknown) =>
	toRequest({
		method,
		path: `/v1/sites/${world.site.siteId}${path}`,
		headers: { authorization: `Bearer ${world.site.apiKey}`, 'content-type': 'application/json' },
		body: utf8(JSON.stringify(body)),
	});

describe('automation routes under generated input', () => {
	it(
		'POST /v1/sites/:siteId/automations',
		async () => {
			const origin = world.site.origin;
			const templates = AUTOMATION_TEMPLATES.map((t) => ({ ...t.body, template: t.id }));
			// A case saves at most one automation: with fewer cases than the site has room for, the limit never
			// turns a valid body into a 409 (more runs go to PATCH, which has no limit).
			const fixtures = kept.length + switched.length + spares.length;
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: siteId().map((id) => `/v1/sites/${id}/automations`),
						headers: adminHeaders(),
						body: bodies({
							fields: fieldsObject({
								name: mostly(name()),
								enabled: mostly(fc.boolean()),
								template: mostly(fc.constantFrom('abandoned_checkout', 'nope', '', 'x'.repeat(65))),
								...definitionFields(origin),
							}),
							valid: fc.oneof(
								fc.record(
									{
										name: fc.uuid(),
										enabled: fc.boolean(),
										...validDefinition(origin),
									},
									{ requiredKeys: ['name', 'trigger', 'steps'] },
								),
								fc.constantFrom(...templates),
							),
							limit: 128 * 1024,
						}),
					}),
				),
				{ method: 'POST', fields: AUTOMATION_FIELDS, runs: Math.min(ROUTE_RUNS, MAX_AUTOMATIONS - fixtures) },
				// A templated URL over the length limit: once refused as `url`, not the step's field.
				[
					example('POST', '/automations', {
						name: 'Long link',
						trigger: { type: 'event', event: 'signed_up' },
						steps: [
							{ message: { title: 'Hi', url: `https://shop.example/{{ event.id }}/${'a'.repeat(1100)}` } },
						],
					}),
				],
			);
			// The ones saved go, so that only the fixtures listen to the events below (see `kept`).
			const fixed = new Set([...kept, ...switched, ...spares]);
			for (const id of await automationIds()) {
				if (fixed.has(id)) continue;
				const gone = await call(`/v1/sites/${world.site.siteId}/automations/${id}`, {
					method: 'DELETE',
					key: world.site.apiKey,
				});
				expect(gone.status).toBe(204);
			}
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'PATCH /v1/sites/:siteId/automations/:automationId',
		async () => {
			const origin = world.site.origin;
			await fuzzRoute(
				request(
					fc.record({
						method: method('PATCH'),
						path: fc
							.tuple(siteId(), automationId(switched))
							.map(([site, id]) => `/v1/sites/${site}/automations/${id}`),
						headers: adminHeaders(),
						body: bodies({
							fields: fieldsObject({
								name: mostly(name()),
								...definitionFields(origin),
								enabled: rarely(fc.boolean(), 8),
							}),
							valid: fc.record({ name: fc.uuid(), ...validDefinition(origin) }, { requiredKeys: [] }),
							limit: 128 * 1024,
						}),
					}),
				),
				{ method: 'PATCH', fields: ['name', ...DEFINITION_FIELDS], runs: ROUTE_RUNS },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'POST /v1/sites/:siteId/automations/:automationId/enable|disable',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: fc
							.tuple(
								siteId(),
								automationId(switched),
								fc.oneof(
									{ weight: 4, arbitrary: fc.constantFrom('enable', 'disable') },
									{ weight: 1, arbitrary: fc.constantFrom('Enable', 'enable/', 'on', 'report', '') },
								),
							)
							.map(([site, id, action]) => `/v1/sites/${site}/automations/${id}/${action}`),
						headers: adminHeaders(),
						body: fc.oneof(fc.constant(null), fc.constant(utf8('{"enabled":false}'))),
					}),
				),
				{ method: 'POST', fields: [], runs: ROUTE_RUNS },
			);
			// The switched ones' definitions are PATCH's now: off, so that only `kept` meets the events below.
			for (const id of switched) await post(world.site, `/automations/${id}/disable`, {}, 200);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'POST /v1/sites/:siteId/events while automations of each kind listen',
		async () => {
			const now = Date.now();
			const at = (ms: number) => new Date(now + ms).toISOString();
			const subscriber = fc.constantFrom(...world.subscriberIds, ...world.otherSubscriberIds, 'sub_none');
			const user = fc.constantFrom('user_1', 'user_2', 'user_3');
			// Ids from a small set, so that events repeat (duplicates count once, and start no second journey).
			const id = fc.oneof(
				{ weight: 3, arbitrary: fc.constantFrom('e1', 'e2', 'e3', 'e4') },
				{ weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 70 }) },
			);
			// Times the route takes are within a minute of now, so journeys fall due as late as the fixtures' waits.
			const time = fc.oneof(
				{ weight: 3, arbitrary: fc.constantFrom(at(0), at(-60_000), at(60_000)) },
				{
					weight: 1,
					arbitrary: fc.constantFrom(at(600_000), '2001-01-01', 'yesterday', '2026-12-01T25:00:00Z'),
				},
			);
			const event = fieldsObject({
				name: mostly(fc.oneof(eventName, fc.constantFrom(...LISTENED))),
				userId: rarely(mostly(user), 2),
				subscriberId: rarely(mostly(subscriber), 2),
				time: mostly(time),
				id: mostly(id),
				properties: mostly(properties()),
			});
			const validEvent = fc
				.tuple(
					fc.oneof(
						fixtureEvent(world.site.origin),
						fc.record(
							{ name: fc.constantFrom(...LISTENED), properties: validProperties() },
							{ requiredKeys: ['name'] },
						),
					),
					fc.record({ time: fc.constantFrom(at(0), at(-60_000)), id }, { requiredKeys: [] }),
					fc.oneof(fc.record({ userId: user }), fc.record({ subscriberId: subscriber })),
				)
				.map(([e, when, who]) => ({ ...e, ...when, ...who }));
			await fuzzRoute(
				request(
					fc.record({
						method: method('POST'),
						path: siteId().map((id) => `/v1/sites/${id}/events`),
						headers: adminHeaders(),
						body: bodies(
							{
								fields: fieldsObject({ events: mostly(fc.array(event, { maxLength: 6 })) }),
								valid: fc.record({ events: fc.array(validEvent, { minLength: 1, maxLength: 6 }) }),
								limit: 64 * 1024,
							},
							1 / 2,
						),
					}),
				),
				{ method: 'POST', fields: ['events'], runs: ROUTE_RUNS },
				[
					// A checkout left (a journey starts); dates at the calendar's end and past a Date's range (once 500s:
					// the next day of 9999-12-31, and a number Intl cannot read).
					example('POST', '/events', {
						events: [
							{
								name: 'checkout_started',
								subscriberId: world.subscriberIds[0],
								id: 'example-checkout',
								properties: { checkout_id: 'c9', total: 50, checkout_url: `${world.site.origin}/c/9` },
							},
							{
								name: 'booking_made',
								userId: 'user_9',
								properties: { departure: '9999-12-31', booking: 'B9' },
							},
							{ name: 'booking_made', userId: 'user_9', properties: { departure: 1e300, booking: 'B8' } },
							{
								name: 'booking_made',
								userId: 'user_9',
								properties: { departure: '+275760-09-13T00:00:00Z' },
							},
						],
					}),
				],
			);
			// The events did move journeys (the cases reached the automations, not only the refusals).
			let entered = 0;
			for (const id of kept) {
				const view = await call(`/v1/sites/${world.site.siteId}/automations/${id}`, {
					key: world.site.apiKey,
				});
				entered += (await json<{ counts: { entered: number } }>(view)).counts.entered;
			}
			expect(entered).toBeGreaterThan(0);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'GET /v1/sites/:siteId/automations[/:automationId[/report]] and /automation-templates',
		async () => {
			const all = [...kept, ...switched, ...spares];
			const path = fc.oneof(
				{ weight: 1, arbitrary: fc.constantFrom('/automations', '/automations/', '/automation-templates') },
				{ weight: 3, arbitrary: automationId(all).map((id) => `/automations/${id}`) },
				{ weight: 3, arbitrary: automationId(all).map((id) => `/automations/${id}/report`) },
				{
					weight: 1,
					arbitrary: fc.constantFrom(
						'/automations?limit=1',
						'/automations/%20',
						'/automations//report',
						'/automation-templates/x',
					),
				},
				{ weight: 1, arbitrary: nastyString.map((s) => `/automations/${segment(s)}/report`) },
			);
			await fuzzRoute(
				request(
					fc.record({
						method: method('GET'),
						path: fc.tuple(siteId(), path).map(([site, p]) => `/v1/sites/${site}${p}`),
						headers: adminHeaders(),
						body: fc.constant(null),
					}),
				),
				{ method: 'GET', fields: [], runs: ROUTE_RUNS },
			);
		},
		ROUTE_TIMEOUT_MS,
	);

	it(
		'DELETE /v1/sites/:siteId/automations/:automationId',
		async () => {
			await fuzzRoute(
				request(
					fc.record({
						method: method('DELETE'),
						path: fc
							.tuple(siteId(), automationId(spares))
							.map(([site, id]) => `/v1/sites/${site}/automations/${id}`),
						headers: adminHeaders(),
						body: fc.constant(null),
					}),
				),
				{ method: 'DELETE', fields: [], runs: ROUTE_RUNS },
			);
			// Only spares went: the others, and the other site's (its id was sent with this site's key), are there.
			expect(await automationIds()).toEqual(expect.arrayContaining([...kept, ...switched]));
			const elsewhere = await call(`/v1/sites/${world.other.siteId}/automations/${foreign}`, {
				key: world.other.apiKey,
			});
			expect(elsewhere.status).toBe(200);
		},
		ROUTE_TIMEOUT_MS,
	);
});
