-- One row per browser that reported to a site: a push subscription (allowed) or only its permission state.
CREATE TABLE subscribers (
	id TEXT PRIMARY KEY,
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	status TEXT NOT NULL CHECK (status IN ('ask', 'allowed', 'blocked', 'unsupported', 'suspended')),
	endpoint TEXT,            -- push URL: a bearer capability, never logged
	p256dh TEXT,
	auth TEXT,
	vapid_key_id TEXT,        -- the site key the subscription was made with
	push_service TEXT,        -- fcm | mozilla | apple | wns | loopback
	browser TEXT NOT NULL DEFAULT 'other',
	os TEXT NOT NULL DEFAULT 'other',
	categories TEXT NOT NULL DEFAULT '[]',
	external_user_id TEXT,
	timezone TEXT,
	locale TEXT,
	last_url TEXT,            -- last visited page of the site's own origin
	last_seen_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX subscribers_endpoint ON subscribers (site_id, endpoint);
CREATE INDEX subscribers_audience ON subscribers (site_id, status, id);
CREATE INDEX subscribers_user ON subscribers (site_id, external_user_id) WHERE external_user_id IS NOT NULL;

-- Counters kept exact by the triggers below, so stats are O(1) reads whatever the audience size.
-- key: 'status:<status>' for every row, 'browser:<browser>' for allowed rows.
CREATE TABLE site_counts (
	site_id TEXT NOT NULL,
	key TEXT NOT NULL,
	n INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (site_id, key)
) WITHOUT ROWID;

-- Daily growth (UTC days) of allowed subscriptions.
CREATE TABLE site_daily (
	site_id TEXT NOT NULL,
	day TEXT NOT NULL,
	added INTEGER NOT NULL DEFAULT 0,
	removed INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (site_id, day)
) WITHOUT ROWID;

CREATE TRIGGER subscribers_counted_on_insert AFTER INSERT ON subscribers
BEGIN
	INSERT INTO site_counts (site_id, key, n) VALUES (NEW.site_id, 'status:' || NEW.status, 1)
		ON CONFLICT (site_id, key) DO UPDATE SET n = n + 1;
	INSERT INTO site_counts (site_id, key, n) SELECT NEW.site_id, 'browser:' || NEW.browser, 1 WHERE NEW.status = 'allowed'
		ON CONFLICT (site_id, key) DO UPDATE SET n = n + 1;
	INSERT INTO site_daily (site_id, day, added) SELECT NEW.site_id, date('now'), 1 WHERE NEW.status = 'allowed'
		ON CONFLICT (site_id, day) DO UPDATE SET added = added + 1;
END;

CREATE TRIGGER subscribers_counted_on_update AFTER UPDATE OF status, browser ON subscribers
WHEN OLD.status IS NOT NEW.status OR OLD.browser IS NOT NEW.browser
BEGIN
	UPDATE site_counts SET n = n - 1 WHERE site_id = OLD.site_id AND key = 'status:' || OLD.status;
	INSERT INTO site_counts (site_id, key, n) VALUES (NEW.site_id, 'status:' || NEW.status, 1)
		ON CONFLICT (site_id, key) DO UPDATE SET n = n + 1;
	UPDATE site_counts SET n = n - 1
		WHERE OLD.status = 'allowed' AND site_id = OLD.site_id AND key = 'browser:' || OLD.browser;
	INSERT INTO site_counts (site_id, key, n) SELECT NEW.site_id, 'browser:' || NEW.browser, 1 WHERE NEW.status = 'allowed'
		ON CONFLICT (site_id, key) DO UPDATE SET n = n + 1;
	INSERT INTO site_daily (site_id, day, added) SELECT NEW.site_id, date('now'), 1
		WHERE NEW.status = 'allowed' AND OLD.status <> 'allowed'
		ON CONFLICT (site_id, day) DO UPDATE SET added = added + 1;
	INSERT INTO site_daily (site_id, day, removed) SELECT NEW.site_id, date('now'), 1
		WHERE OLD.status = 'allowed' AND NEW.status <> 'allowed'
		ON CONFLICT (site_id, day) DO UPDATE SET removed = removed + 1;
END;

CREATE TRIGGER subscribers_counted_on_delete AFTER DELETE ON subscribers
BEGIN
	UPDATE site_counts SET n = n - 1 WHERE site_id = OLD.site_id AND key = 'status:' || OLD.status;
	UPDATE site_counts SET n = n - 1
		WHERE OLD.status = 'allowed' AND site_id = OLD.site_id AND key = 'browser:' || OLD.browser;
	INSERT INTO site_daily (site_id, day, removed) SELECT OLD.site_id, date('now'), 1 WHERE OLD.status = 'allowed'
		ON CONFLICT (site_id, day) DO UPDATE SET removed = removed + 1;
END;
