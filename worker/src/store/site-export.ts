// The rows of a site's store as export records, and back. A record is one row as `{type, ...columns}` with the
// columns in camelCase and JSON columns parsed, so an export reads as data and an import writes exactly what was
// read. What is left out (journeys in progress, sent sets, pending dispatcher inputs, counters) is rebuilt or
// not owed; see README "Moving a site".

/** How a column is written in a record: text, an integer, a number, or a JSON object or array (stored as text). */
type Kind = 'text' | 'int' | 'real' | 'object' | 'list';

/** One column: its SQL name, kind, and whether it may be null (a missing nullable field imports as null). */
interface Column {
	sql: string;
	kind: Kind;
	nullable?: boolean;
	/** The record's name for it when camelCase would not do (a column called `type`). */
	field?: string;
}

/** A record type and the store table it is a row of, keyset-paged by `key` (its primary key). */
interface TableSpec {
	type: string;
	table: string;
	key: readonly string[];
	columns: readonly Column[];
}

const t = (sql: string, nullable = false): Column => ({ sql, kind: 'text', nullable });
const i = (sql: string, nullable = false): Column => ({ sql, kind: 'int', nullable });
const r = (sql: string, nullable = false): Column => ({ sql, kind: 'real', nullable });
const j = (sql: string, nullable = false): Column => ({ sql, kind: 'object', nullable });
const l = (sql: string, nullable = false): Column => ({ sql, kind: 'list', nullable });

/** Every exported table, in the order an export writes them (an import needs no order among them). */
export const EXPORT_TABLES: readonly TableSpec[] = [
	{
		type: 'subscriber',
		table: 'subscribers',
		key: ['id'],
		columns: [
			t('id'),
			t('status'),
			t('endpoint', true),
			t('p256dh', true),
			t('auth', true),
			t('vapid_key_id', true),
			t('push_service', true),
			t('browser'),
			t('os'),
			l('categories'),
			t('external_user_id', true),
			t('timezone', true),
			t('locale', true),
			t('last_url', true),
			i('last_seen_at'),
			i('created_at'),
			i('updated_at'),
			t('suspended_from', true),
			i('test'),
		],
	},
	{
		type: 'user',
		table: 'users',
		key: ['id'],
		columns: [t('id'), j('attributes'), i('created_at'), i('updated_at')],
	},
	{
		type: 'attribute_def',
		table: 'attribute_defs',
		key: ['name'],
		columns: [t('name'), { sql: 'type', kind: 'text', field: 'valueType' }, i('created_at')],
	},
	{
		type: 'event_day',
		table: 'event_days',
		key: ['subject', 'name', 'day'],
		columns: [t('subject'), t('name'), i('day'), i('n'), i('first_at'), i('last_at'), l('recent')],
	},
	{
		type: 'segment',
		table: 'segments',
		key: ['id'],
		columns: [t('id'), t('name'), t('description'), j('filter'), i('created_at'), i('updated_at')],
	},
	{
		type: 'resource',
		table: 'resources',
		key: ['id'],
		columns: [t('id'), t('name'), t('name_key'), l('labels'), i('version'), i('created_at'), i('updated_at')],
	},
	{
		type: 'resource_version',
		table: 'resource_versions',
		key: ['resource_id', 'version'],
		columns: [t('resource_id'), i('version'), t('name'), j('message'), j('locales'), i('created_at')],
	},
	{
		type: 'campaign',
		table: 'campaigns',
		key: ['id'],
		columns: [
			t('id'),
			t('name'),
			l('labels'),
			t('state'),
			j('message'),
			j('audience'),
			j('delivery'),
			j('timing'),
			j('experiment'),
			j('schedule', true),
			i('scheduled_at', true),
			i('next_run_at', true),
			i('run_count'),
			t('last_error', true),
			i('created_at'),
			i('updated_at'),
			j('resource', true),
		],
	},
	{
		type: 'campaign_run',
		table: 'campaign_runs',
		key: ['campaign_id', 'run'],
		columns: [
			t('campaign_id'),
			i('run'),
			t('notification_id'),
			i('scheduled_for'),
			i('started_at'),
			i('winner_at', true),
			i('winner_variant', true),
			t('winner_notification_id', true),
		],
	},
	{
		type: 'automation',
		table: 'automations',
		key: ['id'],
		columns: [
			t('id'),
			t('name'),
			i('enabled'),
			j('definition'),
			t('template', true),
			t('last_error', true),
			i('created_at'),
			i('updated_at'),
		],
	},
	{
		type: 'automation_stat',
		table: 'automation_stats',
		key: ['automation_id', 'step'],
		columns: [t('automation_id'), i('step'), i('entered'), i('exited'), i('converted'), r('revenue')],
	},
	{
		type: 'notification',
		table: 'notifications',
		key: ['id'],
		columns: [
			t('id'),
			j('message'),
			j('audience'),
			j('delivery'),
			t('status'),
			j('counts'),
			i('created_at'),
			i('finished_at', true),
			t('idempotency_key', true),
			j('resource', true),
			j('translations', true),
			t('automation_id', true),
			i('automation_step', true),
		],
	},
	{
		type: 'shop_order',
		table: 'shop_orders',
		key: ['id'],
		columns: [t('id'), t('subject'), t('name', true), t('status_url', true), i('created_at')],
	},
	{
		type: 'shop_variant',
		table: 'shop_variants',
		key: ['id'],
		columns: [t('id'), t('product_id'), r('price', true), i('available'), i('updated_at')],
	},
	{
		type: 'staff',
		table: 'staff',
		key: ['id'],
		columns: [
			t('id'),
			t('name', true),
			t('email', true),
			t('timezone', true),
			j('preferences'),
			i('active_at', true),
			i('reminded_at', true),
			i('created_at'),
			i('updated_at'),
		],
	},
	{ type: 'team', table: 'teams', key: ['id'], columns: [t('id'), t('name'), i('created_at')] },
	{
		type: 'team_member',
		table: 'team_members',
		key: ['team_id', 'staff_id'],
		columns: [t('team_id'), t('staff_id')],
	},
	{
		type: 'staff_device',
		table: 'staff_devices',
		key: ['id'],
		columns: [t('id'), t('staff_id'), t('endpoint'), t('p256dh'), t('auth'), t('browser'), i('created_at')],
	},
	{
		type: 'conversation',
		table: 'conversations',
		key: ['id'],
		columns: [
			t('id'),
			t('title', true),
			t('url', true),
			t('assignee', true),
			t('team', true),
			i('read_any_at', true),
			i('created_at'),
			i('updated_at'),
		],
	},
	{
		type: 'conversation_read',
		table: 'conversation_reads',
		key: ['conversation_id', 'staff_id'],
		columns: [t('conversation_id'), t('staff_id'), i('read_at')],
	},
	{
		type: 'conversation_message',
		table: 'conversation_messages',
		key: ['conversation_id', 'id'],
		columns: [t('conversation_id'), t('id'), t('author', true), t('text'), i('created_at')],
	},
	{
		type: 'staff_inbox',
		table: 'staff_inbox',
		key: ['id'],
		columns: [
			t('id'),
			t('staff_id'),
			t('kind'),
			t('conversation_id', true),
			t('title'),
			t('body'),
			t('url', true),
			i('created_at'),
			i('read_at', true),
		],
	},
	{ type: 'daily', table: 'daily', key: ['day'], columns: [t('day'), i('added'), i('removed')] },
];

