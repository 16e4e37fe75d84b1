import type { WebhookDeliveryView, WebhookEventType, WebhookView } from '#wire';
import { encodeBase64Url } from '../push/base64url';

// Outbound webhooks in the site's store: the endpoints, and one row per call (an event, or a batch of clicks) with
// the body its retries send again. A call costs one row written when made and one update per attempt.

/** Endpoints a site may have. */
export const MAX_WEBHOOKS = 10;
/** Calls are kept this long for the delivery log. */
export const DELIVERY_KEEP_MS = 7 * 86_400_000;
/**
 * Seconds before each retry of a failed call: exponential, about 24 hours in all; the call fails after the last
 * one, and its endpoint is disabled (see README "Webhooks").
 */
export const RETRY_DELAYS_S = [5, 60, 300, 1800, 7200, 18_000, 28_800, 28_800] as const;

export type WebhookRow = {
	id: string;
	url: string;
	description: string;
	events: string;
	secret: string;
	status: 'enabled' | 'disabled';
	disabled_reason: string | null;
	disabled_at: number | null;
	created_at: number;
	updated_at: number;
};

type DeliveryRow = {
	id: string;
	webhook_id: string;
	type: string;
	events: number;
	body: string;
	status: 'pending' | 'delivered' | 'failed';
	attempts: number;
	http_status: number | null;
	latency_ms: number | null;
	last_error: string | null;
	created_at: number;
	last_attempt_at: number | null;
	next_attempt_at: number | null;
};

