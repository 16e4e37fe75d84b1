/** A site's imported (other than current) VAPID key pair, without its private key. */
export interface ExtraVapidKey {
	keyId: string;
	publicKey: string;
	label: string;
	createdAt: number;
}

/** A VAPID key's public key and sealed private key, with the context its private key was sealed under. */
export interface SealedVapidKey {
	publicKey: string;
	sealed: string;
	context: string;
}

/** The sealing context of an imported key's private key: bound to its site and key id. */
export const extraKeyContext = (siteId: string, keyId: string) => `${siteId}/vapid/${keyId}`;

/**
 * Adds an imported key pair unless the site already holds that key id (an import repeated: the first label stays).
 * Returns whether it was added.
 */
export async function insertExtraVapidKey(
	db: D1Database,
	siteId: string,
	key: ExtraVapidKey,
	sealedPrivateKey: string,
): Promise<boolean> {
	const result = await db
		.prepare(
			`INSERT INTO vapid_keys (site_id, key_id, public_key, private_key, label, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (site_id, key_id) DO NOTHING`,
		)
		.bind(siteId, key.keyId, key.publicKey, sealedPrivateKey, key.label, key.createdAt)
		.run();
	return result.meta.changes > 0;
}

/** A site's imported key pairs, oldest first. */
export async function listExtraVapidKeys(db: D1Database, siteId: string): Promise<ExtraVapidKey[]> {
	const { results } = await db
		.prepare(
			'SELECT key_id, public_key, label, created_at FROM vapid_keys WHERE site_id = ? ORDER BY created_at, key_id',
		)
		.bind(siteId)
		.all<{ key_id: string; public_key: string; label: string; created_at: number }>();
	return results.map((r) => ({
		keyId: r.key_id,
		publicKey: r.public_key,
		label: r.label,
		createdAt: r.created_at,
	}));
}

/** One of a site's key pairs by key id, its current one or an imported one, sealed; null when it has none. */
export async function findSealedVapidKeyById(
	db: D1Database,
	siteId: string,
	keyId: string,
): Promise<SealedVapidKey | null> {
	const row = await db
		.prepare(
			`SELECT vapid_public_key AS public_key, vapid_private_key AS private_key, 1 AS current FROM sites
				WHERE id = ? AND vapid_key_id = ?
			UNION ALL SELECT public_key, private_key, 0 FROM vapid_keys WHERE site_id = ? AND key_id = ?
			LIMIT 1`,
		)
		.bind(siteId, keyId, siteId, keyId)
		.first<{ public_key: string; private_key: string; current: number }>();
	if (!row) return null;
	return {
		publicKey: row.public_key,
		sealed: row.private_key,
		context: row.current ? siteId : extraKeyContext(siteId, keyId),
	};
}

/** Deletes an imported key pair; whether there was one. */
export async function deleteExtraVapidKey(db: D1Database, siteId: string, keyId: string): Promise<boolean> {
	const result = await db
		.prepare('DELETE FROM vapid_keys WHERE site_id = ? AND key_id = ?')
		.bind(siteId, keyId)
		.run();
	return result.meta.changes > 0;
}
