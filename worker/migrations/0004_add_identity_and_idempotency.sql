-- Identity tokens: each site signs its logged-in users' ids with its own secret (sealed under MASTER_KEY).
ALTER TABLE sites ADD COLUMN identity_secret TEXT;

-- When another user logs in on a browser, the subscription moves to them and the previous user keeps a
-- `suspended` row pointing at the browser's row, so logging back in restores it without piling up rows.
ALTER TABLE subscribers ADD COLUMN suspended_from TEXT;
CREATE INDEX subscribers_suspended_from ON subscribers (suspended_from) WHERE suspended_from IS NOT NULL;

-- A client-chosen key makes "send" safe to retry (e.g. WordPress publishing hooks firing twice).
ALTER TABLE notifications ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX notifications_idempotency ON notifications (site_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
