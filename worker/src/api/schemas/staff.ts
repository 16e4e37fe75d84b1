import * as z from 'zod';
import { STAFF_ALERT_KINDS, STAFF_SCOPES } from '#wire';
import { httpUrl, oneOf, optText, optTextList, queryInt, reqText } from '../fields';
import { isTimeZone, pushSubscription } from './subscribers';

// Staff alerts (issue 14, README "Staff alerts"): staff, teams, preferences, presence, devices, the in-console
// list, and the staff events integrations send.

const ID = /^[A-Za-z0-9_.:@-]+$/;
const id = (what: string) =>
	reqText(100, `is required: the ${what}'s id`, (s) =>
		s.regex(ID, { error: 'may hold letters, digits and _ . : @ - only' }),
	);
const optId = () =>
	optText(100, (s) => s.regex(ID, { error: 'may hold letters, digits and _ . : @ - only' }));
const email = () =>
	z.preprocess(
		(v) => (typeof v === 'string' && v.trim() === '' ? null : v),
		z
			.email({ error: 'must be an email address' })
			.max(254, { error: 'must be an email address' })
			.nullable()
			.optional(),
	);
const timezone = () =>
	z.preprocess(
		(v) => (typeof v === 'string' && v.trim() === '' ? null : v),
		z
			.string({ error: 'must be an IANA time zone such as Europe/Berlin' })
			.refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' })
			.nullable()
			.optional(),
	);
const name = () =>
	z.preprocess(
		(v) => (typeof v === 'string' && v.trim() === '' ? null : v),
		z
			.string({ error: 'must be a string' })
			.trim()
			.max(100, { error: 'must be at most 100 characters' })
			.nullable()
			.optional(),
	);

/** Body of POST /v1/sites/{siteId}/staff. */
export const staffCreate = z.strictObject({
	staffId: id('staff member'),
	name: name(),
	email: email(),
	timezone: timezone(),
	teams: optTextList(50, 100),
});

/** Body of PATCH /v1/sites/{siteId}/staff/{staffId}. */
export const staffPatch = z.strictObject({
	name: name(),
	email: email(),
	timezone: timezone(),
	teams: optTextList(50, 100),
});

const preference = z.strictObject({
	scopes: z
		.array(oneOf(STAFF_SCOPES), { error: `must be an array of ${STAFF_SCOPES.join(', ')}` })
		.max(4)
		.transform((list) => [...new Set(list)]),
	push: z.boolean({ error: 'must be true or false' }),
	email: z.boolean({ error: 'must be true or false' }),
});

/** Body of PUT /v1/sites/{siteId}/staff/{staffId}/preferences: the kinds given replace theirs. */
export const preferencesPut = z.strictObject(
	Object.fromEntries(STAFF_ALERT_KINDS.map((k) => [k, preference.optional()])) as Record<
		(typeof STAFF_ALERT_KINDS)[number],
		z.ZodOptional<typeof preference>
	>,
);

export const presenceRequest = z.strictObject({
	active: z.boolean({
		error: 'is required: true while a console tab is visible and in use, false when it is not',
	}),
});

export const deviceRequest = z.strictObject({ subscription: pushSubscription });

export const inboxQuery = z.object({ limit: queryInt(1, 200).describe('Default 50') });

export const inboxRead = z.strictObject({
	notificationIds: optTextList(200, 64).describe('The entries to mark read; all of them when absent'),
});

/** Body of POST /v1/sites/{siteId}/teams. */
export const teamCreate = z.strictObject({
	teamId: id('team'),
	name: reqText(100, 'is required: a name people recognise'),
	members: optTextList(200, 100),
});

export const teamPatch = z.strictObject({
	name: optText(100),
	members: optTextList(200, 100),
});

const conversation = z.strictObject({
	id: id('conversation'),
	title: optText(200),
	url: httpUrl(2048).optional(),
	assignee: optId().nullable().describe('A staff id; null: unassigned'),
	team: optId().nullable().describe('A team id; null: no team'),
});

