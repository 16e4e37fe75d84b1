import * as z from 'zod';
import { API_KEY_SCOPES } from '#wire';
import {
	opt,
	optHttpUrl,
	optInt,
	optObject,
	optOneOf,
	optText,
	queryInt,
	reqText,
	reqTextList,
} from '../fields';
import { prompt } from './prompt';

// Sites, their settings and who may reach them (operator, API keys, console tokens).

export const PLATFORMS = ['wordpress', 'shopify', 'custom'] as const;
export const ROLES = ['viewer', 'editor', 'admin'] as const;
/** Shortest and longest life a console token may be given, in seconds; the default is 15 minutes. */
export const CONSOLE_TOKEN_TTL = { min: 60, max: 3600, default: 900 } as const;

/** Body of POST /v1/sites. Each origin is checked and normalised after it (routes/sites.ts). */
export const createSiteRequest = z.object({
	name: reqText(100),
	platform: optOneOf(PLATFORMS).describe('Default custom'),
	origins: reqTextList(20, 255, 'is required: the site origins, e.g. ["https://shop.example"]', 1).describe(
		'Origins (scheme, host and port) the site runs on, e.g. https://shop.example',
	),
	homeUrl: optHttpUrl().describe('Default: the first origin'),
	iconUrl: optHttpUrl(),
});

/** Query of GET /v1/sites. */
export const listSitesQuery = z.object({
	after: z.string().optional().describe('The `next` of the previous page'),
	limit: queryInt(1, 500).describe('Default 100'),
});

/** Body of POST /v1/sites/{siteId}/console-tokens (may be empty). */
export const consoleTokenRequest = z.object({
	staff: optObject({ id: reqText(255), name: optText(200), email: optText(254) }).describe(
		'The staff member the token speaks for; default {id: "owner"}',
	),
	role: optOneOf(ROLES).describe('Default admin'),
	ttlSeconds: optInt(CONSOLE_TOKEN_TTL.min, CONSOLE_TOKEN_TTL.max).describe('Default 900'),
});

/** Body of POST /v1/sites/{siteId}/api-keys. */
export const apiKeyRequest = z.object({
	name: reqText(100),
	scope: opt(z.enum(API_KEY_SCOPES, { error: `must be one of ${API_KEY_SCOPES.join(', ')}` })).describe(
		'full (default): everything; send: read, send notifications, record events and user attributes; read: GET only',
	),
});

/** Body of POST /v1/admin/storage/migrate (may be empty). */
export const migrateRequest = z.object({
	after: optText(64).describe('Site id to continue after (the `next` of the previous call)'),
	limit: optInt(1, 100).describe('Sites per call (default 20)'),
});

// The answers.

const platform = z.enum(PLATFORMS);
const role = z.enum(ROLES);

/** Site settings: the prompt, and whatever else a site keeps. */
export const settings = z.looseObject({
	prompt,
	events: z
		.object({ retentionDays: z.number() })
		.optional()
		.describe('Set once events.retentionDays was changed; the default keeps events 90 days'),
	campaigns: z
		.object({
			frequencyCap: z
				.object({ perDay: z.number().optional(), perWeek: z.number().optional() })
				.nullable()
				.optional(),
			quietHours: z
				.object({ start: z.string(), end: z.string(), action: z.enum(['delay', 'discard']) })
				.nullable()
				.optional()
				.describe("Default quiet hours of campaigns (a campaign's own replace them)"),
		})
		.optional()
		.describe('The frequency cap of campaign pushes per subscriber, once set'),
	staff: z
		.object({ reminderMinutes: z.number().describe('Minutes between unread-reminder emails (default 5)') })
		.describe('Staff alert settings, the default filled in'),
});

/** A site for its admins (no secrets). */
export const siteView = z.object({
	siteId: z.string(),
	name: z.string(),
	platform,
	origins: z.array(z.string()),
	homeUrl: z.string(),
	iconUrl: z.string().nullable(),
	vapidPublicKey: z.string(),
	settings,
	createdAt: z.string(),
});

/** POST /v1/sites: the site with its secrets, shown this once. */
export const createdSite = siteView.extend({
	apiKey: z.string(),
	identitySecret: z.string(),
	warnings: z.array(z.object({ code: z.string(), message: z.string() })).describe('Set-up problems to fix'),
});

export const siteSummary = z.object({
	siteId: z.string(),
	name: z.string(),
	platform,
	origins: z.array(z.string()),
	createdAt: z.string(),
	disabled: z.boolean(),
});

export const sitePage = z.object({ sites: z.array(siteSummary), next: z.string().nullable() });

export const identitySecret = z.object({ identitySecret: z.string() });

export const settingsView = z.object({ settings });

/** What the page script and widget need (no secrets). */
export const publicConfig = z.object({
	siteId: z.string(),
	vapidPublicKey: z.string(),
	vapidKeyId: z.string(),
	homeUrl: z.string(),
	iconUrl: z.string().nullable(),
	prompt,
});

const staff = z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() });

export const consoleToken = z.object({
	token: z.string(),
	expiresAt: z.string().describe('After this the token is refused (401 token_expired)'),
	siteId: z.string(),
	staff,
	role,
});

export const apiKeyView = z.object({
	keyId: z.string(),
	name: z.string(),
	prefix: z.string().describe("The key's first characters, to recognise it"),
	scope: z.enum(API_KEY_SCOPES),
	createdAt: z.string(),
	lastUsedAt: z.string().nullable().describe('When it was last used, to within 5 minutes; null: never'),
});

export const newApiKey = apiKeyView.extend({ apiKey: z.string().describe('Shown this once') });

export const apiKeyList = z.object({ apiKeys: z.array(apiKeyView) });

const legacyCounts = z.object({ subscribers: z.number(), notifications: z.number() });

export const migrateResult = z.object({
	sites: z.array(
		z.object({
			siteId: z.string(),
			ok: z.boolean(),
			importedAt: z.string().nullable(),
			d1: legacyCounts.nullable(),
			copied: legacyCounts.nullable(),
			error: z.string().optional(),
		}),
	),
	next: z.string().nullable(),
	failed: z.number(),
});
