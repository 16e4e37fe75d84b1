import type {
	Audience,
	AutomationDefinition,
	AutomationReport,
	AutomationStepReport,
	AutomationView,
	Delivery,
	EventValue,
	FrequencyCap,
	Message,
	MessageFields,
	QuietHoursRule,
} from '#wire';
import { SqlParams } from '../audience/compile';
import { stepDiscount, withDiscountCode } from '../automations/discount';
import { dateTriggerAt, keyOf, listensTo, meets, quietHoursOf, waitEnds } from '../automations/rules';
import { inHoldout } from '../campaigns/experiment';
import { isZone } from '../campaigns/timing';
import type { DispatchInput } from '../objects/dispatcher';
import { bindEvent } from '../sending/liquid';
import { AUDIENCE_FROM, audiencePredicate, CheckError, compileContext, resolveAudience } from './audience';
import { type EventInput, SITE_SUBJECT } from './events';
import { emptyCounts, insertNotification, type NotificationRecord } from './notifications';
import { applyResource, findResource } from './resources';
import { findSegment } from './segments';

// Automations inside a site's store (issue 13): definitions, journeys and their counters. Every function runs inside
// one transaction of the SiteStore. A journey is one row per automation × subject × key, written when it enters,
// at each step and when it ends: a bounded number of writes per journey. Journeys due together share one
// notification per automation step (one dispatcher, one row), so sending costs what a campaign's push costs.

/** Most automations per site. */
export const MAX_AUTOMATIONS = 200;
/** Journeys one alarm moves at most (the alarm comes back at once for more). */
export const JOURNEYS_PER_ALARM = 2000;
/** Subjects per notification of a step. */
const SUBJECTS_PER_SEND = 1000;
/** Ended journeys are forgotten after this long (the re-entry rule then lets the subject in again). */
export const JOURNEY_KEEP_MS = 400 * 86_400_000;
/** Default conversion window after a journey's last push. */
export const DEFAULT_GOAL_WINDOW_S = 3 * 86_400;
/** Bytes of trigger-event properties a journey keeps for its messages' Liquid. */
const MAX_CONTEXT_BYTES = 2048;

/** A step as stored: the message as last saved (a resource's version then, with the overrides) and the resource. */
export interface StoredStep {
	wait?: AutomationDefinition['steps'][number]['wait'];
	message: Message;
	resource: {
		resourceId: string;
		name: string | null;
		version: number | null;
		overrides: MessageFields;
	} | null;
	delivery: Delivery;
	discountCode?: string;
}

/** An automation as the service gives it to the store. */
export interface AutomationInput extends Omit<AutomationDefinition, 'steps'> {
	name: string;
	enabled: boolean;
	template: string | null;
	steps: StoredStep[];
}

/** An automation as stored. */
export interface AutomationRecord extends AutomationInput {
	id: string;
	lastError: string | null;
	createdAt: number;
	updatedAt: number;
}

interface Row extends Record<string, SqlStorageValue> {
	id: string;
	name: string;
	enabled: number;
	definition: string;
	template: string | null;
	last_error: string | null;
	created_at: number;
	updated_at: number;
}

