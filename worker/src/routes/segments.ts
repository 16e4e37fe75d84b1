import { parse } from '../api/parse';
import { estimateRequest, segmentCreate, segmentPatch } from '../api/schemas/segments';
import { subscriberAdminPatch } from '../api/schemas/subscribers';
import type { Env } from '../env';
import { requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { subscriberNotFound } from '../http/errors';
import { siteStore } from '../objects/site-store';
import {
	createSegment,
	deleteSegment,
	estimateAudience,
	listSegments,
	readSegment,
	updateSegment,
} from '../services/segments';
import { subscriber } from '../services/subscribers';

/** A filter of 50 nodes with long values fits. */
const MAX_SEGMENT_BODY_BYTES = 64 * 1024;
/** An audience may list 10,000 subscriber ids. */
const MAX_ESTIMATE_BODY_BYTES = 1_048_576;

/** GET /v1/sites/:siteId/segments: every saved segment, by name. */
export async function listSegmentsRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json({ segments: await listSegments(env, siteId) });
}

/** POST /v1/sites/:siteId/segments (editor): save a named filter. */
export async function createSegmentRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const input = parse(segmentCreate, await readJsonObject(request, MAX_SEGMENT_BODY_BYTES));
	return Response.json(await createSegment(env, siteId, input), { status: 201 });
}

/** GET /v1/sites/:siteId/segments/:segmentId. */
export async function getSegmentRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json(await readSegment(env, siteId, id));
}

/** PATCH /v1/sites/:siteId/segments/:segmentId (editor): rename, describe or change the filter. */
export async function patchSegmentRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const input = parse(segmentPatch, await readJsonObject(request, MAX_SEGMENT_BODY_BYTES));
	return Response.json(await updateSegment(env, siteId, id, input));
}

/** DELETE /v1/sites/:siteId/segments/:segmentId (editor): refused (409) while another segment uses it. */
export async function deleteSegmentRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	await deleteSegment(env, siteId, id);
	return new Response(null, { status: 204 });
}

/** POST /v1/sites/:siteId/audience/estimate: how many an audience selects and reaches. */
export async function estimateRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	const { audience } = parse(estimateRequest, await readJsonObject(request, MAX_ESTIMATE_BODY_BYTES));
	return Response.json(await estimateAudience(env, siteId, audience));
}

/** PATCH /v1/sites/:siteId/subscribers/:subscriberId with a bearer (editor): mark or unmark a tester. */
export async function adminPatchSubscriber(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const { test } = parse(subscriberAdminPatch, await readJsonObject(request, 4096));
	if (!(await siteStore(env, siteId).setTester(siteId, id, test))) throw subscriberNotFound(id);
	return Response.json(await subscriber(env, siteId, id));
}
