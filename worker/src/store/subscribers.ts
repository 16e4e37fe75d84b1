/** Permission state of a browser for a site (seed 001). */
export type SubscriberStatus = 'ask' | 'allowed' | 'blocked' | 'unsupported' | 'suspended';

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

/** A recipient as the dispatcher pages it. */
export interface AudienceRow {
	id: string;
	endpoint: string;
	p256dh: string;
	auth: string;
	lastUrl: string | null;
}

const AUDIENCE_COLUMNS = 'id, endpoint, p256dh, auth, last_url AS lastUrl';

/**
 * Upserts a browser's report in one transaction and returns its subscriber id and whether it is new.
 * Same endpoint twice = the same subscriber; a known id or old endpoint moves that row to the new endpoint.
 */
export async function upsertSubscriber(
	db: D1Database,
	siteId: string,
	newId: string,
	report: SubscriberReport,
	now: number,
): Promise<{ id: string; created: boolean }> {
	const p = report.push;
	const statements: D1PreparedStatement[] = [];
	const shared = [
		report.status,
		p?.endpoint ?? null,
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
	// Moves an existing row (by id, then by old endpoint) unless another row already holds the new endpoint.
	const move = `UPDATE subscribers SET status = ?, endpoint = ?, p256dh = ?, auth = ?, vapid_key_id = ?,
		push_service = ?, browser = ?, os = ?, categories = COALESCE(?, categories), timezone = COALESCE(?, timezone),
		locale = COALESCE(?, locale), last_url = COALESCE(?, last_url), last_seen_at = ?, updated_at = ?
		WHERE site_id = ? AND %WHERE% AND (? IS NULL OR NOT EXISTS
			(SELECT 1 FROM subscribers WHERE site_id = ? AND endpoint = ?))`;
	if (report.knownId) {
		statements.push(
			db
				.prepare(move.replace('%WHERE%', 'id = ?'))
				.bind(...shared, siteId, report.knownId, p?.endpoint ?? null, siteId, p?.endpoint ?? null),
		);
	}
	if (report.oldEndpoint && p) {
		statements.push(
			db
				.prepare(move.replace('%WHERE%', 'endpoint = ?'))
				.bind(...shared, siteId, report.oldEndpoint, p.endpoint, siteId, p.endpoint),
		);
	}
	if (p) {
		statements.push(
			db
				.prepare(
					`INSERT INTO subscribers (id, site_id, status, endpoint, p256dh, auth, vapid_key_id, push_service,
						browser, os, categories, timezone, locale, last_url, last_seen_at, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, '[]'), ?, ?, ?, ?, ?, ?)
					ON CONFLICT (site_id, endpoint) DO UPDATE SET status = excluded.status, p256dh = excluded.p256dh,
						auth = excluded.auth, vapid_key_id = excluded.vapid_key_id, push_service = excluded.push_service,
						browser = excluded.browser, os = excluded.os,
						categories = CASE WHEN ? IS NULL THEN categories ELSE excluded.categories END,
						timezone = COALESCE(excluded.timezone, timezone), locale = COALESCE(excluded.locale, locale),
						last_url = COALESCE(excluded.last_url, last_url), last_seen_at = excluded.last_seen_at,
						updated_at = excluded.updated_at
					RETURNING id, created_at = ? AS created`,
				)
				.bind(newId, siteId, ...shared.slice(0, 13), now, now, shared[8], now),
		);
	} else {
		// A permission report without a subscription: update the known row (dropping its keys), else insert.
		statements.push(
			db
				.prepare(
					`INSERT INTO subscribers (id, site_id, status, browser, os, categories, timezone, locale, last_url,
						last_seen_at, created_at, updated_at)
					SELECT ?, ?, ?, ?, ?, COALESCE(?, '[]'), ?, ?, ?, ?, ?, ?
					WHERE NOT EXISTS (SELECT 1 FROM subscribers WHERE id = ? AND site_id = ?)`,
				)
				.bind(
					newId,
					siteId,
					report.status,
					report.browser,
					report.os,
					shared[8],
					report.timezone,
					report.locale,
					report.lastUrl,
					now,
					now,
					now,
					report.knownId ?? '',
					siteId,
				),
			db
				.prepare(
					`SELECT id, created_at = ? AS created FROM subscribers WHERE site_id = ? AND id IN (?, ?)
					ORDER BY created_at ASC LIMIT 1`,
				)
				.bind(now, siteId, report.knownId ?? '', newId),
		);
	}
	const results = await db.batch<{ id: string; created: number }>(statements);
	const row = results.at(-1)?.results[0];
	if (!row) throw new Error('subscriber upsert returned no row');
	return { id: row.id, created: row.created === 1 && row.id === newId };
}

/** Records a pageview: the last visited URL (writes only when it changed or an hour passed). */
export async function recordPageview(
	db: D1Database,
	siteId: string,
	id: string,
	url: string,
	now: number,
): Promise<boolean> {
	const updated = await db
		.prepare(
			`UPDATE subscribers SET last_url = ?, last_seen_at = ? WHERE id = ? AND site_id = ?
			AND (last_url IS NOT ? OR last_seen_at < ?) RETURNING id`,
		)
		.bind(url, now, id, siteId, url, now - 3_600_000)
		.first('id');
	if (updated !== null) return true;
	return (await subscriberExists(db, siteId, id)) !== null;
}

/** A subscriber as its site's admins see it: no endpoint, no keys. */
export interface SubscriberView {
	subscriberId: string;
	status: SubscriberStatus;
	pushService: string | null;
	browser: string;
	os: string;
	categories: string[];
	externalUserId: string | null;
	timezone: string | null;
	locale: string | null;
	lastUrl: string | null;
	lastSeenAt: string;
	createdAt: string;
}

/** One subscriber of a site for the admin API, or null. */
export async function findSubscriberView(
	db: D1Database,
	siteId: string,
	id: string,
): Promise<SubscriberView | null> {
	const row = await db
		.prepare(
			`SELECT id, status, push_service, browser, os, categories, external_user_id, timezone, locale, last_url,
				last_seen_at, created_at FROM subscribers WHERE id = ? AND site_id = ?`,
		)
		.bind(id, siteId)
		.first<Record<string, string | number | null>>();
	if (!row) return null;
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
	};
}

