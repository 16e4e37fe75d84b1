import type { Env } from './env';

/** Handled Shopify webhook ids are kept for replay checks well past Shopify's 48-hour retry window. */
export const WEBHOOK_KEEP_MS = 7 * 86_400_000;

/**
 * Scheduled housekeeping of the catalogue, safe to run twice: trims handled Shopify webhook ids. Each site's
 * store keeps itself tidy with its own alarm (stalled dispatches, stale Apple subscriptions, old growth rows).
 */
export async function runHousekeeping(env: Env, now: number): Promise<{ webhooksTrimmed: number }> {
	const { meta } = await env.DB.prepare('DELETE FROM shopify_webhooks WHERE received_at < ?')
		.bind(now - WEBHOOK_KEEP_MS)
		.run();
	return { webhooksTrimmed: meta.changes };
}
