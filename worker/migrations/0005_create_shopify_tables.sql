-- Shopify app: one Beckon site per shop, created on the first authenticated admin request after install.
CREATE TABLE shopify_shops (
	shop TEXT PRIMARY KEY,            -- <name>.myshopify.com
	site_id TEXT NOT NULL,            -- the shop's Beckon site
	api_key TEXT NOT NULL,            -- the site's API key sealed with MASTER_KEY: Shopify routes call the site API with it
	name TEXT NOT NULL,
	primary_url TEXT NOT NULL,        -- storefront home (primary domain), base of product and collection links
	installed_at INTEGER NOT NULL,
	uninstalled_at INTEGER,           -- set by app/uninstalled; data is kept until shop/redact
	embed_synced_at INTEGER           -- when the app embed's metafields were written; NULL = on the next admin request
);
CREATE UNIQUE INDEX shopify_shops_site ON shopify_shops (site_id);

-- Shopify sessions (offline, expiring access tokens with refresh tokens). Tokens are sealed with MASTER_KEY.
CREATE TABLE shopify_sessions (
	id TEXT PRIMARY KEY,              -- offline_<shop>
	shop TEXT NOT NULL,
	is_online INTEGER NOT NULL DEFAULT 0,
	scope TEXT,
	expires_at INTEGER,               -- access token expiry (ms)
	access_token TEXT NOT NULL,
	refresh_token TEXT,
	refresh_token_expires_at INTEGER,
	updated_at INTEGER NOT NULL
);
CREATE INDEX shopify_sessions_shop ON shopify_sessions (shop);

-- Webhook deliveries already handled (X-Shopify-Webhook-Id): a redelivery or replay is acknowledged, not redone.
CREATE TABLE shopify_webhooks (
	webhook_id TEXT PRIMARY KEY,
	shop TEXT NOT NULL,
	topic TEXT NOT NULL,
	received_at INTEGER NOT NULL
);
CREATE INDEX shopify_webhooks_shop ON shopify_webhooks (shop);

-- customers/data_request: the customer's data, exported for the store owner to hand over (admin page).
CREATE TABLE shopify_data_requests (
	id TEXT PRIMARY KEY,              -- Shopify's data_request.id (so a redelivery does not export twice)
	shop TEXT NOT NULL,
	customer_id TEXT NOT NULL,
	export TEXT NOT NULL,             -- JSON
	created_at INTEGER NOT NULL
);
CREATE INDEX shopify_data_requests_shop ON shopify_data_requests (shop, created_at DESC);

-- A site that must not send (its Shopify app was uninstalled): new notifications are refused (409) and queue
-- consumers skip batches of notifications already under way. NULL = sending allowed.
ALTER TABLE sites ADD COLUMN disabled_at INTEGER;
