import type { Audience } from '#wire';
import { estimateAudience } from './audience';
import { dayOf } from './events';

// Presence for "only if away" sends, read from the `pageview` event days: their `last_at` moves on every pageview
// (subscribers.last_seen_at does not: a pageview of the same page within the hour leaves it), so presence costs no
// write of its own, and a read is one primary-key seek per subscriber and day.

/** The listed subscribers with a pageview at or after `since`. */
function presentSubscribers(sql: SqlStorage, ids: readonly string[], since: number): Set<string> {
	const rows = sql
		.exec<{ id: string }>(
			`SELECT DISTINCT substr(subject, 3) AS id FROM event_days
			WHERE subject IN (SELECT 's:' || value FROM json_each(?)) AND name = 'pageview' AND day >= ? AND last_at >= ?`,
			JSON.stringify(ids),
			dayOf(since),
			since,
		)
		.toArray();
	return new Set(rows.map((r) => r.id));
}

/** The listed users one of whose devices (subscribers, whatever their permission) had a pageview since `since`. */
function presentUsers(sql: SqlStorage, ids: readonly string[], since: number): Set<string> {
	const rows = sql
		.exec<{ id: string }>(
			`SELECT DISTINCT s.external_user_id AS id FROM subscribers s
			JOIN event_days e ON e.subject = 's:' || s.id AND e.name = 'pageview' AND e.day >= ? AND e.last_at >= ?
			WHERE s.external_user_id IN (SELECT value FROM json_each(?))`,
			dayOf(since),
			since,
			JSON.stringify(ids),
		)
		.toArray();
	return new Set(rows.map((r) => r.id));
}

/**
 * A 1:1 audience (subscriberIds or userIds) less the ids present on the site, that is with a pageview within the
 * last `windowMs` milliseconds, and how many subscribers a send would have reached among those left out. Other
 * audiences are returned as they are.
 */
export function awayAudience(
	sql: SqlStorage,
	audience: Audience,
	windowMs: number,
	now: number,
): { audience: Audience; present: number } {
	const since = now - windowMs;
	let present: string[];
	let narrowed: Audience;
	if ('subscriberIds' in audience) {
		const found = presentSubscribers(sql, audience.subscriberIds, since);
		present = [...found];
		narrowed = { ...audience, subscriberIds: audience.subscriberIds.filter((id) => !found.has(id)) };
	} else if ('userIds' in audience) {
		const found = presentUsers(sql, audience.userIds, since);
		present = [...found];
		narrowed = { ...audience, userIds: audience.userIds.filter((id) => !found.has(id)) };
	} else return { audience, present: 0 };
	if (present.length === 0) return { audience, present: 0 };
	const left = 'subscriberIds' in audience ? { subscriberIds: present } : { userIds: present };
	return { audience: narrowed, present: estimateAudience(sql, { ...audience, ...left }, now).reachable };
}
