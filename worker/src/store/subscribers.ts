import type { Audience, SubscriberStatus, SubscriberView } from '#wire';
import { SqlParams } from '../audience/compile';
import type { RenderContext } from '../sending/liquid';

export type { SubscriberStatus, SubscriberView } from '#wire';

/** The push subscription part of a subscriber. */
export interface PushKeys {
	endpoint: string;
	p256dh: string;
	auth: string;
	pushService: string;
	vapidKeyId: string;
}

/** What a browser reports when it subscribes or reports its permission state. */
export interface SubscriberReport {
	status: SubscriberStatus;
	push: PushKeys | null;
	/** The subscriber id the browser kept from an earlier report, if any. */
	knownId: string | null;
	/** The endpoint the browser had before (pushsubscriptionchange), if any. */
	oldEndpoint: string | null;
	browser: string;
	os: string;
	categories: string[] | null;
	timezone: string | null;
	locale: string | null;
	lastUrl: string | null;
}

/**
 * A recipient as the dispatcher pages it: [id, endpoint, p256dh, auth, lastUrl, vapidKeyId], read as SQL's own row
 * arrays (`raw()`): a page of 1,000 crosses from the store to the dispatcher, and key names were a third of its
 * bytes. The VAPID key id is the key the subscription was made with (null: the site's current key).
 */
export type AudienceTuple = [string, string, string, string, string | null, string | null, RenderContext?];

const AUDIENCE_COLUMNS = 'id, endpoint, p256dh, auth, last_url, vapid_key_id';

/*
 * Everything below runs inside a site's store (a SQLite Durable Object holding one site): synchronous SQL on its
 * own storage, no site_id, and a Durable Object request is one transaction, so the counters the triggers keep
 * commit with the row.
 */

/**
 * The first 53 bits of the endpoint's SHA-256, as a safe integer: the endpoint's index key. Rows are found by it
 * and then compared on the full endpoint, so a collision costs one more row read, never a wrong match.
 */
export async function endpointHash(endpoint: string): Promise<number> {
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(endpoint)));
	let n = (digest[0] as number) & 0x1f;
	for (let i = 1; i < 7; i++) n = n * 256 + (digest[i] as number);
	return n;
}

/** The id of the subscriber holding this endpoint, or null. */
function idByEndpoint(sql: SqlStorage, hash: number, endpoint: string): string | null {
	const row = sql
		.exec<{ id: string }>(
			'SELECT id FROM subscribers WHERE endpoint_hash = ? AND endpoint = ? LIMIT 1',
			hash,
			endpoint,
		)
		.toArray()[0];
	return row?.id ?? null;
}

/** The subscriber a report updates: the endpoint's holder, else the known id, else the old endpoint's holder. */
function reportTarget(
	sql: SqlStorage,
	report: SubscriberReport,
	hashes: { endpoint: number | null; oldEndpoint: number | null },
): string | null {
	const p = report.push;
	let target = p && hashes.endpoint !== null ? idByEndpoint(sql, hashes.endpoint, p.endpoint) : null;
	if (target === null && report.knownId && subscriberStatus(sql, report.knownId) !== null) {
		target = report.knownId;
	}
	if (target === null && p && report.oldEndpoint && hashes.oldEndpoint !== null) {
		target = idByEndpoint(sql, hashes.oldEndpoint, report.oldEndpoint);
	}
	return target;
}

/**
 * Upserts a browser's report and returns its subscriber id and whether it is new. Same endpoint twice = the same
 * subscriber; otherwise a known id, then an old endpoint (pushsubscriptionchange), moves that row to the new
 * endpoint. A report without a subscription leaves its row without keys. `hashes` are {@link endpointHash} of the
 * report's endpoint and old endpoint. `previous` is the status the row had (null when new).
 */
