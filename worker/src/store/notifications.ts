import type { Audience, Delivery, Message } from '../sending/message';

/** Delivery counts of one notification, kept by its dispatcher. */
export interface Counts {
	targeted: number;
	sent: number;
	failed: number;
	gone: number;
	retried: number;
	shown: number;
	clicked: number;
	closed: number;
	failures: Record<string, number>;
}

/** Failure reasons that end a whole notification, with what the admin is told. */
export const FATAL_REASONS = {
	vapid_key_unavailable:
		"The site's VAPID private key could not be used: MASTER_KEY is missing, malformed or not the one the key was sealed with. Nothing more was sent; restore MASTER_KEY and send again.",
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

interface Row {
	id: string;
	site_id: string;
	message: string;
	audience: string;
	delivery: string;
	status: NotificationRecord['status'];
	counts: string;
	created_at: number;
	finished_at: number | null;
}

/**
 * Inserts a new notification in state `queued`. With an idempotency key already used on the site, inserts
 * nothing and returns the id of the notification that has it.
 */
export async function insertNotification(
	db: D1Database,
	n: NotificationRecord,
	idempotencyKey: string | null,
): Promise<{ id: string; duplicate: boolean }> {
	const row = await db
		.prepare(
			`INSERT INTO notifications (id, site_id, message, audience, delivery, status, counts, created_at, idempotency_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (site_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id`,
		)
		.bind(
			n.id,
			n.siteId,
			JSON.stringify(n.message),
			JSON.stringify(n.audience),
			JSON.stringify(n.delivery),
			n.status,
			JSON.stringify(n.counts),
			n.createdAt,
			idempotencyKey,
		)
		.first<string>('id');
	if (row !== null) return { id: row, duplicate: false };
	const existing = await db
		.prepare('SELECT id FROM notifications WHERE site_id = ? AND idempotency_key = ?')
		.bind(n.siteId, idempotencyKey)
		.first<string>('id');
	if (existing === null) throw new Error('notification insert returned no row');
	return { id: existing, duplicate: true };
}

/** A site's notification by id, or null (another site's id reads as missing). */
export async function findNotification(
	db: D1Database,
	siteId: string,
	id: string,
): Promise<NotificationRecord | null> {
	const row = await db
		.prepare('SELECT * FROM notifications WHERE id = ? AND site_id = ?')
		.bind(id, siteId)
		.first<Row>();
	return row ? toRecord(row) : null;
}

/** The site's most recent notifications, newest first. */
export async function listNotifications(
	db: D1Database,
	siteId: string,
	limit: number,
): Promise<NotificationRecord[]> {
	const { results } = await db
		.prepare('SELECT * FROM notifications WHERE site_id = ? ORDER BY created_at DESC LIMIT ?')
		.bind(siteId, limit)
		.all<Row>();
	return results.map(toRecord);
}

/** Stores the dispatcher's latest counts and state (one row write). */
export async function saveProgress(
	db: D1Database,
	id: string,
	status: NotificationRecord['status'],
	counts: Counts,
	finishedAt: number | null,
): Promise<void> {
	await db
		.prepare('UPDATE notifications SET status = ?, counts = ?, finished_at = ? WHERE id = ?')
		.bind(status, JSON.stringify(counts), finishedAt, id)
		.run();
}

function toRecord(row: Row): NotificationRecord {
	return {
		id: row.id,
		siteId: row.site_id,
		message: JSON.parse(row.message) as Message,
		audience: JSON.parse(row.audience) as Audience,
		delivery: JSON.parse(row.delivery) as Delivery,
		status: row.status,
		counts: { ...emptyCounts(), ...(JSON.parse(row.counts) as Partial<Counts>) },
		createdAt: row.created_at,
		finishedAt: row.finished_at,
	};
}
