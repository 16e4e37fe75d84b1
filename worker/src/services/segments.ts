import type { Audience, AudienceEstimate, Filter, SegmentView } from '#wire';
import { pathName } from '../api/parse';
import type { Env } from '../env';
import { badRequest, HttpError } from '../http/errors';
import { newId } from '../lib/ids';
import { siteStore } from '../objects/site-store';
import type { Checked } from '../store/audience';

// The audience service: saved segments, reach estimates and audiences checked against a site, for the admin API,
// the console and sends.

/** The value of a store call, or the HttpError of its refusal; a 400's path is put after `prefix`. */
export function unwrap<T>(result: Checked<T>, prefix: PropertyKey[] = []): T {
	if (result.ok) return result.value;
	if (result.status === 400)
		throw badRequest(pathName([...prefix, ...result.path]) || 'body', result.message);
	throw new HttpError(result.status, result.code, result.message);
}

/** An audience checked against the site, saved segments replaced by their filters as they are now. */
export async function resolveAudience(
	env: Env,
	siteId: string,
	audience: Audience,
	prefix = 'audience',
): Promise<Audience> {
	const plain =
		('all' in audience ||
			'subscriberIds' in audience ||
			'userIds' in audience ||
			'categories' in audience ||
			'test' in audience) &&
		audience.exclude === undefined;
	if (plain) return audience;
	return unwrap(await siteStore(env, siteId).resolveAudience(siteId, audience), [prefix]);
}

export async function estimateAudience(
	env: Env,
	siteId: string,
	audience: Audience,
): Promise<AudienceEstimate> {
	return unwrap(await siteStore(env, siteId).estimate(siteId, audience), ['audience']);
}

export async function listSegments(env: Env, siteId: string): Promise<SegmentView[]> {
	return siteStore(env, siteId).segments(siteId);
}

export async function readSegment(env: Env, siteId: string, id: string): Promise<SegmentView> {
	const segment = await siteStore(env, siteId).segment(siteId, id);
	if (!segment) throw new HttpError(404, 'segment_not_found', `No segment ${id} on this site`);
	return segment;
}

export async function createSegment(
	env: Env,
	siteId: string,
	input: { name: string; description?: string | undefined; filter: Filter },
): Promise<SegmentView> {
	const segment = {
		id: newId('seg'),
		name: input.name,
		description: input.description ?? '',
		filter: input.filter,
	};
	return unwrap(await siteStore(env, siteId).saveSegment(siteId, segment, true), ['filter']);
}

export async function updateSegment(
	env: Env,
	siteId: string,
	id: string,
	patch: { name?: string | undefined; description?: string | undefined; filter?: Filter | undefined },
): Promise<SegmentView> {
	const current = await readSegment(env, siteId, id);
	const segment = {
		id,
		name: patch.name ?? current.name,
		description: patch.description ?? current.description,
		filter: patch.filter ?? current.filter,
	};
	return unwrap(await siteStore(env, siteId).saveSegment(siteId, segment, false), ['filter']);
}

export async function deleteSegment(env: Env, siteId: string, id: string): Promise<void> {
	const deleted = unwrap(await siteStore(env, siteId).deleteSegment(siteId, id));
	if (!deleted) throw new HttpError(404, 'segment_not_found', `No segment ${id} on this site`);
}
