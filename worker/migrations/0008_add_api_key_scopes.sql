-- API keys get a scope (issue 15): full (everything, as before), send (read, send notifications, record events
-- and user attributes) or read (GET only); and the time each was last used (kept to the minute at most every
-- 5 minutes, so a busy key costs a write now and then, not one per request).
ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'full';
ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
