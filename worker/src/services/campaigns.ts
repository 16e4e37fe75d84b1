import type { CampaignDetail, CampaignSchedule, CampaignState, CampaignTiming, CampaignView } from '#wire';
import { parse } from '../api/parse';
import { campaignCreate, campaignPatch, campaignTest } from '../api/schemas/campaigns';
import { checkSchedule, ScheduleError } from '../campaigns/schedule';
import { checkTiming } from '../campaigns/timing';
import type { Env } from '../env';
import { badRequest, HttpError } from '../http/errors';
import { newId } from '../lib/ids';
import { siteStore } from '../objects/site-store';
import { parseSendRequest } from '../sending/message';
import type { CampaignAction, CampaignInput } from '../store/campaign-ops';
import type { Site } from '../store/sites';
import { sendNotification } from './notifications';
import { estimateAudience, unwrap } from './segments';

// The campaign service: campaigns for the admin API and the console. The lifecycle runs inside the site's store
// (store/campaign-ops.ts); the store's alarm starts each run.

/** The message and delivery of a campaign body, checked exactly as a send's (Liquid, images, the 2,900-byte limit). */
function checkMessage(
	message: Record<string, unknown>,
	delivery: Record<string, unknown> | undefined,
	origins: readonly string[],
): Pick<CampaignInput, 'message' | 'delivery'> {
	try {
		const parsed = parseSendRequest({ ...message, ...(delivery ?? {}), audience: { all: true } }, origins);
		return { message: parsed.message, delivery: parsed.delivery };
	} catch (error) {
		if (error instanceof HttpError && error.status === 400) {
			throw new HttpError(400, error.code, `message.${error.message}`);
		}
		throw error;
	}
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
function stripUndefined<T extends object>(value: T): T {
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

export async function createCampaign(env: Env, site: Site, body: unknown): Promise<CampaignView> {
	const input = parse(campaignCreate, body);
	const campaign: CampaignInput = {
		name: input.name,
		labels: input.labels ?? [],
		...checkMessage(input.message, input.delivery, site.origins),
		audience: input.audience,
		timing: checkedTiming(input.timing ?? {}),
		experiment: stripUndefined(input.experiment ?? {}),
		schedule: input.schedule === undefined ? null : checkedSchedule(input.schedule),
	};
	return unwrap(await siteStore(env, site.id).createCampaign(site.id, newId('cmp'), campaign), ['audience']);
}

export async function updateCampaign(env: Env, site: Site, id: string, body: unknown): Promise<CampaignView> {
	const input = parse(campaignPatch, body);
	const patch: Partial<CampaignInput> = {};
	if (input.name !== undefined) patch.name = input.name;
	if (input.labels !== undefined) patch.labels = input.labels;
	if (input.audience !== undefined) patch.audience = input.audience;
	if (input.timing !== undefined) patch.timing = checkedTiming(input.timing);
	if (input.experiment !== undefined) patch.experiment = stripUndefined(input.experiment);
	if (input.schedule !== undefined)
		patch.schedule = input.schedule === null ? null : checkedSchedule(input.schedule);
	if (input.message !== undefined || input.delivery !== undefined) {
		const current = await readCampaign(env, site.id, id);
		const checkedParts = checkMessage(
			(input.message ?? current.message) as Record<string, unknown>,
			(input.delivery ?? current.delivery) as Record<string, unknown>,
			site.origins,
		);
		if (input.message !== undefined) patch.message = checkedParts.message;
		if (input.delivery !== undefined) patch.delivery = checkedParts.delivery;
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
	const { result } = await sendNotification(env, site, {
		message: campaign.message,
		audience,
		delivery: campaign.delivery,
		idempotencyKey: null,
	});
	return { notificationId: result.notificationId };
}
