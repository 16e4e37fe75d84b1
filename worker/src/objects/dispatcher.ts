import { DurableObject } from 'cloudflare:workers';
import type { VariantCounts } from '#wire';
import { type StepDiscount, withDiscountCode } from '../automations/discount';
import { inHoldout, variantOf } from '../campaigns/experiment';
import { type DispatchTiming, planWaves, type Wave } from '../campaigns/timing';
import { config, type Env } from '../env';
import { isOutage } from '../push/classify';
import { chunkRecipients, type PushBatch, type Recipient } from '../queue/messages';
import { type ContextNeeds, contextNeeds, isPersonalised, pruneContext } from '../sending/liquid';
import type { Audience, Delivery, FrequencyCap, Message } from '../sending/message';
import { builtinEvent } from '../store/builtin-events';
import { type Counts, emptyCounts, type FatalReason } from '../store/notifications';
import { pickLocale } from '../store/resources';
import type { AudienceTuple } from '../store/subscribers';
import { type Migration, migrate } from './schema';
import { siteStore } from './site-store';

/** Everything a dispatcher needs to send one notification. */
export interface DispatchInput {
	notificationId: string;
	siteId: string;
	message: Message;
	audience: Audience;
	delivery: Delivery;
	homeUrl: string;
	iconUrl: string | null;
	createdAt: number;
	/** The site's current VAPID key id: recipients whose subscription was made with it carry no key id. */
	vapidKeyId?: string;
	/** A campaign run's timing (local time, quiet hours, cut-off, throttle): sent in waves by time zone. */
	timing?: DispatchTiming;
	/** A campaign's control group: subscribers whose bucket of (seed, id) falls under `percent` are not sent to. */
	holdout?: { seed: string; percent: number };
	/** A/B variants: each recipient's by a hash of (seed, id) over the weights; `messages[i]` is variant i's. */
	variants?: { seed: string; weights: number[]; messages: Message[] };
	/**
	 * An A/B test with an automatic winner: `test` sends to the subscribers whose bucket of (seed#test, id) is under
	 * `percent`, `rest` (the winner) to the others.
	 */
	split?: { seed: string; percent: number; part: 'test' | 'rest' };
	/** A campaign run with a goal: its pages are recorded (sent and held-out ids) for the conversion report. */
	measured?: boolean;
	/** The site's frequency cap (a campaign run that does not ignore it); `zone` for subscribers without one. */
	cap?: FrequencyCap & { zone: string };
	/**
	 * A send from a push resource with language variants: for each message (`messagesOf`, by index), language tag →
	 * the message for subscribers whose locale picks it (the others get the message itself).
	 */
	translations?: Array<Record<string, Message> | null>;
	/**
	 * An automation step: each person's trigger-event properties (by `u:<user>` or `s:<subscriber>`), read by the
	 * message's Liquid as `event`.
	 */
	events?: Record<string, Record<string, string | number | boolean>>;
	/** A broadcast automation's trigger event, for every recipient (when its templates also read the recipient). */
	event?: Record<string, string | number | boolean>;
	/**
	 * An automation step's discount code: every recipient's `event.discount_code`, and on a Shopify shop each click
	 * goes through the shop's discount link (automations/discount.ts).
	 */
	discount?: StepDiscount;
	/** Recipients left out before the dispatch (an only-if-away send's present ones), by reason: counted as skipped. */
	skipped?: Record<string, number>;
}

/** What a queue consumer reports after sending one batch. */
export interface BatchReport {
	sent: number;
	gone: number;
	failures: Record<string, number>;
	retry: Recipient[];
	retryAfterMs?: number;
	/**
	 * A failure reason that no batch of this notification can get past (the site's VAPID key cannot be opened):
	 * the dispatcher then ends the whole notification with it, once.
	 */
	fatal?: FatalReason;
	/** A run with variants: sent and failed by variant (index), the totals above included. */
	byVariant?: Array<{ sent: number; failed: number }>;
}

/** Answer to a consumer asking for the right to send a batch. */
export type Claim =
	| { ok: true; input: DispatchInput; attempt: number }
	| { ok: false; reason: 'done' | 'busy' | 'unknown' };

