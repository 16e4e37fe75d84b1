import * as z from 'zod';
import { MAX_REMINDER_MINUTES } from '../../settings/staff';
import {
	httpUrl,
	int,
	optBool,
	optInt,
	optObject,
	optOneOf,
	optText,
	reqText,
	strictObject,
} from '../fields';

// Prompt settings: the partial update PATCH …/settings takes, and the whole settings the API answers with.

const LANG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const COLOR = /^#([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const CATEGORY_ID = /^[a-z0-9][a-z0-9_-]*$/;

/** The widget's texts, by key. */
export const TEXT_KEYS = [
	'title',
	'text',
	'subscribe',
	'later',
	'save',
	'bellSubscribe',
	'bellSubscribed',
	'bellUnsubscribe',
	'bellBlocked',
	'iosHint',
] as const;
export const VARIANTS = ['simple', 'categories'] as const;
export const TRIGGERS = ['seconds', 'pageviews', 'scroll', 'manual'] as const;
export const BELL_POSITIONS = ['bottom-right', 'bottom-left'] as const;
export const DIRECTIONS = ['auto', 'ltr', 'rtl'] as const;
/** Largest trigger value: seconds may wait an hour; page views and scroll % go to 100. */
export const TRIGGER_MAX = { seconds: 3600, other: 100 } as const;

const short = () => optText(80);
const long = () => optText(300);

function textsPatch(notObject: string) {
	return z
		.strictObject(
			{
				title: short(),
				text: long(),
				subscribe: short(),
				later: short(),
				save: short(),
				bellSubscribe: short(),
				bellSubscribed: short(),
				bellUnsubscribe: short(),
				bellBlocked: short(),
				iosHint: long(),
			},
			{
				error: (issue) =>
					issue.code === 'unrecognized_keys' ? `is not a text; use ${TEXT_KEYS.join(', ')}` : notObject,
			},
		)
		.transform(defined);
}

/** An object keyed by language tag (`de`, `pt-BR`), keys lowercased. */
function byLanguage<T extends z.ZodType>(value: T, keyMessage: string) {
	return z
		.record(z.string().regex(LANG), value, {
			error: (issue) => (issue.code === 'invalid_key' ? keyMessage : 'must be an object'),
		})
		.transform((map) => {
			const out: Record<string, NonNullable<z.output<T>>> = {};
			for (const [lang, text] of Object.entries(map)) {
				if (text !== undefined && text !== null) out[lang.toLowerCase()] = text as NonNullable<z.output<T>>;
			}
			return out;
		});
}

const categoryPatch = z.object(
	{
		id: reqText(64, 'must be lowercase letters, digits, - or _', (s) =>
			s.regex(CATEGORY_ID, { error: 'must be lowercase letters, digits, - or _' }),
		),
		label: reqText(60),
		translations: byLanguage(optText(60), 'must be keyed by a language tag').optional(),
	},
	{ error: 'must be an object {id, label}' },
);

/** `prompt` of PATCH /v1/sites/{siteId}/settings: only the settings to change. */
export const promptPatch = z.strictObject(
	{
		variant: optOneOf(VARIANTS),
		texts: textsPatch('must be an object').optional(),
		translations: byLanguage(
			textsPatch('must be an object of texts'),
			'must be keyed by a language tag such as de or pt-BR',
		).optional(),
		image: httpUrl(1024, 'must be an absolute URL')
			.refine((href) => href.startsWith('https:'), { error: 'must be an https URL' })
			.nullable()
			.optional()
			.describe('An https URL, or null for none'),
		categories: z
			.array(categoryPatch, { error: 'must be an array of {id, label}' })
			.max(12, { error: 'at most 12 categories' })
			.superRefine((items, ctx) => {
				const seen = new Set<string>();
				items.forEach((item, i) => {
					if (seen.has(item.id))
						ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `"${item.id}" is used twice` });
					seen.add(item.id);
				});
			})
			.optional(),
		trigger: optObject({
			type: optOneOf(TRIGGERS),
			value: optInt(0, TRIGGER_MAX.seconds).describe('at most 3600 seconds; 100 page views or scroll %'),
		}),
		laterDays: optInt(1, 365),
		bell: optObject({ enabled: optBool(), position: optOneOf(BELL_POSITIONS) }),
		theme: optObject({
			accent: optText(9, colour),
			background: optText(9, colour),
			text: optText(9, colour),
			radius: optInt(0, 32),
		}),
		dir: optOneOf(DIRECTIONS),
	},
	{
		error: (issue) =>
			issue.code === 'unrecognized_keys'
				? 'is not a setting'
				: issue.input === undefined
					? 'is required: the prompt settings to change'
					: 'must be an object',
	},
);
export type PromptPatch = z.output<typeof promptPatch>;