export function upsertSubscriber(
	sql: SqlStorage,
	newId: string,
	report: SubscriberReport,
	now: number,
	hashes: { endpoint: number | null; oldEndpoint: number | null },
): { id: string; created: boolean; previous: SubscriberStatus | null } {
	const p = report.push;
	// In the order of the column lists below: what the report sets, then what it only fills in, then the times.
	const values = [
		report.status,
		p?.endpoint ?? null,
		p ? hashes.endpoint : null,
		p?.p256dh ?? null,
		p?.auth ?? null,
		p?.vapidKeyId ?? null,
		p?.pushService ?? null,
		report.browser,
		report.os,
		report.categories ? JSON.stringify(report.categories) : null,
		report.timezone,
		report.locale,
		report.lastUrl,
		now,
		now,
	];
	const target = reportTarget(sql, report, hashes);
	if (target === null) {
		sql.exec(
			`INSERT INTO subscribers (id, status, endpoint, endpoint_hash, p256dh, auth, vapid_key_id, push_service,
				browser, os, categories, timezone, locale, last_url, last_seen_at, updated_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, '[]'), ?, ?, ?, ?, ?, ?)`,
			newId,
			...values,
			now,
		);
		return { id: newId, created: true, previous: null };
	}
	const previous = subscriberStatus(sql, target);
	sql.exec(
		`UPDATE subscribers SET status = ?, endpoint = ?, endpoint_hash = ?, p256dh = ?, auth = ?, vapid_key_id = ?,
			push_service = ?, browser = ?, os = ?, categories = COALESCE(?, categories),
			timezone = COALESCE(?, timezone), locale = COALESCE(?, locale), last_url = COALESCE(?, last_url),
			last_seen_at = ?, updated_at = ?
		WHERE id = ?`,
		...values,
		target,
	);
	return { id: target, created: false, previous };
}

/**
 * Records a pageview: the last visited URL (writes only when it changed or an hour passed). Returns the rows
 * written, or null when there is no such subscriber.
 */
export function recordPageview(sql: SqlStorage, id: string, url: string, now: number): number | null {
	const cursor = sql.exec(
		`UPDATE subscribers SET last_url = ?, last_seen_at = ? WHERE id = ?
			AND (last_url IS NOT ? OR last_seen_at < ?) RETURNING id`,
		url,
		now,
		id,
		url,
		now - 3_600_000,
	);
	if (cursor.toArray().length > 0) return cursor.rowsWritten;
	return subscriberStatus(sql, id) === null ? null : 0;
}

const VIEW_COLUMNS = `id, status, push_service, browser, os, categories, external_user_id, timezone, locale, last_url,
	last_seen_at, created_at, test`;

function toView(row: Record<string, SqlStorageValue>): SubscriberView {
	return {
		subscriberId: row.id as string,
		status: row.status as SubscriberStatus,
		pushService: row.push_service as string | null,
		browser: row.browser as string,
		os: row.os as string,
		categories: JSON.parse(row.categories as string) as string[],
		externalUserId: row.external_user_id as string | null,
		timezone: row.timezone as string | null,
		locale: row.locale as string | null,
		lastUrl: row.last_url as string | null,
		lastSeenAt: new Date(row.last_seen_at as number).toISOString(),
		createdAt: new Date(row.created_at as number).toISOString(),
		test: row.test === 1,
	};
}

/** One subscriber for the admin API, or null. */
export function findSubscriberView(sql: SqlStorage, id: string): SubscriberView | null {
	const row = sql.exec(`SELECT ${VIEW_COLUMNS} FROM subscribers WHERE id = ?`, id).toArray()[0];
	return row ? toView(row) : null;
}

/** Every subscriber row tied to a signed-in user (suspended ones included), oldest first. */
export function subscribersOfUser(sql: SqlStorage, userId: string): SubscriberView[] {
	return sql
		.exec(
			`SELECT ${VIEW_COLUMNS} FROM subscribers WHERE external_user_id = ? ORDER BY created_at, id`,
			userId,
		)
		.toArray()
		.map(toView);
}

/** Deletes every subscriber row tied to a user (customer redaction); how many went. */
export function deleteUser(sql: SqlStorage, userId: string): number {
	return sql.exec('DELETE FROM subscribers WHERE external_user_id = ? RETURNING id', userId).toArray().length;
}

/** A subscriber's status, or null when it does not exist. */
export function subscriberStatus(sql: SqlStorage, id: string): SubscriberStatus | null {
	const row = sql
		.exec<{ status: SubscriberStatus }>('SELECT status FROM subscribers WHERE id = ?', id)
		.toArray()[0];
	return row?.status ?? null;
}

/** Sets a subscriber's permission state; leaving `allowed` forgets the push keys. */
export function updateStatus(sql: SqlStorage, id: string, status: SubscriberStatus, now: number): boolean {
	const keep = status === 'allowed' ? 1 : 0;
	return (
		sql
			.exec(
				`UPDATE subscribers SET status = CASE WHEN ? = 'allowed' AND endpoint IS NULL THEN 'ask' ELSE ? END,
					endpoint = CASE WHEN ? THEN endpoint END, endpoint_hash = CASE WHEN ? THEN endpoint_hash END,
					p256dh = CASE WHEN ? THEN p256dh END, auth = CASE WHEN ? THEN auth END, last_seen_at = ?, updated_at = ?
				WHERE id = ? RETURNING id`,
				status,
				status,
				keep,
				keep,
				keep,
				keep,
				now,
				now,
				id,
			)
			.toArray().length > 0
	);
}