/** Live state of a notification. */
export interface DispatchStatus {
	status: 'queued' | 'sending' | 'done';
	counts: Counts;
	finishedAt: number | null;
	/** Rows written to the dispatcher's own SQLite for this notification (billed like D1 rows). */
	rowsWritten: number;
}

type Phase = 'paging' | 'sending' | 'done';
type Tracked = 'shown' | 'clicked' | 'closed';

const PAGE_SIZE = 1000;
const RECIPIENTS_PER_ALARM = 20_000;
/** How long a claimed batch is reserved for its consumer (longer than a consumer can run). */
const LEASE_MS = 5 * 60_000;
const PROGRESS_EVERY_MS = 2_000;
/**
 * Browser events (shown, clicked, closed) arriving within this window share one durable write: a beacon is
 * answered only once its count is stored, yet a busy notification writes one row per window, not per beacon.
 */
const TRACK_COMMIT_MS = 250;
/** Clicks waiting for the next flush to the site's store; beyond this many, further clicks are only counted. */
const MAX_PENDING_CLICKS = 1000;
/** Attempts per recipient before a retryable failure becomes final (a pass that {@link isOutage} does not count). */
export const MAX_ATTEMPTS = 5;

/**
 * The dispatcher's SQLite schema, oldest first. Never edit a shipped step: add one. A notification in flight
 * when a deploy adds a step is migrated the next time its object starts, and carries on.
 */
export const DISPATCHER_MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'create meta and batches',
		// IF NOT EXISTS: objects made before versioning already have these tables.
		up: `CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS batches (id INTEGER PRIMARY KEY, attempt INTEGER NOT NULL,
				recipients TEXT, state TEXT NOT NULL, due_at INTEGER NOT NULL);
			CREATE INDEX IF NOT EXISTS batches_queued ON batches (state, due_at);`,
	},
	{
		version: 2,
		name: 'count recipients per batch',
		up: `ALTER TABLE batches ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
			UPDATE batches SET size = json_array_length(recipients) WHERE recipients IS NOT NULL;`,
	},
	{
		version: 3,
		name: 'drop the queued-batches index',
		// Each batch wrote two index rows (insert, done) on top of its own two: 0.016 billed rows per push at 250
		// recipients a batch. A notification has a few hundred batches: scanning them costs reads, billed at 1/1000.
		up: 'DROP INDEX IF EXISTS batches_queued;',
	},
];

/**
 * One per notification. Pages the audience from its site's store (keyset pagination), enqueues batches, hands each batch
 * to exactly one consumer at a time (claims), aggregates what consumers report, retries what may be retried and
 * keeps the counts. Batches are rows in this object's SQLite; a finished batch is never handed out again, so a
 * redelivered queue message cannot produce a second notification.
 */