/** How long a site keeps events (days); the default when unset. */
export const MAX_EVENT_RETENTION_DAYS = 730;

/** Body of PATCH /v1/sites/{siteId}/settings: the prompt, the event retention, or both. */
export const settingsPatch = strictObject(
	{
		prompt: promptPatch.optional(),
		events: strictObject(
			{
				retentionDays: optInt(1, MAX_EVENT_RETENTION_DAYS).describe(
					'Days events are kept for segments (default 90); older days are deleted by the daily housekeeping',
				),
			},
			'is not a setting; use retentionDays',
		).optional(),
		campaigns: strictObject(
			{
				frequencyCap: z
					.union([
						strictObject(
							{
								perDay: optInt(1, 50).describe('Campaign pushes per subscriber per local calendar day'),
								perWeek: optInt(1, 200).describe('…and per rolling 7 days'),
							},
							'is not a cap; use perDay or perWeek',
						),
						z.null(),
					])
					.optional()
					.describe('null removes the cap'),
				quietHours: z
					.union([
						strictObject(
							{
								start: z.string({ error: 'must be a time of day "HH:MM"' }),
								end: z.string({ error: 'must be a time of day "HH:MM"' }),
								action: z.enum(['delay', 'discard'], { error: 'must be delay or discard' }),
							},
							'is not a quiet-hours field; use start, end and action',
						),
						z.null(),
					])
					.optional()
					.describe("Default quiet hours of campaigns in each subscriber's local time; null removes them"),
			},
			'is not a setting; use frequencyCap or quietHours',
		).optional(),
		staff: strictObject(
			{
				reminderMinutes: int(1, MAX_REMINDER_MINUTES).describe(
					'Minutes between unread-reminder emails to staff (default 5); a shorter interval also brings a pending round forward. Admins only',
				),
			},
			'is not a setting; use reminderMinutes',
		).optional(),
	},
	'is not a setting; use prompt, events, campaigns or staff',
).superRefine((patch, ctx) => {
	if (
		patch.prompt === undefined &&
		patch.events?.retentionDays === undefined &&
		patch.campaigns === undefined &&
		patch.staff === undefined
	) {
		ctx.addIssue({
			code: 'custom',
			path: ['prompt'],
			message:
				'is required: the prompt settings (or events.retentionDays, campaigns.frequencyCap, staff.reminderMinutes) to change',
		});
	}
	if (
		patch.campaigns !== undefined &&
		patch.campaigns.frequencyCap === undefined &&
		patch.campaigns.quietHours === undefined
	) {
		ctx.addIssue({
			code: 'custom',
			path: ['campaigns'],
			message: 'must set frequencyCap, quietHours or both',
		});
	}
	const cap = patch.campaigns?.frequencyCap;
	if (cap && cap.perDay === undefined && cap.perWeek === undefined) {
		ctx.addIssue({
			code: 'custom',
			path: ['campaigns', 'frequencyCap'],
			message: 'must set perDay, perWeek or both (null removes the cap)',
		});
	}
});

function colour(s: z.ZodString): z.ZodString {
	return s.regex(COLOR, { error: 'must be a hex colour such as #1d4ed8' });
}

/** Copies an object without its undefined values (a blank text leaves the current one). */
function defined<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
		[K in keyof T]?: Exclude<T[K], undefined>;
	};
}

// The answers.

const texts = z.object(
	Object.fromEntries(TEXT_KEYS.map((k) => [k, z.string()])) as Record<
		(typeof TEXT_KEYS)[number],
		z.ZodString
	>,
);

/** A topic subscribers can choose. */
export const category = z.object({
	id: z.string(),
	label: z.string(),
	translations: z.record(z.string(), z.string()),
});

/** Prompt settings with defaults filled in, as the public config serves them. */
export const prompt = z.object({
	variant: z.enum(VARIANTS),
	texts,
	translations: z.record(z.string(), texts.partial()),
	image: z.string().nullable(),
	categories: z.array(category),
	trigger: z.object({ type: z.enum(TRIGGERS), value: int(0, TRIGGER_MAX.seconds) }),
	laterDays: int(1, 365),
	bell: z.object({ enabled: z.boolean(), position: z.enum(BELL_POSITIONS) }),
	theme: z.object({ accent: z.string(), background: z.string(), text: z.string(), radius: int(0, 32) }),
	dir: z.enum(DIRECTIONS),
});
