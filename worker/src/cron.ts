import type { Env } from './env';

/** Safari never answers 410 after permission is revoked: Apple subscriptions unseen this long are pruned. */
export const APPLE_STALE_MS = 120 * 86_400_000;
const DAILY_KEEP_DAYS = 400;
/** Handled Shopify webhook ids are kept for replay checks well past Shopify's 48-hour retry window. */
export const WEBHOOK_KEEP_MS = 7 * 86_400_000;

/**
 * Scheduled housekeeping, safe to run twice: wakes dispatchers of unfinished notifications (their alarms are
 * the primary driver; this is the backstop), prunes stale Apple subscriptions and trims old growth rows and Shopify webhook ids.
 */
export async function runHousekeeping(env: Env, now: number): Promise<{ resumed: number; pruned: number }> {
	const { results: open } = await env.DB.prepare(
		`SELECT id FROM notifications WHERE status IN ('queued', 'sending') AND created_at < ? AND created_at > ?
		LIMIT 100`,
	)
		.bind(now - 60_000, now - 30 * 86_400_000)
		.all<{ id: string }>();
	for (const { id } of open) await env.DISPATCHER.get(env.DISPATCHER.idFromName(id)).resume();

	const pruned = await env.DB.prepare(
		`DELETE FROM subscribers WHERE id IN (SELECT id FROM subscribers
			WHERE push_service = 'apple' AND status = 'allowed' AND last_seen_at < ? LIMIT 1000) RETURNING id`,
	)
		.bind(now - APPLE_STALE_MS)
		.all();
	const cutoff = new Date(now - DAILY_KEEP_DAYS * 86_400_000).toISOString().slice(0, 10);
	await env.DB.batch([
		env.DB.prepare('DELETE FROM site_daily WHERE day < ?').bind(cutoff),
		env.DB.prepare('DELETE FROM shopify_webhooks WHERE received_at < ?').bind(now - WEBHOOK_KEEP_MS),
	]);
	return { resumed: open.length, pruned: pruned.results.length };
}