/**
 * The store's tables an export leaves out, and why: each table is either in {@link EXPORT_TABLES} or here (a test
 * holds the schema to that, so a new table is decided on, never forgotten).
 */
export const NOT_EXPORTED: Readonly<Record<string, string>> = {
	meta: "the store's own facts (which site it holds, housekeeping times); the event retention comes from settings",
	_schema: "the store's migration state",
	counts: 'recomputed from the subscribers as they are written',
	journeys: 'automations in progress start afresh on the new site (a half-walked journey would send twice)',
	automation_sends: 'dispatcher inputs in flight belong to the old site',
	sent_sets: "the frequency cap's recent sends: at most days old, kept per send",
	webhooks:
		'endpoints carry signing secrets sealed for the old site (like API keys, never exported): add them again on the new site',
	webhook_deliveries: "the old site's delivery log and pending retries",
	staff_events: 'staff event ids already handled (idempotency for 7 days) belong to the old site',
};

const BY_TYPE = new Map(EXPORT_TABLES.map((spec) => [spec.type, spec]));

/** The record types of the store's tables. */
export type StoreRecordType = (typeof EXPORT_TABLES)[number]['type'];

/** One exported row. */
export type StoreRecord = { type: string } & Record<string, unknown>;

/** A column's field in a record: its name in camelCase, unless it says otherwise. */
const fieldOf = (c: Column) => c.field ?? c.sql.replace(/_([a-z])/g, (_, l: string) => l.toUpperCase());

/** A keyset position: the key column values of the last row returned. */
export type ExportCursor = SqlStorageValue[];

