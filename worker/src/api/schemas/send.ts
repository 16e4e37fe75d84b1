import * as z from 'zod';
import type { Audience } from '#wire';
import { MAX_ACTIONS } from '../../wire/browsers';
import {
	int,
	object,
	opt,
	optBool,
	optHttpUrl,
	optInt,
	optOneOf,
	optText,
	optTextList,
	reqText,
	strictObject,
} from '../fields';
import { filter, filterOut } from './filter';

// A send (POST …/notifications) and the notifications the API shows.

/** Longest click URL we keep for a subscriber; the payload budget reserves this much. */
export const MAX_URL_LENGTH = 1024;
export const MAX_TTL = 28 * 86_400;
export const URGENCIES = ['very-low', 'low', 'normal', 'high'] as const;
const AUDIENCE_KEYS = ['all', 'segment', 'filter', 'test', 'subscriberIds', 'userIds', 'categories'] as const;

const action = object({
	action: reqText(32),
	title: reqText(64),
	url: optHttpUrl(MAX_URL_LENGTH),
}).meta({ description: 'A button on the notification' });

/** Minutes without a pageview that make a recipient away when `onlyIfAway` is `true`. */
export const DEFAULT_AWAY_MINUTES = 5;
/** Most ids a send with `onlyIfAway` may list: presence is read for each when the send is accepted. */
export const MAX_AWAY_IDS = 100;
const AWAY_ERROR = 'must be true, false or {minutes: 1–1440}';

// At most a day: the shortest event retention (1 day) still keeps yesterday's pageview rows.
const onlyIfAway = opt(
	z.union([z.boolean(), z.strictObject({ minutes: int(1, 1440) })], { error: AWAY_ERROR }),
)
	.transform((value) =>
		value === true ? { minutes: DEFAULT_AWAY_MINUTES } : value === false ? undefined : value,
	)
	.describe(
		`A 1:1 send (audience subscriberIds or userIds, at most ${MAX_AWAY_IDS}) only to recipients away from the site: no pageview within the last \`minutes\` (true = ${DEFAULT_AWAY_MINUTES}). A user is away only when none of their devices viewed a page. Those present are left out when the send is accepted and counted as skipped \`present\` (in the answer and the notification's counts)`,
	);

const imageUrl = (what: string) =>
	optText(1024).describe(`${what}: an https URL, or a URL on one of the site's own origins (may be http)`);

/**
 * `audience` of a send: exactly one of all, subscriberIds, userIds, categories, segment, filter, test, and
 * optionally `exclude` (docs/SEGMENTS.md).
 */
export const audienceRequest = strictObject(
	{
		all: opt(z.literal(true, { error: 'must be true' })),
		subscriberIds: optTextList(10_000, 64),
		userIds: optTextList(10_000, 255),
		categories: optTextList(12, 64),
		// Blank is no segment id (not a missing key): a form whose segment is not chosen yet hears so at the field.
		segment: opt(
			z
				.string({ error: 'must be a segment id such as seg_…' })
				.regex(/^seg_[A-Za-z0-9_-]{1,40}$/, { error: 'must be a segment id such as seg_…' }),
		).describe('A saved segment, read when the send is accepted'),
		filter: filter.optional(),
		test: opt(z.literal(true, { error: 'must be true' })).describe('Only the subscribers marked as testers'),
		exclude: filter.optional().describe('Leaves out the subscribers this filter selects'),
	},
	`is not an audience; use ${AUDIENCE_KEYS.join(', ')} (and exclude)`,
	'is required: {all:true}, {segment:"seg_…"}, {filter:{…}}, {test:true}, {subscriberIds:[…]}, {userIds:[…]} or {categories:[…]}',
)
	.meta({ description: `Exactly one of ${AUDIENCE_KEYS.join(', ')}; optionally exclude` })
	.transform((given, ctx): Audience => {
		const keys = AUDIENCE_KEYS.filter((k) => given[k] !== undefined);
		if (keys.length !== 1) {
			ctx.issues.push({
				code: 'custom',
				input: given,
				message: `must have exactly one of ${AUDIENCE_KEYS.join(', ')}`,
			});
			return z.NEVER;
		}
		const exclude = given.exclude === undefined ? {} : { exclude: given.exclude };
		if (given.all) return { all: true, ...exclude };
		if (given.test) return { test: true, ...exclude };
		if (given.segment) return { segment: given.segment, ...exclude };
		if (given.filter) return { filter: given.filter, ...exclude };
		if (given.subscriberIds?.length) return { subscriberIds: given.subscriberIds, ...exclude };
		if (given.userIds?.length) return { userIds: given.userIds, ...exclude };
		if (given.categories?.length) return { categories: given.categories, ...exclude };
		ctx.issues.push({
			code: 'custom',
			input: given,
			message: 'must be {all:true} or a non-empty subscriberIds, userIds or categories list',
		});
		return z.NEVER;
	});

