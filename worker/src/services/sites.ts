import type { FrequencyCap, Platform, QuietHoursRule, SiteSummary, SiteView } from '#wire';
import { checkQuietHours, ScheduleError } from '../campaigns/schedule';
import { config, type Env } from '../env';
import { badRequest, HttpError } from '../http/errors';
import { newId, newSecret } from '../lib/ids';
import { sealSecret, sha256Hex } from '../lib/secrets';
import { siteStore } from '../objects/site-store';
import { generateVapidKeys, type VapidKeys } from '../push/vapid';
import { chooseVapidSubject } from '../sending/subject';
import { mergePromptSettings, type PromptPatch, promptOf } from '../settings/prompt';
import { staffSettingsOf } from '../settings/staff';
import { insertSite, listSites, type Site, type SiteSettings, saveSettings } from '../store/sites';

// The site service: what the operator API, the console and the Shopify install do with sites, one way each.

/** A site for its admins (no secrets). */
export function siteView(site: Site): SiteView {
	return {
		siteId: site.id,
		name: site.name,
		platform: site.platform,
		origins: site.origins,
		homeUrl: site.homeUrl,
		iconUrl: site.iconUrl,
		vapidPublicKey: site.vapidPublicKey,
		settings: settingsView(site),
		createdAt: new Date(site.createdAt).toISOString(),
	};
}

/** A site's settings as its admins read them: the prompt and the staff settings with their defaults filled in. */
function settingsView(site: Site): SiteView['settings'] {
	return { ...site.settings, prompt: promptOf(site.settings), staff: staffSettingsOf(site.settings) };
}

/** A site as the operator's list shows it. */
export function siteSummary(site: Site): SiteSummary {
	return {
		siteId: site.id,
		name: site.name,
		platform: site.platform,
		origins: site.origins,
		createdAt: new Date(site.createdAt).toISOString(),
		disabled: site.disabledAt !== null,
	};
}

/** MASTER_KEY, or a 503 telling the operator to set it (sites and console tokens cannot be made without it). */
export function requireMasterKey(env: Env): string {
	const masterKey = config(env).masterKey;
	if (!masterKey) {
		throw new HttpError(
			503,
			'not_configured',
			'MASTER_KEY is not set on this deployment; see README "Secrets"',
		);
	}
	return masterKey;
}

/** What a new site needs. */
export interface NewSite {
	name: string;
	platform: Platform;
	origins: string[];
	homeUrl?: string;
	iconUrl?: string | null;
}

/** Sealing context of a site's identity secret (distinct from its VAPID key's). */
export function identityContext(siteId: string): string {
	return `${siteId}:identity`;
}

/** What a site moved from elsewhere brings instead of fresh secrets (see services/site-import.ts). */
export interface CarriedOver {
	keys?: VapidKeys;
	identitySecret?: string;
	settings?: SiteSettings;
}

/**
 * Creates a site with its VAPID key pair and identity secret, and a first API key when `withApiKey` (the secrets
 * are returned this once). Shopify shops get none: their admin reaches the site through its session tokens. An
 * imported site brings its key pair, identity secret and settings (`carried`).
 */
export async function createSite(
	env: Env,
	input: NewSite,
	{ withApiKey }: { withApiKey: boolean },
	carried: CarriedOver = {},
): Promise<{
	site: Site;
	apiKey: string | null;
	identitySecret: string;
	warnings: Array<{ code: string; message: string }>;
}> {
	const masterKey = requireMasterKey(env);
	const id = newId('site');
	const keys = carried.keys ?? (await generateVapidKeys());
	const homeUrl = input.homeUrl ?? `${input.origins[0]}/`;
	const site: Site = {
		id,
		name: input.name,
		platform: input.platform,
		origins: input.origins,
		homeUrl,
		iconUrl: input.iconUrl ?? null,
		settings: carried.settings ?? {},
		vapidPublicKey: keys.publicKey,
		vapidKeyId: keys.publicKey.slice(0, 16),
		createdAt: Date.now(),
		disabledAt: null,
	};
	const identitySecret = carried.identitySecret ?? newSecret('bis_');
	const apiKey = withApiKey ? newSecret('bk_') : null;
	const sealed = {
		privateKey: await sealSecret(masterKey, keys.privateKey, id),
		identitySecret: await sealSecret(masterKey, identitySecret, identityContext(id)),
	};
	await insertSite(
		env.DB,
		site,
		sealed,
		apiKey ? { hash: await sha256Hex(apiKey), prefix: apiKey.slice(0, 7), name: 'First key' } : null,
	);
	// Said once, here: a contact push services reject (Apple: BadJwtToken) would fail every Safari push later.
	const { warning } = chooseVapidSubject(config(env).vapidSubject, homeUrl);
	const warnings = warning ? [{ code: 'vapid_subject', message: warning }] : [];
	return { site, apiKey, identitySecret, warnings };
}