const text = (what: string) => reqText(10_000, `is required: the ${what}`);

const staffEvent = z.discriminatedUnion(
	'type',
	[
		z.strictObject({
			id: id('event'),
			type: z.literal('conversation.created'),
			conversation,
			message: z
				.strictObject({ id: id('message'), text: text('message text'), author: optText(100) })
				.optional(),
		}),
		z.strictObject({
			id: id('event'),
			type: z.literal('message.created'),
			conversation,
			message: z.strictObject({
				id: id('message'),
				from: oneOf(['visitor', 'agent'], 'is required: visitor or agent'),
				staffId: optId(),
				author: optText(100),
				text: text('message text'),
			}),
		}),
		z.strictObject({ id: id('event'), type: z.literal('conversation.assigned'), conversation, by: optId() }),
		z.strictObject({
			id: id('event'),
			type: z.literal('conversation.read'),
			conversation: z.strictObject({ id: id('conversation') }),
			staffId: id('staff member'),
		}),
		z.strictObject({
			id: id('event'),
			type: z.literal('mention'),
			conversation,
			staffId: id('mentioned staff member'),
			by: optId(),
			text: text('mention text'),
		}),
		z.strictObject({
			id: id('event'),
			type: z.enum(['order.created', 'comment.pending', 'user.registered', 'alert']),
			title: reqText(200, 'is required: what the alert says'),
			body: optText(2000),
			url: httpUrl(2048).optional(),
		}),
	],
	{
		error: (issue) =>
			issue.code === 'invalid_union'
				? `must be one of conversation.created, message.created, conversation.assigned, conversation.read, mention, order.created, comment.pending, user.registered, alert`
				: undefined,
	},
);

/** Body of POST /v1/sites/{siteId}/staff-events. */
export const staffEventBatch = z.strictObject({
	events: z
		.array(staffEvent, { error: 'is required: an array of 1 to 100 events' })
		.min(1, { error: 'is required: an array of 1 to 100 events' })
		.max(100, { error: 'must hold at most 100 events' }),
});

// The answers.

export const staffView = z.object({
	staffId: z.string(),
	name: z.string().nullable(),
	email: z.string().nullable(),
	timezone: z.string().nullable(),
	teams: z.array(z.string()),
	active: z
		.boolean()
		.describe('A console tab of theirs is visible and in use: nothing external goes to them'),
	devices: z.number(),
	createdAt: z.string(),
	updatedAt: z.string(),
});
export const staffList = z.object({ staff: z.array(staffView) });

export const preferencesView = z.object(
	Object.fromEntries(STAFF_ALERT_KINDS.map((k) => [k, preference])) as Record<
		(typeof STAFF_ALERT_KINDS)[number],
		typeof preference
	>,
);

export const teamView = z.object({
	teamId: z.string(),
	name: z.string(),
	members: z.array(z.string()),
	createdAt: z.string(),
});
export const teamList = z.object({ teams: z.array(teamView) });

export const deviceView = z.object({ deviceId: z.string(), browser: z.string(), createdAt: z.string() });
export const deviceList = z.object({ devices: z.array(deviceView) });

export const inboxView = z.object({
	unread: z.number(),
	notifications: z.array(
		z.object({
			notificationId: z.string(),
			kind: z.enum(STAFF_ALERT_KINDS),
			conversationId: z.string().nullable(),
			title: z.string(),
			body: z.string(),
			url: z.string().nullable(),
			createdAt: z.string(),
			readAt: z.string().nullable(),
		}),
	),
});

export const staffEventResult = z.object({
	accepted: z.number(),
	duplicates: z.number().describe('Events whose id was handled before (nothing done again)'),
	notified: z.number().describe('In-console entries made or replaced'),
	pushed: z.number().describe('Pushes delivered to staff devices'),
	heldForPresence: z.number().describe('Pushes not sent because the staff member is active in the console'),
});
