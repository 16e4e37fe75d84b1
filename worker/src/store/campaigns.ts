import type {
	Audience,
	CampaignExperiment,
	CampaignRunView,
	CampaignSchedule,
	CampaignState,
	CampaignTiming,
	CampaignView,
	Counts,
	Delivery,
	Message,
	MessageFields,
	NotificationStatus,
} from '#wire';

// Campaigns in a site's store: the campaign row, and a row per run pointing at the run's notification. A site holds
// few campaigns (≤ 2,000 not yet deleted), so listing reads them all.

/** At most this many campaigns per site. */
export const MAX_CAMPAIGNS = 2000;

/** A campaign as the store keeps it. */
export interface CampaignRecord {
	id: string;
	name: string;
	labels: string[];
	state: CampaignState;
	message: Message;
	audience: Audience;
	delivery: Delivery;
	timing: CampaignTiming;
	experiment: CampaignExperiment;
	schedule: CampaignSchedule | null;
	scheduledAt: number | null;
	nextRunAt: number | null;
	runCount: number;
	lastError: string | null;
	createdAt: number;
	updatedAt: number;
	/**
	 * A campaign whose message is a push resource: each run reads its current version, with `overrides` on top;
	 * `message` is then that message as of the last save or run, and name/version what it was read at.
	 */
	resource: CampaignResource | null;
}

/** A campaign's push resource. */
export interface CampaignResource {
	resourceId: string;
	name: string;
	version: number;
	overrides: MessageFields;
}

interface CampaignRow extends Record<string, SqlStorageValue> {
	id: string;
	name: string;
	labels: string;
	state: string;
	message: string;
	audience: string;
	delivery: string;
	timing: string;
	experiment: string;
	schedule: string | null;
	scheduled_at: number | null;
	next_run_at: number | null;
	run_count: number;
	last_error: string | null;
	created_at: number;
	updated_at: number;
	resource: string | null;
}

