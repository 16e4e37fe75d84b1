import type {
	Audience,
	CampaignExperiment,
	CampaignSchedule,
	CampaignTiming,
	Delivery,
	FrequencyCap,
	Message,
	QuietHoursRule,
} from '#wire';
import { localDay, nextRuns, type Schedule } from '../campaigns/schedule';
import type { DispatchTiming } from '../campaigns/timing';
import type { DispatchInput } from '../objects/dispatcher';
import { CheckError, resolveAudience } from './audience';
import {
	type CampaignRecord,
	type CampaignResource,
	campaignCount,
	findCampaign,
	insertRun,
	listCampaigns,
	MAX_CAMPAIGNS,
	runsFinished,
	saveCampaign,
} from './campaigns';
import { conversionReport } from './conversions';
import { emptyCounts, findNotification, insertNotification, type NotificationRecord } from './notifications';
import { applyResource, findResource } from './resources';

// The campaign lifecycle inside a site's store, each function one transaction's work (the SiteStore wraps them):
// draft → scheduled → running → done, with paused and cancelled beside. A run is a notification of its own; its
// dispatcher is started after the transaction (see SiteStore.runDueCampaigns).

/** What a campaign is made of (the fields an editor sets). */
export interface CampaignInput {
	name: string;
	labels: string[];
	message: Message;
	audience: Audience;
	delivery: Delivery;
	timing: CampaignTiming;
	experiment: CampaignExperiment;
	schedule: CampaignSchedule | null;
	/** The push resource the message comes from (`message` is then its current version with the overrides). */
	resource: CampaignResource | null;
}

/** The campaign's resource must exist (a 400 naming the field otherwise). */
function checkResource(sql: SqlStorage, resource: CampaignResource | null | undefined): void {
	if (resource && !findResource(sql, resource.resourceId)) {
		throw new CheckError(
			409,
			'resource_not_found',
			`message.resource: no resource ${resource.resourceId} on this site`,
		);
	}
}

export const CAMPAIGN_ACTIONS = ['schedule', 'pause', 'resume', 'cancel'] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

const EDITABLE = new Set(['draft', 'scheduled', 'running', 'paused']);

function mustFind(sql: SqlStorage, id: string): CampaignRecord {
	const c = findCampaign(sql, id);
	if (!c) throw new CheckError(404, 'campaign_not_found', `No campaign ${id} on this site`);
	return c;
}

/** The first run of a schedule at or after `from` (never before it), or null when every date has passed. */
function runFrom(schedule: CampaignSchedule, from: number): number | null {
	if (schedule.type === 'now') return from;
	return nextRuns(schedule as Schedule, from, from - 1, 1)[0] ?? null;
}

/** The run after `after` of a campaign scheduled at `scheduledAt`, or null when it has no more. */
function runAfter(schedule: CampaignSchedule, scheduledAt: number, after: number): number | null {
	if (schedule.type === 'now') return null;
	return nextRuns(schedule as Schedule, scheduledAt, after, 1)[0] ?? null;
}

export function createCampaign(
	sql: SqlStorage,
	id: string,
	input: CampaignInput,
	now: number,
): CampaignRecord {
	if (campaignCount(sql) >= MAX_CAMPAIGNS) {
		throw new CheckError(
			409,
			'too_many_campaigns',
			`A site has at most ${MAX_CAMPAIGNS} campaigns; delete old ones`,
		);
	}
	// The audience is checked against the site now (unknown attributes or segments are a 400); it is resolved
	// again at each run, so a segment's members are the ones of the day it runs.
	resolveAudience(sql, input.audience, now);
	checkResource(sql, input.resource);
	const record: CampaignRecord = {
		id,
		...input,
		state: 'draft',
		scheduledAt: null,
		nextRunAt: null,
		runCount: 0,
		lastError: null,
		createdAt: now,
		updatedAt: now,
	};
	saveCampaign(sql, record);
	return record;
}

/** Changes a campaign's fields; a schedule change of a scheduled or running campaign takes effect from now. */
export function updateCampaign(
	sql: SqlStorage,
	id: string,
	patch: Partial<CampaignInput>,
	now: number,
): CampaignRecord {
	const c = mustFind(sql, id);
	if (!EDITABLE.has(c.state)) {
		throw new CheckError(
			409,
			'campaign_finished',
			`Campaign ${id} is ${c.state}; duplicate it to send again`,
		);
	}
	if (patch.audience !== undefined) resolveAudience(sql, patch.audience, now);
	checkResource(sql, patch.resource);
	const updated: CampaignRecord = { ...c, ...patch, updatedAt: now };
	if (patch.schedule !== undefined && (c.state === 'scheduled' || c.state === 'running')) {
		if (patch.schedule === null) {
			throw new CheckError(
				409,
				'schedule_required',
				'schedule: a scheduled campaign needs one; pause it first',
			);
		}
		updated.scheduledAt = now;
		updated.nextRunAt = runFrom(patch.schedule, now);
		if (updated.nextRunAt === null && c.state === 'scheduled') {
			throw new CheckError(409, 'schedule_in_past', 'schedule: every run of this schedule is in the past');
		}
	}
	saveCampaign(sql, updated);
	return settle(sql, updated);
}