/** A call made: what the queue message names. */
export interface WebhookCall {
	webhookId: string;
	deliveryId: string;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** A call's id, sent as `webhook-id` (the same on each retry). */
export function newDeliveryId(): string {
	return `msg_${encodeBase64Url(crypto.getRandomValues(new Uint8Array(15)))}`;
}

export function webhookRows(sql: SqlStorage): WebhookRow[] {
	return sql.exec<WebhookRow>('SELECT * FROM webhooks ORDER BY created_at, id').toArray();
}

export function webhookRow(sql: SqlStorage, id: string): WebhookRow | null {
	return sql.exec<WebhookRow>('SELECT * FROM webhooks WHERE id = ?', id).toArray()[0] ?? null;
}

/** The endpoints as listed, each with its last day of calls counted (one query for all). */
export function webhookViews(sql: SqlStorage, now: number, only?: string): WebhookView[] {
	const recent = new Map<string, WebhookView['recent']>();
	for (const r of sql.exec<{ webhook_id: string; status: string; n: number }>(
		`SELECT webhook_id, status, count(*) AS n FROM webhook_deliveries WHERE created_at > ?
			GROUP BY webhook_id, status`,
		now - 86_400_000,
	)) {
		const c = recent.get(r.webhook_id) ?? { delivered: 0, failed: 0, pending: 0 };
		c[r.status as keyof WebhookView['recent']] = r.n;
		recent.set(r.webhook_id, c);
	}
	return webhookRows(sql)
		.filter((r) => only === undefined || r.id === only)
		.map((r) => ({
			webhookId: r.id,
			url: r.url,
			description: r.description,
			events: JSON.parse(r.events) as WebhookEventType[],
			status: r.status,
			disabledReason: r.disabled_reason,
			disabledAt: iso(r.disabled_at),
			createdAt: iso(r.created_at) as string,
			updatedAt: iso(r.updated_at) as string,
			recent: recent.get(r.id) ?? { delivered: 0, failed: 0, pending: 0 },
		}));
}

export function insertWebhook(
	sql: SqlStorage,
	input: { id: string; url: string; description: string; events: readonly string[]; secret: string },
	now: number,
): void {
	sql.exec(
		`INSERT INTO webhooks (id, url, description, events, secret, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'enabled', ?, ?)`,
		input.id,
		input.url,
		input.description,
		JSON.stringify(input.events),
		input.secret,
		now,
		now,
	);
}

/** Applies a change; turning an endpoint on again clears why it was turned off. False: no such endpoint. */
export function updateWebhook(
	sql: SqlStorage,
	id: string,
	patch: {
		url?: string;
		description?: string;
		events?: readonly string[];
		enabled?: boolean;
		secret?: string;
	},
	now: number,
): boolean {
	const row = webhookRow(sql, id);
	if (!row) return false;
	const status = patch.enabled === undefined ? row.status : patch.enabled ? 'enabled' : 'disabled';
	const turnedOff = status === 'disabled' && row.status === 'enabled';
	sql.exec(
		`UPDATE webhooks SET url = ?, description = ?, events = ?, secret = ?, status = ?, disabled_reason = ?,
			disabled_at = ?, updated_at = ? WHERE id = ?`,
		patch.url ?? row.url,
		patch.description ?? row.description,
		patch.events ? JSON.stringify(patch.events) : row.events,
		patch.secret ?? row.secret,
		status,
		status === 'enabled' ? null : turnedOff ? 'Turned off by its owner' : row.disabled_reason,
		status === 'enabled' ? null : turnedOff ? now : row.disabled_at,
		now,
		id,
	);
	return true;
}

export function deleteWebhook(sql: SqlStorage, id: string): boolean {
	const gone = sql.exec('DELETE FROM webhooks WHERE id = ? RETURNING id', id).toArray().length > 0;
	if (gone) sql.exec('DELETE FROM webhook_deliveries WHERE webhook_id = ?', id);
	return gone;
}

/** Records one call per endpoint for an event (inside the caller's transaction); what to queue. */
export function recordCalls(
	sql: SqlStorage,
	webhookIds: readonly string[],
	type: WebhookEventType | 'webhook.test',
	data: unknown,
	events: number,
	now: number,
): WebhookCall[] {
	if (webhookIds.length === 0) return [];
	const calls: WebhookCall[] = [];
	for (const webhookId of webhookIds) {
		const deliveryId = newDeliveryId();
		const body = JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
		sql.exec(
			`INSERT INTO webhook_deliveries (id, webhook_id, type, events, body, status, created_at, next_attempt_at)
				VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
			deliveryId,
			webhookId,
			type,
			events,
			body,
			now,
			now,
		);
		calls.push({ webhookId, deliveryId });
	}
	return calls;
}

/** The log of one endpoint, newest first. */
export function deliveryViews(sql: SqlStorage, webhookId: string, limit: number): WebhookDeliveryView[] {
	return sql
		.exec<DeliveryRow>(
			'SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at DESC, id LIMIT ?',
			webhookId,
			limit,
		)
		.toArray()
		.map((r) => ({
			deliveryId: r.id,
			type: r.type as WebhookDeliveryView['type'],
			events: r.events,
			status: r.status,
			attempts: r.attempts,
			httpStatus: r.http_status,
			latencyMs: r.latency_ms,
			lastError: r.last_error,
			createdAt: iso(r.created_at) as string,
			lastAttemptAt: iso(r.last_attempt_at),
			nextAttemptAt: r.status === 'pending' && r.attempts > 0 ? iso(r.next_attempt_at) : null,
		}));
}

/** What an attempt needs: the endpoint and the body, or why there is nothing to send. */
export type Attempt =
	| { send: true; url: string; sealedSecret: string; body: string; attempt: number }
	| { send: false };

/** Looks up a pending call; a call whose endpoint was turned off or removed fails here, without a request. */
export function beginAttempt(sql: SqlStorage, deliveryId: string, now: number): Attempt {
	const row = sql
		.exec<DeliveryRow & { url: string | null; secret: string | null; hook_status: string | null }>(
			`SELECT d.*, w.url, w.secret, w.status AS hook_status FROM webhook_deliveries d
				LEFT JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ?`,
			deliveryId,
		)
		.toArray()[0];
	if (row?.status !== 'pending') return { send: false };
	if (row.url === null || row.secret === null || row.hook_status !== 'enabled') {
		sql.exec(
			`UPDATE webhook_deliveries SET status = 'failed', last_error = ?, next_attempt_at = NULL,
				last_attempt_at = coalesce(last_attempt_at, ?) WHERE id = ?`,
			row.url === null ? 'The endpoint was deleted' : 'The endpoint is disabled',
			now,
			deliveryId,
		);
		return { send: false };
	}
	return { send: true, url: row.url, sealedSecret: row.secret, body: row.body, attempt: row.attempts + 1 };
}

/** How an attempt went. */
export interface AttemptOutcome {
	ok: boolean;
	httpStatus: number | null;
	latencyMs: number;
	error: string | null;
}

/**
 * Records an attempt. Returns the seconds until the retry, or null when the call is over (delivered, or failed
 * for good: then its endpoint is disabled with the reason).
 */
export function finishAttempt(
	sql: SqlStorage,
	deliveryId: string,
	outcome: AttemptOutcome,
	now: number,
	retryScale: number,
): number | null {
	const row = sql
		.exec<{ attempts: number; webhook_id: string; status: string }>(
			'SELECT attempts, webhook_id, status FROM webhook_deliveries WHERE id = ?',
			deliveryId,
		)
		.toArray()[0];
	if (row?.status !== 'pending') return null;
	const attempts = row.attempts + 1;
	const delay = outcome.ok ? undefined : RETRY_DELAYS_S[attempts - 1];
	const status = outcome.ok ? 'delivered' : delay === undefined ? 'failed' : 'pending';
	const retryIn = delay === undefined ? null : Math.round(delay * retryScale);
	sql.exec(
		`UPDATE webhook_deliveries SET status = ?, attempts = ?, http_status = ?, latency_ms = ?, last_error = ?,
			last_attempt_at = ?, next_attempt_at = ? WHERE id = ?`,
		status,
		attempts,
		outcome.httpStatus,
		outcome.latencyMs,
		outcome.error,
		now,
		retryIn === null ? null : now + retryIn * 1000,
		deliveryId,
	);
	if (status === 'failed') {
		sql.exec(
			`UPDATE webhooks SET status = 'disabled', disabled_reason = ?, disabled_at = ?, updated_at = ?
				WHERE id = ? AND status = 'enabled'`,
			`Disabled after ${attempts} failed attempts over 24 hours; the last: ${outcome.error ?? 'no answer'}`,
			now,
			now,
			row.webhook_id,
		);
	}
	return retryIn;
}

/** Pending calls whose retry is long overdue (a lost queue message): queued again by housekeeping. */
export function overdueCalls(sql: SqlStorage, before: number, limit: number): WebhookCall[] {
	return sql
		.exec<{ id: string; webhook_id: string }>(
			"SELECT id, webhook_id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at < ? LIMIT ?",
			before,
			limit,
		)
		.toArray()
		.map((r) => ({ webhookId: r.webhook_id, deliveryId: r.id }));
}

/** Drops calls older than the log keeps. */
export function trimDeliveries(sql: SqlStorage, now: number): void {
	sql.exec(
		"DELETE FROM webhook_deliveries WHERE created_at < ? AND status <> 'pending'",
		now - DELIVERY_KEEP_MS,
	);
}
