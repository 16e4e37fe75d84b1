-- A notification or campaign: its message, audience and the dispatcher's latest counts.
CREATE TABLE notifications (
	id TEXT PRIMARY KEY,
	site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	message TEXT NOT NULL,   -- JSON: title, body, url, icon, image, badge, actions, requireInteraction, tag
	audience TEXT NOT NULL,  -- JSON: {all:true} | {subscriberIds} | {userIds}
	delivery TEXT NOT NULL,  -- JSON: ttl, urgency, topic
	status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'done')),
	counts TEXT NOT NULL DEFAULT '{}',
	created_at INTEGER NOT NULL,
	finished_at INTEGER
);
CREATE INDEX notifications_recent ON notifications (site_id, created_at DESC);