/**
 * Moves a campaign to its next state. Returns it and the notifications of runs to stop (cancel while a run is
 * sending).
 */
export function campaignAction(
	sql: SqlStorage,
	id: string,
	action: CampaignAction,
	now: number,
): { campaign: CampaignRecord; stop: string[] } {
	const c = mustFind(sql, id);
	const refuse = (what: string): never => {
		throw new CheckError(409, 'campaign_state', `Campaign ${id} is ${c.state}: it cannot be ${what}`);
	};
	const next: CampaignRecord = { ...c, updatedAt: now, lastError: null };
	let stop: string[] = [];
	if (action === 'schedule') {
		if (c.state !== 'draft') refuse('scheduled (only a draft can; a paused one is resumed)');
		if (c.schedule === null) {
			throw new CheckError(
				409,
				'schedule_required',
				'schedule: set when the campaign runs before scheduling it',
			);
		}
		next.nextRunAt = runFrom(c.schedule, now);
		if (next.nextRunAt === null) {
			throw new CheckError(409, 'schedule_in_past', 'schedule: every run of this schedule is in the past');
		}
		next.state = 'scheduled';
		next.scheduledAt = now;
	} else if (action === 'pause') {
		if (c.state !== 'scheduled' && c.state !== 'running') refuse('paused');
		next.state = 'paused';
		next.nextRunAt = null;
	} else if (action === 'resume') {
		if (c.state !== 'paused') refuse('resumed');
		const schedule = c.schedule as CampaignSchedule;
		// Runs missed while paused are skipped; a "now" campaign paused before its run still runs.
		next.nextRunAt =
			schedule.type === 'now'
				? c.runCount === 0
					? now
					: null
				: runAfter(schedule, c.scheduledAt ?? c.createdAt, now - 1);
		next.state = c.runCount === 0 ? 'scheduled' : 'running';
		if (next.nextRunAt === null && c.runCount === 0) {
			throw new CheckError(409, 'schedule_in_past', 'schedule: every run of this schedule is in the past');
		}
	} else {
		if (!EDITABLE.has(c.state)) refuse('cancelled');
		next.state = 'cancelled';
		next.nextRunAt = null;
		stop = sql
			.exec<{ id: string }>(
				`SELECT n.id FROM campaign_runs r JOIN notifications n ON n.id = r.notification_id
				WHERE r.campaign_id = ? AND n.status <> 'done'`,
				id,
			)
			.toArray()
			.map((r) => r.id);
	}
	saveCampaign(sql, next);
	return { campaign: settle(sql, next), stop };
}

/** A running campaign with no run to come whose runs have all finished is done (saved when it changes). */
export function settle(sql: SqlStorage, c: CampaignRecord): CampaignRecord {
	if (c.state !== 'running' || c.nextRunAt !== null || !runsFinished(sql, c.id)) return c;
	const done: CampaignRecord = { ...c, state: 'done' };
	saveCampaign(sql, done);
	return done;
}

/**
 * Starts a due run: its notification (queued) and run row (holding the dispatcher's input until it is started),
 * and the campaign moved on to its following run. A run whose audience no longer resolves (a segment it names was
 * deleted) is skipped and the campaign paused with the reason. Returns the dispatcher input and run number, or null
 * when there is nothing to start.
 */
