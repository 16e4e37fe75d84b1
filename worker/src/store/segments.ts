import type { Filter, SegmentView } from '#wire';

// Saved segments in a site's store: a name and a filter tree (docs/SEGMENTS.md). A site holds few (≤ 500), so
// compiling reads them all at once.

/** At most this many saved segments per site. */
export const MAX_SEGMENTS = 500;

interface SegmentRow extends Record<string, SqlStorageValue> {
	id: string;
	name: string;
	description: string;
	filter: string;
	created_at: number;
	updated_at: number;
}

function toView(row: SegmentRow): SegmentView {
	return {
		segmentId: row.id,
		name: row.name,
		description: row.description,
		filter: JSON.parse(row.filter) as Filter,
		createdAt: new Date(row.created_at).toISOString(),
		updatedAt: new Date(row.updated_at).toISOString(),
	};
}

/** Every saved segment's filter by id (what the compiler resolves references with). */
export function segmentFilters(sql: SqlStorage): Map<string, Filter> {
	const rows = sql.exec<{ id: string; filter: string }>('SELECT id, filter FROM segments').toArray();
	return new Map(rows.map((r) => [r.id, JSON.parse(r.filter) as Filter]));
}

export function listSegments(sql: SqlStorage): SegmentView[] {
	return sql
		.exec<SegmentRow>('SELECT * FROM segments ORDER BY name COLLATE NOCASE, id')
		.toArray()
		.map(toView);
}

export function findSegment(sql: SqlStorage, id: string): SegmentView | null {
	const row = sql.exec<SegmentRow>('SELECT * FROM segments WHERE id = ?', id).toArray()[0];
	return row ? toView(row) : null;
}

/** The id of the segment with this name (case-insensitive), if any. */
export function segmentIdByName(sql: SqlStorage, name: string): string | null {
	const row = sql
		.exec<{ id: string }>('SELECT id FROM segments WHERE name = ? COLLATE NOCASE', name)
		.toArray()[0];
	return row?.id ?? null;
}

export function segmentCount(sql: SqlStorage): number {
	return sql.exec<{ n: number }>('SELECT count(*) AS n FROM segments').one().n;
}

/** Inserts or replaces a segment row. */
export function saveSegment(
	sql: SqlStorage,
	segment: { id: string; name: string; description: string; filter: Filter },
	now: number,
): SegmentView {
	sql.exec(
		`INSERT INTO segments (id, name, description, filter, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
			filter = excluded.filter, updated_at = excluded.updated_at`,
		segment.id,
		segment.name,
		segment.description,
		JSON.stringify(segment.filter),
		now,
		now,
	);
	return findSegment(sql, segment.id) as SegmentView;
}

export function deleteSegment(sql: SqlStorage, id: string): boolean {
	return sql.exec('DELETE FROM segments WHERE id = ? RETURNING id', id).toArray().length > 0;
}

/** Whether a filter names the segment anywhere in its tree (directly, not through other segments). */
export function refersTo(filter: Filter, id: string): boolean {
	if ('all' in filter) return filter.all.some((f) => refersTo(f, id));
	if ('any' in filter) return filter.any.some((f) => refersTo(f, id));
	if ('not' in filter) return refersTo(filter.not, id);
	return 'segment' in filter && filter.segment === id;
}

/** The saved segments whose filters name `id`. */
export function segmentsReferring(sql: SqlStorage, id: string): Array<{ segmentId: string; name: string }> {
	return listSegments(sql)
		.filter((s) => s.segmentId !== id && refersTo(s.filter, id))
		.map((s) => ({ segmentId: s.segmentId, name: s.name }));
}

/** A filter with every saved segment it names replaced by that segment's filter (as it is now). */
export function expandSegments(
	filter: Filter,
	segments: ReadonlyMap<string, Filter>,
	seen: string[] = [],
): Filter {
	if ('all' in filter) return { all: filter.all.map((f) => expandSegments(f, segments, seen)) };
	if ('any' in filter) return { any: filter.any.map((f) => expandSegments(f, segments, seen)) };
	if ('not' in filter) return { not: expandSegments(filter.not, segments, seen) };
	if ('segment' in filter) {
		const inner = segments.get(filter.segment);
		// Unknown ids and cycles were refused when compiling; left as they are here, they fail the same way later.
		if (!inner || seen.includes(filter.segment)) return filter;
		return expandSegments(inner, segments, [...seen, filter.segment]);
	}
	return filter;
}