/** A site's settings as saved: only what was set (no defaults of the staff settings). */
type StoredSettings = Partial<Pick<SiteView['settings'], 'events' | 'campaigns' | 'staff'>> &
	Pick<SiteView['settings'], 'prompt'> &
	Record<string, unknown>;

/** What PATCH …/settings may change besides the prompt. */
export interface SettingsChange {
	retentionDays?: number | undefined;
	campaigns?: {
		frequencyCap?: FrequencyCap | null | undefined;
		quietHours?: QuietHoursRule | null | undefined;
	};
	staff?: { reminderMinutes: number } | undefined;
}

/**
 * Merges a partial prompt change, the event retention, campaign defaults and staff settings into the site's
 * settings and saves them; returns the whole settings. Everything is checked before anything is written. The site's
 * store keeps its own copy of the retention (its housekeeping deletes older event days) and of the reminder interval
 * (its alarm sends the reminders).
 */
export async function updateSettings(
	env: Env,
	site: Site,
	prompt: PromptPatch | undefined,
	change: SettingsChange = {},
): Promise<SiteView['settings']> {
	const { retentionDays, campaigns, staff } = change;
	const stored: StoredSettings = { ...site.settings, prompt: promptOf(site.settings) };
	if (prompt) stored.prompt = mergePromptSettings(stored.prompt, prompt);
	if (retentionDays !== undefined) stored.events = { retentionDays };
	if (campaigns !== undefined) {
		const quiet = campaigns.quietHours;
		if (quiet) {
			try {
				checkQuietHours({ start: quiet.start, end: quiet.end }, 'campaigns.quietHours');
			} catch (error) {
				if (error instanceof ScheduleError) throw badRequest(error.path, error.message);
				throw error;
			}
		}
		const next = { ...(stored.campaigns ?? {}) };
		if (campaigns.frequencyCap !== undefined) {
			next.frequencyCap =
				campaigns.frequencyCap === null
					? null
					: (JSON.parse(JSON.stringify(campaigns.frequencyCap)) as FrequencyCap);
		}
		if (quiet !== undefined) next.quietHours = quiet;
		stored.campaigns = next;
	}
	if (staff !== undefined) stored.staff = { ...staffSettingsOf(site.settings), ...staff };
	const store = siteStore(env, site.id);
	if (retentionDays !== undefined) await store.setEventRetention(site.id, retentionDays);
	if (staff !== undefined) await store.setReminderMinutes(site.id, staff.reminderMinutes, Date.now());
	await saveSettings(env.DB, site.id, stored);
	return { ...stored, staff: staffSettingsOf(stored) };
}

/** One page of every site, by id, for the operator. */
export async function sitePage(
	env: Env,
	after: string,
	limit: number,
): Promise<{ sites: SiteSummary[]; next: string | null }> {
	const sites = await listSites(env.DB, after, limit);
	return {
		sites: sites.map(siteSummary),
		next: sites.length === limit ? (sites[sites.length - 1]?.id ?? null) : null,
	};
}

/** Each origin as `URL.origin` writes it; a 400 naming the first that is a page URL or not http(s). */
export function normaliseOrigins(values: string[]): string[] {
	return values.map((value, i) => {
		let url: URL;
		try {
			url = new URL(value);
		} catch {
			throw badRequest(`origins[${i}]`, 'must be an origin like https://shop.example');
		}
		if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value.replace(/\/$/, '')) {
			throw badRequest(
				`origins[${i}]`,
				'must be an origin (scheme, host and port only) like https://shop.example',
			);
		}
		return url.origin;
	});
}