/**
 * Body of POST /v1/sites/{siteId}/notifications. The image URLs' origins and the 2,900-byte payload budget are
 * checked after it (sending/message.ts): they depend on the site.
 */
export const sendRequest = z.object({
	resource: optText(64).describe(
		"A push resource (res_…) to send: its current version, each subscriber's language picking its variant; the message fields given beside it override the resource's (title is then optional)",
	),
	title: reqText(200).describe('Required unless `resource` is given'),
	body: optText(1000),
	url: optHttpUrl(MAX_URL_LENGTH).describe(
		"The click target; without it, each subscriber's last visited page",
	),
	icon: imageUrl('Icon'),
	image: imageUrl('Image'),
	badge: imageUrl('Badge'),
	actions: opt(
		z
			.array(action, { error: 'must be an array' })
			.max(MAX_ACTIONS, { error: `at most ${MAX_ACTIONS} actions are shown by browsers` }),
	),
	requireInteraction: optBool(),
	tag: optText(64),
	ttl: optInt(0, MAX_TTL).describe('Seconds a push service keeps the message (default 3 days)'),
	urgency: optOneOf(URGENCIES),
	topic: optText(32, (s) => s.regex(/^[A-Za-z0-9_-]{1,32}$/, { error: 'must be 1–32 base64url characters' })),
	idempotencyKey: optText(128).describe('The same key on a site returns the first notification'),
	onlyIfAway,
	audience: audienceRequest,
});
export type SendRequest = z.output<typeof sendRequest>;

// The answers.

const actionView = z.object({ action: z.string(), title: z.string(), url: z.string().optional() });

/** What the service worker shows. */
export const message = z.object({
	title: z.string(),
	body: z.string(),
	url: z.string().optional(),
	icon: z.string().optional(),
	image: z.string().optional(),
	badge: z.string().optional(),
	actions: z.array(actionView).optional(),
	requireInteraction: z.boolean().optional(),
	tag: z.string().optional(),
});

const exclude = { exclude: filterOut.optional() };

export const audience = z.union([
	z.object({ all: z.literal(true), ...exclude }),
	z.object({ subscriberIds: z.array(z.string()), ...exclude }),
	z.object({ userIds: z.array(z.string()), ...exclude }),
	z.object({ categories: z.array(z.string()), ...exclude }),
	z.object({ segment: z.string(), ...exclude }),
	z.object({ filter: filterOut, ...exclude }),
	z.object({ test: z.literal(true), ...exclude }),
]);

export const delivery = z.object({
	ttl: z.number(),
	urgency: z.enum(URGENCIES),
	topic: z.string().optional(),
	onlyIfAway: z
		.object({ minutes: z.number() })
		.optional()
		.describe('A 1:1 send only to recipients without a pageview in the last `minutes`'),
});

export const counts = z.object({
	targeted: z.number(),
	sent: z.number(),
	failed: z.number(),
	gone: z.number(),
	retried: z.number(),
	shown: z.number(),
	clicked: z.number(),
	closed: z.number(),
	failures: z.record(z.string(), z.number()).describe('Failed pushes by reason'),
	skipped: z
		.record(z.string(), z.number())
		.optional()
		.describe(
			'Recipients left out on purpose, by reason: local_time_passed, quiet_hours, expired, holdout, capped, present (an onlyIfAway send)',
		),
});

const notificationStatus = z.enum(['queued', 'sending', 'done']);

/** A notification as the admin API shows it. */
export const notificationView = z.object({
	notificationId: z.string(),
	status: notificationStatus,
	message,
	audience,
	delivery,
	counts,
	error: z.object({ code: z.string(), message: z.string() }).nullable(),
	createdAt: z.string(),
	finishedAt: z.string().nullable(),
	storageRowsWritten: z
		.number()
		.nullable()
		.optional()
		.describe('Only on GET …/notifications/{id}: Durable Object rows the send wrote'),
	resource: z
		.object({ resourceId: z.string(), name: z.string(), version: z.number() })
		.optional()
		.describe('A send from a push resource: which, at the version it used'),
	locales: z
		.array(z.string())
		.optional()
		.describe("Languages it had a message of their own for (the subscriber's locale picked one)"),
});

/** The answer to a send: 202 when queued, 200 (`duplicate`) for a repeated idempotency key. */
export const sendResult = z.object({
	notificationId: z.string(),
	status: notificationStatus,
	duplicate: z.literal(true).optional(),
	skipped: z
		.object({ present: z.number() })
		.optional()
		.describe('An onlyIfAway send: subscribers left out because they (or their user) viewed a page recently'),
});

export const notificationList = z.object({ notifications: z.array(notificationView) });
