import type { Migration } from '../objects/schema';

/**
 * The SQLite schema of a site's store (one `SiteStore` Durable Object per site), oldest step first. Never edit a
 * shipped step: add one; each store migrates itself the next time it starts. No `site_id` column anywhere: a
 * store holds exactly one site. Kept free of runtime imports so the capacity bench (bench/scale) measures the
 * very same tables.
 */
export const SITE_STORE_MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'subscribers, counters, daily growth, notifications',
		up: `
-- One row per browser that reported to the site: a push subscription (allowed) or only its permission state.
CREATE TABLE subscribers (
	id TEXT PRIMARY KEY,
	status TEXT NOT NULL CHECK (status IN ('ask', 'allowed', 'blocked', 'unsupported', 'suspended')),
	endpoint TEXT,            -- push URL: a bearer capability, never logged
	endpoint_hash INTEGER,    -- first 53 bits of SHA-256(endpoint): the lookup index, uniqueness checked on endpoint
	p256dh TEXT,
	auth TEXT,
	vapid_key_id TEXT,
	push_service TEXT,
	browser TEXT NOT NULL DEFAULT 'other',
	os TEXT NOT NULL DEFAULT 'other',
	categories TEXT NOT NULL DEFAULT '[]',
	external_user_id TEXT,
	timezone TEXT,
	locale TEXT,
	last_url TEXT,
	last_seen_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	suspended_from TEXT       -- a suspended row's browser (see identify)
);
CREATE INDEX subscribers_endpoint ON subscribers (endpoint_hash) WHERE endpoint_hash IS NOT NULL;
CREATE INDEX subscribers_audience ON subscribers (status, id);
CREATE INDEX subscribers_user ON subscribers (external_user_id) WHERE external_user_id IS NOT NULL;
CREATE INDEX subscribers_suspended_from ON subscribers (suspended_from) WHERE suspended_from IS NOT NULL;

-- Exact counters, kept by the triggers below in the same transaction as the row: 'status:<status>' for every
-- row, 'browser:<browser>' for allowed rows. /stats reads them: O(1) in the audience size.
CREATE TABLE counts (key TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;

-- Daily growth (UTC days) of allowed subscriptions.
CREATE TABLE daily (
	day TEXT PRIMARY KEY,
	added INTEGER NOT NULL DEFAULT 0,
	removed INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER subscribers_counted_on_insert AFTER INSERT ON subscribers
BEGIN
	INSERT INTO counts (key, n) VALUES ('status:' || NEW.status, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
	INSERT INTO counts (key, n) SELECT 'browser:' || NEW.browser, 1 WHERE NEW.status = 'allowed'
		ON CONFLICT (key) DO UPDATE SET n = n + 1;
	INSERT INTO daily (day, added) SELECT date('now'), 1 WHERE NEW.status = 'allowed'
		ON CONFLICT (day) DO UPDATE SET added = added + 1;
END;

CREATE TRIGGER subscribers_counted_on_update AFTER UPDATE OF status, browser ON subscribers
WHEN OLD.status IS NOT NEW.status OR OLD.browser IS NOT NEW.browser
BEGIN
	UPDATE counts SET n = n - 1 WHERE key = 'status:' || OLD.status;
	INSERT INTO counts (key, n) VALUES ('status:' || NEW.status, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
	UPDATE counts SET n = n - 1 WHERE OLD.status = 'allowed' AND key = 'browser:' || OLD.browser;
	INSERT INTO counts (key, n) SELECT 'browser:' || NEW.browser, 1 WHERE NEW.status = 'allowed'
		ON CONFLICT (key) DO UPDATE SET n = n + 1;
	INSERT INTO daily (day, added) SELECT date('now'), 1 WHERE NEW.status = 'allowed' AND OLD.status <> 'allowed'
		ON CONFLICT (day) DO UPDATE SET added = added + 1;
	INSERT INTO daily (day, removed) SELECT date('now'), 1 WHERE OLD.status = 'allowed' AND NEW.status <> 'allowed'
		ON CONFLICT (day) DO UPDATE SET removed = removed + 1;
END;

CREATE TRIGGER subscribers_counted_on_delete AFTER DELETE ON subscribers
BEGIN
	UPDATE counts SET n = n - 1 WHERE key = 'status:' || OLD.status;
	UPDATE counts SET n = n - 1 WHERE OLD.status = 'allowed' AND key = 'browser:' || OLD.browser;
	INSERT INTO daily (day, removed) SELECT date('now'), 1 WHERE OLD.status = 'allowed'
		ON CONFLICT (day) DO UPDATE SET removed = removed + 1;
END;

-- A notification or campaign: its message, audience and the dispatcher's latest counts.
CREATE TABLE notifications (
	id TEXT PRIMARY KEY,
	message TEXT NOT NULL,
	audience TEXT NOT NULL,
	delivery TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'done')),
	counts TEXT NOT NULL DEFAULT '{}',
	created_at INTEGER NOT NULL,
	finished_at INTEGER,
	idempotency_key TEXT
);
CREATE INDEX notifications_recent ON notifications (created_at DESC);
CREATE UNIQUE INDEX notifications_idempotency ON notifications (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX notifications_open ON notifications (created_at) WHERE status <> 'done';

-- The store's own facts: which site it holds, whether its D1 rows were imported (upgrade), housekeeping times.
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);`,
	},
	{
		version: 2,
		name: 'users, attribute types, events by subject x name x day',
		up: `
-- One row per signed user id: attributes as a JSON object (dates as epoch ms; their type is in attribute_defs).
CREATE TABLE users (
	id TEXT PRIMARY KEY,
	attributes TEXT NOT NULL DEFAULT '{}',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- An attribute's type, fixed by its first value.
CREATE TABLE attribute_defs (
	name TEXT PRIMARY KEY,
	type TEXT NOT NULL CHECK (type IN ('string', 'number', 'boolean', 'date')),
	created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Events as one counter row per subject ('u:<userId>' or 's:<subscriberId>') x event name x UTC day, with the
-- last <= 10 occurrences ({id?, t, p?}) beside it: "did X >= N times within D days" reads <= D rows, and a batch
-- writes one row per subject x name x day however many events it holds.
CREATE TABLE event_days (
	subject TEXT NOT NULL,
	name TEXT NOT NULL,
	day INTEGER NOT NULL,     -- days since 1970-01-01 (UTC)
	n INTEGER NOT NULL,
	first_at INTEGER NOT NULL,
	last_at INTEGER NOT NULL,
	recent TEXT NOT NULL DEFAULT '[]',
	PRIMARY KEY (subject, name, day)
) WITHOUT ROWID;`,
	},
	{
		version: 3,
		name: 'saved segments, test subscribers',
		up: `
-- Testers: a send with audience {test: true} goes only to them.
ALTER TABLE subscribers ADD COLUMN test INTEGER NOT NULL DEFAULT 0;
CREATE INDEX subscribers_test ON subscribers (id) WHERE test = 1;

-- Saved segments: a name and a filter tree (docs/SEGMENTS.md), compiled when used.
CREATE TABLE segments (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	filter TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX segments_name ON segments (name COLLATE NOCASE);`,
	},
	{
		version: 4,
		name: 'campaigns and their runs',
		up: `
-- A campaign: a message, an audience and a schedule; each run is a notification of its own (campaign_runs).
CREATE TABLE campaigns (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	labels TEXT NOT NULL DEFAULT '[]',
	state TEXT NOT NULL CHECK (state IN ('draft', 'scheduled', 'running', 'paused', 'done', 'cancelled')),
	message TEXT NOT NULL,
	audience TEXT NOT NULL,
	delivery TEXT NOT NULL,
	timing TEXT NOT NULL DEFAULT '{}',  -- local time, quiet hours, cut-off, throttle
	experiment TEXT NOT NULL DEFAULT '{}',  -- holdout (control group)
	schedule TEXT,
	scheduled_at INTEGER,     -- when it was last scheduled or resumed: no run is ever due before it
	next_run_at INTEGER,      -- the next run, while scheduled or running
	run_count INTEGER NOT NULL DEFAULT 0,
	last_error TEXT,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX campaigns_due ON campaigns (next_run_at) WHERE next_run_at IS NOT NULL;
CREATE INDEX campaigns_recent ON campaigns (updated_at DESC);

-- One row per run: its notification, and the dispatcher input until the dispatcher has it (a crash between the
-- two is finished by the next alarm; Dispatcher.start ignores a second call).
CREATE TABLE campaign_runs (
	campaign_id TEXT NOT NULL,
	run INTEGER NOT NULL,
	notification_id TEXT NOT NULL,
	scheduled_for INTEGER NOT NULL,
	started_at INTEGER NOT NULL,
	pending_input TEXT,
	-- A/B test with an automatic winner: when to pick it, and the second notification sending it to the rest.
	winner_at INTEGER,
	winner_variant INTEGER,
	winner_notification_id TEXT,
	winner_pending_input TEXT,
	PRIMARY KEY (campaign_id, run)
) WITHOUT ROWID;
CREATE INDEX campaign_runs_winner ON campaign_runs (winner_at) WHERE winner_at IS NOT NULL AND winner_notification_id IS NULL;
CREATE INDEX campaign_runs_pending ON campaign_runs (campaign_id) WHERE pending_input IS NOT NULL;

-- Which subscribers each campaign run (capped, or measuring a goal) was sent to and held out from, one row per page
-- (<= 1,000 ids): the frequency cap and the conversion report read these instead of a row per subscriber (one row
-- written per page, not per push). capped = 1: counts towards the frequency cap. Kept 8 days past the goal window.
CREATE TABLE sent_sets (
	notification_id TEXT NOT NULL,
	seq INTEGER NOT NULL,
	sent_at INTEGER NOT NULL,
	ids TEXT NOT NULL,
	held TEXT NOT NULL DEFAULT '[]',
	capped INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (notification_id, seq)
) WITHOUT ROWID;
CREATE INDEX sent_sets_time ON sent_sets (sent_at);`,
	},
	{
		version: 5,
		name: 'push resources (saved messages), the version each send used',
		up: `
-- A saved, named message (seed 001 "push resources"): the default message and per-language variants (the fields
-- each changes), at its current version; every version is kept in resource_versions so sends can show what they used.
CREATE TABLE resources (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL,   -- the name in lower case (any script: SQLite's NOCASE folds only A-Z), unique
	labels TEXT NOT NULL DEFAULT '[]',
	version INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX resources_name ON resources (name_key);
CREATE INDEX resources_recent ON resources (updated_at DESC);
CREATE TABLE resource_versions (
	resource_id TEXT NOT NULL,
	version INTEGER NOT NULL,
	name TEXT NOT NULL,
	message TEXT NOT NULL,
	locales TEXT NOT NULL DEFAULT '{}',
	created_at INTEGER NOT NULL,
	PRIMARY KEY (resource_id, version)
) WITHOUT ROWID;
-- A send from a resource: {resourceId, name, version}; its messages per language (locale -> message).
ALTER TABLE notifications ADD COLUMN resource TEXT;
ALTER TABLE notifications ADD COLUMN translations TEXT;
-- A campaign whose message is a resource: {resourceId, overrides}; each run reads the resource's current version.
ALTER TABLE campaigns ADD COLUMN resource TEXT;
CREATE INDEX campaigns_resource ON campaigns (json_extract(resource, '$.resourceId')) WHERE resource IS NOT NULL;`,
	},
	{
		version: 6,
		name: 'automations and their journeys, shop orders',
		up: `
-- An automation (issue 13): a trigger, 1-5 steps (wait, then a message) and exit rules, as JSON (definition).
-- trigger_events: the event names it listens to (its trigger's, exits', goal's), comma-wrapped for a LIKE lookup.
CREATE TABLE automations (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	enabled INTEGER NOT NULL DEFAULT 0,
	definition TEXT NOT NULL,
	template TEXT,
	last_error TEXT,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- One journey per automation x subject ('u:<user>' or 's:<subscriber>') x key (the trigger's key property, e.g. the
-- checkout id; '' without one). step: the next step to run; due_at: when (NULL once the journey has ended).
-- held: in the control group (walks the steps, nothing is sent). last_sent: the last step whose push went out
-- (-1: none), which a conversion is credited to. Ended rows stay for the re-entry rule and the goal window.
CREATE TABLE journeys (
	automation_id TEXT NOT NULL,
	subject TEXT NOT NULL,
	key TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL CHECK (state IN ('waiting', 'done', 'exited', 'converted', 'stopped')),
	step INTEGER NOT NULL DEFAULT 0,
	due_at INTEGER,
	held INTEGER NOT NULL DEFAULT 0,
	last_sent INTEGER NOT NULL DEFAULT -1,
	event_id TEXT,
	context TEXT,
	entered_at INTEGER NOT NULL,
	ended_at INTEGER,
	PRIMARY KEY (automation_id, subject, key)
) WITHOUT ROWID;
CREATE INDEX journeys_due ON journeys (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX journeys_subject ON journeys (subject, automation_id);

-- Counters per automation and step: step -1 is the trigger (journeys entered, left before the first step, converted
-- before any push), -2 the control group; 0.. each step (reached, exited after it, conversions it is credited with
-- and their revenue; what was sent and clicked is in the step's notifications). One upsert per group of journeys an event batch or an alarm moves, not per journey.
CREATE TABLE automation_stats (
	automation_id TEXT NOT NULL,
	step INTEGER NOT NULL,
	entered INTEGER NOT NULL DEFAULT 0,
	exited INTEGER NOT NULL DEFAULT 0,
	converted INTEGER NOT NULL DEFAULT 0,
	revenue REAL NOT NULL DEFAULT 0,
	PRIMARY KEY (automation_id, step)
) WITHOUT ROWID;

-- A step's push to the journeys due together: the dispatcher input until the dispatcher has it (as campaign_runs).
CREATE TABLE automation_sends (
	notification_id TEXT PRIMARY KEY,
	pending_input TEXT NOT NULL
) WITHOUT ROWID;

-- Which automation step a notification was (its clicks count in the automation's report).
ALTER TABLE notifications ADD COLUMN automation_id TEXT;
ALTER TABLE notifications ADD COLUMN automation_step INTEGER;
CREATE INDEX notifications_automation ON notifications (automation_id, automation_step) WHERE automation_id IS NOT NULL;

-- Shop orders whose buyer Beckon knows (Shopify orders/create): whose devices hear the order's shipping updates.
-- One row per order, forgotten with the person and after 180 days.
CREATE TABLE shop_orders (
	id TEXT PRIMARY KEY,
	subject TEXT NOT NULL,
	name TEXT,
	status_url TEXT,
	created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX shop_orders_subject ON shop_orders (subject);

-- The last price and availability Beckon saw of each shop variant (Shopify products/update): a restock or a price
-- drop is a change against it. Written only when one of them changes.
CREATE TABLE shop_variants (
	id TEXT PRIMARY KEY,
	product_id TEXT NOT NULL,
	price REAL,
	available INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;`,
	},
	{
		version: 7,
		name: "a broadcast journey's notification",
		up: `
-- The notification a broadcast journey (a post) sent last: what POST /events answers for the site event that
-- started it, so a caller (the WordPress plugin) can show and link it.
ALTER TABLE journeys ADD COLUMN notification_id TEXT;
CREATE INDEX journeys_event ON journeys (event_id) WHERE subject = 'site';`,
	},
	{
		version: 8,
		name: 'outbound webhooks and their deliveries',
		up: `
-- Endpoints the site's events are posted to (Standard Webhooks). The signing secret is sealed with MASTER_KEY.
CREATE TABLE webhooks (
	id TEXT PRIMARY KEY,
	url TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	events TEXT NOT NULL,                -- JSON array of event types
	secret TEXT NOT NULL,                -- sealed whsec_…
	status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
	disabled_reason TEXT,
	disabled_at INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

-- One row per call (an event, or a batch of clicks), kept 7 days: the body it carries for its retries and the
-- outcome of its last attempt. Written when the call is made and after each attempt, never per recipient.
CREATE TABLE webhook_deliveries (
	id TEXT PRIMARY KEY,                 -- the webhook-id header
	webhook_id TEXT NOT NULL,
	type TEXT NOT NULL,
	events INTEGER NOT NULL,
	body TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	http_status INTEGER,
	latency_ms INTEGER,
	last_error TEXT,
	created_at INTEGER NOT NULL,
	last_attempt_at INTEGER,
	next_attempt_at INTEGER
);
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (webhook_id, created_at DESC);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';`,
	},
	{
		version: 9,
		name: 'staff alerts: staff, teams, devices, conversations, the in-console list',
		up: `
-- The people who run the site (issue 14). Their id is the console token's staff id (or one given by the API).
CREATE TABLE staff (
	id TEXT PRIMARY KEY,
	name TEXT,
	email TEXT,
	timezone TEXT,
	preferences TEXT NOT NULL DEFAULT '{}', -- JSON: overrides of the defaults, per alert kind
	active_at INTEGER,                      -- last heartbeat of a visible, recently used console tab
	reminded_at INTEGER,                    -- last unread-reminder email
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE team_members (
	team_id TEXT NOT NULL,
	staff_id TEXT NOT NULL,
	PRIMARY KEY (team_id, staff_id)
) WITHOUT ROWID;
CREATE INDEX team_members_staff ON team_members (staff_id);

-- A staff member's browsers (push subscriptions made on the worker's own origin): never a visitor subscriber.
CREATE TABLE staff_devices (
	id TEXT PRIMARY KEY,
	staff_id TEXT NOT NULL,
	endpoint TEXT NOT NULL UNIQUE,
	p256dh TEXT NOT NULL,
	auth TEXT NOT NULL,
	browser TEXT NOT NULL DEFAULT 'other',
	created_at INTEGER NOT NULL
);
CREATE INDEX staff_devices_staff ON staff_devices (staff_id);

-- Conversations an integration told about, their routing and read state.
CREATE TABLE conversations (
	id TEXT PRIMARY KEY,
	title TEXT,
	url TEXT,                    -- the conversation's page in the helpdesk (a staff click opens it)
	assignee TEXT,               -- staff id
	team TEXT,                   -- team id
	read_any_at INTEGER,         -- the last read by anyone (counts for everyone while unassigned)
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE conversation_reads (
	conversation_id TEXT NOT NULL,
	staff_id TEXT NOT NULL,
	read_at INTEGER NOT NULL,
	PRIMARY KEY (conversation_id, staff_id)
) WITHOUT ROWID;
-- Visitor messages (for the unread reminders), kept 30 days.
CREATE TABLE conversation_messages (
	conversation_id TEXT NOT NULL,
	id TEXT NOT NULL,
	author TEXT,                 -- the visitor's name as the integration gave it
	text TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (conversation_id, id)
) WITHOUT ROWID;
CREATE INDEX conversation_messages_recent ON conversation_messages (created_at);

-- Each staff member's in-console list: one live entry per conversation (a newer alert replaces it).
CREATE TABLE staff_inbox (
	id TEXT PRIMARY KEY,
	staff_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	conversation_id TEXT,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	url TEXT,
	created_at INTEGER NOT NULL,
	read_at INTEGER
);
CREATE UNIQUE INDEX staff_inbox_conversation ON staff_inbox (staff_id, conversation_id)
	WHERE conversation_id IS NOT NULL;
CREATE INDEX staff_inbox_recent ON staff_inbox (staff_id, created_at DESC);

-- Staff event ids already handled (idempotency), kept 7 days.
CREATE TABLE staff_events (id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;`,
	},
];
