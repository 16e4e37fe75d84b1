import type { AttributeValue, UserView } from '#wire';

/** The type an attribute takes with its first value. */
export type AttributeType = 'string' | 'number' | 'boolean' | 'date';

/** An attribute value as the store takes it: dates already as epoch ms, `null` to delete. */
export type StoredValue = { type: AttributeType; value: string | number | boolean } | null;

/** At most this many attributes per user. */
export const MAX_USER_ATTRIBUTES = 50;
/** At most this many attribute names per site. */
export const MAX_SITE_ATTRIBUTES = 200;

/** What a merge returns: the user, or the attribute at fault and why (a 400 naming it). */
export type MergeResult = { ok: true; user: UserView } | { ok: false; path: string; message: string };

interface UserRow extends Record<string, SqlStorageValue> {
	id: string;
	attributes: string;
	created_at: number;
	updated_at: number;
}

/** The site's attribute names and their types (≤ 200 rows). */
export function attributeTypes(sql: SqlStorage): Map<string, AttributeType> {
	const rows = sql
		.exec<{ name: string; type: AttributeType }>('SELECT name, type FROM attribute_defs')
		.toArray();
	return new Map(rows.map((r) => [r.name, r.type]));
}

function userRow(sql: SqlStorage, id: string): UserRow | null {
	return sql.exec<UserRow>('SELECT * FROM users WHERE id = ?', id).toArray()[0] ?? null;
}

/** A row as the API answers it: dates back as `{date}`. */
function toUserView(row: UserRow, types: Map<string, AttributeType>): UserView {
	const stored = JSON.parse(row.attributes) as Record<string, string | number | boolean>;
	const attributes: Record<string, AttributeValue> = {};
	for (const [name, value] of Object.entries(stored)) {
		attributes[name] = types.get(name) === 'date' ? { date: new Date(value as number).toISOString() } : value;
	}
	return {
		userId: row.id,
		attributes,
		createdAt: new Date(row.created_at).toISOString(),
		updatedAt: new Date(row.updated_at).toISOString(),
	};
}

/** A user's profile, or null when the store has no row for them. */
export function findUser(sql: SqlStorage, id: string): UserView | null {
	const row = userRow(sql, id);
	return row ? toUserView(row, attributeTypes(sql)) : null;
}

/**
 * Merges attributes into a user (created if new): `null` deletes a key. A name's type is fixed by its first value;
 * a value of another type, a 51st attribute on the user or a 201st name on the site is refused before anything
 * is written. Run inside a transaction.
 */
export function mergeUser(
	sql: SqlStorage,
	id: string,
	changes: Record<string, StoredValue>,
	now: number,
): MergeResult {
	const types = attributeTypes(sql);
	const row = userRow(sql, id);
	const attributes = JSON.parse(row?.attributes ?? '{}') as Record<string, string | number | boolean>;
	const added: Array<[string, AttributeType]> = [];
	for (const [name, change] of Object.entries(changes)) {
		if (change === null) {
			delete attributes[name];
			continue;
		}
		const known = types.get(name) ?? added.find(([n]) => n === name)?.[1];
		if (known === undefined) added.push([name, change.type]);
		else if (known !== change.type) {
			return {
				ok: false,
				path: `attributes.${name}`,
				message: `is ${known === 'date' ? 'a date' : `a ${known}`} attribute; got ${change.type === 'date' ? 'a date' : `a ${change.type}`}`,
			};
		}
		attributes[name] = change.value;
	}
	if (types.size + added.length > MAX_SITE_ATTRIBUTES) {
		const [name] = added[MAX_SITE_ATTRIBUTES - types.size] ?? added[0] ?? [''];
		return {
			ok: false,
			path: `attributes.${name}`,
			message: `is one attribute name too many: a site has at most ${MAX_SITE_ATTRIBUTES}`,
		};
	}
	if (Object.keys(attributes).length > MAX_USER_ATTRIBUTES) {
		return { ok: false, path: 'attributes', message: `a user has at most ${MAX_USER_ATTRIBUTES} attributes` };
	}
	for (const [name, type] of added) {
		sql.exec('INSERT INTO attribute_defs (name, type, created_at) VALUES (?, ?, ?)', name, type, now);
		types.set(name, type);
	}
	const json = JSON.stringify(attributes);
	const saved = sql
		.exec<UserRow>(
			`INSERT INTO users (id, attributes, created_at, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET attributes = excluded.attributes, updated_at = excluded.updated_at
			RETURNING *`,
			id,
			json,
			now,
			now,
		)
		.one();
	return { ok: true, user: toUserView(saved, types) };
}

/** Deletes a user's row; whether there was one. */
export function deleteUserRow(sql: SqlStorage, id: string): boolean {
	return sql.exec('DELETE FROM users WHERE id = ? RETURNING id', id).toArray().length > 0;
}