/** Whether a subscriber exists for the site; returns its status or null. */
export async function subscriberExists(
	db: D1Database,
	siteId: string,
	id: string,
): Promise<SubscriberStatus | null> {
	return db
		.prepare('SELECT status FROM subscribers WHERE id = ? AND site_id = ?')
		.bind(id, siteId)
		.first<SubscriberStatus>('status');
}

/** Sets a subscriber's permission state; leaving `allowed` forgets the push keys. */
export async function updateStatus(
	db: D1Database,
	siteId: string,
	id: string,
	status: SubscriberStatus,
	now: number,
): Promise<boolean> {
	const keep = status === 'allowed';
	const updated = await db
		.prepare(
			`UPDATE subscribers SET status = CASE WHEN ? = 'allowed' AND endpoint IS NULL THEN 'ask' ELSE ? END,
				endpoint = CASE WHEN ? THEN endpoint END, p256dh = CASE WHEN ? THEN p256dh END,
				auth = CASE WHEN ? THEN auth END, last_seen_at = ?, updated_at = ?
			WHERE id = ? AND site_id = ? RETURNING id`,
		)
		.bind(status, status, keep ? 1 : 0, keep ? 1 : 0, keep ? 1 : 0, now, now, id, siteId)
		.first('id');
	return updated !== null;
}

/** Deletes a subscriber (unsubscribe); false if there was none. */
export async function deleteSubscriber(db: D1Database, siteId: string, id: string): Promise<boolean> {
	// RETURNING counts only this table's rows; meta.changes would include the counter triggers' writes.
	const deleted = await db
		.prepare('DELETE FROM subscribers WHERE id = ? AND site_id = ? RETURNING id')
		.bind(id, siteId)
		.first('id');
	return deleted !== null;
}

/** Deletes subscriptions a push service reported gone, only if each still has the endpoint that was sent to. */
export async function pruneGone(
	db: D1Database,
	siteId: string,
	gone: Array<{ id: string; endpoint: string }>,
): Promise<number> {
	if (gone.length === 0) return 0;
	const stmt = db.prepare(
		'DELETE FROM subscribers WHERE id = ? AND site_id = ? AND endpoint = ? RETURNING id',
	);
	const results = await db.batch(gone.map((g) => stmt.bind(g.id, siteId, g.endpoint)));
	return results.reduce((sum, r) => sum + r.results.length, 0);
}

