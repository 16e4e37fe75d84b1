-- A site's other VAPID key pairs (issue 15): key pairs imported with subscribers from another push tool, kept so
-- that sends to those subscribers sign with the key their subscription was made with, until the widget has moved
-- every browser to the site's current key (sites.vapid_public_key, which stays where it is) and the old key is
-- deleted. The private key is sealed with MASTER_KEY like the site's own (context: <site id>/vapid/<key id>).
CREATE TABLE vapid_keys (
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	key_id TEXT NOT NULL,        -- the first 16 characters of the public key, as for the site's own key
	public_key TEXT NOT NULL,    -- base64url, 65-byte uncompressed point
	private_key TEXT NOT NULL,   -- sealed; never leaves the worker
	label TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (site_id, key_id)
);
