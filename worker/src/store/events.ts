import type { EventOccurrence } from '#wire';

/** Event rows older than this many days are deleted by housekeeping unless the store's meta says otherwise. */
export const DEFAULT_EVENT_RETENTION_DAYS = 90;
/** Occurrences kept per subject × event × day (and the window in which an event id is recognised). */
export const RECENT_PER_DAY = 10;
const DAY_MS = 86_400_000;

/** The subject of the site's own events (a post published): broadcast automations start on them. */
export const SITE_SUBJECT = 'site';

/** One event as the store takes it; `subject` is `u:<userId>`, `s:<subscriberId>` or {@link SITE_SUBJECT}. */
export interface EventInput {
	subject: string;
	name: string;
	time: number;
	id: string | null;
	properties: Record<string, string | number | boolean> | null;
}

interface Occurrence {
	id?: string;
	t: number;
	p?: Record<string, string | number | boolean>;
}

/** The UTC day number of a time. */
export const dayOf = (time: number) => Math.floor(time / DAY_MS);

/**
 * Records events: grouped by subject × name × day first, so each group is one read and one upsert however many
 * events it holds. An event whose id is among its group's kept occurrences (or earlier in the batch) is a
 * duplicate and counts nothing. Returns the counts, the rows SQLite reports written (the billing measure) and the
 * events that were new (what automations react to).
 */
export function recordEvents(
	sql: SqlStorage,
	events: readonly EventInput[],
): { accepted: number; duplicates: number; rowsWritten: number; fresh: EventInput[] } {
	const groups = new Map<string, EventInput[]>();
	for (const e of events) {
		const key = JSON.stringify([e.subject, e.name, dayOf(e.time)]);
		const group = groups.get(key);
		if (group) group.push(e);
		else groups.set(key, [e]);
	}
	let accepted = 0;
	let duplicates = 0;
	let rowsWritten = 0;
	const recorded: EventInput[] = [];
	for (const group of groups.values()) {
		const first = group[0] as EventInput;
		const day = dayOf(first.time);
		const row = sql
			.exec<{ recent: string }>(
				'SELECT recent FROM event_days WHERE subject = ? AND name = ? AND day = ?',
				first.subject,
				first.name,
				day,
			)
			.toArray()[0];
		const recent = JSON.parse(row?.recent ?? '[]') as Occurrence[];
		const seen = new Set(recent.flatMap((o) => (o.id === undefined ? [] : [o.id])));
		const fresh: EventInput[] = [];
		for (const e of group) {
			if (e.id !== null && seen.has(e.id)) {
				duplicates++;
				continue;
			}
			if (e.id !== null) seen.add(e.id);
			fresh.push(e);
		}
		if (fresh.length === 0) continue;
		accepted += fresh.length;
		recorded.push(...fresh);
		for (const e of fresh) {
			const o: Occurrence = { t: e.time };
			if (e.id !== null) o.id = e.id;
			if (e.properties) o.p = e.properties;
			recent.push(o);
		}
		recent.sort((a, b) => a.t - b.t);
		const kept = recent.slice(-RECENT_PER_DAY);
		const times = fresh.map((e) => e.time);
		const cursor = sql.exec(
			`INSERT INTO event_days (subject, name, day, n, first_at, last_at, recent) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (subject, name, day) DO UPDATE SET n = n + excluded.n,
				first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at),
				recent = excluded.recent`,
			first.subject,
			first.name,
			day,
			fresh.length,
			Math.min(...times),
			Math.max(...times),
			JSON.stringify(kept),
		);
		cursor.toArray();
		rowsWritten += cursor.rowsWritten;
	}
	return { accepted, duplicates, rowsWritten, fresh: recorded };
}

/** A subject's kept occurrences from `sinceDay` on, newest first, at most `limit`. */
export function recentEvents(
	sql: SqlStorage,
	subject: string,
	sinceDay: number,
	limit: number,
): EventOccurrence[] {
	const rows = sql
		.exec<{ name: string; recent: string }>(
			'SELECT name, recent FROM event_days WHERE subject = ? AND day >= ?',
			subject,
			sinceDay,
		)
		.toArray();
	const out: EventOccurrence[] = [];
	for (const row of rows) {
		for (const o of JSON.parse(row.recent) as Occurrence[]) {
			out.push({
				name: row.name,
				time: new Date(o.t).toISOString(),
				id: o.id ?? null,
				properties: o.p ?? {},
			});
		}
	}
	return out.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)).slice(0, limit);
}

/** Every event day of a subject (data requests), oldest first. */
export function eventDays(
	sql: SqlStorage,
	subject: string,
): Array<{ name: string; day: string; count: number; occurrences: EventOccurrence[] }> {
	return sql
		.exec<{ name: string; day: number; n: number; recent: string }>(
			'SELECT name, day, n, recent FROM event_days WHERE subject = ? ORDER BY day, name',
			subject,
		)
		.toArray()
		.map((r) => ({
			name: r.name,
			day: new Date(r.day * DAY_MS).toISOString().slice(0, 10),
			count: r.n,
			occurrences: (JSON.parse(r.recent) as Occurrence[]).map((o) => ({
				name: r.name,
				time: new Date(o.t).toISOString(),
				id: o.id ?? null,
				properties: o.p ?? {},
			})),
		}));
}

/** Deletes a subject's event rows; how many went. */
export function deleteEventsOf(sql: SqlStorage, subject: string): number {
	return sql.exec('DELETE FROM event_days WHERE subject = ? RETURNING day', subject).toArray().length;
}

/** Deletes the event rows of a user's subscribers (before the subscribers themselves go). */
export function deleteSubscriberEventsOfUser(sql: SqlStorage, userId: string): number {
	return sql
		.exec(
			`DELETE FROM event_days WHERE subject IN (SELECT 's:' || id FROM subscribers WHERE external_user_id = ?)
			RETURNING day`,
			userId,
		)
		.toArray().length;
}

/** Deletes event rows of days before `beforeDay` (retention). */
export function purgeEvents(sql: SqlStorage, beforeDay: number): number {
	return sql.exec('DELETE FROM event_days WHERE day < ?', beforeDay).rowsWritten;
}

/** Which of these subscriber ids exist. */
export function existingSubscribers(sql: SqlStorage, ids: readonly string[]): Set<string> {
	const found = new Set<string>();
	for (let i = 0; i < ids.length; i += 100) {
		const slice = ids.slice(i, i + 100);
		const rows = sql
			.exec<{ id: string }>(
				`SELECT id FROM subscribers WHERE id IN (${slice.map(() => '?').join(', ')})`,
				...slice,
			)
			.toArray();
		for (const r of rows) found.add(r.id);
	}
	return found;
}
