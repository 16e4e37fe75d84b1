import type { NotificationView, ResourceRef, SendResult } from '#wire';
import type { Env } from '../env';
import { HttpError } from '../http/errors';
import { newId } from '../lib/ids';
import { siteStore } from '../objects/site-store';
import type { Audience, Delivery, Message } from '../sending/message';
import { emptyCounts, type NotificationRecord, notificationError } from '../store/notifications';
import type { Site } from '../store/sites';
import { resolveAudience } from './segments';

// The notification service: sending and reading sends, for the admin API, the console and the Shopify admin.

/** A notification as the admin API shows it. */
export function notificationView(n: NotificationRecord): NotificationView {
	return {
		notificationId: n.id,
		status: n.status,
		message: n.message,
		audience: n.audience,
		delivery: n.delivery,
		counts: n.counts,
		error: notificationError(n.counts),
		createdAt: new Date(n.createdAt).toISOString(),
		finishedAt: n.finishedAt === null ? null : new Date(n.finishedAt).toISOString(),
		...(n.resource ? { resource: n.resource } : {}),
		...(n.translations ? { locales: Object.keys(n.translations) } : {}),
	};
}

/** A validated send. */
export interface SendInput {
	message: Message;
	/** A send from a push resource: which one and version, and its messages per language. */
	resource?: ResourceRef;
	translations?: Record<string, Message> | null;
	audience: Audience;
	delivery: Delivery;
	idempotencyKey: string | null;
}

/**
 * Stores a notification and hands it to a new dispatcher. A repeated idempotency key returns the first send
 * (`duplicate: true`) instead of sending twice; `created` tells the caller which happened.
 */
export async function sendNotification(
	env: Env,
	site: Site,
	input: SendInput,
): Promise<{ result: SendResult; created: boolean }> {
	if (site.disabledAt !== null) {
		throw new HttpError(
			409,
			'site_disabled',
			'Sending is turned off for this site (its Shopify app is uninstalled)',
		);
	}
	// Checked against the site before anything is stored (a bad filter is a 400 that writes nothing), and frozen:
	// the dispatcher pages saved segments as they are now, whatever happens to them during the send.
	const resolved = await resolveAudience(env, site.id, input.audience);
	const { audience, present } = await leaveOutPresent(env, site.id, resolved, input.delivery);
	const counts = emptyCounts();
	if (present > 0) counts.skipped = { present };
	const record: NotificationRecord = {
		id: newId('ntf'),
		siteId: site.id,
		message: input.message,
		audience: input.audience,
		delivery: input.delivery,
		status: 'queued',
		counts,
		createdAt: Date.now(),
		finishedAt: null,
		resource: input.resource ?? null,
		translations: input.translations ?? null,
	};
	const inserted = await siteStore(env, site.id).insertNotification(site.id, record, input.idempotencyKey);
	if (inserted.duplicate) {
		const first = inserted.record;
		return {
			result: { notificationId: first.id, status: first.status, duplicate: true, ...skippedOf(first) },
			created: false,
		};
	}
	await env.DISPATCHER.get(env.DISPATCHER.idFromName(record.id)).start({
		notificationId: record.id,
		siteId: site.id,
		message: input.message,
		audience,
		delivery: input.delivery,
		homeUrl: site.homeUrl,
		iconUrl: site.iconUrl,
		vapidKeyId: site.vapidKeyId,
		createdAt: record.createdAt,
		...(input.translations ? { translations: [input.translations] } : {}),
		...(counts.skipped ? { skipped: counts.skipped } : {}),
	});
	return {
		result: { notificationId: record.id, status: 'queued', ...skippedOf(record) },
		created: true,
	};
}

/**
 * An only-if-away send's audience less the recipients present on the site, read when the send is accepted: the
 * answer can say how many were left out, and a repeated idempotency key never sends later to someone who was here.
 */
async function leaveOutPresent(
	env: Env,
	siteId: string,
	audience: Audience,
	delivery: Delivery,
): Promise<{ audience: Audience; present: number }> {
	if (!delivery.onlyIfAway) return { audience, present: 0 };
	return siteStore(env, siteId).awayAudience(siteId, audience, delivery.onlyIfAway.minutes);
}

/** The answer's `skipped` for an only-if-away send (zero included: the caller asked), else nothing. */
function skippedOf(record: NotificationRecord): Pick<SendResult, 'skipped'> {
	if (!record.delivery.onlyIfAway) return {};
	return { skipped: { present: record.counts.skipped?.present ?? 0 } };
}

/** One notification with its live status and counts from its dispatcher, or a 404. */
export async function readNotification(env: Env, siteId: string, id: string): Promise<NotificationView> {
	const record = await siteStore(env, siteId).notification(siteId, id);
	if (!record) throw new HttpError(404, 'notification_not_found', `No notification ${id} on this site`);
	const live = await env.DISPATCHER.get(env.DISPATCHER.idFromName(id)).status();
	if (live) {
		record.status = live.status;
		record.counts = live.counts;
		record.finishedAt = live.finishedAt;
	}
	// What this send cost in Durable Object storage (rows written are what is billed), for operators and the bench.
	return { ...notificationView(record), storageRowsWritten: live?.rowsWritten ?? null };
}

/** The most recent notifications with their last saved counts. */
export async function recentNotifications(
	env: Env,
	siteId: string,
	limit: number,
): Promise<NotificationView[]> {
	return (await siteStore(env, siteId).notifications(siteId, limit)).map(notificationView);
}