function toRecord(row: Row): AutomationRecord {
	const def = JSON.parse(row.definition) as Omit<AutomationInput, 'name' | 'enabled' | 'template'>;
	return {
		...def,
		id: row.id,
		name: row.name,
		enabled: row.enabled === 1,
		template: row.template,
		lastError: row.last_error,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

function save(sql: SqlStorage, a: AutomationRecord): void {
	const { id, name, enabled, template, lastError, createdAt, updatedAt, ...def } = a;
	sql.exec(
		`INSERT INTO automations (id, name, enabled, definition, template, last_error, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled,
			definition = excluded.definition, template = excluded.template, last_error = excluded.last_error,
			updated_at = excluded.updated_at`,
		id,
		name,
		enabled ? 1 : 0,
		JSON.stringify(def),
		template,
		lastError,
		createdAt,
		updatedAt,
	);
}

export function findAutomation(sql: SqlStorage, id: string): AutomationRecord | null {
	const row = sql.exec<Row>('SELECT * FROM automations WHERE id = ?', id).toArray()[0];
	return row ? toRecord(row) : null;
}

export function allAutomations(sql: SqlStorage): AutomationRecord[] {
	return sql.exec<Row>('SELECT * FROM automations ORDER BY updated_at DESC').toArray().map(toRecord);
}

/** The segments and resources an automation names must exist (a 400 naming the field otherwise). */
function checkReferences(sql: SqlStorage, a: AutomationInput): void {
	const segments: Array<[string, string | undefined]> = [
		['trigger.segment', 'segment' in a.trigger ? a.trigger.segment : undefined],
		['exit.segment', a.exit.segment],
	];
	for (const [path, id] of segments) {
		if (id !== undefined && !findSegment(sql, id)) {
			throw new CheckError(404, 'segment_not_found', `${path}: no segment ${id} on this site`);
		}
	}
	a.steps.forEach((s, i) => {
		if (s.resource && !findResource(sql, s.resource.resourceId)) {
			throw new CheckError(
				404,
				'resource_not_found',
				`steps[${i}].message.resource: no resource ${s.resource.resourceId} on this site`,
			);
		}
	});
}

export function createAutomation(
	sql: SqlStorage,
	id: string,
	input: AutomationInput,
	now: number,
): AutomationView {
	const n = sql.exec<{ n: number }>('SELECT count(*) AS n FROM automations').one().n;
	if (n >= MAX_AUTOMATIONS) {
		throw new CheckError(409, 'too_many_automations', `A site has at most ${MAX_AUTOMATIONS} automations`);
	}
	checkReferences(sql, input);
	const record: AutomationRecord = { ...input, id, lastError: null, createdAt: now, updatedAt: now };
	save(sql, record);
	return automationView(sql, record);
}

/** Changes an automation; journeys under way carry on with the new steps (past the last step, they end). */
export function updateAutomation(
	sql: SqlStorage,
	id: string,
	patch: Partial<AutomationInput>,
	now: number,
): AutomationView | null {
	const current = findAutomation(sql, id);
	if (!current) return null;
	const next: AutomationRecord = { ...current, ...patch, lastError: null, updatedAt: now };
	checkReferences(sql, next);
	if (current.enabled && !next.enabled) stopJourneys(sql, id, now);
	save(sql, next);
	return automationView(sql, next);
}

function stopJourneys(sql: SqlStorage, id: string, now: number): void {
	sql.exec(
		"UPDATE journeys SET state = 'stopped', due_at = NULL, ended_at = ? WHERE automation_id = ? AND state = 'waiting'",
		now,
		id,
	);
}

/** Deletes an automation, its journeys and counters (its notifications stay in the history). */
export function deleteAutomation(sql: SqlStorage, id: string): boolean {
	const gone = sql.exec('DELETE FROM automations WHERE id = ? RETURNING id', id).toArray().length > 0;
	if (gone) {
		sql.exec('DELETE FROM journeys WHERE automation_id = ?', id);
		sql.exec('DELETE FROM automation_stats WHERE automation_id = ?', id);
	}
	return gone;
}

/** The automations that will still send a resource (those sending it in a step). */
export function automationsUsingResource(
	sql: SqlStorage,
	resourceId: string,
): Array<{ id: string; name: string; state: string }> {
	return sql
		.exec<{ id: string; name: string; enabled: number }>(
			`SELECT id, name, enabled FROM automations WHERE EXISTS (SELECT 1 FROM json_each(definition, '$.steps')
				WHERE json_extract(value, '$.resource.resourceId') = ?) ORDER BY name COLLATE NOCASE`,
			resourceId,
		)
		.toArray()
		.map((a) => ({ id: a.id, name: a.name, state: a.enabled === 1 ? 'enabled' : 'disabled' }));
}

/** The automations using a segment (in their trigger, exit rule or broadcast audience). */
export function automationsUsingSegment(
	sql: SqlStorage,
	segmentId: string,
): Array<{ id: string; name: string }> {
	return sql
		.exec<{ id: string; name: string }>(
			`SELECT id, name FROM automations WHERE json_extract(definition, '$.trigger.segment') = ?1
				OR json_extract(definition, '$.exit.segment') = ?1 OR json_extract(definition, '$.audience.segment') = ?1
				ORDER BY name COLLATE NOCASE`,
			segmentId,
		)
		.toArray();
}

export function automationView(sql: SqlStorage, a: AutomationRecord): AutomationView {
	const { id, lastError, createdAt, updatedAt, ...rest } = a;
	const totals = sql
		.exec<{ entered: number | null; converted: number | null; revenue: number | null }>(
			`SELECT sum(CASE WHEN step = -1 THEN entered ELSE 0 END) AS entered,
				sum(CASE WHEN step >= -1 THEN converted ELSE 0 END) AS converted,
				sum(CASE WHEN step >= -1 THEN revenue ELSE 0 END) AS revenue
			FROM automation_stats WHERE automation_id = ?`,
			id,
		)
		.one();
	return {
		...rest,
		automationId: id,
		lastError,
		counts: {
			active: waitingJourneys(sql, id),
			entered: totals.entered ?? 0,
			converted: totals.converted ?? 0,
			revenue: totals.revenue ?? 0,
		},
		createdAt: new Date(createdAt).toISOString(),
		updatedAt: new Date(updatedAt).toISOString(),
	};
}

function waitingJourneys(sql: SqlStorage, automationId: string): number {
	return sql
		.exec<{ n: number }>(
			"SELECT count(*) AS n FROM journeys WHERE automation_id = ? AND state = 'waiting'",
			automationId,
		)
		.one().n;
}

/** An automation's report: the trigger, each step (with its notifications' counts), the control group. */
export function automationReport(sql: SqlStorage, a: AutomationRecord): AutomationReport {
	const stats = new Map(
		sql
			.exec<{ step: number; entered: number; exited: number; converted: number; revenue: number }>(
				'SELECT step, entered, exited, converted, revenue FROM automation_stats WHERE automation_id = ?',
				a.id,
			)
			.toArray()
			.map((r) => [r.step, r]),
	);
	const pushes = new Map(
		sql
			.exec<{ step: number; sent: number; shown: number; clicked: number }>(
				`SELECT automation_step AS step, sum(json_extract(counts, '$.sent')) AS sent,
					sum(json_extract(counts, '$.shown')) AS shown, sum(json_extract(counts, '$.clicked')) AS clicked
				FROM notifications WHERE automation_id = ? GROUP BY automation_step`,
				a.id,
			)
			.toArray()
			.map((r) => [r.step, r]),
	);
	const row = (step: number): AutomationStepReport => {
		const s = stats.get(step);
		const p = pushes.get(step);
		return {
			step,
			entered: s?.entered ?? 0,
			sent: p?.sent ?? 0,
			shown: p?.shown ?? 0,
			clicked: p?.clicked ?? 0,
			exited: s?.exited ?? 0,
			converted: s?.converted ?? 0,
			revenue: s?.revenue ?? 0,
		};
	};
	const control = stats.get(-2);
	return {
		automationId: a.id,
		active: waitingJourneys(sql, a.id),
		trigger: row(-1),
		steps: a.steps.map((_, i) => row(i)),
		control:
			a.holdoutPercent || control
				? {
						entered: control?.entered ?? 0,
						converted: control?.converted ?? 0,
						revenue: control?.revenue ?? 0,
					}
				: null,
	};
}

// ---- journeys ------------------------------------------------------------------------------------------------------

interface JourneyRow extends Record<string, SqlStorageValue> {
	automation_id: string;
	subject: string;
	key: string;
	state: string;
	step: number;
	due_at: number | null;
	held: number;
	last_sent: number;
	event_id: string | null;
	context: string | null;
	entered_at: number;
	ended_at: number | null;
}

/** Counter changes gathered during one transaction, written as one upsert per automation × step. */
class Tally {
	private readonly rows = new Map<
		string,
		{ entered: number; exited: number; converted: number; revenue: number }
	>();

	add(
		automationId: string,
		step: number,
		field: 'entered' | 'exited' | 'converted',
		n = 1,
		revenue = 0,
	): void {
		const key = `${automationId}\u0000${step}`;
		let row = this.rows.get(key);
		if (!row) {
			row = { entered: 0, exited: 0, converted: 0, revenue: 0 };
			this.rows.set(key, row);
		}
		row[field] += n;
		row.revenue += revenue;
	}

	flush(sql: SqlStorage): number {
		let written = 0;
		for (const [key, r] of this.rows) {
			const [automationId, step] = key.split('\u0000') as [string, string];
			written += sql.exec(
				`INSERT INTO automation_stats (automation_id, step, entered, exited, converted, revenue)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (automation_id, step) DO UPDATE SET entered = entered + excluded.entered,
					exited = exited + excluded.exited, converted = converted + excluded.converted,
					revenue = revenue + excluded.revenue`,
				automationId,
				Number(step),
				r.entered,
				r.exited,
				r.converted,
				r.revenue,
			).rowsWritten;
		}
		this.rows.clear();
		return written;
	}
}

/** Subjects of events, with a subscriber signed in as a user read as that user (journeys follow the person). */
function personOf(sql: SqlStorage, subject: string, cache: Map<string, string>): string {
	if (!subject.startsWith('s:')) return subject;
	let person = cache.get(subject);
	if (person === undefined) {
		const row = sql
			.exec<{ u: string | null }>(
				'SELECT external_user_id AS u FROM subscribers WHERE id = ?',
				subject.slice(2),
			)
			.toArray()[0];
		person = row?.u ? `u:${row.u}` : subject;
		cache.set(subject, person);
	}
	return person;
}

/** A person's time zone: their most recently seen subscriber's, when Intl knows it; else `fallback`. */
function zoneOf(sql: SqlStorage, subject: string, fallback: string): string {
	if (subject === SITE_SUBJECT) return fallback;
	const row = subject.startsWith('u:')
		? sql
				.exec<{ tz: string | null }>(
					`SELECT timezone AS tz FROM subscribers WHERE external_user_id = ? AND timezone IS NOT NULL
					ORDER BY last_seen_at DESC LIMIT 1`,
					subject.slice(2),
				)
				.toArray()[0]
		: sql
				.exec<{ tz: string | null }>('SELECT timezone AS tz FROM subscribers WHERE id = ?', subject.slice(2))
				.toArray()[0];
	return row?.tz && isZone(row.tz) ? row.tz : fallback;
}

/** Which of these people are in a saved segment now (any of their subscribers matching it). */
function inSegment(
	sql: SqlStorage,
	segmentId: string,
	subjects: readonly string[],
	now: number,
): Set<string> {
	const params = new SqlParams();
	let where: string;
	try {
		where = audiencePredicate({ segment: segmentId }, compileContext(sql, now), params);
	} catch {
		return new Set(); // the segment was deleted: nobody is in it
	}
	const users = subjects.filter((s) => s.startsWith('u:')).map((s) => s.slice(2));
	const subs = subjects.filter((s) => s.startsWith('s:')).map((s) => s.slice(2));
	const rows = sql
		.exec<{ id: string; u: string | null }>(
			`SELECT s.id AS id, s.external_user_id AS u FROM ${AUDIENCE_FROM}
			WHERE (s.id IN (SELECT value FROM json_each(${params.p(JSON.stringify(subs))}))
				OR s.external_user_id IN (SELECT value FROM json_each(${params.p(JSON.stringify(users))})))
				AND ${where}`,
			...params.args,
		)
		.toArray();
	const out = new Set<string>();
	for (const r of rows) {
		out.add(`s:${r.id}`);
		if (r.u) out.add(`u:${r.u}`);
	}
	return out;
}

/** The trigger-event properties a journey keeps for its messages (cut to fit). */
function contextOf(properties: Record<string, EventValue> | null): string | null {
	if (!properties) return null;
	const json = JSON.stringify(properties);
	if (json.length <= MAX_CONTEXT_BYTES) return json;
	const kept: Record<string, EventValue> = {};
	let size = 2;
	for (const [k, v] of Object.entries(properties)) {
		const part = JSON.stringify(k).length + JSON.stringify(v).length + 2;
		if (size + part > MAX_CONTEXT_BYTES) continue;
		kept[k] = v;
		size += part;
	}
	return JSON.stringify(kept);
}

/** What a batch of events did to journeys. */
export interface JourneyOutcome {
	entered: number;
	exited: number;
	converted: number;
	rowsWritten: number;
	/** The journeys the events converted (what the `conversion` webhook tells). */
	conversions: JourneyConversion[];
	/** The journeys the events started (what the `automation.entered` webhook tells). */
	entries: Array<{ automationId: string; subject: string; key: string; heldOut: boolean; time: number }>;
}

/** A goal reached: which automation, whose journey (`u:<userId>` or `s:<subscriberId>`), credited to which step. */
export interface JourneyConversion {
	automationId: string;
	subject: string;
	/** The step last sent (1-based), or null when none was (yet, or the holdout kept the person from them). */
	step: number | null;
	heldOut: boolean;
	event: string;
	value: number;
	time: number;
}

/**
 * Moves journeys for newly recorded events (duplicates already dropped): goal events convert (crediting the last
 * step sent), exit events end journeys, trigger events start them (once per person and key; the re-entry rule;
 * the event id never twice). Inside the transaction that recorded the events.
 */
export function applyEvents(
	sql: SqlStorage,
	automations: readonly AutomationRecord[],
	events: readonly EventInput[],
	now: number,
): JourneyOutcome {
	const out: JourneyOutcome = {
		entered: 0,
		exited: 0,
		converted: 0,
		rowsWritten: 0,
		conversions: [],
		entries: [],
	};
	const live = automations.filter((a) => a.enabled);
	if (live.length === 0 || events.length === 0) return out;
	const byEvent = new Map<string, AutomationRecord[]>();
	for (const a of live) {
		for (const name of listensTo(a)) {
			const list = byEvent.get(name) ?? [];
			list.push(a);
			byEvent.set(name, list);
		}
	}
	const people = new Map<string, string>();
	const tally = new Tally();
	const sorted = [...events].sort((x, y) => x.time - y.time);
	for (const e of sorted) {
		const interested = byEvent.get(e.name);
		if (!interested) continue;
		const person = personOf(sql, e.subject, people);
		for (const a of interested) {
			out.rowsWritten += react(sql, a, person, e, now, tally, out);
		}
	}
	out.rowsWritten += tally.flush(sql);
	return out;
}

function journeysOf(sql: SqlStorage, a: AutomationRecord, person: string, key: string | null): JourneyRow[] {
	return key === null
		? sql
				.exec<JourneyRow>('SELECT * FROM journeys WHERE automation_id = ? AND subject = ?', a.id, person)
				.toArray()
		: sql
				.exec<JourneyRow>(
					'SELECT * FROM journeys WHERE automation_id = ? AND subject = ? AND key = ?',
					a.id,
					person,
					key,
				)
				.toArray();
}

/** One event's effect on one automation's journeys of one person; returns rows written. */
function react(
	sql: SqlStorage,
	a: AutomationRecord,
	person: string,
	e: EventInput,
	now: number,
	tally: Tally,
	out: JourneyOutcome,
): number {
	let written = 0;
	// A broadcast hears only the site's own events; an automation of people only people's.
	if ((a.audience != null) !== (person === SITE_SUBJECT)) return 0;
	const t = a.trigger;
	const keyProp = t.key;
	// An exit or goal event carrying the key ends that journey; one without it ends all of the person's.
	const keyed =
		keyProp && e.properties && Object.hasOwn(e.properties, keyProp) ? keyOf(keyProp, e.properties) : null;
	const isGoal = a.goal?.event === e.name;
	const exits = a.exit.events.includes(e.name) || (t.type === 'inaction' && t.without === e.name);
	if (isGoal || exits) {
		for (const j of journeysOf(sql, a, person, keyed)) {
			if (isGoal && converts(a, j, e.time)) {
				const step = j.held === 1 ? -2 : j.last_sent;
				const value = Number(e.properties?.[a.goal?.valueProperty ?? 'value'] ?? 0);
				tally.add(a.id, step, 'converted', 1, Number.isFinite(value) ? value : 0);
				out.converted++;
				out.conversions.push({
					automationId: a.id,
					subject: person,
					step: step >= 0 ? step + 1 : null,
					heldOut: step === -2,
					event: e.name,
					value: Number.isFinite(value) ? value : 0,
					time: e.time,
				});
				written += sql.exec(
					`UPDATE journeys SET state = 'converted', due_at = NULL, ended_at = coalesce(ended_at, ?)
					WHERE automation_id = ? AND subject = ? AND key = ?`,
					now,
					a.id,
					j.subject,
					j.key,
				).rowsWritten;
			} else if (exits && j.state === 'waiting') {
				tally.add(a.id, j.held === 1 ? -2 : j.step - 1, 'exited');
				out.exited++;
				written += sql.exec(
					`UPDATE journeys SET state = 'exited', due_at = NULL, ended_at = ?
					WHERE automation_id = ? AND subject = ? AND key = ?`,
					now,
					a.id,
					j.subject,
					j.key,
				).rowsWritten;
			}
		}
	}
	// Entry.
	const starts =
		(t.type === 'event' || t.type === 'inaction' || (t.type === 'date' && t.event !== undefined)) &&
		t.event === e.name &&
		meets(t.where, e.properties);
	if (!starts) return written;
	const key = keyOf(keyProp, e.properties);
	const existing = journeysOf(sql, a, person, key)[0];
	if (existing) {
		if (existing.state === 'waiting') {
			// A date journey not yet at its first step follows a changed date; others are already under way.
			if (t.type === 'date' && existing.step === 0) written += reschedule(sql, a, existing, e, now);
			return written;
		}
		if (e.id !== null && existing.event_id === e.id) return written;
		if (a.reentryAfterSeconds === null) return written;
		if (now - (existing.ended_at ?? now) < a.reentryAfterSeconds * 1000) return written;
	}
	if ('segment' in t && t.segment && !inSegment(sql, t.segment, [person], now).has(person)) return written;
	const zone = zoneOf(sql, person, a.timezone);
	let start: number | null = e.time;
	if (t.type === 'inaction') start = e.time + t.withinSeconds * 1000;
	else if (t.type === 'date') start = dateTriggerAt(t, e.properties?.[t.property ?? ''], zone);
	if (start === null) return written;
	const due = waitEnds(start, a.steps[0]?.wait, zone);
	// A date already past (beyond a minute) starts nothing.
	if (t.type === 'date' && due < now - 60_000) return written;
	const held = a.holdoutPercent ? inHoldout(a.id, person, a.holdoutPercent) : false;
	written += sql.exec(
		`INSERT INTO journeys (automation_id, subject, key, state, step, due_at, held, last_sent, event_id, context,
			entered_at, ended_at) VALUES (?, ?, ?, 'waiting', 0, ?, ?, -1, ?, ?, ?, NULL)
		ON CONFLICT (automation_id, subject, key) DO UPDATE SET state = 'waiting', step = 0, due_at = excluded.due_at,
			held = excluded.held, last_sent = -1, event_id = excluded.event_id, context = excluded.context,
			entered_at = excluded.entered_at, ended_at = NULL`,
		a.id,
		person,
		key,
		due,
		held ? 1 : 0,
		e.id,
		contextOf(e.properties),
		now,
	).rowsWritten;
	tally.add(a.id, held ? -2 : -1, 'entered');
	out.entered++;
	out.entries.push({ automationId: a.id, subject: person, key, heldOut: held, time: e.time });
	return written;
}

/** Whether a goal event at `time` converts a journey: under way, or ended by its steps within the goal window. */
function converts(a: AutomationRecord, j: JourneyRow, time: number): boolean {
	if (!a.goal || time < j.entered_at) return false;
	if (j.state === 'waiting') return true;
	if (j.state !== 'done') return false;
	return time <= (j.ended_at ?? 0) + (a.goal.windowSeconds ?? DEFAULT_GOAL_WINDOW_S) * 1000;
}

function reschedule(sql: SqlStorage, a: AutomationRecord, j: JourneyRow, e: EventInput, now: number): number {
	const t = a.trigger;
	if (t.type !== 'date') return 0;
	const zone = zoneOf(sql, j.subject, a.timezone);
	const start = dateTriggerAt(t, e.properties?.[t.property ?? ''], zone);
	if (start === null) return 0;
	const due = waitEnds(start, a.steps[0]?.wait, zone);
	if (due < now - 60_000) return 0;
	return sql.exec(
		'UPDATE journeys SET due_at = ?, context = ? WHERE automation_id = ? AND subject = ? AND key = ?',
		due,
		contextOf(e.properties),
		a.id,
		j.subject,
		j.key,
	).rowsWritten;
}

/**
 * Date-attribute automations after a user's attributes changed: a new date schedules (or moves) the journey; a
 * deleted one stops a journey that has not sent yet. `dates` maps each changed date attribute to its value (ms) or
 * null.
 */
export function applyDateAttributes(
	sql: SqlStorage,
	automations: readonly AutomationRecord[],
	userId: string,
	dates: ReadonlyMap<string, number | null>,
	now: number,
): number {
	let written = 0;
	const tally = new Tally();
	const person = `u:${userId}`;
	for (const a of automations) {
		const t = a.trigger;
		if (!a.enabled || t.type !== 'date' || !t.attribute || !dates.has(t.attribute)) continue;
		const value = dates.get(t.attribute) ?? null;
		const existing = journeysOf(sql, a, person, '')[0];
		if (value === null) {
			if (existing?.state === 'waiting' && existing.step === 0) {
				written += sql.exec(
					`UPDATE journeys SET state = 'stopped', due_at = NULL, ended_at = ? WHERE automation_id = ? AND subject = ? AND key = ''`,
					now,
					a.id,
					person,
				).rowsWritten;
			}
			continue;
		}
		const zone = zoneOf(sql, person, a.timezone);
		const start = dateTriggerAt(t, value, zone);
		if (start === null) continue;
		const due = waitEnds(start, a.steps[0]?.wait, zone);
		if (due < now - 60_000) continue;
		const context = JSON.stringify({ [t.attribute]: new Date(value).toISOString().slice(0, 10) });
		if (existing?.state === 'waiting') {
			if (existing.step === 0) {
				written += sql.exec(
					`UPDATE journeys SET due_at = ?, context = ? WHERE automation_id = ? AND subject = ? AND key = ''`,
					due,
					context,
					a.id,
					person,
				).rowsWritten;
			}
			continue;
		}
		if (existing) {
			if (a.reentryAfterSeconds === null) continue;
			if (now - (existing.ended_at ?? now) < a.reentryAfterSeconds * 1000) continue;
		}
		const held = a.holdoutPercent ? inHoldout(a.id, person, a.holdoutPercent) : false;
		written += sql.exec(
			`INSERT INTO journeys (automation_id, subject, key, state, step, due_at, held, last_sent, event_id, context,
				entered_at, ended_at) VALUES (?, ?, '', 'waiting', 0, ?, ?, -1, NULL, ?, ?, NULL)
			ON CONFLICT (automation_id, subject, key) DO UPDATE SET state = 'waiting', step = 0, due_at = excluded.due_at,
				held = excluded.held, last_sent = -1, event_id = NULL, context = excluded.context,
				entered_at = excluded.entered_at, ended_at = NULL`,
			a.id,
			person,
			due,
			held ? 1 : 0,
			context,
			now,
		).rowsWritten;
		tally.add(a.id, held ? -2 : -1, 'entered');
	}
	return written + tally.flush(sql);
}

/** The site facts a step's send needs. */
export interface SendFacts {
	siteId: string;
	/** A Shopify shop's steps with a discount code link their clicks through the shop's discount link. */
	platform: string;
	/** The site's own origins: a templated image may be served from them over http. */
	origins: readonly string[];
	homeUrl: string;
	vapidKeyId?: string;
	iconUrl: string | null;
	disabled: boolean;
	frequencyCap: FrequencyCap | null;
	quietHours: QuietHoursRule | null;
}

/**
 * Runs the journeys that are due (at most {@link JOURNEYS_PER_ALARM}): each either leaves (its automation is off
 * or gone, or it left the exit segment) or takes its step: a held-out journey sends nothing; the others due at the
 * same step share one notification per 1,000 people, with each person's trigger-event properties for the Liquid.
 * Returns the dispatcher inputs (also kept in automation_sends until each dispatcher has its own) and rows written.
 */
export function runDueJourneys(
	sql: SqlStorage,
	site: SendFacts,
	now: number,
	newNotificationId: () => string,
): { inputs: DispatchInput[]; journeys: number; rowsWritten: number; more: boolean; failed: boolean } {
	const due = sql
		.exec<JourneyRow>(
			'SELECT * FROM journeys WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ?',
			now,
			JOURNEYS_PER_ALARM,
		)
		.toArray();
	const inputs: DispatchInput[] = [];
	let written = 0;
	if (due.length === 0) return { inputs, journeys: 0, rowsWritten: 0, more: false, failed: false };
	const tally = new Tally();
	let failed = false;
	const automations = new Map<string, AutomationRecord | null>();
	const byAutomation = new Map<string, JourneyRow[]>();
	for (const j of due) {
		const list = byAutomation.get(j.automation_id) ?? [];
		list.push(j);
		byAutomation.set(j.automation_id, list);
	}
	for (const [automationId, journeys] of byAutomation) {
		let a = automations.get(automationId);
		if (a === undefined) {
			a = findAutomation(sql, automationId);
			automations.set(automationId, a);
		}
		if (!a?.enabled || site.disabled) {
			for (const j of journeys) written += end(sql, j, 'stopped', now);
			continue;
		}
		const segment = a.exit.segment;
		const staying = segment
			? inSegment(
					sql,
					segment,
					journeys.map((j) => j.subject),
					now,
				)
			: null;
		// Step → people to send it to, with their trigger-event properties.
		const sends = new Map<number, Array<{ subject: string; key: string; context: string | null }>>();
		for (const j of journeys) {
			const step = a.steps[j.step];
			if (!step) {
				written += end(sql, j, 'done', now);
				continue;
			}
			if (staying && !staying.has(j.subject)) {
				tally.add(a.id, j.held === 1 ? -2 : j.step - 1, 'exited');
				written += end(sql, j, 'exited', now);
				continue;
			}
			if (j.held !== 1) {
				tally.add(a.id, j.step, 'entered');
				const list = sends.get(j.step) ?? [];
				list.push({ subject: j.subject, key: j.key, context: j.context });
				sends.set(j.step, list);
			}
			written += advance(sql, a, j, now);
		}
		for (const [stepIndex, people] of sends) {
			const made = stepSends(sql, a, stepIndex, people, site, now, newNotificationId);
			if (made.error) {
				a.lastError = made.error;
				failed = true;
				sql.exec('UPDATE automations SET last_error = ? WHERE id = ?', made.error, a.id);
			}
			inputs.push(...made.inputs);
		}
	}
	written += tally.flush(sql);
	return {
		inputs,
		journeys: due.length,
		rowsWritten: written,
		more: due.length === JOURNEYS_PER_ALARM,
		failed,
	};
}

function end(sql: SqlStorage, j: JourneyRow, state: 'done' | 'stopped' | 'exited', now: number): number {
	return sql.exec(
		'UPDATE journeys SET state = ?, due_at = NULL, ended_at = ? WHERE automation_id = ? AND subject = ? AND key = ?',
		state,
		now,
		j.automation_id,
		j.subject,
		j.key,
	).rowsWritten;
}

/** Moves a journey past its step: to the next step's time, or done. */
function advance(sql: SqlStorage, a: AutomationRecord, j: JourneyRow, now: number): number {
	const lastSent = j.held === 1 ? j.last_sent : j.step;
	const next = a.steps[j.step + 1];
	if (!next) {
		return sql.exec(
			`UPDATE journeys SET state = 'done', step = ?, due_at = NULL, last_sent = ?, ended_at = ?
			WHERE automation_id = ? AND subject = ? AND key = ?`,
			j.step + 1,
			lastSent,
			now,
			j.automation_id,
			j.subject,
			j.key,
		).rowsWritten;
	}
	// From when the step was due, so a late alarm does not push later steps back.
	const base = Math.max(j.due_at ?? now, now - 3_600_000);
	const at = waitEnds(
		base,
		next.wait,
		next.wait && 'until' in next.wait ? zoneOf(sql, j.subject, a.timezone) : 'UTC',
	);
	return sql.exec(
		`UPDATE journeys SET step = ?, due_at = ?, last_sent = ? WHERE automation_id = ? AND subject = ? AND key = ?`,
		j.step + 1,
		at,
		lastSent,
		j.automation_id,
		j.subject,
		j.key,
	).rowsWritten;
}

/** The notifications of one step for the people due at it (one per 1,000), recorded and kept until dispatched. */
function stepSends(
	sql: SqlStorage,
	a: AutomationRecord,
	stepIndex: number,
	people: Array<{ subject: string; key: string; context: string | null }>,
	site: SendFacts,
	now: number,
	newNotificationId: () => string,
): { inputs: DispatchInput[]; error: string | null } {
	const step = a.steps[stepIndex] as StoredStep;
	let message = step.message;
	let translations: Record<string, Message> | null = null;
	let resource: NotificationRecord['resource'] = null;
	if (step.resource) {
		const current = findResource(sql, step.resource.resourceId);
		if (!current) {
			return {
				inputs: [],
				error: `Step ${stepIndex + 1}'s push resource ${step.resource.resourceId} was deleted; nothing was sent for it`,
			};
		}
		const resolved = applyResource(current, step.resource.overrides);
		message = resolved.message;
		translations = resolved.translations;
		resource = resolved.ref;
	}
	const quiet = quietHoursOf(a.quietHours, site.quietHours);
	const discount = stepDiscount(step.discountCode, site);
	// One notification (tagged with its automation and step) and its dispatcher input, kept until it is started.
	const queue = (
		sent: Message,
		sentTranslations: Record<string, Message> | null,
		stored: Audience,
		audience: Audience,
		extra: Pick<DispatchInput, 'event' | 'events'>,
	): DispatchInput => {
		const notificationId = newNotificationId();
		insertNotification(
			sql,
			{
				id: notificationId,
				siteId: site.siteId,
				message: sent,
				resource,
				translations: sentTranslations,
				audience: stored,
				delivery: step.delivery,
				status: 'queued',
				counts: emptyCounts(),
				createdAt: now,
				finishedAt: null,
			},
			null,
			{ id: a.id, step: stepIndex },
		);
		const input: DispatchInput = {
			notificationId,
			siteId: site.siteId,
			message: sent,
			audience,
			delivery: step.delivery,
			homeUrl: site.homeUrl,
			iconUrl: site.iconUrl,
			vapidKeyId: site.vapidKeyId,
			createdAt: now,
			...extra,
		};
		if (sentTranslations) input.translations = [sentTranslations];
		if (discount) input.discount = discount;
		if (quiet) input.timing = { zone: a.timezone, quietHours: quiet };
		if (site.frequencyCap && !a.ignoreFrequencyCap) input.cap = { ...site.frequencyCap, zone: a.timezone };
		sql.exec(
			'INSERT INTO automation_sends (notification_id, pending_input) VALUES (?, ?)',
			notificationId,
			JSON.stringify(input),
		);
		return input;
	};
	const inputs: DispatchInput[] = [];
	if (a.audience) {
		// A broadcast: each journey (a post, say) is a send of its own to the automation's audience.
		let resolved: Audience;
		try {
			resolved = resolveAudience(sql, a.audience, now);
		} catch (error) {
			return {
				inputs: [],
				error: `The audience no longer works (${(error as Error).message}); nothing was sent`,
			};
		}
		for (const p of people) {
			const event =
				withDiscountCode(
					p.context ? (JSON.parse(p.context) as Record<string, EventValue>) : undefined,
					discount,
				) ?? {};
			const bound = bindEvent(message, event, site.origins);
			const boundTranslations = translations
				? Object.fromEntries(
						Object.entries(translations).map(([tag, m]) => [tag, bindEvent(m, event, site.origins) ?? m]),
					)
				: null;
			// The categories the event names (a post's), when the automation reads them: their readers instead.
			const categories = a.categoriesFrom ? categoriesOf(event[a.categoriesFrom]) : [];
			const [stored, audience] =
				categories.length > 0 ? [{ categories }, { categories }] : [a.audience, resolved];
			// Templates that also read the recipient get the event with each one.
			const input = queue(bound ?? message, boundTranslations, stored, audience, bound ? {} : { event });
			sql.exec(
				'UPDATE journeys SET notification_id = ? WHERE automation_id = ? AND subject = ? AND key = ?',
				input.notificationId,
				a.id,
				p.subject,
				p.key,
			);
			inputs.push(input);
		}
		return { inputs, error: null };
	}
	for (const kind of ['u:', 's:'] as const) {
		const mine = people.filter((p) => p.subject.startsWith(kind));
		for (let i = 0; i < mine.length; i += SUBJECTS_PER_SEND) {
			const slice = mine.slice(i, i + SUBJECTS_PER_SEND);
			const ids = slice.map((p) => p.subject.slice(2));
			const audience = kind === 'u:' ? { userIds: ids } : { subscriberIds: ids };
			const events: Record<string, Record<string, EventValue>> = {};
			for (const p of slice)
				if (p.context) events[p.subject] = JSON.parse(p.context) as Record<string, EventValue>;
			inputs.push(queue(message, translations, audience, audience, { events }));
		}
	}
	return { inputs, error: null };
}

/** Category keys from an event property: a comma-separated list (a post's categories), blanks dropped. */
function categoriesOf(value: EventValue | undefined): string[] {
	if (typeof value !== 'string') return [];
	return [
		...new Set(
			value
				.split(',')
				.map((c) => c.trim())
				.filter((c) => c !== ''),
		),
	].slice(0, 12);
}

/** A broadcast journey's latest notification, by the site event that started the journey. */
export interface BroadcastSend {
	eventId: string;
	automationId: string;
	notificationId: string;
}

/** The notifications broadcast journeys sent for these site events (a repeated event finds its first send). */
export function broadcastSends(sql: SqlStorage, eventIds: readonly string[]): BroadcastSend[] {
	const out: BroadcastSend[] = [];
	// A batch holds up to 1,000 events; a statement takes at most 100 bound values.
	for (let i = 0; i < eventIds.length; i += 90) {
		const ids = eventIds.slice(i, i + 90);
		for (const r of sql
			.exec<{ event_id: string; automation_id: string; notification_id: string }>(
				`SELECT event_id, automation_id, notification_id FROM journeys
				WHERE subject = '${SITE_SUBJECT}' AND event_id IN (${ids.map(() => '?').join(', ')})
					AND notification_id IS NOT NULL`,
				...ids,
			)
			.toArray()) {
			out.push({ eventId: r.event_id, automationId: r.automation_id, notificationId: r.notification_id });
		}
	}
	return out;
}

/** Step sends whose dispatcher was not started yet (a crash between the transaction and the start). */
export function pendingAutomationSends(sql: SqlStorage): DispatchInput[] {
	return sql
		.exec<{ pending_input: string }>('SELECT pending_input FROM automation_sends')
		.toArray()
		.map((r) => JSON.parse(r.pending_input) as DispatchInput);
}

export function markAutomationSendStarted(sql: SqlStorage, notificationId: string): void {
	sql.exec('DELETE FROM automation_sends WHERE notification_id = ?', notificationId);
}

/** When the next journey is due, or null. */
export function nextJourneyDue(sql: SqlStorage): number | null {
	return sql
		.exec<{ t: number | null }>('SELECT min(due_at) AS t FROM journeys WHERE due_at IS NOT NULL')
		.one().t;
}

/** Forgets journeys that ended long ago. */
export function purgeJourneys(sql: SqlStorage, now: number): number {
	return sql.exec('DELETE FROM journeys WHERE due_at IS NULL AND ended_at < ?', now - JOURNEY_KEEP_MS)
		.rowsWritten;
}

/** Deletes a user's journeys and orders, and their subscribers' (erasure), before the subscribers go. */
export function forgetJourneysOf(sql: SqlStorage, userId: string): number {
	let n = 0;
	for (const table of ['journeys', 'shop_orders']) {
		n += sql.exec(
			`DELETE FROM ${table} WHERE subject = ?1 OR subject IN (SELECT 's:' || id FROM subscribers WHERE external_user_id = ?2)`,
			`u:${userId}`,
			userId,
		).rowsWritten;
	}
	return n;
}

/** How long a shop order is remembered for its shipping updates. */
export const ORDER_KEEP_MS = 180 * 86_400_000;

/** A shop order whose buyer is known. */
export interface ShopOrder {
	id: string;
	subject: string;
	name: string | null;
	statusUrl: string | null;
}

export function rememberOrder(sql: SqlStorage, order: ShopOrder, now: number): void {
	sql.exec(
		`INSERT INTO shop_orders (id, subject, name, status_url, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`,
		order.id,
		order.subject,
		order.name,
		order.statusUrl,
		now,
	);
}

export function findOrder(sql: SqlStorage, id: string): ShopOrder | null {
	const row = sql
		.exec<{ id: string; subject: string; name: string | null; status_url: string | null }>(
			'SELECT id, subject, name, status_url FROM shop_orders WHERE id = ?',
			id,
		)
		.toArray()[0];
	return row ? { id: row.id, subject: row.subject, name: row.name, statusUrl: row.status_url } : null;
}
