import type { Env } from '../env';
import { requireSiteKey } from '../http/auth';
import { readJsonObject } from '../http/body';
import { HttpError } from '../http/errors';
import { requireSite } from '../http/public';
import { newId } from '../lib/ids';
import { siteStore } from '../objects/site-store';
import { parseSendRequest } from '../sending/message';
import { emptyCounts, type NotificationRecord, notificationError } from '../store/notifications';

function view(n: NotificationRecord) {
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
	};
}

/** POST /v1/sites/:siteId/notifications: validates, stores and hands the send to a new dispatcher (202). */
export async function createNotification(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteKey(request, env, siteId);
	const site = await requireSite(env, siteId);
	const parsed = parseSendRequest(await readJsonObject(request, 64 * 1024), site.origins);
	const { message, audience, delivery } = parsed;
	const header = request.headers.get('idempotency-key');
	if (header !== null && (header.length === 0 || header.length > 128)) {
		throw new HttpError(400, 'invalid_request', 'Idempotency-Key: must be 1–128 characters');
	}
	const idempotencyKey = header ?? parsed.idempotencyKey;
	if (site.disabledAt !== null) {
		throw new HttpError(
			409,
			'site_disabled',
			'Sending is turned off for this site (its Shopify app is uninstalled)',
		);
	}
	const record: NotificationRecord = {
		id: newId('ntf'),
		siteId,
		message,
		audience,
		delivery,
		status: 'queued',
		counts: emptyCounts(),
		createdAt: Date.now(),
		finishedAt: null,
	};
	const inserted = await siteStore(env, siteId).insertNotification(siteId, record, idempotencyKey);
	if (inserted.duplicate) {
		return Response.json({
			notificationId: inserted.record.id,
			status: inserted.record.status,
			duplicate: true,
		});
	}
	await env.DISPATCHER.get(env.DISPATCHER.idFromName(record.id)).start({
		notificationId: record.id,
		siteId,
		message,
		audience,
		delivery,
		homeUrl: site.homeUrl,
		iconUrl: site.iconUrl,
		createdAt: record.createdAt,
	});
	return Response.json({ notificationId: record.id, status: 'queued' }, { status: 202 });
}

/** GET /v1/sites/:siteId/notifications/:id: live status and counts from its dispatcher. */
export async function getNotification(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteKey(request, env, siteId);
	const record = await siteStore(env, siteId).notification(siteId, id);
	if (!record) throw new HttpError(404, 'notification_not_found', `No notification ${id} on this site`);
	const live = await env.DISPATCHER.get(env.DISPATCHER.idFromName(id)).status();
	if (live) {
		record.status = live.status;
		record.counts = live.counts;
		record.finishedAt = live.finishedAt;
	}
	// What this send cost in Durable Object storage (rows written are what is billed), for operators and the bench.
	return Response.json({ ...view(record), storageRowsWritten: live?.rowsWritten ?? null });
}

/** GET /v1/sites/:siteId/notifications?limit=: the most recent notifications with their last saved counts. */
export async function recentNotifications(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteKey(request, env, siteId);
	const raw = new URL(request.url).searchParams.get('limit');
	const limit = raw === null ? 20 : Number(raw);
	if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
		throw new HttpError(400, 'invalid_request', 'limit: must be a whole number from 1 to 100');
	}
	const list = await siteStore(env, siteId).notifications(siteId, limit);
	return Response.json({ notifications: list.map(view) });
}