export class Dispatcher extends DurableObject<Env> {
	private readonly sql: SqlStorage;
	private readonly leases = new Map<number, number>();
	private input: DispatchInput | null = null;
	private counts: Counts = emptyCounts();
	private phase: Phase = 'paging';
	private cursor = '';
	private finishedAt: number | null = null;
	private trackedDirty = false;
	private trackCommit: Promise<void> | null = null;
	/** Clicks (subscriber id, time) not yet recorded as `clicked` events; kept in the state row until flushed. */
	private clicks: Array<[string, number]> = [];
	private lastProgressAt = 0;
	/** Batches queued and not yet reported (kept in memory; counted once when the object starts). */
	private open = 0;
	/** Rows this notification has written to the object's SQLite (what Durable Objects bill), kept in its state. */
	private rowsWritten = 0;
	/** A timed run's waves (planned on its first alarm), the one being paged, and how much of it was paged. */
	private waves: Wave[] | null = null;
	private wave = 0;
	private pagedInWave = 0;
	/** When paging goes on (a later wave, or the next minute of a throttled run); null = at once. */
	private nextPageAt: number | null = null;
	/** Pages of a capped run recorded in the site's sent sets so far. */
	private capSeq = 0;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		ctx.blockConcurrencyWhile(async () => {
			// A fresh object stays empty until start(): a beacon or status call for an unknown id writes nothing.
			if (hasTables(ctx.storage.sql)) migrate(ctx.storage, DISPATCHER_MIGRATIONS);
			else return;
			this.open = this.sql
				.exec<{ n: number }>("SELECT count(*) AS n FROM batches WHERE state = 'queued'")
				.one().n;
			for (const row of this.sql.exec<{ k: string; v: string }>('SELECT k, v FROM meta')) {
				if (row.k === 'input') this.input = JSON.parse(row.v) as DispatchInput;
				else if (row.k === 'state') {
					const s = JSON.parse(row.v) as {
						phase: Phase;
						cursor: string;
						counts: Counts;
						finishedAt: number | null;
						rowsWritten?: number;
						clicks?: Array<[string, number]>;
						waves?: Wave[] | null;
						wave?: number;
						pagedInWave?: number;
						nextPageAt?: number | null;
						capSeq?: number;
					};
					this.phase = s.phase;
					this.cursor = s.cursor;
					this.counts = { ...emptyCounts(), ...s.counts };
					this.finishedAt = s.finishedAt;
					this.rowsWritten = s.rowsWritten ?? 0;
					this.clicks = s.clicks ?? [];
					this.waves = s.waves ?? null;
					this.wave = s.wave ?? 0;
					this.pagedInWave = s.pagedInWave ?? 0;
					this.nextPageAt = s.nextPageAt ?? null;
					this.capSeq = s.capSeq ?? 0;
				}
			}
		});
	}

	/** Starts dispatching; calling it again for the same notification does nothing. */
	async start(input: DispatchInput): Promise<void> {
		if (this.input) return;
		migrate(this.ctx.storage, DISPATCHER_MIGRATIONS);
		this.input = input;
		this.write('INSERT INTO meta (k, v) VALUES (?, ?)', 'input', JSON.stringify(input));
		for (const [reason, n] of Object.entries(input.skipped ?? {})) this.countSkipped(reason, n);
		this.saveState();
		await this.ctx.storage.setAlarm(Date.now());
	}

	/** Makes sure an unfinished dispatch has an alarm (the cron's backstop). */
	async resume(): Promise<void> {
		if (this.input && this.phase !== 'done' && (await this.ctx.storage.getAlarm()) === null) {
			await this.ctx.storage.setAlarm(Date.now());
		}
	}

	/** Reserves a batch for one consumer; a finished or already reserved batch is refused. */
	async claim(batchId: number): Promise<Claim> {
		if (!this.input) return { ok: false, reason: 'unknown' };
		const row = this.sql
			.exec<{ state: string; attempt: number }>('SELECT state, attempt FROM batches WHERE id = ?', batchId)
			.toArray()[0];
		if (!row) return { ok: false, reason: 'unknown' };
		if (row.state === 'done') return { ok: false, reason: 'done' };
		const now = Date.now();
		if ((this.leases.get(batchId) ?? 0) > now) return { ok: false, reason: 'busy' };
		this.leases.set(batchId, now + LEASE_MS);
		return { ok: true, input: this.input, attempt: row.attempt };
	}

	/** Gives a claimed batch back without a report (the consumer failed before sending). */
	async release(batchId: number): Promise<void> {
		this.leases.delete(batchId);
	}

	/** Records a consumer's outcome for a batch; reports for finished batches are ignored. */
	async complete(batchId: number, report: BatchReport): Promise<void> {
		if (!this.input) return; // never started, or purged while this batch was out
		const row = this.sql
			.exec<{ state: string; attempt: number; size: number }>(
				'SELECT state, attempt, size FROM batches WHERE id = ?',
				batchId,
			)
			.toArray()[0];
		if (!row || row.state === 'done') return;
		this.leases.delete(batchId);
		this.write("UPDATE batches SET state = 'done', recipients = NULL WHERE id = ?", batchId);
		this.open--;
		const c = this.counts;
		c.sent += report.sent;
		c.gone += report.gone;
		report.byVariant?.forEach((v, i) => {
			const counts = this.variantCounts(i);
			counts.sent += v.sent;
			counts.failed += v.failed;
		});
		for (const [reason, n] of Object.entries(report.failures)) this.countFailed(reason, n);
		if (report.fatal) {
			await this.abandon(report.fatal);
			return;
		}
		if (report.retry.length > 0) {
			const expired = Date.now() > this.input.createdAt + this.input.delivery.ttl * 1000;
			const exhausted = row.attempt + 1 >= MAX_ATTEMPTS && !isOutage(row.size, report.retry.length);
			if (exhausted || expired) {
				this.countFailed(expired ? 'expired' : 'retries_exhausted', report.retry.length);
			} else {
				c.retried += report.retry.length;
				const delayMs = report.retryAfterMs ?? 1000;
				await this.enqueue([report.retry], row.attempt + 1, delayMs);
			}
		}
		this.saveState();
		if (this.phase === 'sending' && !this.hasOpenBatches()) await this.finish();
		else await this.maybeSaveProgress();
	}

	/**
	 * Counts a browser-reported event (shown, clicked, closed) for this notification's site. Resolves once the
	 * count is stored (group commit, see {@link TRACK_COMMIT_MS}), so an answered beacon survives a restart. A click
	 * naming its subscriber becomes that subscriber's `clicked` event at the next flush to the site's store.
	 */
	async track(siteId: string, type: Tracked, subscriberId: string | null = null): Promise<boolean> {
		if (!this.input || this.input.siteId !== siteId) return false;
		this.counts[type]++;
		if (this.input.variants && subscriberId !== null) {
			const { seed, weights } = this.input.variants;
			this.variantCounts(variantOf(seed, subscriberId, weights))[type]++;
		}
		if (type === 'clicked' && subscriberId !== null && this.clicks.length < MAX_PENDING_CLICKS) {
			this.clicks.push([subscriberId, Date.now()]);
		}
		this.trackCommit ??= this.commitTracked();
		await this.trackCommit;
		return true;
	}

	/** Waits for the window's other events, then stores every count in one row; D1 follows within seconds. */
	private async commitTracked(): Promise<void> {
		await new Promise((resolve) => setTimeout(resolve, TRACK_COMMIT_MS));
		this.trackCommit = null;
		this.saveState();
		if (!this.trackedDirty) {
			this.trackedDirty = true;
			const alarm = await this.ctx.storage.getAlarm();
			if (alarm === null || alarm > Date.now() + PROGRESS_EVERY_MS) {
				await this.ctx.storage.setAlarm(Date.now() + PROGRESS_EVERY_MS);
			}
		}
	}

	/** Stops an unfinished send (its campaign was cancelled): queued batches fail as `cancelled`, paging stops. */
	async cancel(): Promise<boolean> {
		if (!this.input || this.phase === 'done') return false;
		await this.abandon('cancelled');
		return true;
	}

	/** Forgets this notification entirely (shop redaction): storage, alarm and memory. */
	async purge(): Promise<void> {
		await this.ctx.storage.deleteAlarm();
		await this.ctx.storage.deleteAll();
		// Late queue messages find an unknown notification and are acknowledged without sending.
		this.input = null;
		this.leases.clear();
	}

	/** Current state and counts, or null if this notification was never started. */
	async status(): Promise<DispatchStatus | null> {
		if (!this.input) return null;
		return {
			status:
				this.phase === 'done'
					? 'done'
					: this.phase === 'sending' || this.counts.targeted > 0
						? 'sending'
						: 'queued',
			counts: this.counts,
			finishedAt: this.finishedAt,
			rowsWritten: this.rowsWritten,
		};
	}

	/** Pages the audience, re-sends lost batches, flushes counts, finishes. */
	override async alarm(): Promise<void> {
		if (!this.input) return;
		if (this.phase === 'paging' && (this.nextPageAt === null || this.nextPageAt <= Date.now()))
			await this.page();
		// Between waves, batches already sent are watched as they are once paging has ended.
		if (this.phase === 'paging' && this.nextPageAt !== null && this.hasOpenBatches()) await this.watchdog();
		if (this.phase === 'sending') {
			await this.watchdog();
			if (!this.hasOpenBatches()) await this.finish();
		}
		if (this.trackedDirty) {
			this.trackedDirty = false;
			await this.saveProgress();
		} else {
			await this.maybeSaveProgress();
		}
		if (this.phase === 'paging') {
			const watch = Date.now() + Math.min(30_000, this.watchdogMs() / 2);
			const at = this.nextPageAt ?? Date.now();
			await this.ctx.storage.setAlarm(this.hasOpenBatches() ? Math.min(at, watch) : at);
		} else if (this.phase === 'sending') {
			await this.ctx.storage.setAlarm(Date.now() + Math.min(30_000, this.watchdogMs() / 2));
		}
	}

	private async page(): Promise<void> {
		const input = this.input as DispatchInput;
		const timing = input.timing;
		if (timing && this.waves === null) await this.planWaves(input, timing);
		const throttle = timing?.throttlePerMinute;
		let budget = throttle ? Math.min(throttle, RECIPIENTS_PER_ALARM) : RECIPIENTS_PER_ALARM;
		this.nextPageAt = null;
		// Whether the state changed since it was last saved (a page saves it; leaving the loop otherwise does not).
		let unsaved = false;
		while (budget > 0 && this.phase === 'paging') {
			const now = Date.now();
			const wave = this.waves?.[this.wave];
			if (this.waves && !wave) {
				this.endPaging();
				unsaved = true;
				break;
			}
			if (timing?.cutoffAt !== undefined && now > timing.cutoffAt) {
				this.expireRest();
				unsaved = true;
				break;
			}
			if (wave && wave.at > now) {
				this.nextPageAt = wave.at;
				unsaved = true;
				break;
			}
			const page = await this.nextPage(input, Math.min(PAGE_SIZE, budget), wave?.zones ?? null);
			if ((this.phase as Phase) === 'done') return; // abandoned while the page was read
			const rows = await this.recorded(page.rows, input);
			if (rows.length > 0) {
				const recipients = rows.map((r) => toRecipient(r, input));
				await this.enqueue(chunkRecipients(recipients), 0, 0);
				this.counts.targeted += recipients.length;
				for (const r of recipients) if (r.v !== undefined) this.variantCounts(r.v).targeted++;
				this.pagedInWave += recipients.length;
				budget -= recipients.length;
			}
			if (page.done) {
				if (this.waves) {
					this.wave++;
					this.cursor = '';
					this.pagedInWave = 0;
				} else this.endPaging();
			}
			this.saveState();
		}
		// A throttled run pages its next minute's share a minute after this one.
		if (throttle && budget <= 0 && this.phase === 'paging') {
			this.nextPageAt ??= Date.now() + 60_000;
			unsaved = true;
		}
		if (unsaved) this.saveState();
	}

	/** Variant i's counts, created (with those before it) on first use. */
	private variantCounts(i: number): VariantCounts {
		this.counts.variants ??= [];
		while (this.counts.variants.length <= i) {
			this.counts.variants.push({ targeted: 0, sent: 0, failed: 0, shown: 0, clicked: 0, closed: 0 });
		}
		return this.counts.variants[i] as VariantCounts;
	}

	/**
	 * A page less the run's control group (by hash; counted as skipped `holdout`) and the subscribers the site's
	 * frequency cap stops (counted as skipped `capped`). A capped run, or one measuring a goal, records the page in
	 * the site's sent sets: whom it went to and whom it held out (one row per page, nothing per subscriber).
	 */
	private async recorded(rows: AudienceTuple[], input: DispatchInput): Promise<AudienceTuple[]> {
		const split = input.split;
		if (split) {
			const mine = rows.filter(
				(r) => inHoldout(`${split.seed}#test`, r[0], split.percent) === (split.part === 'test'),
			);
			// The others are the other part's: not this notification's, not counted here.
			this.pagedInWave += rows.length - mine.length;
			rows = mine;
		}
		const holdout = input.holdout;
		let kept = rows;
		const held: string[] = [];
		if (holdout) {
			kept = [];
			for (const r of rows) {
				if (inHoldout(holdout.seed, r[0], holdout.percent)) held.push(r[0]);
				else kept.push(r);
			}
			this.countSkipped('holdout', held.length);
			this.pagedInWave += held.length;
		}
		if ((!input.cap && !input.measured) || rows.length === 0) return kept;
		const { zone = 'UTC', ...limits } = input.cap ?? {};
		const sent = new Set(
			await siteStore(this.env, input.siteId).recordPage(
				input.siteId,
				{ notificationId: input.notificationId, seq: this.capSeq, ids: kept.map((r) => r[0]), held },
				input.cap ? limits : null,
				zone,
			),
		);
		this.capSeq++;
		const within = kept.filter((r) => sent.has(r[0]));
		this.countSkipped('capped', kept.length - within.length);
		return within;
	}

	/** Plans a timed run's waves from its audience's zones; recipients left out are counted as skipped. */
	private async planWaves(input: DispatchInput, timing: DispatchTiming): Promise<void> {
		const zones = await siteStore(this.env, input.siteId).audienceZones(input.siteId, input.audience);
		const plan = planWaves(zones, timing, Date.now());
		this.waves = plan.waves;
		this.wave = 0;
		this.cursor = '';
		for (const [reason, n] of Object.entries(plan.skipped)) this.countSkipped(reason, n);
		this.saveState();
	}

	/** Past the cut-off: what the current and later waves had not paged yet is counted as expired. */
	private expireRest(): void {
		const waves = this.waves ?? [];
		let rest = 0;
		for (let i = this.wave; i < waves.length; i++) rest += waves[i]?.n ?? 0;
		this.countSkipped('expired', Math.max(0, rest - this.pagedInWave));
		this.wave = waves.length;
		this.endPaging();
	}

	private countSkipped(reason: string, n: number): void {
		if (n <= 0) return;
		this.counts.skipped ??= {};
		this.counts.skipped[reason] = (this.counts.skipped[reason] ?? 0) + n;
	}

	/** Reads the next page from the site's store (of a wave's zones, if any) and advances the cursor. */
	private async nextPage(
		input: DispatchInput,
		limit: number,
		zones: string[] | null,
	): Promise<{ rows: AudienceTuple[]; done: boolean }> {
		const page = await siteStore(this.env, input.siteId).audiencePage(
			input.siteId,
			input.audience,
			this.cursor,
			limit,
			// A personalised message needs each recipient's attributes, a send with languages their locale; a plain one
			// pages without the join.
			personalisedOf(input) || hasTranslations(input),
			zones,
		);
		this.cursor = page.cursor;
		// The RPC stub's type widens tuples to arrays; the store sends AudienceTuple[].
		return { rows: page.rows as AudienceTuple[], done: page.done };
	}

	/** Stores batches and sends them to the queue (≤100 messages and ≤256 KB per sendBatch call). */
	private async enqueue(groups: Recipient[][], attempt: number, delayMs: number): Promise<void> {
		const input = this.input as DispatchInput;
		const dueAt = Date.now() + delayMs;
		const delaySeconds = Math.ceil(delayMs / 1000);
		let pending: MessageSendRequest<PushBatch>[] = [];
		let pendingBytes = 0;
		const flush = async () => {
			if (pending.length > 0) await this.env.PUSH_QUEUE.sendBatch(pending);
			pending = [];
			pendingBytes = 0;
		};
		for (const recipients of groups) {
			const json = JSON.stringify(recipients);
			const inserted = this.sql.exec<{ id: number }>(
				"INSERT INTO batches (attempt, recipients, size, state, due_at) VALUES (?, ?, ?, 'queued', ?) RETURNING id",
				attempt,
				json,
				recipients.length,
				dueAt,
			);
			const id = inserted.one().id;
			this.rowsWritten += inserted.rowsWritten;
			this.open++;
			const body: PushBatch = { notificationId: input.notificationId, batchId: id, attempt, recipients };
			if (pending.length >= 100 || pendingBytes + json.length > 200_000) await flush();
			pending.push(
				delaySeconds > 0 ? { body, contentType: 'json', delaySeconds } : { body, contentType: 'json' },
			);
			pendingBytes += json.length + 100;
		}
		await flush();
	}

	/** Re-sends batches whose report is overdue (their message or consumer was lost). */
	private async watchdog(): Promise<void> {
		const now = Date.now();
		const overdue = this.sql
			.exec<{ id: number; attempt: number; recipients: string }>(
				"SELECT id, attempt, recipients FROM batches WHERE state = 'queued' AND due_at < ? LIMIT 100",
				now - this.watchdogMs(),
			)
			.toArray()
			.filter((b) => (this.leases.get(b.id) ?? 0) < now);
		const input = this.input as DispatchInput;
		for (const b of overdue) {
			this.write('UPDATE batches SET due_at = ? WHERE id = ?', now, b.id);
			const recipients = JSON.parse(b.recipients) as Recipient[];
			await this.env.PUSH_QUEUE.send(
				{ notificationId: input.notificationId, batchId: b.id, attempt: b.attempt, recipients },
				{ contentType: 'json' },
			);
		}
	}

	/** After the last page: only a dispatch still paging moves on (one abandoned meanwhile stays done). */
	private endPaging(): void {
		if (this.phase === 'paging') this.phase = 'sending';
	}

	/** How long a queued batch may go unreported before it is sent again (DISPATCH_WATCHDOG_MS). */
	private watchdogMs(): number {
		return config(this.env).dispatchWatchdogMs;
	}

	private countFailed(reason: string, n: number): void {
		if (n <= 0) return;
		this.counts.failures[reason] = (this.counts.failures[reason] ?? 0) + n;
		this.counts.failed += n;
	}

	/** Ends the notification now: every recipient not yet sent fails with `reason`, and paging stops. */
	private async abandon(reason: FatalReason): Promise<void> {
		const open = this.sql
			.exec<{ n: number | null }>("SELECT sum(size) AS n FROM batches WHERE state = 'queued'")
			.one();
		this.write("UPDATE batches SET state = 'done', recipients = NULL WHERE state = 'queued'");
		this.open = 0;
		this.leases.clear();
		this.countFailed(reason, open.n ?? 0);
		await this.finish();
	}

	private hasOpenBatches(): boolean {
		return this.open > 0;
	}

	/** Runs a statement that writes, counting the rows it wrote. */
	private write(query: string, ...bindings: SqlStorageValue[]): void {
		this.rowsWritten += this.sql.exec(query, ...bindings).rowsWritten;
	}

	private async finish(): Promise<void> {
		this.phase = 'done';
		this.finishedAt = Date.now();
		this.saveState();
		await this.saveProgress();
	}

	private saveState(): void {
		// This write is the one row more that the saved figure cannot include.
		const state = {
			phase: this.phase,
			cursor: this.cursor,
			counts: this.counts,
			finishedAt: this.finishedAt,
			rowsWritten: this.rowsWritten + 1,
			...(this.clicks.length > 0 ? { clicks: this.clicks } : {}),
			...(this.capSeq > 0 ? { capSeq: this.capSeq } : {}),
			...(this.waves !== null
				? { waves: this.waves, wave: this.wave, pagedInWave: this.pagedInWave, nextPageAt: this.nextPageAt }
				: this.nextPageAt !== null
					? { nextPageAt: this.nextPageAt }
					: {}),
		};
		// An upsert writes one row; INSERT OR REPLACE would write two (delete + insert), and rows are what is billed.
		this.write(
			'INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v',
			'state',
			JSON.stringify(state),
		);
	}

	private async maybeSaveProgress(): Promise<void> {
		if (Date.now() - this.lastProgressAt >= PROGRESS_EVERY_MS) await this.saveProgress();
	}

	private async saveProgress(): Promise<void> {
		const status = (await this.status())?.status ?? 'queued';
		this.lastProgressAt = Date.now();
		const { siteId, notificationId } = this.input as DispatchInput;
		await siteStore(this.env, siteId).saveProgress(
			siteId,
			notificationId,
			status,
			this.counts,
			this.finishedAt,
		);
		await this.flushClicks(siteId, notificationId);
	}

	/**
	 * Records the pending clicks as `clicked` events in one store call. The notification id is the event id, so a
	 * flush replayed after a restart (the state row still listing them) counts nothing twice.
	 */
	private async flushClicks(siteId: string, notificationId: string): Promise<void> {
		if (this.clicks.length === 0) return;
		const clicks = this.clicks;
		this.clicks = [];
		const events = clicks.map(([subscriberId, time]) => ({
			...builtinEvent(subscriberId, 'clicked', time, { notificationId }),
			id: notificationId,
		}));
		try {
			await siteStore(this.env, siteId).recordEvents(siteId, events, Date.now());
		} catch (error) {
			this.clicks = [...clicks, ...this.clicks].slice(0, MAX_PENDING_CLICKS);
			throw error;
		}
	}
}