/** One keyset page of a site's allowed subscribers after `afterId`. */
export async function pageAllowed(
	db: D1Database,
	siteId: string,
	afterId: string,
	limit: number,
): Promise<AudienceRow[]> {
	const { results } = await db
		.prepare(
			`SELECT ${AUDIENCE_COLUMNS} FROM subscribers WHERE site_id = ? AND status = 'allowed' AND id > ?
			ORDER BY id LIMIT ?`,
		)
		.bind(siteId, afterId, limit)
		.all<AudienceRow>();
	return results;
}

/** Allowed subscribers among the given ids or external user ids (≤ 90 per call: D1 binds ≤ 100 values). */
export async function findAllowedBy(
	db: D1Database,
	siteId: string,
	column: 'id' | 'external_user_id',
	values: string[],
): Promise<AudienceRow[]> {
	if (values.length === 0) return [];
	const marks = values.map(() => '?').join(', ');
	const { results } = await db
		.prepare(
			`SELECT ${AUDIENCE_COLUMNS} FROM subscribers WHERE site_id = ? AND status = 'allowed' AND ${column} IN (${marks})
			ORDER BY id`,
		)
		.bind(siteId, ...values)
		.all<AudienceRow>();
	return results;
}

/**
 * Attaches a signed-in user to a browser's subscriber. If another user had it, the subscription moves to the new
 * user and the previous user keeps a `suspended` row pointing at this browser; a suspended row of the new user
 * for this browser is folded back in. Returns the subscriber's status, or null if it does not exist.
 */
export async function identifySubscriber(
	db: D1Database,
	siteId: string,
	id: string,
	userId: string,
	suspendedId: string,
	now: number,
): Promise<SubscriberStatus | null> {
	const row = await db
		.prepare('SELECT status, external_user_id FROM subscribers WHERE id = ? AND site_id = ?')
		.bind(id, siteId)
		.first<{ status: SubscriberStatus; external_user_id: string | null }>();
	if (!row) return null;
	if (row.external_user_id === userId) return row.status;
	const statements: D1PreparedStatement[] = [];
	if (row.external_user_id !== null) {
		statements.push(
			db
				.prepare(
					`INSERT INTO subscribers (id, site_id, status, browser, os, categories, external_user_id, timezone, locale,
						last_url, last_seen_at, created_at, updated_at, suspended_from)
					SELECT ?, site_id, 'suspended', browser, os, categories, external_user_id, timezone, locale, last_url,
						last_seen_at, ?, ?, id FROM subscribers WHERE id = ? AND site_id = ?`,
				)
				.bind(suspendedId, now, now, id, siteId),
		);
	}
	statements.push(
		db
			.prepare('DELETE FROM subscribers WHERE site_id = ? AND suspended_from = ? AND external_user_id = ?')
			.bind(siteId, id, userId),
		db
			.prepare(
				'UPDATE subscribers SET external_user_id = ?, last_seen_at = ?, updated_at = ? WHERE id = ? AND site_id = ?',
			)
			.bind(userId, now, now, id, siteId),
	);
	await db.batch(statements);
	return row.status;
}

/** Replaces a subscriber's chosen categories; false if it does not exist. */
export async function setCategories(
	db: D1Database,
	siteId: string,
	id: string,
	categories: string[],
	now: number,
): Promise<boolean> {
	const updated = await db
		.prepare(
			'UPDATE subscribers SET categories = ?, updated_at = ? WHERE id = ? AND site_id = ? RETURNING id',
		)
		.bind(JSON.stringify(categories), now, id, siteId)
		.first('id');
	return updated !== null;
}

/** One keyset page of allowed subscribers who chose any of the categories. */
export async function pageAllowedInCategories(
	db: D1Database,
	siteId: string,
	categories: string[],
	afterId: string,
	limit: number,
): Promise<AudienceRow[]> {
	const marks = categories.map(() => '?').join(', ');
	const { results } = await db
		.prepare(
			`SELECT ${AUDIENCE_COLUMNS} FROM subscribers WHERE site_id = ? AND status = 'allowed' AND id > ?
			AND EXISTS (SELECT 1 FROM json_each(subscribers.categories) WHERE json_each.value IN (${marks}))
			ORDER BY id LIMIT ?`,
		)
		.bind(siteId, afterId, ...categories, limit)
		.all<AudienceRow>();
	return results;
}
