import { parseQuery } from '../api/parse';
import { calendarQuery, campaignListQuery } from '../api/schemas/campaigns';
import type { Env } from '../env';
import { requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { badRequest } from '../http/errors';
import { requireSite } from '../http/public';
import {
	actOnCampaign,
	campaignCalendar,
	campaignRunReport,
	createCampaign,
	deleteCampaign,
	listCampaigns,
	MAX_CALENDAR_DAYS,
	readCampaign,
	testCampaign,
	updateCampaign,
} from '../services/campaigns';
import type { CampaignAction } from '../store/campaign-ops';

/** A campaign body: a message, an audience of up to 10,000 ids, a schedule. */
const MAX_CAMPAIGN_BODY_BYTES = 1_048_576;

/** GET /v1/sites/:siteId/campaigns?state=&label=: most recently changed first. */
export async function listCampaignsRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	const { state, label } = parseQuery(campaignListQuery, new URL(request.url).searchParams);
	const filter = { ...(state ? { states: state } : {}), ...(label ? { label } : {}) };
	return Response.json({ campaigns: await listCampaigns(env, siteId, filter) });
}

/** POST /v1/sites/:siteId/campaigns (editor): a draft. */
export async function createCampaignRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const site = await requireSite(env, siteId);
	const body = await readJsonObject(request, MAX_CAMPAIGN_BODY_BYTES);
	return Response.json(await createCampaign(env, site, body), { status: 201 });
}

/** GET /v1/sites/:siteId/campaigns/:campaignId: with its latest runs. */
export async function getCampaignRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json(await readCampaign(env, siteId, id));
}

/** PATCH /v1/sites/:siteId/campaigns/:campaignId (editor). */
export async function patchCampaignRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const site = await requireSite(env, siteId);
	const body = await readJsonObject(request, MAX_CAMPAIGN_BODY_BYTES);
	return Response.json(await updateCampaign(env, site, id, body));
}

/** DELETE /v1/sites/:siteId/campaigns/:campaignId (editor): not while scheduled or running. */
export async function deleteCampaignRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	await deleteCampaign(env, siteId, id);
	return new Response(null, { status: 204 });
}

/** POST /v1/sites/:siteId/campaigns/:campaignId/(schedule|pause|resume|cancel) (editor). */
export async function campaignActionRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
	action: CampaignAction,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	return Response.json(await actOnCampaign(env, siteId, id, action));
}

/** POST /v1/sites/:siteId/campaigns/:campaignId/test (editor) `{subscriberIds?}`: the message to the testers now. */
export async function testCampaignRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const site = await requireSite(env, siteId);
	const body = await readJsonObject(request, 8192, { optional: true });
	return Response.json(await testCampaign(env, site, id, body), { status: 202 });
}

/** GET /v1/sites/:siteId/campaigns/:campaignId/runs/:run/report: the run, its counts and its conversions. */
export async function campaignRunReportRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
	run: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	const n = /^[1-9]\d{0,8}$/.test(run) ? Number(run) : Number.NaN;
	if (Number.isNaN(n)) throw badRequest('run', 'must be a run number (1, 2, …)');
	return Response.json(await campaignRunReport(env, siteId, id, n));
}

/** GET /v1/sites/:siteId/campaigns/calendar?from=&to=: runs that started and runs to come (≤ 93 days, ≤ 500). */
export async function campaignCalendarRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	const { from, to } = parseQuery(calendarQuery, new URL(request.url).searchParams);
	const start = from === undefined ? Date.now() : Date.parse(from);
	const end = to === undefined ? start + 31 * 86_400_000 : Date.parse(to);
	if (Number.isNaN(start)) throw badRequest('from', 'must be an ISO-8601 time');
	if (Number.isNaN(end)) throw badRequest('to', 'must be an ISO-8601 time');
	if (end <= start) throw badRequest('to', 'must be after from');
	if (end - start > MAX_CALENDAR_DAYS * 86_400_000) {
		throw badRequest('to', `must be at most ${MAX_CALENDAR_DAYS} days after from`);
	}
	return Response.json({ runs: await campaignCalendar(env, siteId, start, end) });
}
