import type { FrequencyCap } from '#wire';
import { localDay, zonedInstant } from '../campaigns/schedule';
import { isZone } from '../campaigns/timing';

// The frequency cap's memory: which subscribers each capped campaign run was sent to, as one row per page of ids
// (sent_sets), and an index of it in the store's memory (subscriber → times and runs), rebuilt from the rows when the
// object starts. Checking a page costs one read of its subscribers' zones; recording it one row.

/** The cap looks back this far (the weekly cap's 7 days, a day more for time zones). */
export const CAP_LOOKBACK_MS = 8 * 86_400_000;
/** Sent sets are kept this long: the longest goal window (30 days) after the cap's look-back. */
export const SENT_SET_KEEP_MS = CAP_LOOKBACK_MS + 30 * 86_400_000;

/** Subscriber → [time, notification] of the capped campaign pushes of the last 8 days. */
export class SentIndex {
	private readonly byId = new Map<string, Array<[number, string]>>();

	/** Builds the index from the stored sets newer than `since`. */
	static load(sql: SqlStorage, since: number): SentIndex {
		const index = new SentIndex();
		for (const row of sql.exec<{ notification_id: string; sent_at: number; ids: string }>(
			'SELECT notification_id, sent_at, ids FROM sent_sets WHERE sent_at >= ? AND capped = 1',
			since,
		)) {
			index.add(JSON.parse(row.ids) as string[], row.sent_at, row.notification_id);
		}
		return index;
	}

	add(ids: readonly string[], at: number, notificationId: string): void {
		for (const id of ids) {
			const list = this.byId.get(id);
			if (list) list.push([at, notificationId]);
			else this.byId.set(id, [[at, notificationId]]);
		}
	}

	/** Pushes a subscriber got since `since` from runs other than `notificationId`. */
	count(id: string, since: number, notificationId: string): number {
		let n = 0;
		for (const [at, nid] of this.byId.get(id) ?? []) if (at >= since && nid !== notificationId) n++;
		return n;
	}

	/** Forgets what is older than `before`. */
	prune(before: number): void {
		for (const [id, list] of this.byId) {
			const kept = list.filter(([at]) => at >= before);
			if (kept.length === 0) this.byId.delete(id);
			else if (kept.length !== list.length) this.byId.set(id, kept);
		}
	}
}

/** One page of a run for {@link recordPage}: whom it would send to, and its control group's members. */
export interface SentPage {
	notificationId: string;
	seq: number;
	ids: readonly string[];
	held?: readonly string[];
}

/**
 * The ids of a page that the cap (if any) lets through — a subscriber's day is their own zone's calendar day; without
 * a valid zone, `fallbackZone`'s — and records them (and the page's held-out ids) as the page `seq` of
 * `notificationId`; a page recorded before, as after a restart, is not recorded twice. Runs inside one store call:
 * two runs capping at once see each other.
 */
export function recordPage(
	sql: SqlStorage,
	index: SentIndex,
	page: SentPage,
	cap: FrequencyCap | null,
	fallbackZone: string,
	now: number,
): string[] {
	const kept = cap === null ? [...page.ids] : withinCap(sql, index, page, cap, fallbackZone, now);
	const written = sql.exec(
		'INSERT OR IGNORE INTO sent_sets (notification_id, seq, sent_at, ids, held, capped) VALUES (?, ?, ?, ?, ?, ?)',
		page.notificationId,
		page.seq,
		now,
		JSON.stringify(kept),
		JSON.stringify(page.held ?? []),
		cap === null ? 0 : 1,
	).rowsWritten;
	if (written > 0 && cap !== null) index.add(kept, now, page.notificationId);
	return kept;
}

function withinCap(
	sql: SqlStorage,
	index: SentIndex,
	page: SentPage,
	cap: FrequencyCap,
	fallbackZone: string,
	now: number,
): string[] {
	const zones = new Map(
		sql
			.exec<{ id: string; timezone: string | null }>(
				'SELECT id, timezone FROM subscribers WHERE id IN (SELECT value FROM json_each(?))',
				JSON.stringify(page.ids),
			)
			.toArray()
			.map((r) => [r.id, r.timezone ?? '']),
	);
	const dayStarts = new Map<string, number>();
	const dayStart = (zone: string): number => {
		let start = dayStarts.get(zone);
		if (start === undefined) {
			const tz = isZone(zone) ? zone : fallbackZone;
			start = zonedInstant(localDay(now, tz), '00:00', tz);
			dayStarts.set(zone, start);
		}
		return start;
	};
	const weekAgo = now - 7 * 86_400_000;
	return page.ids.filter((id) => {
		if (
			cap.perDay !== undefined &&
			index.count(id, dayStart(zones.get(id) ?? ''), page.notificationId) >= cap.perDay
		) {
			return false;
		}
		return cap.perWeek === undefined || index.count(id, weekAgo, page.notificationId) < cap.perWeek;
	});
}

/** Everyone a run was sent to and held out from (the union of its pages). */
export function runMembers(
	sql: SqlStorage,
	notificationId: string,
): { sent: string[]; held: string[]; at: number | null } {
	const sent: string[] = [];
	const held: string[] = [];
	let at: number | null = null;
	for (const row of sql.exec<{ ids: string; held: string; sent_at: number }>(
		'SELECT ids, held, sent_at FROM sent_sets WHERE notification_id = ? ORDER BY seq',
		notificationId,
	)) {
		sent.push(...(JSON.parse(row.ids) as string[]));
		held.push(...(JSON.parse(row.held) as string[]));
		at ??= row.sent_at;
	}
	return { sent, held, at };
}

/** Deletes sent sets older than the cap looks back. */
export function purgeSentSets(sql: SqlStorage, index: SentIndex | null, now: number): void {
	sql.exec('DELETE FROM sent_sets WHERE sent_at < ?', now - SENT_SET_KEEP_MS);
	index?.prune(now - CAP_LOOKBACK_MS);
}
