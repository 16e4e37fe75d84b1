import * as z from 'zod';
import type { Audience } from '#wire';
import { opt, optInt, optOneOf, optText, optTextList, reqText } from '../fields';
import { EVENT_NAME } from './audience';
import {
	audience,
	audienceRequest,
	counts,
	delivery,
	MAX_TTL,
	message,
	sendRequest,
	URGENCIES,
} from './send';

// Campaigns (issue 12): a message, an audience and a schedule; each run is a notification of its own. The schedule's
// values (time zones, dates in the past, times of day) are checked after the shape, in campaigns/schedule.ts.

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const time = z.string({ error: 'must be a time of day "HH:MM"' }).describe('HH:MM, 24 h');

/** A recurrence in the site's time zone. */
export const recurrence = z.strictObject({
	freq: z.enum(['daily', 'weekly', 'monthly'], { error: 'must be daily, weekly or monthly' }),
	interval: opt(z.number().int().min(1).max(365)).describe('Every N days / weeks / months (default 1)'),
	byWeekday: opt(z.array(z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(' ')}` }))),
	byMonthDay: opt(z.array(z.number().int())).describe('1–31, or -1 for the last day of the month'),
	times: z.array(time, { error: 'is required: 1–24 times of day "HH:MM"' }),
	start: z.string({ error: 'is required: the first date, YYYY-MM-DD' }),
	end: opt(z.string()).describe('The last date, YYYY-MM-DD (inclusive)'),
	timezone: z.string({ error: 'is required: an IANA time zone such as Europe/Berlin' }),
});

/** When a campaign runs. */
export const schedule = z
	.discriminatedUnion(
		'type',
		[
			z.strictObject({ type: z.literal('now') }),
			z.strictObject({ type: z.literal('once'), at: z.string().describe('ISO-8601 time with offset or Z') }),
			z.strictObject({ type: z.literal('dates'), at: z.array(z.string()).describe('1–50 ISO-8601 times') }),
			z.strictObject({ type: z.literal('recurring'), rule: recurrence }),
		],
		{ error: 'type: must be now, once, dates or recurring' },
	)
	.describe('now; once at a time; several dates; or recurring (rule in the site time zone)');

/**
 * What a campaign sends: the message fields of a notification (Liquid allowed), or a push resource (`resource`) with
 * any of those fields overriding its own (then each run sends the resource's current version).
 */
export const campaignMessage = sendRequest
	.pick({
		title: true,
		body: true,
		url: true,
		icon: true,
		image: true,
		badge: true,
		actions: true,
		requireInteraction: true,
		tag: true,
	})
	.partial({ title: true })
	.extend({
		resource: optText(64).describe(
			'A push resource (res_…) to send instead of an inline message; title is then optional (an override)',
		),
	})
	.strict();

export const campaignDelivery = z.strictObject({
	ttl: optInt(0, MAX_TTL).describe('Seconds a push service keeps the message (default 3 days)'),
	urgency: optOneOf(URGENCIES),
	topic: optText(32, (s) => s.regex(/^[A-Za-z0-9_-]{1,32}$/, { error: 'must be 1–32 base64url characters' })),
});

/** When, within a run, each subscriber gets the push; values (zones, times) are checked after the shape. */
export const timing = z
	.strictObject({
		timezone: optText(64).describe('IANA zone of the run date and of subscribers without one'),
		localTime: opt(
			z.strictObject({
				time,
				passed: z
					.enum(['now', 'next_day', 'skip'], { error: 'must be now, next_day or skip' })
					.describe('Where the time has already passed when the run starts'),
			}),
		).describe("Deliver at this time in each subscriber's own zone"),
		quietHours: opt(
			z.strictObject({
				start: time,
				end: time,
				action: z.enum(['delay', 'discard'], { error: 'must be delay or discard' }),
			}),
		).describe("No pushes in this window of the subscriber's local time (it may wrap midnight)"),
		cutoffAt: optText(40).describe('Stop delivering at this ISO time; the rest counts as expired'),
		cutoffAfterMinutes: opt(z.number().int().min(1).max(40_320)).describe(
			'…or this long after each run starts',
		),
		throttlePerMinute: opt(z.number().int().min(1).max(1_000_000)).describe(
			'At most this many pushes a minute',
		),
		ignoreFrequencyCap: opt(z.boolean({ error: 'must be true or false' })).describe(
			"Transactional: neither capped by the site's frequency cap nor counted towards it",
		),
	})
	.describe('Local-time delivery, quiet hours, cut-off and throttle (they compose)');

/** A campaign's experiments. */
export const experiment = z
	.strictObject({
		holdoutPercent: opt(
			z
				.number({ error: 'must be a number from 0.01 to 50' })
				.min(0.01, { error: 'must be a number from 0.01 to 50' })
				.max(50, {
					error: 'must be a number from 0.01 to 50',
				}),
		).describe(
			'A control group: this percent of the audience is not sent to (by a hash of campaign and subscriber)',
		),
		variants: opt(
			z
				.array(
					z.strictObject({
						name: optText(40).describe('Default A, B, C…'),
						weight: z
							.number({ error: 'must be a number from 1 to 100' })
							.min(1, { error: 'must be a number from 1 to 100' })
							.max(100, { error: 'must be a number from 1 to 100' })
							.describe("The variant's share, relative to the others' weights"),
						message: opt(campaignMessage.partial()).describe(
							"The fields of the campaign's message it changes; or its own push resource (`resource`, with overrides)",
						),
					}),
					{ error: 'must be an array of 2 to 5 variants' },
				)
				.min(2, { error: 'must be an array of 2 to 5 variants' })
				.max(5, { error: 'must be an array of 2 to 5 variants' }),
		).describe('A/B variants, each a share of the audience by a hash of campaign and subscriber'),
		goal: opt(
			z.strictObject({
				event: reqText(64, 'is required: the goal event, such as purchase', (s) =>
					s.regex(EVENT_NAME, { error: 'must match ^[A-Za-z][A-Za-z0-9_.:-]{0,63}$' }),
				),
				windowHours: z
					.number({ error: 'must be a whole number of hours from 1 to 720' })
					.int({ error: 'must be a whole number of hours from 1 to 720' })
					.min(1, { error: 'must be a whole number of hours from 1 to 720' })
					.max(720, { error: 'must be a whole number of hours from 1 to 720' }),
				revenueProperty: optText(64).describe('The goal event property holding revenue, e.g. total'),
			}),
		).describe('Conversions: the goal event within the window after each run starts (direct after a click)'),
		testPercent: opt(
			z
				.number({ error: 'must be a number from 5 to 50' })
				.min(5, { error: 'must be a number from 5 to 50' })
				.max(50, { error: 'must be a number from 5 to 50' }),
		).describe('Automatic winner: the variants go to this share of each run first'),
		winnerAfterMinutes: opt(
			z
				.number({ error: 'must be a whole number of minutes from 1 to 10080' })
				.int({ error: 'must be a whole number of minutes from 1 to 10080' })
				.min(1, { error: 'must be a whole number of minutes from 1 to 10080' })
				.max(10_080, { error: 'must be a whole number of minutes from 1 to 10080' }),
		).describe('…then, this long after the run started (default 60), the best variant goes to the rest'),
		winnerBy: opt(z.enum(['clicks', 'conversions'], { error: 'must be clicks or conversions' })).describe(
			'Best by click rate (default) or conversion rate (needs a goal)',
		),
	})
	.describe('Control group and A/B variants');

const name = reqText(200, 'is required: a name people will recognise');
const labels = optTextList(20, 40).describe('Up to 20 labels to filter the list by');

/** Body of POST /v1/sites/{siteId}/campaigns: a draft (schedule it with POST …/schedule). */
export const campaignCreate = z.strictObject({
	name,
	labels,
	message: campaignMessage,
	audience: audienceRequest as z.ZodType<Audience>,
	delivery: opt(campaignDelivery),
	timing: opt(timing),
	experiment: opt(experiment),
	schedule: opt(schedule),
});

/** Body of PATCH /v1/sites/{siteId}/campaigns/{campaignId}: any of the fields (a done or cancelled one is 409). */
export const campaignPatch = z.strictObject({
	name: optText(200),
	labels,
	message: opt(campaignMessage),
	audience: opt(audienceRequest as z.ZodType<Audience>),
	delivery: opt(campaignDelivery),
	timing: opt(timing),
	experiment: opt(experiment),
	schedule: opt(schedule.nullable()),
});

export const CAMPAIGN_STATES = ['draft', 'scheduled', 'running', 'paused', 'done', 'cancelled'] as const;

/** Query of GET /v1/sites/{siteId}/campaigns. */
export const campaignListQuery = z.object({
	state: opt(
		z
			.string()
			.transform((s) => s.split(',').filter(Boolean))
			.pipe(z.array(z.enum(CAMPAIGN_STATES, { error: `must be among ${CAMPAIGN_STATES.join(', ')}` }))),
	).describe('Comma-separated states'),
	label: optText(40),
});

/** Body of POST /v1/sites/{siteId}/campaigns/{campaignId}/test: who gets the test (default the testers). */
export const campaignTest = z.strictObject({
	subscriberIds: opt(z.array(z.string()).min(1).max(20)).describe(
		'Default: the subscribers marked as testers',
	),
});

// The answers.

export const campaignView = z.object({
	campaignId: z.string(),
	name: z.string(),
	labels: z.array(z.string()),
	state: z.enum(CAMPAIGN_STATES),
	message,
	audience,
	delivery,
	timing,
	experiment,
	schedule: schedule.nullable(),
	nextRunAt: z.string().nullable(),
	runCount: z.number(),
	lastError: z.string().nullable().describe('Why the campaign was paused by Beckon (a run could not start)'),
	createdAt: z.string(),
	updatedAt: z.string(),
	resource: z
		.object({
			resourceId: z.string(),
			name: z.string().nullable(),
			version: z.number().nullable(),
			overrides: message.partial(),
		})
		.nullable()
		.describe(
			'The push resource the message comes from (as of the last save or run), and the fields the campaign changes',
		),
});

export const campaignRun = z.object({
	run: z.number(),
	notificationId: z.string(),
	scheduledFor: z.string(),
	startedAt: z.string(),
	status: z.enum(['queued', 'sending', 'done']),
	counts,
	winner: z
		.object({
			at: z.string(),
			by: z.enum(['clicks', 'conversions']),
			variant: z.number().nullable(),
			name: z.string().nullable(),
			notificationId: z.string().nullable(),
			counts: counts.nullable(),
		})
		.optional()
		.describe(
			'A run with an automatic A/B winner: when it is picked, which, and the notification to the rest',
		),
});

export const campaignDetail = campaignView.extend({ runs: z.array(campaignRun) });
export const campaignList = z.object({ campaigns: z.array(campaignView) });
export const campaignTestResult = z.object({ notificationId: z.string() });

const tallies = { converted: z.number(), revenue: z.number(), rate: z.number() };

export const conversionReport = z.object({
	goal: z.object({ event: z.string(), windowHours: z.number(), revenueProperty: z.string().optional() }),
	windowEndsAt: z.string(),
	final: z.boolean().describe('The window is over: the figures no longer change'),
	recipients: z.number().describe('People (signed users, or anonymous subscribers) the run was sent to'),
	direct: z.number().describe('Converted after clicking the notification'),
	influenced: z.number().describe('Converted without clicking'),
	...tallies,
	control: z.object({ members: z.number(), ...tallies }).nullable(),
	lift: z.number().nullable().describe('(rate − control rate) ÷ control rate'),
	variants: z
		.array(z.object({ name: z.string(), recipients: z.number(), direct: z.number(), ...tallies }))
		.optional(),
});

export const campaignRunReport = z.object({ run: campaignRun, conversions: conversionReport.nullable() });

/** Query of GET /v1/sites/{siteId}/campaigns/calendar. */
export const calendarQuery = z.object({
	from: optText(40).describe('ISO-8601; default now'),
	to: optText(40).describe('ISO-8601; default 31 days after from; at most 93 days after it'),
});

export const campaignCalendar = z.object({
	runs: z.array(
		z.object({
			campaignId: z.string(),
			name: z.string(),
			state: z.enum(CAMPAIGN_STATES),
			at: z.string(),
			run: z.number().nullable().describe('The run number once started; null for runs to come'),
		}),
	),
});
