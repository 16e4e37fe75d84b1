import type * as z from 'zod';
import type {
	CampaignDetail,
	CampaignExperiment,
	CampaignRunView,
	CampaignSchedule,
	CampaignState,
	CampaignTiming,
	CampaignView,
	ConversionReport,
	Delivery,
	Message,
} from '#wire';
import { parse } from '../api/parse';
import { campaignCreate, campaignPatch, campaignTest } from '../api/schemas/campaigns';
import { checkSchedule, ScheduleError } from '../campaigns/schedule';
import { checkTiming } from '../campaigns/timing';
import type { Env } from '../env';
import { badRequest, HttpError } from '../http/errors';
import { newId } from '../lib/ids';
import { siteStore } from '../objects/site-store';
import { liftUrlTemplates } from '../sending/liquid';
import { parseSendRequest } from '../sending/message';
import type { CampaignAction, CampaignInput } from '../store/campaign-ops';
import type { Site } from '../store/sites';
import { sendNotification } from './notifications';
import { namesResource, useResource } from './resources';
import { estimateAudience, unwrap } from './segments';

// The campaign service: campaigns for the admin API and the console. The lifecycle runs inside the site's store
// (store/campaign-ops.ts); the store's alarm starts each run.

/** The message and delivery of a campaign body, checked exactly as a send's (Liquid, images, the 2,900-byte limit). */
function checkMessage(
	message: Record<string, unknown>,
	delivery: Record<string, unknown> | undefined,
	origins: readonly string[],
	prefix = 'message.',
): Pick<CampaignInput, 'message' | 'delivery'> {
	try {
		const parsed = parseSendRequest({ ...message, ...(delivery ?? {}), audience: { all: true } }, origins);
		return { message: parsed.message, delivery: parsed.delivery };
	} catch (error) {
		if (error instanceof HttpError && error.status === 400) {
			throw new HttpError(400, error.code, `${prefix}${error.message}`);
		}
		throw error;
	}
}

/**
 * Parses a campaign body with the Liquid in its messages' URLs kept as written: URL fields are normalised by the
 * schema, which would percent-encode `{{ … }}`; they are swapped for a placeholder and put back after it, then
 * checked as Liquid by checkMessage (as a send's are).
 */
export function parseCampaignBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
	if (body === null || typeof body !== 'object') return parse(schema, body);
	const copy = { ...(body as Record<string, unknown>) };
	const restores: Array<(parsed: Record<string, unknown>) => void> = [];
	const lift = (
		message: unknown,
		put: (m: Record<string, unknown>) => void,
		get: (p: Record<string, unknown>) => unknown,
	) => {
		if (message === null || typeof message !== 'object' || Array.isArray(message)) return;
		const lifted = liftUrlTemplates(message as Record<string, unknown>);
		put(lifted.body);
		restores.push((parsed) => {
			const target = get(parsed);
			if (target && typeof target === 'object') lifted.restore(target as Message);
		});
	};
	lift(
		copy.message,
		(m) => {
			copy.message = m;
		},
		(p) => p.message,
	);
	const experiment = copy.experiment;
	if (
		experiment &&
		typeof experiment === 'object' &&
		Array.isArray((experiment as { variants?: unknown }).variants)
	) {
		const variants = [...(experiment as { variants: unknown[] }).variants];
		copy.experiment = { ...experiment, variants };
		variants.forEach((variant, i) => {
			if (variant === null || typeof variant !== 'object') return;
			lift(
				(variant as { message?: unknown }).message,
				(m) => {
					variants[i] = { ...(variant as object), message: m };
				},
				(p) =>
					(p.experiment as { variants?: Array<{ message?: unknown }> } | undefined)?.variants?.[i]?.message,
			);
		});
	}
	const parsed = parse(schema, copy);
	for (const restore of restores) restore(parsed as Record<string, unknown>);
	return parsed;
}

/** A campaign experiment as the API takes it (variant names optional). */
type ExperimentInput = Omit<CampaignExperiment, 'variants'> & {
	variants?:
		| Array<{
				name?: string | undefined;
				weight: number;
				message?: (Partial<Message> & { resource?: string | undefined }) | undefined;
		  }>
		| undefined;
};

/** Variants that name a push resource: index → its current message with the variant's overrides, as stored. */
type ResourceVariants = Map<number, { message: Message; stored: Partial<Message> & { resource: string } }>;

/** Resolves the variants that name a resource (each checked with every language, as a campaign's message is). */
async function resourceVariants(
	env: Env,
	site: Site,
	experiment: ExperimentInput | undefined,
): Promise<ResourceVariants> {
	const out: ResourceVariants = new Map();
	for (const [i, variant] of (experiment?.variants ?? []).entries()) {
		const given = variant.message as Record<string, unknown> | undefined;
		if (!given || !namesResource(given)) continue;
		const used = await useResource(env, site, given, `experiment.variants[${i}].message`);
		out.set(i, { message: used.message, stored: { resource: used.ref.resourceId, ...used.overrides } });
	}
	return out;
}

