import type { Dispatcher } from './objects/dispatcher';
import type { SiteStore } from './objects/site-store';
import type { PushBatch } from './queue/messages';
import type { WebhookMessage } from './webhooks/deliver';

/** Bindings and secrets the worker receives; see wrangler.toml for what each one is. */
export interface Env {
	DB: D1Database;
	ASSETS: Fetcher;
	DISPATCHER: DurableObjectNamespace<Dispatcher>;
	SITE_STORE: DurableObjectNamespace<SiteStore>;
	PUSH_QUEUE: Queue<PushBatch>;
	WEBHOOK_QUEUE: Queue<WebhookMessage>;
	PUBLIC_RATE_LIMIT?: RateLimit;
	ADMIN_TOKEN?: string;
	MASTER_KEY?: string;
	VAPID_SUBJECT?: string;
	ALLOW_LOOPBACK_PUSH?: string;
	DEMO?: string;
	PUSH_TIMEOUT_MS?: string;
	RATE_LIMIT_PUBLIC?: string;
	DISPATCH_WATCHDOG_MS?: string;
	WEBHOOK_TIMEOUT_MS?: string;
	WEBHOOK_RETRY_SCALE?: string;
	TEST_MINUTE_MS?: string;
	/** Shopify app (optional; see worker/src/shopify/config.ts and wrangler.toml). */
	SHOPIFY_API_KEY?: string;
	SHOPIFY_API_SECRET?: string;
	SHOPIFY_APP_URL?: string;
	SHOPIFY_SCOPES?: string;
	SHOPIFY_FAKE_ADMIN_ORIGIN?: string;
	/** Email for staff reminders (optional; see worker/src/email/config.ts and wrangler.toml). */
	EMAIL_FROM?: string;
	SMTP_HOST?: string;
	SMTP_PORT?: string;
	SMTP_SECURITY?: string;
	SMTP_USER?: string;
	SMTP_PASSWORD?: string;
	EMAIL_HTTP_URL?: string;
	EMAIL_HTTP_TOKEN?: string;
	EMAIL_TIMEOUT_MS?: string;
	/**
	 * Local development: the SMTP sink's message list, shown at GET /v1/dev/outbox (and the console's site route) when
	 * DEMO is on.
	 */
	DEV_OUTBOX_URL?: string;
}

/** Typed, validated settings read once from the bindings. */
export interface Config {
	adminToken: string | null;
	masterKey: string | null;
	vapidSubject: string | null;
	allowLoopbackPush: boolean;
	demo: boolean;
	pushTimeoutMs: number;
	rateLimitPublic: boolean;
	/** A queued batch with no report after this long is sent again (lost queue message, crashed consumer). */
	dispatchWatchdogMs: number;
	/** Milliseconds a webhook receiver has to answer. */
	webhookTimeoutMs: number;
	/** Multiplies the webhook retry delays (tests shorten 24 hours to seconds). */
	webhookRetryScale: number;
	/**
	 * How long a minute lasts for staff reminder intervals and only-if-away presence (60,000 ms; end-to-end tests
	 * shorten it to seconds instead of waiting for real minutes).
	 */
	minuteMs: number;
}

const cache = new WeakMap<Env, Config>();

/** Reads the string bindings into a typed config (memoised per env object). */
export function config(env: Env): Config {
	let cfg = cache.get(env);
	if (!cfg) {
		const timeout = Number.parseInt(env.PUSH_TIMEOUT_MS ?? '', 10);
		const watchdog = Number.parseInt(env.DISPATCH_WATCHDOG_MS ?? '', 10);
		const hookTimeout = Number.parseInt(env.WEBHOOK_TIMEOUT_MS ?? '', 10);
		const retryScale = Number.parseFloat(env.WEBHOOK_RETRY_SCALE ?? '');
		const minuteMs = Number.parseInt(env.TEST_MINUTE_MS ?? '', 10);
		cfg = {
			adminToken: env.ADMIN_TOKEN || null,
			masterKey: env.MASTER_KEY || null,
			vapidSubject: env.VAPID_SUBJECT || null,
			allowLoopbackPush: env.ALLOW_LOOPBACK_PUSH === 'true',
			demo: env.DEMO === 'true',
			pushTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 10_000,
			rateLimitPublic: env.RATE_LIMIT_PUBLIC !== 'false',
			dispatchWatchdogMs: Number.isFinite(watchdog) && watchdog >= 1000 ? watchdog : 10 * 60_000,
			webhookTimeoutMs: Number.isFinite(hookTimeout) && hookTimeout > 0 ? hookTimeout : 15_000,
			webhookRetryScale: Number.isFinite(retryScale) && retryScale >= 0 ? retryScale : 1,
			minuteMs: Number.isFinite(minuteMs) && minuteMs >= 100 ? minuteMs : 60_000,
		};
		cache.set(env, cfg);
	}
	return cfg;
}
