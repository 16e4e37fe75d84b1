import type { ImportRow } from '../import/rows';

// Inside a site's store: subscribers imported from another push tool, and subscribers by VAPID key.

/** An import row with its endpoint's index hash and the id it gets if new. */
export interface StoredImportRow extends ImportRow {
	hash: number;
	id: string;
}

/**
 * Adds imported subscriptions (allowed, made with `keyId`) whose endpoint the site does not hold yet, in the
 * caller's transaction. A row whose endpoint is already there (an import repeated, or the same endpoint twice in a
 * file) is a duplicate and changes nothing. No `subscribed` event: an import starts no welcome journeys.
 */
export function insertImported(
	sql: SqlStorage,
	rows: readonly StoredImportRow[],
	keyId: string,
	now: number,
): { imported: number; duplicate: number } {
	let imported = 0;
	for (const r of rows) {
		const inserted = sql.exec(
			`INSERT INTO subscribers (id, status, endpoint, endpoint_hash, p256dh, auth, vapid_key_id, push_service,
				external_user_id, last_seen_at, created_at, updated_at)
			SELECT ?, 'allowed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
			WHERE NOT EXISTS (SELECT 1 FROM subscribers WHERE endpoint_hash = ? AND endpoint = ?)`,
			r.id,
			r.endpoint,
			r.hash,
			r.p256dh,
			r.auth,
			keyId,
			r.pushService,
			r.externalUserId,
			now,
			r.createdAt ?? now,
			now,
			r.hash,
			r.endpoint,
		);
		if (inserted.rowsWritten === 0) continue;
		imported++;
		if (r.externalUserId !== null) {
			sql.exec(
				`INSERT INTO users (id, attributes, created_at, updated_at) VALUES (?, '{}', ?, ?)
				ON CONFLICT (id) DO NOTHING`,
				r.externalUserId,
				now,
				now,
			);
		}
	}
	return { imported, duplicate: rows.length - imported };
}

/** How many subscribers with a push subscription each VAPID key id has (null: made before key ids were kept). */
export function countByKey(sql: SqlStorage): Array<{ keyId: string | null; subscribers: number }> {
	return sql
		.exec<{ vapid_key_id: string | null; n: number }>(
			'SELECT vapid_key_id, COUNT(*) AS n FROM subscribers WHERE endpoint IS NOT NULL GROUP BY vapid_key_id',
		)
		.toArray()
		.map((r) => ({ keyId: r.vapid_key_id, subscribers: r.n }));
}

/** Deletes the subscribers whose subscription was made with a key (being deleted); how many went. */
export function deleteByKey(sql: SqlStorage, keyId: string): number {
	return sql.exec('DELETE FROM subscribers WHERE vapid_key_id = ? RETURNING id', keyId).toArray().length;
}
