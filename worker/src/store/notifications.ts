import type { Counts, ResourceRef } from '#wire';
import type { Audience, Delivery, Message } from '../sending/message';

/** Delivery counts of one notification, kept by its dispatcher. */
export type { Counts } from '#wire';

/** Failure reasons that end a whole notification, with what the admin is told. */
export const FATAL_REASONS = {
	vapid_key_unavailable:
		"The site's VAPID private key could not be used: MASTER_KEY is missing, malformed or not the one the key was sealed with. Nothing more was sent; restore MASTER_KEY and send again.",
	cancelled:
		'The campaign was cancelled while this run was sending: recipients not yet sent were left out (counted here).',
} as const;

/** A reason that ends a whole notification. */
export type FatalReason = keyof typeof FATAL_REASONS;

/** Why a notification ended early, or null: read from its failure counts. */
export function notificationError(counts: Counts): { code: FatalReason; message: string } | null {
	for (const code of Object.keys(FATAL_REASONS) as FatalReason[]) {
		if (counts.failures[code]) return { code, message: FATAL_REASONS[code] };
	}
	return null;
}

/** A notification as the admin API shows it. */
export interface NotificationRecord {
	id: string;
	siteId: string;
	message: Message;
	audience: Audience;
	delivery: Delivery;
	status: 'queued' | 'sending' | 'done';
	counts: Counts;
	createdAt: number;
	finishedAt: number | null;
	/** A send from a push resource: which, at the version it used. */
	resource?: ResourceRef | null;
	/** Its messages per language (the subscriber's locale picks one; the rest get `message`). */
	translations?: Record<string, Message> | null;
}

/** Zeroed counts. */
export function emptyCounts(): Counts {
	return {
		targeted: 0,
		sent: 0,
		failed: 0,
		gone: 0,
		retried: 0,
		shown: 0,
		clicked: 0,
		closed: 0,
		failures: {},
	};
}

type Row = {
	id: string;
	message: string;
	audience: string;
	delivery: string;
	status: NotificationRecord['status'];
	counts: string;
	created_at: number;
	finished_at: number | null;
	resource: string | null;
	translations: string | null;
};

/*
 * Below: a site's notification history inside its store (SQLite Durable Object, one site per store).
 */

/**
 * Inserts a new notification in state `queued`. With an idempotency key already used on the site, inserts
 * nothing and returns the notification that has it. `automation`: the automation step it is (its report counts it).
 */
export function insertNotification(
	sql: SqlStorage,
	n: NotificationRecord,
	idempotencyKey: string | null,
	automation: { id: string; step: number } | null = null,
): { record: NotificationRecord; duplicate: boolean } {
	if (idempotencyKey !== null) {
		const row = sql
			.exec<Row>('SELECT * FROM notifications WHERE idempotency_key = ?', idempotencyKey)
			.toArray()[0];
		if (row) return { record: toRecord(row, n.siteId), duplicate: true };
	}
	sql.exec(
		`INSERT INTO notifications (id, message, audience, delivery, status, counts, created_at, idempotency_key,
			resource, translations, automation_id, automation_step)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.id,
		JSON.stringify(n.message),
		JSON.stringify(n.audience),
		JSON.stringify(n.delivery),
		n.status,
		JSON.stringify(n.counts),
		n.createdAt,
		idempotencyKey,
		n.resource ? JSON.stringify(n.resource) : null,
		n.translations ? JSON.stringify(n.translations) : null,
		automation?.id ?? null,
		automation?.step ?? null,
	);
	return { record: n, duplicate: false };
}

/** A notification by id, or null. */
export function findNotification(sql: SqlStorage, siteId: string, id: string): NotificationRecord | null {
	const row = sql.exec<Row>('SELECT * FROM notifications WHERE id = ?', id).toArray()[0];
	return row ? toRecord(row, siteId) : null;
}

/** The most recent notifications, newest first. */
export function listNotifications(sql: SqlStorage, siteId: string, limit: number): NotificationRecord[] {
	return sql
		.exec<Row>('SELECT * FROM notifications ORDER BY created_at DESC, id DESC LIMIT ?', limit)
		.toArray()
		.map((row) => toRecord(row, siteId));
}

/** Stores the dispatcher's latest counts and state (one row write); false if the notification is gone. */
export function saveProgress(
	sql: SqlStorage,
	id: string,
	status: NotificationRecord['status'],
	counts: Counts,
	finishedAt: number | null,
): boolean {
	return (
		sql
			.exec(
				'UPDATE notifications SET status = ?, counts = ?, finished_at = ? WHERE id = ? RETURNING id',
				status,
				JSON.stringify(counts),
				finishedAt,
				id,
			)
			.toArray().length > 0
	);
}

/** Ids of notifications not finished, created between `from` and `to` (the dispatchers' backstop). */
export function openNotificationIds(sql: SqlStorage, from: number, to: number, limit: number): string[] {
	return sql
		.exec<{ id: string }>(
			"SELECT id FROM notifications WHERE status <> 'done' AND created_at > ? AND created_at < ? LIMIT ?",
			from,
			to,
			limit,
		)
		.toArray()
		.map((r) => r.id);
}

/** Notifications whose audience names the user, with that audience. */
export function notificationsNamingUser(
	sql: SqlStorage,
	userId: string,
): Array<{ id: string; audience: { userIds?: string[] } }> {
	return sql
		.exec<{ id: string; audience: string }>(
			`SELECT id, audience FROM notifications
			WHERE EXISTS (SELECT 1 FROM json_each(notifications.audience, '$.userIds') WHERE json_each.value = ?)`,
			userId,
		)
		.toArray()
		.map((r) => ({ id: r.id, audience: JSON.parse(r.audience) as { userIds?: string[] } }));
}

/** Removes a user from every notification audience that names them (customer redaction). */
export function forgetUserInAudiences(sql: SqlStorage, userId: string): number {
	const named = notificationsNamingUser(sql, userId);
	for (const n of named) {
		sql.exec(
			'UPDATE notifications SET audience = ? WHERE id = ?',
			JSON.stringify({ ...n.audience, userIds: (n.audience.userIds ?? []).filter((u) => u !== userId) }),
			n.id,
		);
	}
	return named.length;
}

/** Up to `limit` notification ids after `afterId`, by id (shop redaction purges their dispatchers). */
export function notificationIds(sql: SqlStorage, afterId: string, limit: number): string[] {
	return sql
		.exec<{ id: string }>('SELECT id FROM notifications WHERE id > ? ORDER BY id LIMIT ?', afterId, limit)
		.toArray()
		.map((r) => r.id);
}

function toRecord(row: Row, siteId: string): NotificationRecord {
	return {
		id: row.id,
		siteId,
		message: JSON.parse(row.message) as Message,
		audience: JSON.parse(row.audience) as Audience,
		delivery: JSON.parse(row.delivery) as Delivery,
		status: row.status,
		counts: { ...emptyCounts(), ...(JSON.parse(row.counts) as Partial<Counts>) },
		createdAt: row.created_at,
		finishedAt: row.finished_at,
		resource: row.resource === null ? null : (JSON.parse(row.resource) as ResourceRef),
		translations:
			row.translations === null ? null : (JSON.parse(row.translations) as Record<string, Message>),
	};
}