/**
 * A campaign's experiment with its variants checked: each variant's message is the campaign's with the variant's
 * fields over it, checked exactly as a send (400 `experiment.variants[1].message.title: …`); names default to A, B…
 */
function checkExperiment(
	experiment: ExperimentInput,
	message: Message,
	delivery: Delivery,
	origins: readonly string[],
	fromResources: ResourceVariants = new Map(),
): CampaignExperiment {
	const { variants, ...rest } = stripUndefined(experiment);
	if (
		(rest.testPercent !== undefined || rest.winnerAfterMinutes !== undefined) &&
		(variants?.length ?? 0) < 2
	) {
		throw badRequest('experiment.testPercent', 'an automatic winner needs 2 or more variants');
	}
	if (rest.winnerBy === 'conversions' && !rest.goal) {
		throw badRequest('experiment.winnerBy', 'conversions needs a goal (experiment.goal)');
	}
	if (rest.winnerBy !== undefined && rest.testPercent === undefined) {
		throw badRequest(
			'experiment.testPercent',
			'is required with winnerBy: the share that tests the variants',
		);
	}
	if (!variants) return rest;
	const names = new Set<string>();
	return {
		...rest,
		variants: variants.map((variant, i) => {
			const own = fromResources.get(i);
			checkMessage(
				own ? { ...own.message } : { ...message, ...(variant.message ?? {}) },
				delivery as unknown as Record<string, unknown>,
				origins,
				`experiment.variants[${i}].message.`,
			);
			const name = variant.name ?? String.fromCharCode(65 + i);
			if (names.has(name.toLowerCase())) {
				throw badRequest(`experiment.variants[${i}].name`, `another variant is called ${name}`);
			}
			names.add(name.toLowerCase());
			const stored = own?.stored ?? variant.message;
			return { name, weight: variant.weight, ...(stored ? { message: stored } : {}) };
		}),
	};
}

function checkedTiming(value: CampaignTiming): CampaignTiming {
	try {
		return checkTiming(stripUndefined(value));
	} catch (error) {
		if (error instanceof ScheduleError) throw badRequest(error.path, error.message);
		throw error;
	}
}

/** zod's optional fields come back as undefined keys; the stored JSON keeps only those given. */
export function stripUndefined<T extends object>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

function checkedSchedule(value: unknown): CampaignSchedule {
	try {
		return checkSchedule(value, 'schedule') as CampaignSchedule;
	} catch (error) {
		if (error instanceof ScheduleError) throw badRequest(error.path, error.message);
		throw error;
	}
}

/**
 * A campaign's message as given: inline (title required), or `{resource, …overrides}`: the resource's current version
 * with the overrides, checked with every language (what the campaign stores as its message now; runs read the
 * resource again).
 */
export async function campaignMessageOf(
	env: Env,
	site: Site,
	given: Record<string, unknown>,
	delivery: Record<string, unknown> | undefined,
	path = 'message',
): Promise<Pick<CampaignInput, 'message' | 'delivery' | 'resource'>> {
	if (!namesResource(given)) {
		if (given.title === undefined) throw badRequest(`${path}.title`, 'is required (or give a resource)');
		return { ...checkMessage(given, delivery, site.origins, `${path}.`), resource: null };
	}
	const used = await useResource(env, site, given, path);
	const checked = checkMessage(
		used.message as unknown as Record<string, unknown>,
		delivery,
		site.origins,
		`${path}.`,
	);
	return {
		...checked,
		resource: {
			resourceId: used.ref.resourceId,
			name: used.ref.name,
			version: used.ref.version,
			overrides: used.overrides,
		},
	};
}

export async function createCampaign(env: Env, site: Site, body: unknown): Promise<CampaignView> {
	const input = parseCampaignBody(campaignCreate, body);
	const campaign: CampaignInput = {
		name: input.name,
		labels: input.labels ?? [],
		...(await campaignMessageOf(env, site, input.message, input.delivery)),
		audience: input.audience,
		timing: checkedTiming(input.timing ?? {}),
		experiment: {},
		schedule: input.schedule === undefined ? null : checkedSchedule(input.schedule),
	};
	campaign.experiment = checkExperiment(
		input.experiment ?? {},
		campaign.message,
		campaign.delivery,
		site.origins,
		await resourceVariants(env, site, input.experiment),
	);
	return unwrap(await siteStore(env, site.id).createCampaign(site.id, newId('cmp'), campaign), ['audience']);
}

