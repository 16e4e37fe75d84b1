// The wire types: the JSON shapes that cross between the worker, the widget, the service worker and the console.
// One home, imported as `#wire` (package.json "imports") by every part instead of copies. Types only: importing
// this module adds no code to any bundle.

/** Permission state of a browser for a site (seed 001). */
export type SubscriberStatus = 'ask' | 'allowed' | 'blocked' | 'unsupported' | 'suspended';

/** Texts the widget shows (see worker/src/settings/prompt.ts for the defaults). */
export interface Texts {
	title: string;
	text: string;
	subscribe: string;
	later: string;
	save: string;
	bellSubscribe: string;
	bellSubscribed: string;
	bellUnsubscribe: string;
	bellBlocked: string;
	iosHint: string;
}

/** A topic subscribers can choose. */
export interface Category {
	id: string;
	label: string;
	translations: Record<string, string>;
}

/** Prompt settings as the public config serves them and the console edits them. */
export interface Prompt {
	variant: 'simple' | 'categories';
	texts: Texts;
	translations: Record<string, Partial<Texts>>;
	image: string | null;
	categories: Category[];
	trigger: { type: 'seconds' | 'pageviews' | 'scroll' | 'manual'; value: number };
	laterDays: number;
	bell: { enabled: boolean; position: 'bottom-right' | 'bottom-left' };
	theme: { accent: string; background: string; text: string; radius: number };
	dir: 'auto' | 'ltr' | 'rtl';
}

/** GET /v1/sites/:siteId/config (public). */
export interface PublicConfig {
	siteId: string;
	vapidPublicKey: string;
	/** Which of the site's VAPID keys subscriptions are made with. */
	vapidKeyId: string;
	homeUrl: string;
	iconUrl: string | null;
	prompt: Prompt;
}

/** A button on a notification. */
export interface Action {
	action: string;
	title: string;
	url?: string;
}

/** What the service worker shows. */
export interface Message {
	title: string;
	body: string;
	url?: string;
	icon?: string;
	image?: string;
	badge?: string;
	actions?: Action[];
	requireInteraction?: boolean;
	tag?: string;
}

/** Who receives a notification (docs/SEGMENTS.md); `exclude` leaves out the subscribers a filter selects. */
export type Audience = (
	| { all: true }
	| { subscriberIds: string[] }
	| { userIds: string[] }
	| { categories: string[] }
	| { segment: string }
	| { filter: Filter }
	| { test: true }
) & { exclude?: Filter };

/** A duration: a whole number of minutes, hours or days (`30m`, `12h`, `7d`). */
export type Duration = `${number}${'m' | 'h' | 'd'}`;

/** A time condition on a subscriber's created or last-seen time. */
export type TimeCondition =
	| { within: Duration }
	| { notWithin: Duration }
	| { before: string }
	| { after: string };

export type CompareOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';

/** A condition on a user attribute. */
export interface AttributeLeaf {
	attribute: string;
	op: CompareOp | 'exists' | 'contains' | 'in' | 'within' | 'withinNext' | 'before' | 'after';
	value?: string | number | boolean | { date: string } | Array<string | number>;
}

/** A condition on an event's properties (only kept occurrences carry them). */
export interface PropertyCondition {
	property: string;
	op: CompareOp | 'exists' | 'contains' | 'in';
	value?: string | number | boolean | Array<string | number>;
}