function hasTables(sql: SqlStorage): boolean {
	return (
		sql
			.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' LIMIT 1")
			.toArray().length > 0
	);
}

/** The context a dispatch's templates read, worked out once per message. */
const needsMemo = new WeakMap<DispatchInput['message'], ContextNeeds>();
function needsOf(input: DispatchInput): ContextNeeds {
	let needs = needsMemo.get(input.message);
	if (!needs) {
		needs = contextNeeds(...allMessagesOf(input));
		needsMemo.set(input.message, needs);
	}
	return needs;
}

/** Whether any message of a dispatch (languages included) holds Liquid, worked out once per message. */
const personalisedMemo = new WeakMap<DispatchInput['message'], boolean>();
function personalisedOf(input: DispatchInput): boolean {
	let personalised = personalisedMemo.get(input.message);
	if (personalised === undefined) {
		personalised = allMessagesOf(input).some(isPersonalised);
		personalisedMemo.set(input.message, personalised);
	}
	return personalised;
}

/** Every message a dispatch may send: each variant's (or its one) and their language variants. */
export function allMessagesOf(
	input: Pick<DispatchInput, 'message' | 'variants' | 'translations'>,
): Message[] {
	const translated = (input.translations ?? []).flatMap((t) => (t ? Object.values(t) : []));
	return [...messagesOf(input), ...translated];
}