export function startRun(
	sql: SqlStorage,
	campaignId: string,
	site: {
		siteId: string;
		homeUrl: string;
		vapidKeyId?: string;
		iconUrl: string | null;
		disabled: boolean;
		frequencyCap: FrequencyCap | null;
		/** The site's default quiet hours (a campaign's own replace them). */
		quietHours?: QuietHoursRule | null;
	},
	notificationId: string,
	now: number,
): { input: DispatchInput; run: number } | null {
	// Read again inside the transaction: another alarm may have started this run since the due list was read.
	const c = findCampaign(sql, campaignId);
	if (!c || c.nextRunAt === null || c.nextRunAt > now || c.schedule === null) return null;
	const scheduledFor = c.nextRunAt;
	const following = runAfter(
		c.schedule as CampaignSchedule,
		c.scheduledAt ?? c.createdAt,
		Math.max(scheduledFor, now),
	);
	if (site.disabled) {
		saveCampaign(sql, {
			...c,
			state: 'paused',
			nextRunAt: null,
			lastError: 'Sending is turned off for this site (its Shopify app is uninstalled); the run was skipped',
			updatedAt: now,
		});
		return null;
	}
	let audience: Audience;
	try {
		audience = resolveAudience(sql, c.audience, now);
	} catch (error) {
		saveCampaign(sql, {
			...c,
			state: 'paused',
			nextRunAt: null,
			lastError: `The audience no longer works (${(error as Error).message}); fix it and resume`,
			updatedAt: now,
		});
		return null;
	}
	// A resource is read at its current version: editing it changes what later runs send.
	let message = c.message;
	let resource = c.resource;
	let translations: Record<string, Message> | null = null;
	if (c.resource) {
		const current = findResource(sql, c.resource.resourceId);
		if (!current) {
			saveCampaign(sql, {
				...c,
				state: 'paused',
				nextRunAt: null,
				lastError: `Its push resource ${c.resource.resourceId} was deleted; choose another message and resume`,
				updatedAt: now,
			});
			return null;
		}
		const resolved = applyResource(current, c.resource.overrides);
		message = resolved.message;
		translations = resolved.translations;
		resource = { ...c.resource, name: current.name, version: current.version };
	}
	const record: NotificationRecord = {
		id: notificationId,
		siteId: site.siteId,
		message,
		resource: resource
			? { resourceId: resource.resourceId, name: resource.name, version: resource.version }
			: null,
		translations,
		audience: c.audience,
		delivery: c.delivery,
		status: 'queued',
		counts: emptyCounts(),
		createdAt: now,
		finishedAt: null,
	};
	insertNotification(sql, record, null);
	const run = c.runCount + 1;
	const input: DispatchInput = {
		notificationId,
		siteId: site.siteId,
		message,
		audience,
		delivery: c.delivery,
		homeUrl: site.homeUrl,
		iconUrl: site.iconUrl,
		vapidKeyId: site.vapidKeyId,
		createdAt: now,
	};
	const timing = runTiming(c, scheduledFor, now, site.quietHours ?? null);
	if (timing) input.timing = timing;
	// An A/B test with an automatic winner: the variants go to the test share now, the winner to the rest later.
	const test =
		c.experiment.testPercent && (c.experiment.variants?.length ?? 0) > 1 ? c.experiment.testPercent : 0;
	if (test) input.split = { seed: c.id, percent: test, part: 'test' };
	const winnerAt = test ? now + (c.experiment.winnerAfterMinutes ?? 60) * 60_000 : null;
	if (c.experiment.holdoutPercent) input.holdout = { seed: c.id, percent: c.experiment.holdoutPercent };
	if (c.experiment.goal) input.measured = true;
	const variants = c.experiment.variants;
	if (variants && variants.length > 1) {
		const own = variantMessages(sql, message, translations, variants);
		if (own === null) {
			saveCampaign(sql, {
				...c,
				state: 'paused',
				nextRunAt: null,
				lastError: "A variant's push resource was deleted; choose another message for it and resume",
				updatedAt: now,
			});
			return null;
		}
		input.variants = { seed: c.id, weights: variants.map((v) => v.weight), messages: own.messages };
		if (own.translations.some((t) => t !== null)) input.translations = own.translations;
	} else if (translations) input.translations = [translations];
	if (site.frequencyCap && !c.timing.ignoreFrequencyCap) {
		input.cap = { ...site.frequencyCap, zone: campaignZone(c) };
	}
	insertRun(sql, c.id, run, notificationId, scheduledFor, now, input, winnerAt);
	saveCampaign(sql, {
		...c,
		message,
		resource,
		state: 'running',
		runCount: run,
		nextRunAt: following,
		updatedAt: now,
	});
	return { input, run };
}

/**
 * Each variant's message and languages at a run: a variant with its own push resource sends that resource's current
 * version with the variant's other fields over it; the others the campaign's message (and languages) with their
 * fields over it. Null when a variant's resource is gone.
 */