function toRecord(row: CampaignRow): CampaignRecord {
	return {
		id: row.id,
		name: row.name,
		labels: JSON.parse(row.labels) as string[],
		state: row.state as CampaignState,
		message: JSON.parse(row.message) as Message,
		audience: JSON.parse(row.audience) as Audience,
		delivery: JSON.parse(row.delivery) as Delivery,
		timing: JSON.parse(row.timing) as CampaignTiming,
		experiment: JSON.parse(row.experiment) as CampaignExperiment,
		schedule: row.schedule === null ? null : (JSON.parse(row.schedule) as CampaignSchedule),
		scheduledAt: row.scheduled_at,
		nextRunAt: row.next_run_at,
		runCount: row.run_count,
		lastError: row.last_error,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		resource: row.resource === null ? null : (JSON.parse(row.resource) as CampaignResource),
	};
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A campaign as the admin API shows it. */
export function campaignView(c: CampaignRecord): CampaignView {
	return {
		campaignId: c.id,
		name: c.name,
		labels: c.labels,
		state: c.state,
		message: c.message,
		audience: c.audience,
		delivery: c.delivery,
		timing: c.timing,
		experiment: c.experiment,
		schedule: c.schedule,
		nextRunAt: iso(c.nextRunAt),
		runCount: c.runCount,
		lastError: c.lastError,
		createdAt: iso(c.createdAt) as string,
		updatedAt: iso(c.updatedAt) as string,
		resource: c.resource,
	};
}

/** Inserts or replaces a campaign row. */
export function saveCampaign(sql: SqlStorage, c: CampaignRecord): void {
	sql.exec(
		`INSERT INTO campaigns (id, name, labels, state, message, audience, delivery, timing, experiment, schedule,
			scheduled_at, next_run_at, run_count, last_error, created_at, updated_at, resource)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, labels = excluded.labels, state = excluded.state,
			message = excluded.message, audience = excluded.audience, delivery = excluded.delivery, timing = excluded.timing,
			experiment = excluded.experiment,
			schedule = excluded.schedule, scheduled_at = excluded.scheduled_at, next_run_at = excluded.next_run_at,
			run_count = excluded.run_count, last_error = excluded.last_error, updated_at = excluded.updated_at,
			resource = excluded.resource`,
		c.id,
		c.name,
		JSON.stringify(c.labels),
		c.state,
		JSON.stringify(c.message),
		JSON.stringify(c.audience),
		JSON.stringify(c.delivery),
		JSON.stringify(c.timing),
		JSON.stringify(c.experiment),
		c.schedule === null ? null : JSON.stringify(c.schedule),
		c.scheduledAt,
		c.nextRunAt,
		c.runCount,
		c.lastError,
		c.createdAt,
		c.updatedAt,
		c.resource === null ? null : JSON.stringify(c.resource),
	);
}

export function findCampaign(sql: SqlStorage, id: string): CampaignRecord | null {
	const row = sql.exec<CampaignRow>('SELECT * FROM campaigns WHERE id = ?', id).toArray()[0];
	return row ? toRecord(row) : null;
}

/** Campaigns, most recently changed first, optionally only in some states or carrying a label. */
export function listCampaigns(
	sql: SqlStorage,
	filter: { states?: CampaignState[]; label?: string },
): CampaignRecord[] {
	const where: string[] = [];
	const args: SqlStorageValue[] = [];
	if (filter.states?.length) {
		where.push(`state IN (SELECT value FROM json_each(?))`);
		args.push(JSON.stringify(filter.states));
	}
	if (filter.label !== undefined) {
		where.push('EXISTS (SELECT 1 FROM json_each(labels) WHERE value = ? COLLATE NOCASE)');
		args.push(filter.label);
	}
	return sql
		.exec<CampaignRow>(
			`SELECT * FROM campaigns ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
			ORDER BY updated_at DESC, id DESC`,
			...args,
		)
		.toArray()
		.map(toRecord);
}

export function campaignCount(sql: SqlStorage): number {
	return sql.exec<{ n: number }>('SELECT count(*) AS n FROM campaigns').one().n;
}

/** Campaigns whose next run is due at `now`, oldest first. */
export function dueCampaigns(sql: SqlStorage, now: number, limit: number): CampaignRecord[] {
	return sql
		.exec<CampaignRow>(
			'SELECT * FROM campaigns WHERE next_run_at IS NOT NULL AND next_run_at <= ? ORDER BY next_run_at LIMIT ?',
			now,
			limit,
		)
		.toArray()
		.map(toRecord);
}

/** The earliest next run of any campaign, if any. */
export function nextDue(sql: SqlStorage): number | null {
	return (
		sql
			.exec<{ at: number | null }>(
				'SELECT min(next_run_at) AS at FROM campaigns WHERE next_run_at IS NOT NULL',
			)
			.one().at ?? null
	);
}

export function deleteCampaign(sql: SqlStorage, id: string): boolean {
	sql.exec('DELETE FROM campaign_runs WHERE campaign_id = ?', id);
	return sql.exec('DELETE FROM campaigns WHERE id = ?', id).rowsWritten > 0;
}

/** Records a run whose dispatcher has not been started yet (`input` is what it will be given). */
export function insertRun(
	sql: SqlStorage,
	campaignId: string,
	run: number,
	notificationId: string,
	scheduledFor: number,
	startedAt: number,
	input: unknown,
	winnerAt: number | null = null,
): void {
	sql.exec(
		`INSERT INTO campaign_runs (campaign_id, run, notification_id, scheduled_for, started_at, pending_input, winner_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		campaignId,
		run,
		notificationId,
		scheduledFor,
		startedAt,
		JSON.stringify(input),
		winnerAt,
	);
}

/** Runs whose dispatcher still has to be started, with what to start it with. */
export function pendingRuns(sql: SqlStorage): Array<{ campaignId: string; run: number; input: string }> {
	return sql
		.exec<{ campaign_id: string; run: number; pending_input: string }>(
			'SELECT campaign_id, run, pending_input FROM campaign_runs WHERE pending_input IS NOT NULL',
		)
		.toArray()
		.map((r) => ({ campaignId: r.campaign_id, run: r.run, input: r.pending_input }));
}

export function markRunDispatched(sql: SqlStorage, campaignId: string, run: number): void {
	sql.exec(
		'UPDATE campaign_runs SET pending_input = NULL WHERE campaign_id = ? AND run = ?',
		campaignId,
		run,
	);
}

/** A campaign's runs, newest first, with their notifications' saved status and counts. */
interface RunRow extends Record<string, SqlStorageValue> {
	run: number;
	notification_id: string;
	scheduled_for: number;
	started_at: number;
	status: string | null;
	counts: string | null;
	winner_at: number | null;
	winner_variant: number | null;
	winner_notification_id: string | null;
	winner_status: string | null;
	winner_counts: string | null;
}

const RUN_SELECT = `SELECT r.run, r.notification_id, r.scheduled_for, r.started_at, n.status, n.counts, r.winner_at,
	r.winner_variant, r.winner_notification_id, w.status AS winner_status, w.counts AS winner_counts
	FROM campaign_runs r LEFT JOIN notifications n ON n.id = r.notification_id
	LEFT JOIN notifications w ON w.id = r.winner_notification_id`;

function runView(r: RunRow, c: Pick<CampaignRecord, 'experiment'> | null): CampaignRunView {
	const view: CampaignRunView = {
		run: r.run,
		notificationId: r.notification_id,
		scheduledFor: new Date(r.scheduled_for).toISOString(),
		startedAt: new Date(r.started_at).toISOString(),
		status: (r.status ?? 'queued') as NotificationStatus,
		counts: JSON.parse(r.counts ?? '{}') as Counts,
	};
	if (r.winner_at !== null) {
		const picked = r.winner_variant !== null && r.winner_variant >= 0;
		view.winner = {
			at: new Date(r.winner_at).toISOString(),
			by: c?.experiment.winnerBy ?? 'clicks',
			variant: picked ? r.winner_variant : null,
			name: picked ? (c?.experiment.variants?.[r.winner_variant as number]?.name ?? null) : null,
			notificationId: r.winner_notification_id,
			counts: r.winner_counts === null ? null : (JSON.parse(r.winner_counts) as Counts),
		};
		// Until the rest is sent, the run is not done.
		if (r.winner_notification_id === null || (r.winner_status ?? 'queued') !== 'done') {
			if (view.status === 'done' && r.winner_variant !== -1) view.status = 'sending';
		}
	}
	return view;
}

export function campaignRuns(sql: SqlStorage, campaignId: string, limit: number): CampaignRunView[] {
	const c = findCampaign(sql, campaignId);
	return sql
		.exec<RunRow>(`${RUN_SELECT} WHERE r.campaign_id = ? ORDER BY r.run DESC LIMIT ?`, campaignId, limit)
		.toArray()
		.map((r) => runView(r, c));
}

/** One run of a campaign, or null. */
export function campaignRun(sql: SqlStorage, campaignId: string, run: number): CampaignRunView | null {
	const row = sql
		.exec<RunRow>(`${RUN_SELECT} WHERE r.campaign_id = ? AND r.run = ?`, campaignId, run)
		.toArray()[0];
	return row ? runView(row, findCampaign(sql, campaignId)) : null;
}

/** Runs whose A/B winner is due to be picked at `now`. */
export function dueWinners(sql: SqlStorage, now: number): Array<{ campaignId: string; run: number }> {
	return sql
		.exec<{ campaign_id: string; run: number }>(
			`SELECT campaign_id, run FROM campaign_runs
			WHERE winner_at IS NOT NULL AND winner_notification_id IS NULL AND winner_variant IS NULL AND winner_at <= ?
			ORDER BY winner_at LIMIT 20`,
			now,
		)
		.toArray()
		.map((r) => ({ campaignId: r.campaign_id, run: r.run }));
}

/** The earliest winner still to pick, if any. */
export function nextWinnerDue(sql: SqlStorage): number | null {
	return (
		sql
			.exec<{ at: number | null }>(
				'SELECT min(winner_at) AS at FROM campaign_runs WHERE winner_at IS NOT NULL AND winner_variant IS NULL',
			)
			.one().at ?? null
	);
}

/** Winner notifications whose dispatcher still has to be started, with what to start it with. */
export function pendingWinners(sql: SqlStorage): Array<{ campaignId: string; run: number; input: string }> {
	return sql
		.exec<{ campaign_id: string; run: number; winner_pending_input: string }>(
			'SELECT campaign_id, run, winner_pending_input FROM campaign_runs WHERE winner_pending_input IS NOT NULL',
		)
		.toArray()
		.map((r) => ({ campaignId: r.campaign_id, run: r.run, input: r.winner_pending_input }));
}

export function markWinnerDispatched(sql: SqlStorage, campaignId: string, run: number): void {
	sql.exec(
		'UPDATE campaign_runs SET winner_pending_input = NULL WHERE campaign_id = ? AND run = ?',
		campaignId,
		run,
	);
}

/** Whether every run of a campaign has finished: its notification done, and its winner picked and sent. */
export function runsFinished(sql: SqlStorage, campaignId: string): boolean {
	return (
		sql
			.exec(
				`SELECT 1 FROM campaign_runs r LEFT JOIN notifications n ON n.id = r.notification_id
				LEFT JOIN notifications w ON w.id = r.winner_notification_id
				WHERE r.campaign_id = ? AND ((n.status IS NULL OR n.status <> 'done')
					OR (r.winner_at IS NOT NULL AND r.winner_variant IS NULL)
					OR (r.winner_notification_id IS NOT NULL AND (w.status IS NULL OR w.status <> 'done'))) LIMIT 1`,
				campaignId,
			)
			.toArray().length === 0
	);
}

/** The campaigns (not finished) whose audience or exclusion names a segment: what deleting it would break. */
export function campaignsUsingSegment(
	sql: SqlStorage,
	segmentId: string,
): Array<{ id: string; name: string }> {
	return sql
		.exec<{ id: string; name: string }>(
			`SELECT id, name FROM campaigns WHERE state IN ('draft', 'scheduled', 'running', 'paused')
			AND instr(audience, ?) > 0 ORDER BY name`,
			JSON.stringify(segmentId),
		)
		.toArray();
}
