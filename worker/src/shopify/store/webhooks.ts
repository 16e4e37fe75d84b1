/** Whether a webhook delivery (X-Shopify-Webhook-Id) was already handled. */
export async function webhookSeen(db: D1Database, webhookId: string): Promise<boolean> {
	const row = await db
		.prepare('SELECT 1 AS seen FROM shopify_webhooks WHERE webhook_id = ?')
		.bind(webhookId)
		.first('seen');
	return row !== null;
}

/** Records a handled delivery; recording it twice is harmless. */
export async function recordWebhook(
	db: D1Database,
	webhookId: string,
	shop: string,
	topic: string,
	now: number,
): Promise<void> {
	await db
		.prepare(
			`INSERT INTO shopify_webhooks (webhook_id, shop, topic, received_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (webhook_id) DO NOTHING`,
		)
		.bind(webhookId, shop, topic, now)
		.run();
}