function variantMessages(
	sql: SqlStorage,
	message: Message,
	translations: Record<string, Message> | null,
	variants: NonNullable<CampaignExperiment['variants']>,
): { messages: Message[]; translations: Array<Record<string, Message> | null> } | null {
	const messages: Message[] = [];
	const languages: Array<Record<string, Message> | null> = [];
	for (const v of variants) {
		const { resource, ...fields } = v.message ?? {};
		if (resource !== undefined) {
			const found = findResource(sql, resource);
			if (!found) return null;
			const resolved = applyResource(found, fields);
			messages.push(resolved.message);
			languages.push(resolved.translations);
			continue;
		}
		messages.push({ ...message, ...fields } as Message);
		languages.push(
			translations
				? Object.fromEntries(
						Object.entries(translations).map(([tag, m]) => [tag, { ...m, ...fields } as Message]),
					)
				: null,
		);
	}
	return { messages, translations: languages };
}

/** The zone a campaign's dates are in: its timing's, else its recurrence's, else UTC. */
export function campaignZone(c: { timing: CampaignTiming; schedule: CampaignSchedule | null }): string {
	if (c.timing.timezone) return c.timing.timezone;
	return c.schedule?.type === 'recurring' ? c.schedule.rule.timezone : 'UTC';
}

/**
 * A run's timing for its dispatcher, or undefined when it has none (sent at once, in one go). The site's default
 * quiet hours apply to a campaign without its own.
 */
export function runTiming(
	c: { timing: CampaignTiming; schedule: CampaignSchedule | null },
	scheduledFor: number,
	now: number,
	siteQuietHours: QuietHoursRule | null = null,
): DispatchTiming | undefined {
	const t = c.timing;
	const quiet = t.quietHours ?? siteQuietHours ?? undefined;
	if (!t.localTime && !quiet && !t.cutoffAt && !t.cutoffAfterMinutes && !t.throttlePerMinute) return;
	const zone = campaignZone(c);
	const timing: DispatchTiming = { zone };
	if (t.localTime) timing.localTime = { runDate: localDay(scheduledFor, zone), ...t.localTime };
	if (quiet) timing.quietHours = quiet;
	const cutoffs = [
		t.cutoffAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(t.cutoffAt),
		t.cutoffAfterMinutes === undefined ? Number.POSITIVE_INFINITY : now + t.cutoffAfterMinutes * 60_000,
	];
	const cutoff = Math.min(...cutoffs);
	if (Number.isFinite(cutoff)) timing.cutoffAt = cutoff;
	if (t.throttlePerMinute) timing.throttlePerMinute = t.throttlePerMinute;
	return timing;
}

/** One entry of the campaign calendar: a run that happened or one to come. */
export interface CalendarEntry {
	campaignId: string;
	name: string;
	state: CampaignRecord['state'];
	at: number;
	/** The run's number once it started; null for runs to come. */
	run: number | null;
}

/**
 * Runs between `from` and `to`: the ones that started (campaign_runs) and those to come of scheduled and running
 * campaigns (from their schedules), in time order, at most `limit`.
 */
export function calendar(
	sql: SqlStorage,
	from: number,
	to: number,
	now: number,
	limit: number,
): CalendarEntry[] {
	const entries: CalendarEntry[] = [];
	for (const row of sql.exec<{
		campaign_id: string;
		run: number;
		started_at: number;
		name: string;
		state: string;
	}>(
		`SELECT r.campaign_id, r.run, r.started_at, c.name, c.state FROM campaign_runs r
		JOIN campaigns c ON c.id = r.campaign_id WHERE r.started_at BETWEEN ? AND ? ORDER BY r.started_at LIMIT ?`,
		from,
		to,
		limit,
	)) {
		entries.push({
			campaignId: row.campaign_id,
			name: row.name,
			state: row.state as CampaignRecord['state'],
			at: row.started_at,
			run: row.run,
		});
	}
	for (const c of listCampaigns(sql, { states: ['scheduled', 'running'] })) {
		if (c.nextRunAt === null || c.schedule === null) continue;
		const upcoming =
			c.schedule.type === 'now'
				? [c.nextRunAt]
				: [
						c.nextRunAt,
						...nextRuns(c.schedule as Schedule, c.scheduledAt ?? c.createdAt, c.nextRunAt, limit),
					];
		for (const at of upcoming) {
			if (at > to) break;
			if (at >= from && at >= now - 60_000)
				entries.push({ campaignId: c.id, name: c.name, state: c.state, at, run: null });
		}
	}
	return entries.sort((a, b) => a.at - b.at).slice(0, limit);
}

/**
 * Picks a run's A/B winner — the variant with the best click rate (clicked ÷ sent) or conversion rate — and prepares
 * the notification sending it to the rest of the audience (everyone outside the test share, less the control group
 * and the cap, as the run was). Returns its dispatcher input, or null when there is nothing to send (the campaign
 * was cancelled, or its audience no longer resolves).
 */
