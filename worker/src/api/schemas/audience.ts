import * as z from 'zod';
import { subscriberView } from './subscribers';

// Audience: user profiles (attributes) and custom events.

/** Attribute names: lower-case, a letter first. */
export const ATTRIBUTE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
/** Event names. */
export const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const MAX_STRING = 1000;

const isIso = (s: string) =>
	/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s));

const dateValue = z
	.strictObject({ date: z.string() })
	.describe('A date: ISO-8601 (2026-12-01 or a full timestamp)');

/** An attribute value on write: `null` deletes it; dates as `{date}`. */
export const attributeInput = z
	.union([z.string(), z.number(), z.boolean(), z.null(), dateValue], {
		error: 'must be a string, number, boolean, null or {"date": "<ISO-8601>"}',
	})
	.refine((v) => typeof v !== 'string' || v.length <= MAX_STRING, {
		error: `must be at most ${MAX_STRING} characters`,
	})
	.refine((v) => typeof v !== 'object' || v === null || isIso(v.date), {
		error: 'must be an ISO-8601 date such as 2026-12-01 or 2026-12-01T09:30:00Z',
	});

/** Body of PUT /v1/sites/{siteId}/users/{userId}. */
export const userPut = z.strictObject({
	attributes: z.record(
		z.string().regex(ATTRIBUTE_NAME, { error: 'is not a valid attribute name: ^[a-z][a-z0-9_]{0,63}$' }),
		attributeInput,
		{
			error: (issue) =>
				issue.code === 'invalid_key'
					? 'is not a valid attribute name: ^[a-z][a-z0-9_]{0,63}$'
					: issue.input === undefined
						? 'is required: an object of attributes'
						: 'must be an object of attributes',
		},
	),
});

const propertyValue = z.union([z.string(), z.number(), z.boolean()], {
	error: 'must be a string, number or boolean',
});

/** The fields of an event, whoever it is about. */
const eventFields = {
	name: z
		.string({ error: 'is required' })
		.regex(EVENT_NAME, { error: 'must match ^[A-Za-z][A-Za-z0-9_.:-]{0,63}$' }),
	time: z.string().refine(isIso, { error: 'must be an ISO-8601 time' }).optional(),
	id: z.string().min(1).max(64).optional(),
	properties: z
		.record(z.string().min(1).max(64), propertyValue)
		.refine((p) => Object.keys(p).length <= 20, { error: 'must have at most 20 keys' })
		.refine((p) => JSON.stringify(p).length <= 2048, { error: 'must be at most 2 KB of JSON' })
		.optional(),
};

/** One event of POST /v1/sites/{siteId}/events. */
export const eventInput = z
	.strictObject({
		...eventFields,
		userId: z.string().min(1).max(255).optional(),
		subscriberId: z.string().min(1).max(64).optional(),
		site: z
			.literal(true, { error: 'must be true' })
			.optional()
			.describe("An event of the site itself (a post published), for broadcast automations; not a person's"),
	})
	.superRefine((e, ctx) => {
		const subjects = [e.userId, e.subscriberId, e.site].filter((v) => v !== undefined).length;
		if (subjects !== 1) {
			ctx.addIssue({
				code: 'custom',
				path: ['userId'],
				message: 'exactly one of userId, subscriberId or site: true is required',
			});
		}
	});

/** Body of POST /v1/sites/{siteId}/events. */
export const eventBatch = z.strictObject({
	events: z
		.array(eventInput, { error: 'is required: an array of 1 to 1000 events' })
		.min(1, { error: 'must hold at least 1 event' })
		.max(1000, { error: 'must hold at most 1000 events' }),
});

/**
 * Event names Beckon records itself (store/builtin-events.ts): a browser may not post them (an admin may, to
 * backfill). `shown` is deliberately not one: a row per recipient per push would cost more than the push itself
 * (the budget is 0.02 billed rows per push); it stays a counter on the notification.
 */
export const BUILTIN_EVENTS = ['subscribed', 'unsubscribed', 'pageview', 'clicked'] as const;
/** A built-in event name. */
export type BuiltinEvent = (typeof BUILTIN_EVENTS)[number];
const BUILTIN_NAMES: ReadonlySet<string> = new Set(BUILTIN_EVENTS);

/** Body of POST /v1/sites/{siteId}/subscribers/{subscriberId}/events in its batch form (`Beckon.track`). */
export const subscriberEventBatch = z.strictObject({
	events: z
		.array(
			z.strictObject({
				...eventFields,
				name: eventFields.name.refine((name) => !BUILTIN_NAMES.has(name), {
					error: 'is a built-in event Beckon records itself',
				}),
			}),
			{ error: 'is required: an array of 1 to 20 events' },
		)
		.min(1, { error: 'must hold at least 1 event' })
		.max(20, { error: 'must hold at most 20 events' }),
});

/** The storefront events the Shopify web pixel forwards (Shopify's standard customer events of the same names). */
export const PIXEL_EVENTS = ['product_viewed', 'product_added_to_cart'] as const;

/** Body of POST /v1/sites/{siteId}/subscribers/{subscriberId}/pixel-events. */
export const pixelEventBatch = z.strictObject({
	events: z
		.array(
			z.strictObject({
				...eventFields,
				name: z.enum(PIXEL_EVENTS, { error: `must be one of ${PIXEL_EVENTS.join(', ')}` }),
			}),
			{ error: 'is required: an array of 1 to 20 events' },
		)
		.min(1, { error: 'must hold at least 1 event' })
		.max(20, { error: 'must hold at most 20 events' }),
});

// The answers.

export const attributeValueOut = z.union([
	z.string(),
	z.number(),
	z.boolean(),
	z.object({ date: z.string() }),
]);

export const userView = z.object({
	userId: z.string(),
	attributes: z.record(z.string(), attributeValueOut),
	createdAt: z.string().nullable(),
	updatedAt: z.string().nullable(),
});

export const eventOccurrence = z.object({
	name: z.string(),
	time: z.string(),
	id: z.string().nullable(),
	properties: z.record(z.string(), propertyValue),
});

export const userDetail = userView.extend({
	subscribers: z.array(subscriberView),
	events: z.array(eventOccurrence),
});

export const eventBatchResult = z.object({
	accepted: z.number(),
	duplicates: z.number(),
	rejected: z.array(z.number()).describe('Indexes of events naming a subscriber the site does not have'),
	notifications: z
		.array(z.object({ eventId: z.string(), automationId: z.string(), notificationId: z.string() }))
		.optional()
		.describe(
			'With site events that have an id: the notifications the broadcast automations they started sent (a first step without a wait goes at once); a repeated event finds the first send',
		),
});

/** A user's event days in a data-request export. */
export const eventDayExport = z.object({
	name: z.string(),
	day: z.string(),
	count: z.number(),
	occurrences: z.array(eventOccurrence),
});