/** Deletes a subscriber (unsubscribe); false if there was none. */
export function deleteSubscriber(sql: SqlStorage, id: string): boolean {
	return sql.exec('DELETE FROM subscribers WHERE id = ? RETURNING id', id).toArray().length > 0;
}

/** Deletes subscriptions a push service reported gone, only if each still has the endpoint that was sent to. */
export function pruneGone(
	sql: SqlStorage,
	gone: ReadonlyArray<{ id: string; endpoint: string }>,
): Array<{ id: string; external_user_id: string | null }> {
	const pruned: Array<{ id: string; external_user_id: string | null }> = [];
	for (const g of gone) {
		pruned.push(
			...sql
				.exec<{ id: string; external_user_id: string | null }>(
					'DELETE FROM subscribers WHERE id = ? AND endpoint = ? RETURNING id, external_user_id',
					g.id,
					g.endpoint,
				)
				.toArray(),
		);
	}
	return pruned;
}

/** Deletes allowed Apple subscriptions unseen since `before` (Safari never answers 410); the ones that went. */
export function pruneStaleApple(
	sql: SqlStorage,
	before: number,
	limit: number,
): Array<{ id: string; external_user_id: string | null }> {
	return sql
		.exec<{ id: string; external_user_id: string | null }>(
			`DELETE FROM subscribers WHERE id IN (SELECT id FROM subscribers
				WHERE push_service = 'apple' AND status = 'allowed' AND last_seen_at < ? LIMIT ?)
				RETURNING id, external_user_id`,
			before,
			limit,
		)
		.toArray();
}

/** One keyset page of the allowed subscribers after `afterId`. */
export function pageAllowed(sql: SqlStorage, afterId: string, limit: number): AudienceTuple[] {
	return audience(
		sql.exec(
			`SELECT ${AUDIENCE_COLUMNS} FROM subscribers WHERE status = 'allowed' AND id > ? ORDER BY id LIMIT ?`,
			afterId,
			limit,
		),
	);
}

/** Allowed subscribers among the given ids or external user ids, by id. */
export function findAllowedBy(
	sql: SqlStorage,
	column: 'id' | 'external_user_id',
	values: readonly string[],
): AudienceTuple[] {
	if (values.length === 0) return [];
	return audience(
		sql.exec(
			`SELECT ${AUDIENCE_COLUMNS} FROM subscribers WHERE status = 'allowed'
			AND ${column} IN (SELECT value FROM json_each(?)) ORDER BY id`,
			JSON.stringify(values),
		),
	);
}

/** One keyset page of the allowed subscribers who chose any of the categories. */
export function pageAllowedInCategories(
	sql: SqlStorage,
	categories: readonly string[],
	afterId: string,
	limit: number,
): AudienceTuple[] {
	return audience(
		sql.exec(
			`SELECT ${AUDIENCE_COLUMNS} FROM subscribers WHERE status = 'allowed' AND id > ?
			AND EXISTS (SELECT 1 FROM json_each(subscribers.categories)
				WHERE json_each.value IN (SELECT value FROM json_each(?)))
			ORDER BY id LIMIT ?`,
			afterId,
			JSON.stringify(categories),
			limit,
		),
	);
}

/** An audience query's rows as tuples, in the order of AUDIENCE_COLUMNS. */
function audience(cursor: SqlStorageCursor<Record<string, SqlStorageValue>>): AudienceTuple[] {
	return Array.from(cursor.raw()) as AudienceTuple[];
}

/**
 * Attaches a signed-in user to a browser's subscriber. If another user had it, the subscription moves to the new
 * user and the previous user keeps a `suspended` row pointing at this browser; a suspended row of the new user
 * for this browser is folded back in. Returns the subscriber's status, or null if it does not exist.
 */
