import * as z from 'zod';
import {
	object,
	oneOf,
	opt,
	optHttpUrl,
	optOneOf,
	optText,
	optTextList,
	queryInt,
	reqText,
	reqTextList,
} from '../fields';

// Subscribers: what browsers report (public, site origins) and what admins read.

/** Browser permission words (Notification.permission) and our own status words. */
export const PERMISSION_WORDS = [
	'granted',
	'allowed',
	'denied',
	'blocked',
	'default',
	'ask',
	'prompt',
	'unsupported',
] as const;
export const STATUSES = ['ask', 'allowed', 'blocked', 'unsupported', 'suspended'] as const;
export const EVENT_PERMISSIONS = ['granted', 'denied', 'default', 'unsupported'] as const;
const NOTIFICATION_EVENTS = ['shown', 'clicked', 'closed'] as const;
const EVENT_TYPES = ['pageview', 'permission', ...NOTIFICATION_EVENTS] as const;
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** A browser's PushSubscription JSON. The push service and the keys are checked after it (routes/subscribers.ts). */
export const pushSubscription = object({
	endpoint: reqText(2048, 'is required', (s) =>
		s.refine((value) => URL.canParse(value), { error: 'must be an absolute URL' }),
	).describe('https URL of a known push service (FCM, Mozilla, Apple, Windows)'),
	keys: z.preprocess(
		(value) => value ?? {},
		object({
			p256dh: reqText(128).describe('base64url of a 65-byte P-256 point'),
			auth: reqText(64).describe('base64url of 16 bytes'),
		}),
	),
});

/** Body of PATCH /v1/sites/{siteId}/subscribers/{subscriberId} with a bearer: what an admin changes. */
export const subscriberAdminPatch = z.strictObject({
	test: z.boolean({ error: 'must be true or false' }).describe('Mark or unmark the subscriber as a tester'),
});

/** Body of POST /v1/sites/{siteId}/testers/link: the page of the site the link opens (default its first origin). */
export const testerLinkRequest = z.strictObject({
	url: optHttpUrl().describe("A page on one of the site's origins; default the first origin's home page"),
});

/** A link that marks the browser opening it as a tester. */
export const testerLink = z.object({
	link: z.string().describe('The page with `#beckon-tester=<token>`; open it in the browser to mark'),
	token: z.string().describe('The token in the link (btl.…)'),
	expiresAt: z.string().describe('ISO time; the link works for 15 minutes'),
});

/** Body of POST /v1/sites/{siteId}/subscribers/{subscriberId}/tester (the widget, from a tester link). */
export const testerClaim = z.object({
	token: reqText(512, 'is required: the token from the tester link'),
});

/** Answer of the tester claim. */
export const testerClaimed = z.object({ subscriberId: z.string(), test: z.literal(true) });

/** Body of POST /v1/sites/{siteId}/subscribers. */
export const subscriberReport = z.object({
	permission: optOneOf(PERMISSION_WORDS).describe('Required unless a subscription is sent (then granted)'),
	subscription: opt(pushSubscription).describe('Required when permission is granted'),
	subscriberId: optText(64).describe('The id this browser had, to keep it'),
	oldEndpoint: optText(2048).describe('The endpoint a renewed subscription replaces'),
	categories: optTextList(50, 64),
	timezone: optText(64, (s) =>
		s.refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }),
	),
	locale: optText(35, (s) => s.regex(LOCALE, { error: 'must be a language tag such as en-GB' })),
	url: optHttpUrl(4096).describe("The page it is on; kept only on the site's own origins"),
});

/** Body of PATCH /v1/sites/{siteId}/subscribers/{subscriberId}. Each id must be one of the site's categories. */
export const subscriberPatch = z.object({
	categories: reqTextList(12, 64, 'is required: an array of category ids'),
});

/** Body of POST …/subscribers/{subscriberId}/identify. */
export const identifyRequest = z.object({
	// 4 KB: room for an `attrs` claim (a few profile fields) besides the user id.
	token: reqText(4096, 'is required: the identity token from the platform'),
});

/** Body of POST …/subscribers/{subscriberId}/events (any content type, so `sendBeacon` works). */
export const eventRequest = z.discriminatedUnion(
	'type',
	[
		z.object({
			type: z.literal('pageview'),
			url: optHttpUrl(4096).describe("Required: a page on one of the site's origins"),
		}),
		z.object({
			type: z.literal('permission'),
			permission: oneOf(EVENT_PERMISSIONS, `is required: one of ${EVENT_PERMISSIONS.join(', ')}`),
		}),
		...NOTIFICATION_EVENTS.map((type) =>
			z.object({ type: z.literal(type), notificationId: reqText(64, `is required for ${type} events`) }),
		),
	],
	{
		error: (issue) =>
			(issue.input as { type?: unknown } | undefined)?.type == null
				? `is required: one of ${EVENT_TYPES.join(', ')}`
				: `must be one of ${EVENT_TYPES.join(', ')}`,
	},
);

/** The filters of GET …/subscribers and …/subscribers/export.csv. */
export const subscriberFilter = z.object({
	q: optText(255).describe('Matches the id, user id or last page'),
	status: optOneOf(STATUSES),
	browser: optText(32),
	category: optText(64),
	userId: optText(255),
	segment: optText(64, (s) =>
		s.regex(/^seg_[A-Za-z0-9_-]{1,40}$/, { error: 'must be a segment id such as seg_…' }),
	).describe('Only the subscribers of this saved segment'),
	filter: optText(16_384).describe(
		'Only the subscribers this filter selects: a filter tree as JSON (docs/SEGMENTS.md)',
	),
});

/** Query of GET /v1/sites/{siteId}/subscribers. */
export const subscriberListQuery = subscriberFilter.extend({
	cursor: z.string().optional().describe('The nextCursor of the previous page'),
	limit: queryInt(1, 200).describe('Default 50'),
});

/** Query of GET /v1/sites/{siteId}/notifications. */
export const notificationListQuery = z.object({ limit: queryInt(1, 100).describe('Default 20') });

export function isTimeZone(value: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: value });
		return true;
	} catch {
		return false;
	}
}

// The answers.

const status = z.enum(STATUSES);

export const subscriberStatus = z.object({ subscriberId: z.string(), status });

export const subscriberCategories = z.object({ subscriberId: z.string(), categories: z.array(z.string()) });

/** A subscriber as its site's admins see it: no endpoint, no keys. */
export const subscriberView = z.object({
	subscriberId: z.string(),
	status,
	pushService: z.string().nullable(),
	browser: z.string(),
	os: z.string(),
	categories: z.array(z.string()),
	externalUserId: z.string().nullable(),
	timezone: z.string().nullable(),
	locale: z.string().nullable(),
	lastUrl: z.string().nullable(),
	lastSeenAt: z.string(),
	createdAt: z.string(),
	test: z.boolean().describe('A tester: audience {test: true} sends only to testers'),
});

export const subscriberPage = z.object({
	subscribers: z.array(subscriberView),
	nextCursor: z.string().nullable(),
});

/** Counters by status and browser, and 30 days of growth, oldest first. */
export const siteStats = z.object({
	byStatus: z.object(
		Object.fromEntries(STATUSES.map((s) => [s, z.number()])) as Record<
			(typeof STATUSES)[number],
			z.ZodNumber
		>,
	),
	active: z.number(),
	byBrowser: z.record(z.string(), z.number()),
	daily: z.array(z.object({ day: z.string(), added: z.number(), removed: z.number() })),
});
