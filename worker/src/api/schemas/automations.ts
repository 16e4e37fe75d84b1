import * as z from 'zod';
import { DISCOUNT_CODE } from '../../automations/discount';
import { int, opt, optBool, optInt, optText, reqText } from '../fields';
import { EVENT_NAME } from './audience';
import { campaignDelivery, campaignMessage } from './campaigns';
import { audience, audienceRequest, delivery, message } from './send';

// Automations (issue 13): a trigger, 1–5 steps and exit rules. Message fields are checked exactly as a send's after
// the shape (services/automations.ts); time zones and times of day after it too.

const eventName = (required: string) =>
	reqText(64, required, (s) => s.regex(EVENT_NAME, { error: 'must match ^[A-Za-z][A-Za-z0-9_.:-]{0,63}$' }));
const optEventName = () =>
	optText(64, (s) => s.regex(EVENT_NAME, { error: 'must match ^[A-Za-z][A-Za-z0-9_.:-]{0,63}$' }));
const property = (required: string) =>
	reqText(64, required, (s) => s.regex(/^[A-Za-z0-9_.:-]{1,64}$/, { error: 'must be a property name' }));
const optProperty = () =>
	optText(64, (s) => s.regex(/^[A-Za-z0-9_.:-]{1,64}$/, { error: 'must be a property name' }));
const time = z
	.string({ error: 'must be a time of day "HH:MM"' })
	.regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time of day "HH:MM" (00:00–23:59)' });
/** Up to 30 days, in seconds. */
const MAX_WAIT = 30 * 86_400;

const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists'] as const;

export const condition = z.strictObject({
	property: property('is required: the event property to test'),
	op: z.enum(OPS, { error: `must be one of ${OPS.join(', ')}` }),
	value: opt(
		z.union([z.string().max(200), z.number(), z.boolean()], {
			error: 'must be a string (≤200), number or boolean',
		}),
	),
});

const where = opt(z.array(condition).max(10, { error: 'must have at most 10 conditions' })).describe(
	'Property tests on the trigger event (all must hold)',
);
const segment = optText(64).describe('Only subjects in this saved segment (seg_…)');
const key = optProperty().describe(
	'The event property that tells journeys apart, e.g. checkout_id: one journey per value (default one per person)',
);

export const trigger = z
	.discriminatedUnion(
		'type',
		[
			z.strictObject({
				type: z.literal('event'),
				event: eventName('is required: the event that starts a journey'),
				where,
				segment,
				key,
			}),
			z.strictObject({
				type: z.literal('inaction'),
				event: eventName('is required: the first event, e.g. checkout_started'),
				without: eventName('is required: the event that must not follow, e.g. purchase'),
				withinSeconds: int(1, MAX_WAIT).describe('How long to wait for it (seconds)'),
				where,
				segment,
				key,
			}),
			z.strictObject({
				type: z.literal('date'),
				attribute: optText(64).describe('A date attribute of the user (e.g. trip_date)'),
				event: optEventName().describe('…or an event carrying a date property'),
				property: optProperty().describe('The date property of that event'),
				offsetDays: int(-365, 365).describe('Days before (negative) or after the date'),
				at: time.describe('Local time of day in the subject’s zone'),
				where,
				key,
			}),
		],
		{ error: 'type: must be event, inaction or date' },
	)
	.describe('What starts a journey');

export const wait = z
	.union(
		[
			z.strictObject({ seconds: int(0, MAX_WAIT) }),
			z.strictObject({ until: time.describe('The next time this local time comes round') }),
		],
		{ error: 'must be {seconds} or {until: "HH:MM"}' },
	)
	.describe('Seconds after the previous step (or the trigger), or the next HH:MM in the subject’s zone');

const discountCode = optText(255, (s) =>
	s.regex(DISCOUNT_CODE, {
		error: 'must be a discount code: letters, digits, - and _ (at most 255), as it is in the Shopify admin',
	}),
).describe(
	'A discount code this step offers: its Liquid reads it as `event.discount_code`; on a Shopify shop the click opens `https://<shop>/discount/<code>?redirect=<the link’s path>`, so the code is applied when the buyer lands. Create it in the Shopify admin first (Beckon does not)',
);

export const stepInput = z.strictObject({
	wait: opt(wait),
	message: campaignMessage,
	delivery: opt(campaignDelivery),
	discountCode,
});

const exit = z.strictObject({
	events: opt(z.array(eventName('must be an event name')).max(5, { error: 'must have at most 5 events' })),
	segment: optText(64).describe('End the journey when the subject is no longer in this segment'),
});

const goal = z.strictObject({
	event: eventName('is required: the goal event, such as purchase'),
	valueProperty: optProperty().describe('Its property holding revenue (default value)'),
	windowSeconds: optInt(60, MAX_WAIT).describe(
		'Conversions count up to this long after the last push (default 3 days)',
	),
});