export async function updateCampaign(env: Env, site: Site, id: string, body: unknown): Promise<CampaignView> {
	const input = parseCampaignBody(campaignPatch, body);
	const patch: Partial<CampaignInput> = {};
	if (input.name !== undefined) patch.name = input.name;
	if (input.labels !== undefined) patch.labels = input.labels;
	if (input.audience !== undefined) patch.audience = input.audience;
	if (input.timing !== undefined) patch.timing = checkedTiming(input.timing);
	if (input.schedule !== undefined)
		patch.schedule = input.schedule === null ? null : checkedSchedule(input.schedule);
	if (input.message !== undefined || input.delivery !== undefined || input.experiment !== undefined) {
		const current = await readCampaign(env, site.id, id);
		const checkedParts =
			input.message !== undefined
				? await campaignMessageOf(
						env,
						site,
						input.message,
						(input.delivery ?? current.delivery) as Record<string, unknown>,
					)
				: checkMessage(
						current.message as unknown as Record<string, unknown>,
						(input.delivery ?? current.delivery) as Record<string, unknown>,
						site.origins,
					);
		if (input.message !== undefined) {
			patch.message = checkedParts.message;
			patch.resource = (checkedParts as Partial<Pick<CampaignInput, 'resource'>>).resource ?? null;
		}
		if (input.delivery !== undefined) patch.delivery = checkedParts.delivery;
		// Variants are checked against the message they change, old or new.
		const experiment = checkExperiment(
			input.experiment ?? current.experiment,
			checkedParts.message,
			checkedParts.delivery,
			site.origins,
			await resourceVariants(env, site, input.experiment ?? current.experiment),
		);
		if (input.experiment !== undefined) patch.experiment = experiment;
	}
	return unwrap(await siteStore(env, site.id).updateCampaign(site.id, id, patch), ['audience']);
}

export async function readCampaign(env: Env, siteId: string, id: string): Promise<CampaignDetail> {
	const campaign = await siteStore(env, siteId).campaign(siteId, id);
	if (!campaign) throw new HttpError(404, 'campaign_not_found', `No campaign ${id} on this site`);
	return campaign;
}

export async function listCampaigns(
	env: Env,
	siteId: string,
	filter: { states?: CampaignState[]; label?: string },
): Promise<CampaignView[]> {
	return siteStore(env, siteId).campaigns(siteId, filter);
}

export async function actOnCampaign(
	env: Env,
	siteId: string,
	id: string,
	action: CampaignAction,
): Promise<CampaignView> {
	return unwrap(await siteStore(env, siteId).campaignAction(siteId, id, action));
}

export async function deleteCampaign(env: Env, siteId: string, id: string): Promise<void> {
	if (!unwrap(await siteStore(env, siteId).deleteCampaign(siteId, id))) {
		throw new HttpError(404, 'campaign_not_found', `No campaign ${id} on this site`);
	}
}

/**
 * Sends a campaign's message now to the testers (or the given subscribers), as a notification of its own that is
 * not one of the campaign's runs.
 */
export async function testCampaign(
	env: Env,
	site: Site,
	id: string,
	body: unknown,
): Promise<{ notificationId: string }> {
	const { subscriberIds } = parse(campaignTest, body);
	const campaign = await readCampaign(env, site.id, id);
	const audience = subscriberIds ? { subscriberIds } : { test: true as const };
	if (!subscriberIds && (await estimateAudience(env, site.id, audience)).reachable === 0) {
		throw new HttpError(
			409,
			'no_testers',
			'No subscriber that can receive pushes is marked as a tester; mark one (Subscribers) or pass subscriberIds',
		);
	}
	// A campaign from a resource tests what its next run would send: the resource's current version, every language.
	const used = campaign.resource
		? await useResource(
				env,
				site,
				{ resource: campaign.resource.resourceId, ...campaign.resource.overrides },
				'message',
			)
		: null;
	const { result } = await sendNotification(env, site, {
		message: used?.message ?? campaign.message,
		...(used ? { resource: used.ref, translations: used.translations } : {}),
		audience,
		delivery: campaign.delivery,
		idempotencyKey: null,
	});
	return { notificationId: result.notificationId };
}

/** A run of a campaign with its conversion report (null without a goal); 404 when there is no such run. */
export async function campaignRunReport(
	env: Env,
	siteId: string,
	id: string,
	run: number,
): Promise<{ run: CampaignRunView; conversions: ConversionReport | null }> {
	const report = await siteStore(env, siteId).campaignRunReport(siteId, id, run);
	if (!report) throw new HttpError(404, 'campaign_run_not_found', `Campaign ${id} has no run ${run}`);
	return report;
}

/** At most this long a calendar range (days). */
export const MAX_CALENDAR_DAYS = 93;

/** The runs between two times: those that started and those to come. */
export async function campaignCalendar(
	env: Env,
	siteId: string,
	from: number,
	to: number,
): Promise<
	Array<{ campaignId: string; name: string; state: CampaignState; at: string; run: number | null }>
> {
	const entries = await siteStore(env, siteId).campaignCalendar(siteId, from, to);
	return entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
}
