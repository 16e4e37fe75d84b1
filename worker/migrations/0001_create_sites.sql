-- Tenants: one WordPress site, Shopify shop or custom site each, with its own VAPID key pair.
CREATE TABLE sites (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	platform TEXT NOT NULL CHECK (platform IN ('wordpress', 'shopify', 'custom')),
	origins TEXT NOT NULL,               -- JSON array of allowed browser origins
	home_url TEXT NOT NULL,              -- click target of last resort
	icon_url TEXT,                       -- default notification icon
	settings TEXT NOT NULL DEFAULT '{}', -- JSON: prompt settings (public)
	vapid_public_key TEXT NOT NULL,      -- base64url, 65-byte uncompressed point
	vapid_private_key TEXT NOT NULL,     -- base64url(iv || AES-GCM(MASTER_KEY, d)); never leaves the worker
	vapid_key_id TEXT NOT NULL,          -- changes when the key pair rotates
	created_at INTEGER NOT NULL
);

-- Admin API keys, stored as SHA-256 hashes; the key itself is shown once.
CREATE TABLE api_keys (
	key_hash TEXT PRIMARY KEY,
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	prefix TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX api_keys_site ON api_keys (site_id);