const quietHours = z.strictObject({
	start: time,
	end: time,
	action: z.enum(['delay', 'discard'], { error: 'must be delay or discard' }),
});

const definition = {
	trigger,
	steps: z
		.array(stepInput, { error: 'must be an array of 1 to 5 steps' })
		.min(1, { error: 'must be an array of 1 to 5 steps' })
		.max(5, { error: 'must be an array of 1 to 5 steps' }),
	exit: opt(exit).describe(
		'Events that end a journey (matched on the key when they carry it), or a segment left',
	),
	goal: z
		.union([goal, z.null()])
		.optional()
		.describe('The conversion: the event, and the property with its value'),
	reentryAfterSeconds: z
		.union([int(0, 365 * 86_400), z.null()])
		.optional()
		.describe(
			'null (default): once per person and key, ever; N: again N seconds after the last journey ended',
		),
	holdoutPercent: z
		.union([
			z
				.number({ error: 'must be a number from 0.01 to 50' })
				.min(0.01, { error: 'must be a number from 0.01 to 50' })
				.max(50, { error: 'must be a number from 0.01 to 50' }),
			z.null(),
		])
		.optional()
		.describe('A control group: this percent of journeys is walked without sending'),
	quietHours: z
		.union([quietHours, z.null(), z.literal('site')], {
			error: 'must be {start, end, action}, null (none) or "site" (the site\'s default)',
		})
		.optional()
		.describe('Own quiet hours (delay or discard); null for none; "site" or absent: the site\'s default'),
	ignoreFrequencyCap: optBool().describe("Transactional: not capped by the site's frequency cap"),
	audience: audienceRequest
		.nullable()
		.optional()
		.describe(
			'A broadcast: every step goes to this audience instead of the person. Started by site events (`site: true`) with the trigger key (one journey per key, e.g. a post id)',
		),
	categoriesFrom: z
		.union([property('must be a property name'), z.null()])
		.optional()
		.describe(
			"A broadcast's event property listing category keys (comma-separated, a post's categories): when the event names any, their subscribers get the steps instead of the audience",
		),
	timezone: optText(64).describe('IANA zone of subjects without one (default UTC)'),
};

export const automationCreate = z.strictObject({
	name: reqText(100, 'is required: a name that says what it does'),
	enabled: optBool().describe('Turn it on at once (default off)'),
	template: optText(64).describe(
		'The ready-made automation it comes from; without a trigger, the body is that template’s (with these fields over it)',
	),
	...definition,
});

/** PATCH body: any of the fields; steps, trigger and exit are replaced whole. */
export const automationPatch = z.strictObject({ name: optText(100), ...definition }).partial();

// The answers.

const resourceOfStep = z
	.object({
		resourceId: z.string(),
		name: z.string().nullable(),
		version: z.number().nullable(),
		overrides: message.partial(),
	})
	.nullable();

export const automationView = z.object({
	automationId: z.string(),
	name: z.string(),
	enabled: z.boolean(),
	template: z.string().nullable(),
	trigger,
	steps: z.array(
		z.object({
			wait: wait.optional(),
			message,
			resource: resourceOfStep,
			delivery,
			discountCode: z.string().optional(),
		}),
	),
	exit: z.object({ events: z.array(z.string()), segment: z.string().optional() }),
	goal: z.object({ event: z.string(), valueProperty: z.string(), windowSeconds: z.number() }).nullable(),
	reentryAfterSeconds: z.number().nullable(),
	holdoutPercent: z.number().nullable(),
	quietHours: quietHours.nullable().optional(),
	ignoreFrequencyCap: z.boolean(),
	audience: audience.nullable().optional(),
	categoriesFrom: z.string().nullable().optional(),
	timezone: z.string(),
	lastError: z.string().nullable(),
	counts: z.object({ active: z.number(), entered: z.number(), converted: z.number(), revenue: z.number() }),
	createdAt: z.string(),
	updatedAt: z.string(),
});

export const automationList = z.object({ automations: z.array(automationView) });

const stepReport = z.object({
	step: z.number(),
	entered: z.number(),
	sent: z.number(),
	shown: z.number(),
	clicked: z.number(),
	exited: z.number(),
	converted: z.number(),
	revenue: z.number(),
});

export const automationReport = z.object({
	automationId: z.string(),
	active: z.number().describe('Journeys waiting now'),
	trigger: stepReport.describe(
		'step -1: journeys entered; those that left or converted before the first push',
	),
	steps: z.array(stepReport),
	control: z.object({ entered: z.number(), converted: z.number(), revenue: z.number() }).nullable(),
});

export const automationTemplateList = z.object({
	templates: z.array(
		z.object({
			id: z.string(),
			name: z.string(),
			description: z.string(),
			sources: z
				.array(z.enum(['any', 'shopify', 'woocommerce', 'wordpress']))
				.describe('Hosts that record its events themselves'),
			body: z.record(z.string(), z.unknown()).describe('The body to POST to …/automations (edit it first)'),
		}),
	),
});
