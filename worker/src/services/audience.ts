import type * as z from 'zod';
import type { EventBatchResult, UserDetail, UserView } from '#wire';
import type { eventBatch, subscriberEventBatch, userPut } from '../api/schemas/audience';
import type { Env } from '../env';
import { badRequest, HttpError, subscriberNotFound } from '../http/errors';
import { siteStore } from '../objects/site-store';
import { DEFAULT_EVENT_RETENTION_DAYS, type EventInput, SITE_SUBJECT } from '../store/events';
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
	const result = await siteStore(env, siteId).mergeUser(
		siteId,
		userId,
		attributeChanges(input.attributes),
		now,
	);
	if (!result.ok) throw badRequest(result.path, result.message);
	return result.user;
}

/** Parsed attributes as the store merges them (JSON strings are strings, `{date}` objects dates, `null` deletes). */
export function attributeChanges(
	attributes: z.output<typeof userPut>['attributes'],
): Record<string, StoredValue> {
	const changes: Record<string, StoredValue> = {};
	for (const [name, value] of Object.entries(attributes)) {
		if (value === null) changes[name] = null;
		else if (typeof value === 'object') changes[name] = { type: 'date', value: Date.parse(value.date) };
		else changes[name] = { type: typeof value as 'string' | 'number' | 'boolean', value };
	}
	return changes;
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
	const events: EventInput[] = input.events.map((e, i) => ({
		subject: e.site ? SITE_SUBJECT : e.userId !== undefined ? `u:${e.userId}` : `s:${e.subscriberId}`,
		name: e.name,
		time: eventTime(e.time, i, now),
		id: e.id ?? null,
		properties: e.properties ?? null,
	}));
	const result = await siteStore(env, siteId).recordEvents(siteId, events, now);
	const answer: EventBatchResult = {
		accepted: result.accepted,
		duplicates: result.duplicates,
		rejected: result.rejected,
	};
	if (input.events.some((e) => e.site)) answer.notifications = result.notifications;
	return answer;
}

/**
 * Records a browser's own events (`Beckon.track`) on its subscriber, all or nothing: a 404 when the site has no
 * such subscriber, a 400 for a time out of range.
 */
export async function trackSubscriberEvents(
	env: Env,
	siteId: string,
	subscriberId: string,
	input: z.output<typeof subscriberEventBatch>,
	now: number,
): Promise<{ accepted: number; duplicates: number }> {
	const events: EventInput[] = input.events.map((e, i) => ({
		subject: `s:${subscriberId}`,
		name: e.name,
		time: eventTime(e.time, i, now),
		id: e.id ?? null,
		properties: e.properties ?? null,
	}));
	const result = await siteStore(env, siteId).recordEvents(siteId, events, now);
	if (result.rejected.length > 0) throw subscriberNotFound(subscriberId);
	return { accepted: result.accepted, duplicates: result.duplicates };
}

/** An event's time: now when not given; a 400 when beyond 5 minutes ahead or older than the retention. */
function eventTime(iso: string | undefined, index: number, now: number): number {
	const time = iso === undefined ? now : Date.parse(iso);
	if (time > now + FUTURE_SLACK_MS)
		throw badRequest(`events[${index}].time`, 'must not be more than 5 minutes ahead');
	if (time < now - DEFAULT_EVENT_RETENTION_DAYS * 86_400_000) {
		throw badRequest(`events[${index}].time`, `must be within the last ${DEFAULT_EVENT_RETENTION_DAYS} days`);
	}
	return time;
}