/** One page of a table's rows as records, and where the next page starts (null after the last). */
export function exportPage(
	sql: SqlStorage,
	type: string,
	after: ExportCursor | null,
	limit: number,
): { records: StoreRecord[]; next: ExportCursor | null } {
	const spec = BY_TYPE.get(type);
	if (!spec) throw new Error(`no export table for ${type}`);
	const names = spec.columns.map((c) => c.sql).join(', ');
	const key = spec.key.join(', ');
	const where = after === null ? '' : `WHERE (${key}) > (${spec.key.map(() => '?').join(', ')})`;
	const rows = sql
		.exec(`SELECT ${names} FROM ${spec.table} ${where} ORDER BY ${key} LIMIT ?`, ...(after ?? []), limit)
		.toArray();
	const records = rows.map((row) => {
		const record: StoreRecord = { type };
		for (const c of spec.columns) {
			const value = row[c.sql];
			const json = c.kind === 'object' || c.kind === 'list';
			record[fieldOf(c)] = json && typeof value === 'string' ? JSON.parse(value) : value;
		}
		return record;
	});
	const last = rows.at(-1);
	const next = rows.length === limit && last ? spec.key.map((k) => last[k] as SqlStorageValue) : null;
	return { records, next };
}

/** Whether a record type is one of the store's tables (others are the site's own: header, keys, trailer). */
export function isStoreRecord(type: string): boolean {
	return BY_TYPE.has(type);
}

/**
 * Checks one store record against its table: every field known and of its kind. Returns the SQL row (column →
 * value, JSON columns as text) or a message naming the field at fault.
 */
export function checkStoreRecord(
	record: StoreRecord,
): { row: Record<string, SqlStorageValue> } | { problem: string } {
	const spec = BY_TYPE.get(record.type);
	if (!spec) return { problem: `type: unknown record type ${JSON.stringify(record.type)}` };
	const known = new Set(spec.columns.map(fieldOf));
	for (const field of Object.keys(record)) {
		if (field !== 'type' && !known.has(field))
			return { problem: `${field}: not a field of a ${spec.type} record` };
	}
	const row: Record<string, SqlStorageValue> = {};
	for (const c of spec.columns) {
		const field = fieldOf(c);
		const value = record[field];
		if (value === undefined || value === null) {
			if (!c.nullable) return { problem: `${field}: is required in a ${spec.type} record` };
			row[c.sql] = null;
		} else if (c.kind === 'list') {
			if (!Array.isArray(value)) return { problem: `${field}: must be an array` };
			row[c.sql] = JSON.stringify(value);
		} else if (c.kind === 'object') {
			if (typeof value !== 'object' || Array.isArray(value))
				return { problem: `${field}: must be an object` };
			row[c.sql] = JSON.stringify(value);
		} else if (c.kind === 'text') {
			if (typeof value !== 'string') return { problem: `${field}: must be a string` };
			row[c.sql] = value;
		} else {
			if (
				typeof value !== 'number' ||
				!Number.isFinite(value) ||
				(c.kind === 'int' && !Number.isSafeInteger(value))
			)
				return { problem: `${field}: must be ${c.kind === 'int' ? 'an integer' : 'a number'}` };
			row[c.sql] = value;
		}
	}
	return { row };
}

/**
 * Inserts checked rows of one type. Nothing an import writes may start work by itself: a scheduled or running
 * campaign comes back paused (never a double send: its old site may still be sending), an unfinished
 * notification done, a run's pending winner pick dropped. `extra` sets columns a record does not carry (a
 * subscriber's endpoint hash).
 */
export function insertStoreRow(
	sql: SqlStorage,
	type: string,
	row: Record<string, SqlStorageValue>,
	extra: Record<string, SqlStorageValue> = {},
): void {
	const spec = BY_TYPE.get(type);
	if (!spec) throw new Error(`no export table for ${type}`);
	const values = { ...row, ...extra };
	if (type === 'campaign' && (values.state === 'scheduled' || values.state === 'running')) {
		values.state = 'paused';
		values.next_run_at = null;
	}
	if (type === 'notification' && values.status !== 'done') {
		values.status = 'done';
		values.finished_at ??= Date.now();
	}
	if (type === 'campaign_run' && values.winner_notification_id === null) values.winner_at = null;
	const names = [...spec.columns.map((c) => c.sql), ...Object.keys(extra)];
	sql.exec(
		`INSERT INTO ${spec.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
		...names.map((n) => values[n] ?? null),
	);
}