/** Every message a run sends: its variants', or its one. */
export function messagesOf(input: Pick<DispatchInput, 'message' | 'variants'>): Message[] {
	return input.variants?.messages ?? [input.message];
}

function toRecipient(
	[id, endpoint, p256dh, auth, lastUrl, keyId, ctx]: AudienceTuple,
	input: DispatchInput,
): Recipient {
	// A templated URL is rendered per recipient; the fallback kept here is what a URL that renders blank opens.
	const url = input.message.url;
	const fixed = url !== undefined && !/\{\{|\{%/.test(url) ? url : undefined;
	const recipient: Recipient = { id, endpoint, p256dh, auth, url: fixed ?? lastUrl ?? input.homeUrl };
	// Only a subscription made with another key (imported) names its key: most messages carry none.
	if (keyId && keyId !== input.vapidKeyId) recipient.k = keyId;
	if (input.variants) recipient.v = variantOf(input.variants.seed, id, input.variants.weights);
	if (ctx && hasTranslations(input)) {
		const tags = Object.keys(input.translations?.[recipient.v ?? 0] ?? {});
		const tag = pickLocale(tags, ctx.subscriber.locale);
		if (tag !== null) recipient.lc = tag;
	}
	if (ctx && personalisedOf(input)) {
		const event = withDiscountCode(
			input.events?.[ctx.user ? `u:${ctx.user.id}` : `s:${id}`] ?? input.events?.[`s:${id}`] ?? input.event,
			input.discount,
		);
		recipient.ctx = pruneContext(event ? { ...ctx, event } : ctx, needsOf(input));
	}
	return recipient;
}

/** Whether a dispatch has language variants (its pages then carry each subscriber's locale). */
export function hasTranslations(input: Pick<DispatchInput, 'translations'>): boolean {
	return input.translations?.some((t) => t !== null && Object.keys(t).length > 0) ?? false;
}
