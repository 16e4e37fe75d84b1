import type * as z from 'zod';
import type { EventBatchResult, UserDetail, UserView } from '#wire';
import type { eventBatch, userPut } from '../api/schemas/audience';
import type { Env } from '../env';
import { badRequest, HttpError } from '../http/errors';
import { siteStore } from '../objects/site-store';
import { DEFAULT_EVENT_RETENTION_DAYS, type EventInput } from '../store/events';
import type { StoredValue } from '../store/users';

// The audience service: user profiles and custom events, over the site's store.

/** Events may be this far in the future (clock skew). */
const FUTURE_SLACK_MS = 5 * 60_000;

/** 404 for a user the site holds nothing about. */
export function userNotFound(id: string): HttpError {
	return new HttpError(404, 'user_not_found', `No user ${id} on this site`);
}

/** Merges attributes into a user (JSON strings are strings, `{date}` objects dates, `null` deletes). */
export async function putUser(
	env: Env,
	siteId: string,
	userId: string,
	input: z.output<typeof userPut>,
	now: number,
): Promise<UserView> {
	const changes: Record<string, StoredValue> = {};
	for (const [name, value] of Object.entries(input.attributes)) {
		if (value === null) changes[name] = null;
		else if (typeof value === 'object') changes[name] = { type: 'date', value: Date.parse(value.date) };
		else changes[name] = { type: typeof value as 'string' | 'number' | 'boolean', value };
	}
	const result = await siteStore(env, siteId).mergeUser(siteId, userId, changes, now);
	if (!result.ok) throw badRequest(result.path, result.message);
	return result.user;
}

/** A user with their devices and recent events, or a 404. */
export async function getUser(env: Env, siteId: string, userId: string, now: number): Promise<UserDetail> {
	const user = await siteStore(env, siteId).user(siteId, userId, now);
	if (!user) throw userNotFound(userId);
	return user;
}

/** Erases a user (their profile, devices and events), or a 404 when the site held none of these. */
export async function eraseUser(env: Env, siteId: string, userId: string): Promise<void> {
	if (!(await siteStore(env, siteId).eraseUser(siteId, userId))) throw userNotFound(userId);
}

/** Records a batch of events; a time in the future (beyond 5 minutes) or older than the retention is a 400. */
export async function trackEvents(
	env: Env,
	siteId: string,
	input: z.output<typeof eventBatch>,
	now: number,
): Promise<EventBatchResult> {
	const oldest = now - DEFAULT_EVENT_RETENTION_DAYS * 86_400_000;
	const events: EventInput[] = input.events.map((e, i) => {
		const time = e.time === undefined ? now : Date.parse(e.time);
		if (time > now + FUTURE_SLACK_MS)
			throw badRequest(`events[${i}].time`, 'must not be more than 5 minutes ahead');
		if (time < oldest) {
			throw badRequest(`events[${i}].time`, `must be within the last ${DEFAULT_EVENT_RETENTION_DAYS} days`);
		}
		return {
			subject: e.userId !== undefined ? `u:${e.userId}` : `s:${e.subscriberId}`,
			name: e.name,
			time,
			id: e.id ?? null,
			properties: e.properties ?? null,
		};
	});
	const result = await siteStore(env, siteId).recordEvents(siteId, events, now);
	return { accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected };
}