/** "Did `event` (count) times (within)". */
export interface EventLeaf {
	event: string;
	count?: { op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte'; value: number };
	within?: Duration;
	where?: PropertyCondition[];
}

/** A segment's filter tree (docs/SEGMENTS.md). */
export type Filter =
	| { all: Filter[] }
	| { any: Filter[] }
	| { not: Filter }
	| { status: SubscriberStatus[] }
	| { browser: string[] }
	| { os: string[] }
	| { locale: string[] }
	| { timezone: string[] }
	| { category: string[] }
	| { createdAt: TimeCondition }
	| { lastSeenAt: TimeCondition }
	| { lastUrl: { eq: string } | { startsWith: string } | { contains: string } }
	| { identified: boolean }
	| { hasDevice: boolean }
	| { test: boolean }
	| { segment: string }
	| AttributeLeaf
	| EventLeaf;

/** A saved segment. */
export interface SegmentView {
	segmentId: string;
	name: string;
	description: string;
	filter: Filter;
	createdAt: string;
	updatedAt: string;
}

/** The answer to POST /v1/sites/:siteId/audience/estimate. */
export interface AudienceEstimate {
	/** Subscribers the audience selects, whatever their permission state. */
	count: number;
	/** Of those, the ones a send would go to (permission `allowed`). */
	reachable: number;
	/** Reachable subscribers by browser. */
	byBrowser: Record<string, number>;
}

/** Push-service delivery options (RFC 8030), and a 1:1 send's condition. */
export interface Delivery {
	ttl: number;
	urgency: 'very-low' | 'low' | 'normal' | 'high';
	topic?: string;
	/** Only to recipients without a pageview in the last `minutes` (a user: on none of their devices). */
	onlyIfAway?: { minutes: number };
}

/** The JSON the service worker receives, one per recipient. */
export interface PushPayload extends Message {
	v: 1;
	nid: string;
	sid: string;
	url: string;
}

/** Delivery counts of one notification. */
export interface Counts {
	targeted: number;
	sent: number;
	failed: number;
	gone: number;
	retried: number;
	shown: number;
	clicked: number;
	closed: number;
	failures: Record<string, number>;
	/**
	 * Recipients left out on purpose, by reason (`local_time_passed`, `quiet_hours`, `expired`, `holdout`, `capped`,
	 * `present`); only when some were. Not failures: nothing was tried.
	 */
	skipped?: Record<string, number>;
	/** A campaign run with A/B variants: the counts of each variant, in order. */
	variants?: VariantCounts[];
}

/** What one A/B variant of a run did. */
export interface VariantCounts {
	targeted: number;
	sent: number;
	failed: number;
	shown: number;
	clicked: number;
	closed: number;
}

/** Where a send is. */
export type NotificationStatus = 'queued' | 'sending' | 'done';

/** A notification as the admin API shows it. */
export interface NotificationView {
	notificationId: string;
	status: NotificationStatus;
	message: Message;
	audience: Audience;
	delivery: Delivery;
	counts: Counts;
	error: { code: string; message: string } | null;
	createdAt: string;
	finishedAt: string | null;
	/** Only on GET …/notifications/:id: Durable Object rows the send wrote (billed rows). */
	storageRowsWritten?: number | null;
	/** A send from a push resource: which one, at the version it used. */
	resource?: ResourceRef;
	/** The languages it had its own message for (the subscriber's locale picked one; others got `message`). */
	locales?: string[];
}

// ---- Push resources (issue 17) --------------------------------------------------------------------------------

/** The fields a resource's language variant (or a use's overrides) may change. */
export type MessageFields = Partial<Message>;

/** A saved, named message: the default and its language variants, at its current version. */
export interface ResourceView {
	resourceId: string;
	name: string;
	labels: string[];
	/** The default message (Liquid allowed), used for subscribers whose language has no variant. */
	message: Message;
	/** Language tag (`de`, `pt-br`) → the fields its variant changes. */
	locales: Record<string, MessageFields>;
	/** 1 when created; each change adds one. */
	version: number;
	/** Scheduled, running or paused campaigns (and enabled automations) that send it: it cannot be deleted then. */
	usedBy: ResourceUse[];
	createdAt: string;
	updatedAt: string;
}

/** Something that sends a resource. */
export interface ResourceUse {
	type: 'campaign' | 'automation';
	id: string;
	name: string;
	state: string;
}

/** One kept version of a resource (GET …/resources/:id/versions/:version). */
export interface ResourceVersionView {
	resourceId: string;
	version: number;
	name: string;
	message: Message;
	locales: Record<string, MessageFields>;
	createdAt: string;
}

/** The resource a send used, at the version it used. */
export interface ResourceRef {
	resourceId: string;
	name: string;
	version: number;
}

// ---- Campaigns (issue 12) -------------------------------------------------------------------------------------

/** HH:MM, 24 h, in a time zone. */
export type LocalTime = string;
export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';

/** A recurrence in the site's time zone (docs: README "Campaigns"). */
export interface Recurrence {
	freq: 'daily' | 'weekly' | 'monthly';
	interval?: number;
	byWeekday?: Weekday[];
	byMonthDay?: number[];
	times: LocalTime[];
	/** YYYY-MM-DD. */
	start: string;
	/** YYYY-MM-DD, inclusive. */
	end?: string;
	/** IANA zone the times are in. */
	timezone: string;
}

/** When a campaign runs. */
export type CampaignSchedule =
	| { type: 'now' }
	| { type: 'once'; at: string }
	| { type: 'dates'; at: string[] }
	| { type: 'recurring'; rule: Recurrence };

export type CampaignState = 'draft' | 'scheduled' | 'running' | 'paused' | 'done' | 'cancelled';

/** When, within a run, each subscriber gets the push (README "Campaigns": timing). */
export interface CampaignTiming {
	/** IANA zone of the run's date and of subscribers without a zone (default: the recurrence's, else UTC). */
	timezone?: string;
	/** Deliver at this time in each subscriber's own zone; `passed`: what to do where it has already gone by. */
	localTime?: { time: LocalTime; passed: 'now' | 'next_day' | 'skip' };
	/** No pushes in this window of the subscriber's local time: `delay` to its end, or `discard`. */
	quietHours?: { start: LocalTime; end: LocalTime; action: 'delay' | 'discard' };
	/** Stop delivering at this time (ISO), or this many minutes after each run starts; the rest counts as expired. */
	cutoffAt?: string;
	cutoffAfterMinutes?: number;
	/** At most this many pushes per minute. */
	throttlePerMinute?: number;
	/** A transactional campaign: neither capped by the site's frequency cap nor counted towards it. */
	ignoreFrequencyCap?: boolean;
}

/** Quiet hours in each subscriber's local time: delay pushes to the end of the window, or drop them. */
export interface QuietHoursRule {
	start: LocalTime;
	end: LocalTime;
	action: 'delay' | 'discard';
}

/** At most this many campaign pushes per subscriber per local calendar day and/or rolling 7 days. */
export interface FrequencyCap {
	perDay?: number;
	perWeek?: number;
}

/** A campaign's experiments: a control group now; A/B variants next. */
export interface CampaignExperiment {
	/** Percent (0.01–50) of the audience not sent to, chosen by a hash of campaign and subscriber. */
	holdoutPercent?: number;
	/**
	 * 2–5 A/B variants: each a share (`weight`) of the audience, chosen by a hash of campaign and subscriber, and the
	 * fields of the campaign's message it changes (none = the message as it is), or a push resource of its own
	 * (`message.resource`, the other fields overriding it; each run reads its current version).
	 */
	variants?: Array<{ name: string; weight: number; message?: Partial<Message> & { resource?: string } }>;
	/** What counts as a conversion: the goal event within a window after each run starts. */
	goal?: ConversionGoal;
	/**
	 * Automatic winner: the variants go to this percent (5–50) of each run's audience first; after
	 * `winnerAfterMinutes` the variant with the best click (or conversion) rate goes to the rest.
	 */
	testPercent?: number;
	winnerAfterMinutes?: number;
	winnerBy?: 'clicks' | 'conversions';
}

/** The automatic winner of a run's A/B test. */
export interface RunWinner {
	/** When it is (or was) picked. */
	at: string;
	by: 'clicks' | 'conversions';
	/** Once picked: the variant's index and name, and the notification sending it to the rest of the audience. */
	variant: number | null;
	name: string | null;
	notificationId: string | null;
	counts: Counts | null;
}

/** A conversion goal: an event (e.g. `purchase`), the attribution window, and the property holding revenue. */
export interface ConversionGoal {
	event: string;
	/** 1–720 hours after a run starts (direct: after the click). */
	windowHours: number;
	revenueProperty?: string;
}

/** A run's conversions (GET …/campaigns/:id/runs/:run/report). */
export interface ConversionReport {
	goal: ConversionGoal;
	windowEndsAt: string;
	/** The window is over: the figures no longer change. */
	final: boolean;
	/** People (signed users, or anonymous subscribers) the run was sent to. */
	recipients: number;
	converted: number;
	/** Converted after clicking the run's notification. */
	direct: number;
	/** Converted without clicking (after delivery). */
	influenced: number;
	revenue: number;
	rate: number;
	/** The control group: held out, still measured. */
	control: { members: number; converted: number; revenue: number; rate: number } | null;
	/** (rate − control rate) ÷ control rate; null without a control group or control conversions. */
	lift: number | null;
	variants?: Array<{
		name: string;
		recipients: number;
		converted: number;
		direct: number;
		revenue: number;
		rate: number;
	}>;
}

/** A campaign as the admin API shows it. */
export interface CampaignView {
	campaignId: string;
	name: string;
	labels: string[];
	state: CampaignState;
	/** The message a run would send now (a resource's current version with the campaign's overrides). */
	message: Message;
	/** A campaign whose message is a push resource: which, and the fields the campaign changes; null otherwise. */
	resource: {
		resourceId: string;
		name: string | null;
		version: number | null;
		overrides: MessageFields;
	} | null;
	audience: Audience;
	delivery: Delivery;
	timing: CampaignTiming;
	experiment: CampaignExperiment;
	schedule: CampaignSchedule | null;
	/** The next run's time (ISO), while scheduled or running. */
	nextRunAt: string | null;
	/** Runs started so far. */
	runCount: number;
	/** Why Beckon paused the campaign (a run could not start), until it is scheduled or resumed again. */
	lastError: string | null;
	createdAt: string;
	updatedAt: string;
}

/** One run of a campaign: a notification of its own, with its report. */
export interface CampaignRunView {
	run: number;
	notificationId: string;
	scheduledFor: string;
	startedAt: string;
	status: NotificationStatus;
	counts: Counts;
	/** A run with an automatic A/B winner. */
	winner?: RunWinner;
}

/** GET /v1/sites/:siteId/campaigns/:campaignId. */
export interface CampaignDetail extends CampaignView {
	/** The latest runs first (at most 50). */
	runs: CampaignRunView[];
}

/** POST /v1/sites/:siteId/notifications. */
export interface SendResult {
	notificationId: string;
	status: NotificationStatus;
	duplicate?: true;
	/** An `onlyIfAway` send: subscribers left out as present on the site, counted when it was accepted. */
	skipped?: { present: number };
}

/** GET /v1/sites/:siteId/stats: counters (O(1)) and 30 days of growth, oldest first. */
export interface SiteStats {
	byStatus: Record<SubscriberStatus, number>;
	active: number;
	byBrowser: Record<string, number>;
	daily: Array<{ day: string; added: number; removed: number }>;
}

/** A subscriber as its site's admins see it: no endpoint, no keys. */
export interface SubscriberView {
	subscriberId: string;
	status: SubscriberStatus;
	pushService: string | null;
	browser: string;
	os: string;
	categories: string[];
	externalUserId: string | null;
	timezone: string | null;
	locale: string | null;
	lastUrl: string | null;
	lastSeenAt: string;
	createdAt: string;
	/** A tester: audience {test: true} sends only to testers. */
	test: boolean;
}

/** GET /v1/sites/:siteId/subscribers: newest first, keyset-paged. */
export interface SubscriberPage {
	subscribers: SubscriberView[];
	nextCursor: string | null;
}

/** Where a site runs. */
export type Platform = 'wordpress' | 'shopify' | 'custom';

/** GET /v1/sites/:siteId: a site for its admins (no secrets). */
export interface SiteView {
	siteId: string;
	name: string;
	platform: Platform;
	origins: string[];
	homeUrl: string;
	iconUrl: string | null;
	vapidPublicKey: string;
	settings: {
		prompt: Prompt;
		events?: { retentionDays: number };
		campaigns?: { frequencyCap?: FrequencyCap | null; quietHours?: QuietHoursRule | null };
		staff: StaffSettings;
	} & Record<string, unknown>;
	createdAt: string;
}

/** An address of a message the local SMTP sink caught. */
export interface OutboxAddress {
	address: string;
	name: string;
}

/** GET /v1/sites/:siteId/dev/outbox (local development only): one message the SMTP sink caught. */
export interface OutboxMessage {
	id: number;
	from: OutboxAddress | null;
	to: OutboxAddress[];
	subject: string;
	text: string;
	html: string | null;
	/** The Date header, ISO 8601. */
	date: string | null;
	messageId: string | null;
	/** Header names in lower case. */
	headers: Record<string, string>;
	envelope: { from: string; to: string[] };
	/** The SMTP login that sent it, if any. */
	user: string | null;
	/** The message as received. */
	raw: string;
	receivedAt: string;
}

/** A site's staff alert settings (README "Staff alerts"), the default filled in. */
export interface StaffSettings {
	/** Minutes between unread-reminder emails, 1–1440 (default 5). */
	reminderMinutes: number;
}

/** GET /v1/sites (operator): one line per site. */
export interface SiteSummary {
	siteId: string;
	name: string;
	platform: Platform;
	origins: string[];
	createdAt: string;
	disabled: boolean;
}

/** What a console token lets its holder do: viewer reads; editor also sends and edits settings; admin also keys. */
export type Role = 'viewer' | 'editor' | 'admin';

/** The staff member a console token speaks for. */
export interface Staff {
	id: string;
	name: string | null;
	email: string | null;
}

/** POST /v1/sites/:siteId/console-tokens (and the hosts' own token routes). */
export interface ConsoleToken {
	token: string;
	/** ISO time after which the token is refused (401 token_expired). */
	expiresAt: string;
	siteId: string;
	staff: Staff;
	role: Role;
}

/** An API key as listed: never the key itself. */
/**
 * What an API key may do: `full` everything; `send` read, send notifications (POST …/notifications), record events
 * (POST …/events) and user attributes (PUT …/users/:id); `read` only GET. Console tokens carry roles instead.
 */
export const API_KEY_SCOPES = ['full', 'send', 'read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKeyView {
	keyId: string;
	name: string;
	/** The key's first characters, to recognise it. */
	prefix: string;
	scope: ApiKeyScope;
	createdAt: string;
	/** When it was last used (to within 5 minutes); null: never. */
	lastUsedAt: string | null;
}

/** POST /v1/sites/:siteId/api-keys: the new key, shown this once. */
export interface NewApiKey extends ApiKeyView {
	apiKey: string;
}

/**
 * What an outbound webhook can subscribe to (Standard Webhooks `type`). `notification.clicked`, `subscriber.gone`,
 * `conversion`, `automation.entered` and `staff.alert` are batched: one call carries many (see README "Webhooks");
 * `webhook.test` is only sent by "send test event".
 */
export const WEBHOOK_EVENT_TYPES = [
	'subscriber.created',
	'subscriber.unsubscribed',
	'subscriber.gone',
	'notification.completed',
	'notification.clicked',
	'conversion',
	'automation.entered',
	'staff.alert',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** An outbound webhook endpoint as listed: never its secret. */
export interface WebhookView {
	webhookId: string;
	url: string;
	description: string;
	events: WebhookEventType[];
	/** `disabled` by its owner or, after 24 hours of failed retries, by Beckon (then `disabledReason` says why). */
	status: 'enabled' | 'disabled';
	disabledReason: string | null;
	disabledAt: string | null;
	createdAt: string;
	updatedAt: string;
	/** The last 24 hours of calls: how many were delivered and how many failed (after their retries) or wait. */
	recent: { delivered: number; failed: number; pending: number };
}

/** A new endpoint, or a rotated secret: the signing secret is shown this once. */
export interface NewWebhook extends WebhookView {
	secret: string;
}

/** One call of a webhook endpoint (one event, or a batch of clicks), with its last attempt. */
export interface WebhookDeliveryView {
	/** The `webhook-id` header: the same on every retry of this call. */
	deliveryId: string;
	type: WebhookEventType | 'webhook.test';
	/** Events the call carries (batched types carry many). */
	events: number;
	status: 'pending' | 'delivered' | 'failed';
	attempts: number;
	/** The last attempt's HTTP status (null: no answer) and time to answer. */
	httpStatus: number | null;
	latencyMs: number | null;
	lastError: string | null;
	createdAt: string;
	lastAttemptAt: string | null;
	/** When the next retry is due (pending calls that failed once or more). */
	nextAttemptAt: string | null;
}

/**
 * What staff are alerted about (issue 14). Conversation kinds come from a chat or helpdesk integration
 * (`POST …/staff-events`); the others from the platforms (Shopify orders, WordPress comments and sign-ups) or a
 * site's own code (`alert`).
 */
export const STAFF_ALERT_KINDS = [
	'conversation.created',
	'message.created',
	'conversation.assigned',
	'mention',
	'order.created',
	'comment.pending',
	'user.registered',
	'alert',
] as const;
export type StaffAlertKind = (typeof STAFF_ALERT_KINDS)[number];

/** Kinds about a conversation: their scope says whose conversations. */
export const CONVERSATION_KINDS: readonly StaffAlertKind[] = [
	'conversation.created',
	'message.created',
	'conversation.assigned',
	'mention',
];

/**
 * Whose conversations a staff member hears about: `mine` (assigned to them), `teams` (routed to a team they are
 * in), `unassigned` (nobody's yet), `all` (every conversation not routed to a team they are not in).
 */
export const STAFF_SCOPES = ['mine', 'teams', 'unassigned', 'all'] as const;
export type StaffScope = (typeof STAFF_SCOPES)[number];

/** One kind's preference: for conversation kinds the scopes it applies to; the channels. */
export interface StaffPreference {
	scopes: StaffScope[];
	/** A push to this staff member's devices (never while they are active in the console). */
	push: boolean;
	/** Unread visitor messages in an unread-reminder email (conversation kinds; see README "Staff alerts"). */
	email: boolean;
}

export type StaffPreferences = Record<StaffAlertKind, StaffPreference>;

/** A staff member of a site. */
export interface StaffView {
	staffId: string;
	name: string | null;
	email: string | null;
	timezone: string | null;
	teams: string[];
	/** Whether a console tab of theirs is visible and in use now (then nothing external is sent to them). */
	active: boolean;
	devices: number;
	createdAt: string;
	updatedAt: string;
}

export interface TeamView {
	teamId: string;
	name: string;
	members: string[];
	createdAt: string;
}

/** A browser that gets a staff member's pushes (GET …/staff/:staffId/devices). */
export interface StaffDeviceView {
	deviceId: string;
	browser: string;
	createdAt: string;
}

/** One entry of a staff member's in-console notification list (one per conversation: the latest replaces). */
export interface StaffInboxItem {
	notificationId: string;
	kind: StaffAlertKind;
	conversationId: string | null;
	title: string;
	body: string;
	url: string | null;
	createdAt: string;
	readAt: string | null;
}

/**
 * What a staff device's push carries (worker/src/staff/push.ts builds it; the console's staff service worker,
 * console/sw/staff-sw.ts, shows it): `tag` replaces the conversation's earlier notification.
 */
export interface StaffPushPayload {
	kind: 'staff';
	title: string;
	body: string;
	url: string | null;
	tag: string;
}

/** Every error response. */
export interface ApiErrorBody {
	error: { code: string; message: string };
}

/** An attribute value as the API takes and answers it: dates travel as `{date: ISO-8601}`, `null` deletes on write. */
export type AttributeValue = string | number | boolean | { date: string };

/** A signed user's profile (GET/PUT /v1/sites/:siteId/users/:userId). */
export interface UserView {
	userId: string;
	attributes: Record<string, AttributeValue>;
	createdAt: string | null;
	updatedAt: string | null;
}

/** One recorded event occurrence (the last ≤ 10 per subject × event × day are kept as occurrences). */
export interface EventOccurrence {
	name: string;
	time: string;
	id: string | null;
	properties: Record<string, string | number | boolean>;
}

/** A user with their devices and recent events (GET /v1/sites/:siteId/users/:userId). */
export interface UserDetail extends UserView {
	subscribers: SubscriberView[];
	events: EventOccurrence[];
}

/** The answer to POST /v1/sites/:siteId/events. */
export interface EventBatchResult {
	accepted: number;
	duplicates: number;
	/** Indexes of events naming a subscriber the site does not have. */
	rejected: number[];
	/**
	 * For site events (`site: true`) with an id: the notifications the broadcast automations they started have sent
	 * (a first step without a wait is sent at once); a repeated event finds the first send's.
	 */
	notifications?: Array<{ eventId: string; automationId: string; notificationId: string }>;
}

// ---- Automations (issue 13) -------------------------------------------------------------------------------------

/** A value of an event property. */
export type EventValue = string | number | boolean;

/** A test on one property of the trigger event (`exists` needs no value; gt/gte/lt/lte compare numbers). */
export interface AutomationCondition {
	property: string;
	op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'exists';
	value?: EventValue;
}

/**
 * What starts a journey: an event; an event not followed by another within a time (matched on `key`, e.g. the
 * checkout id); or a date (a user attribute, or an event property) with an offset in days, at a local time.
 */
export type AutomationTrigger =
	| {
			type: 'event';
			event: string;
			where?: AutomationCondition[];
			/** Only subjects in this segment (checked when the event arrives). */
			segment?: string;
			/** The event property that tells journeys apart (one journey per value); none: one per subject. */
			key?: string;
	  }
	| {
			type: 'inaction';
			event: string;
			/** The event that, arriving within the time (with the same key), means the journey never starts. */
			without: string;
			withinSeconds: number;
			key?: string;
			where?: AutomationCondition[];
			segment?: string;
	  }
	| {
			type: 'date';
			/** A date attribute of the user… */
			attribute?: string;
			/** …or an event carrying a date property (`YYYY-MM-DD` or an ISO time). */
			event?: string;
			property?: string;
			/** Days before (negative) or after the date. */
			offsetDays: number;
			/** Local time of day, HH:MM, in the subject's zone. */
			at: string;
			key?: string;
			where?: AutomationCondition[];
	  };

/** How long a step waits after the previous one (or the trigger): seconds, or until the next HH:MM local time. */
export type AutomationWait = { seconds: number } | { until: string };

/** One step: a wait, then a push (inline, or a push resource with overrides). */
export interface AutomationStep {
	wait?: AutomationWait;
	/** The message as it is sent now (a resource's current version with the step's overrides). */
	message: Message;
	resource: CampaignView['resource'];
	delivery: Delivery;
	/**
	 * A discount code this step offers (it must exist in the shop: Beckon does not create it): its Liquid reads it as
	 * `event.discount_code`, and on a Shopify shop the click goes through the shop's `/discount/<code>` link.
	 */
	discountCode?: string;
}

/** What ends a journey early: an event (matched on the trigger's key when it carries it), or leaving a segment. */
export interface AutomationExit {
	events: string[];
	/** The journey ends before its next step when the subject is no longer in this segment. */
	segment?: string;
}

/** The conversion an automation is measured by: an event after a push, within a window, with an optional value. */
export interface AutomationGoal {
	event: string;
	/** The goal event's property holding its revenue (default `value`). */
	valueProperty: string;
	/** Conversions count up to this long after the journey's last push (default 3 days). */
	windowSeconds: number;
}

/** The definition of an automation, as created and changed. */
export interface AutomationDefinition {
	trigger: AutomationTrigger;
	steps: AutomationStep[];
	exit: AutomationExit;
	goal: AutomationGoal | null;
	/** null: a subject enters once per key, ever; N: again N seconds after its previous journey ended (0 = at once). */
	reentryAfterSeconds: number | null;
	/** Percent of journeys held out (nothing sent), by a hash of automation and subject: the control group. */
	holdoutPercent: number | null;
	/** Own quiet hours; null = none; absent = the site's default. */
	quietHours?: QuietHoursRule | null;
	/** Transactional (shipping updates): neither capped by the site's frequency cap nor counted towards it. */
	ignoreFrequencyCap: boolean;
	/**
	 * A broadcast (new posts): every step goes to this audience instead of the person; journeys are started by site
	 * events (subject `site`), one per trigger key. Absent or null: the person's own devices.
	 */
	audience?: Audience | null;
	/**
	 * A broadcast's event property listing category keys (comma-separated, such as a post's categories): when the
	 * trigger event names any, the journey's steps go to those categories' subscribers instead of `audience`.
	 */
	categoriesFrom?: string | null;
	/** The zone of subjects without one (their subscriber's zone otherwise). */
	timezone: string;
}

/** An automation as the API shows it. */
export interface AutomationView extends AutomationDefinition {
	automationId: string;
	name: string;
	enabled: boolean;
	/** The ready-made automation it was made from, if any. */
	template: string | null;
	/** Why a step could not send (its push resource was deleted…), until the automation is changed. */
	lastError: string | null;
	/** Journeys waiting now, and the totals so far. */
	counts: { active: number; entered: number; converted: number; revenue: number };
	createdAt: string;
	updatedAt: string;
}

/** One row of an automation's report: the trigger, a step, or the control group. */
export interface AutomationStepReport {
	/** -1: the trigger (before the first step); 0…: the step. */
	step: number;
	entered: number;
	sent: number;
	shown: number;
	clicked: number;
	/** Journeys that left after this step (exit event, segment left, did the action in time). */
	exited: number;
	converted: number;
	revenue: number;
}

/** GET …/automations/:id/report. */
export interface AutomationReport {
	automationId: string;
	active: number;
	trigger: AutomationStepReport;
	steps: AutomationStepReport[];
	/** The control group: journeys held out, and how many of them converted anyway. */
	control: { entered: number; converted: number; revenue: number } | null;
}

/** Where a template's events come from: Beckon itself or any site that sends them ('any'), or a host's app. */
export type TemplateSource = 'any' | 'shopify' | 'woocommerce' | 'wordpress';

/** A ready-made automation (GET …/automation-templates). */
export interface AutomationTemplate {
	id: string;
	name: string;
	description: string;
	/** Which hosts record its events by themselves (others send them through the events API). */
	sources: TemplateSource[];
	/** The automation body it creates (name, trigger, steps, exit, goal…). */
	body: Record<string, unknown>;
}