export function pickWinner(
	sql: SqlStorage,
	campaignId: string,
	run: number,
	site: {
		siteId: string;
		homeUrl: string;
		vapidKeyId?: string;
		iconUrl: string | null;
		disabled: boolean;
		frequencyCap: FrequencyCap | null;
		/** The site's default quiet hours (a campaign's own replace them). */
		quietHours?: QuietHoursRule | null;
	},
	notificationId: string,
	now: number,
): DispatchInput | null {
	const c = findCampaign(sql, campaignId);
	const row = sql
		.exec<{
			notification_id: string;
			started_at: number;
			scheduled_for: number;
			winner_variant: number | null;
		}>(
			'SELECT notification_id, started_at, scheduled_for, winner_variant FROM campaign_runs WHERE campaign_id = ? AND run = ?',
			campaignId,
			run,
		)
		.toArray()[0];
	if (!row || row.winner_variant !== null) return null;
	const settleNothing = () => {
		sql.exec(
			'UPDATE campaign_runs SET winner_variant = -1 WHERE campaign_id = ? AND run = ?',
			campaignId,
			run,
		);
		return null;
	};
	const variants = c?.experiment.variants ?? [];
	if (!c || c.state === 'cancelled' || site.disabled || variants.length < 2) return settleNothing();
	const rates = variantRates(sql, c, { notificationId: row.notification_id, startedAt: row.started_at }, now);
	let best = 0;
	rates.forEach((r, i) => {
		if (r > (rates[best] ?? 0)) best = i;
	});
	let audience: Audience;
	try {
		audience = resolveAudience(sql, c.audience, now);
	} catch {
		return settleNothing();
	}
	// The test's own notification says which resource version and languages it sent: the rest get the same; a
	// winner with a push resource of its own sends that resource's current version.
	const tested = findNotification(sql, site.siteId, row.notification_id);
	const winner = variantMessages(sql, tested?.message ?? c.message, tested?.translations ?? null, [
		variants[best] ?? { name: '', weight: 1 },
	]);
	if (winner === null) return settleNothing();
	const message = winner.messages[0] as Message;
	const translations = winner.translations[0] ?? null;
	insertNotification(
		sql,
		{
			id: notificationId,
			siteId: site.siteId,
			message,
			resource: tested?.resource ?? null,
			translations,
			audience: c.audience,
			delivery: c.delivery,
			status: 'queued',
			counts: emptyCounts(),
			createdAt: now,
			finishedAt: null,
		},
		null,
	);
	const input: DispatchInput = {
		notificationId,
		siteId: site.siteId,
		message,
		audience,
		delivery: c.delivery,
		homeUrl: site.homeUrl,
		iconUrl: site.iconUrl,
		vapidKeyId: site.vapidKeyId,
		createdAt: now,
		split: { seed: c.id, percent: c.experiment.testPercent ?? 0, part: 'rest' },
	};
	if (translations) input.translations = [translations];
	const timing = runTiming(c, row.scheduled_for, now, site.quietHours ?? null);
	if (timing) input.timing = timing;
	if (c.experiment.holdoutPercent) input.holdout = { seed: c.id, percent: c.experiment.holdoutPercent };
	if (c.experiment.goal) input.measured = true;
	if (site.frequencyCap && !c.timing.ignoreFrequencyCap)
		input.cap = { ...site.frequencyCap, zone: campaignZone(c) };
	sql.exec(
		`UPDATE campaign_runs SET winner_variant = ?, winner_notification_id = ?, winner_pending_input = ?
		WHERE campaign_id = ? AND run = ?`,
		best,
		notificationId,
		JSON.stringify(input),
		campaignId,
		run,
	);
	return input;
}

/** Each variant's rate in a run's test: clicks ÷ sent (saved counts), or conversions ÷ recipients. */
function variantRates(
	sql: SqlStorage,
	c: CampaignRecord,
	run: { notificationId: string; startedAt: number },
	now: number,
): number[] {
	const variants = c.experiment.variants ?? [];
	if (c.experiment.winnerBy === 'conversions' && c.experiment.goal) {
		const report = conversionReport(
			sql,
			run,
			c.experiment.goal,
			{ seed: c.id, names: variants.map((v) => v.name), weights: variants.map((v) => v.weight) },
			now,
		);
		return (report.variants ?? []).map((v) => v.rate);
	}
	const row = sql
		.exec<{ counts: string }>('SELECT counts FROM notifications WHERE id = ?', run.notificationId)
		.toArray()[0];
	const counts = JSON.parse(row?.counts ?? '{}') as { variants?: Array<{ sent: number; clicked: number }> };
	return variants.map((_, i) => {
		const v = counts.variants?.[i];
		return v && v.sent > 0 ? v.clicked / v.sent : 0;
	});
}