export function identifySubscriber(
	sql: SqlStorage,
	id: string,
	userId: string,
	suspendedId: string,
	now: number,
): SubscriberStatus | null {
	const row = sql
		.exec<{ status: SubscriberStatus; external_user_id: string | null }>(
			'SELECT status, external_user_id FROM subscribers WHERE id = ?',
			id,
		)
		.toArray()[0];
	if (!row) return null;
	if (row.external_user_id === userId) return row.status;
	if (row.external_user_id !== null) {
		sql.exec(
			`INSERT INTO subscribers (id, status, browser, os, categories, external_user_id, timezone, locale, last_url,
				last_seen_at, created_at, updated_at, suspended_from)
			SELECT ?, 'suspended', browser, os, categories, external_user_id, timezone, locale, last_url, last_seen_at,
				?, ?, id FROM subscribers WHERE id = ?`,
			suspendedId,
			now,
			now,
			id,
		);
	}
	sql.exec('DELETE FROM subscribers WHERE suspended_from = ? AND external_user_id = ?', id, userId);
	sql.exec(
		'UPDATE subscribers SET external_user_id = ?, last_seen_at = ?, updated_at = ? WHERE id = ?',
		userId,
		now,
		now,
		id,
	);
	return row.status;
}

/** Replaces a subscriber's chosen categories; false if it does not exist. */
export function setCategories(sql: SqlStorage, id: string, categories: string[], now: number): boolean {
	return (
		sql
			.exec(
				'UPDATE subscribers SET categories = ?, updated_at = ? WHERE id = ? RETURNING id',
				JSON.stringify(categories),
				now,
				id,
			)
			.toArray().length > 0
	);
}

/** Marks a subscriber as a tester or not; false if it does not exist. */
export function setTester(sql: SqlStorage, id: string, test: boolean, now: number): boolean {
	return (
		sql
			.exec(
				'UPDATE subscribers SET test = ?, updated_at = ? WHERE id = ? RETURNING id',
				test ? 1 : 0,
				now,
				id,
			)
			.toArray().length > 0
	);
}

/** What the console's subscriber list filters on; every field optional. */
export interface SubscriberFilter {
	/** A subscriber id, the start of a user id, or part of the last visited URL. */
	q?: string;
	status?: SubscriberStatus;
	browser?: string;
	category?: string;
	userId?: string;
	/** A saved segment or an ad-hoc filter (docs/SEGMENTS.md): `{segment}` or `{filter}`. */
	audience?: Audience;
}

/**
 * One page of subscribers matching a filter, newest first. Keyset on SQLite's rowid (rows get increasing rowids
 * as they are inserted), so paging needs no index of its own and costs nothing at subscribe time. `before` is the
 * rowid the previous page ended at (null for the first page). `segment` is a compiled audience predicate over
 * `s` and `u` (store/audience.ts) with its parameters, built on `params`.
 */
export function searchSubscribers(
	sql: SqlStorage,
	filter: SubscriberFilter,
	before: number | null,
	limit: number,
	params: SqlParams = new SqlParams(),
	segment: string | null = null,
): { rows: SubscriberView[]; next: number | null } {
	const where: string[] = segment === null ? [] : [segment];
	const p = (value: SqlStorageValue) => params.p(value);
	if (before !== null) where.push(`s.rowid < ${p(before)}`);
	if (filter.status) where.push(`s.status = ${p(filter.status)}`);
	if (filter.browser) where.push(`s.browser = ${p(filter.browser)}`);
	if (filter.userId) where.push(`s.external_user_id = ${p(filter.userId)}`);
	if (filter.category) {
		where.push(
			`EXISTS (SELECT 1 FROM json_each(s.categories) WHERE json_each.value = ${p(filter.category)})`,
		);
	}
	if (filter.q) {
		const like = filter.q.replace(/[\\%_]/g, (c) => `\\${c}`);
		where.push(
			`(s.id = ${p(filter.q)} OR s.external_user_id LIKE ${p(`${like}%`)} ESCAPE '\\' OR s.last_url LIKE ${p(`%${like}%`)} ESCAPE '\\')`,
		);
	}
	const columns = VIEW_COLUMNS.split(',')
		.map((c) => `s.${c.trim()}`)
		.join(', ');
	const rows = sql
		.exec(
			`SELECT s.rowid AS row_number, ${columns} FROM subscribers s
			${segment === null ? '' : 'LEFT JOIN users u ON u.id = s.external_user_id'}
			${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.rowid DESC LIMIT ${p(limit)}`,
			...params.args,
		)
		.toArray();
	const last = rows.at(-1);
	return {
		rows: rows.map(toView),
		next: rows.length === limit && last ? (last.row_number as number) : null,
	};
}
