import { RRule, type Options as RRuleOptions, type Weekday as Weekday_ } from 'rrule';

/** HH:MM, 24 h. */
export type LocalTime = string;

/** A day of the week, spelled as in RFC 5545 (iCalendar) BYDAY. */
export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';

/**
 * A repeating schedule in the wall time of `timezone`: on every matching date from `start` to `end`, at each of
 * `times`. Weeks start on Monday (`interval` 2 means every other Monday-to-Sunday week from the one holding `start`).
 */
export interface Recurrence {
	freq: 'daily' | 'weekly' | 'monthly';
	/** Every n-th day, week or month from `start`; 1–365, default 1. */
	interval?: number;
	/** Weekly: the days (default: the start date's weekday). Daily: only these days. Not for monthly rules. */
	byWeekday?: Weekday[];
	/** Monthly only: days 1–31 or -1 (the last day); a month without the day is skipped. Default: the start's day. */
	byMonthDay?: number[];
	/** 1–24 distinct times of day, in `timezone`. */
	times: LocalTime[];
	/** YYYY-MM-DD, the first possible date (in `timezone`). */
	start: string;
	/** YYYY-MM-DD, the last possible date, inclusive. */
	end?: string;
	/** The IANA zone the dates and times are in (the site's). */
	timezone: string;
}

/** When a campaign runs: at once, at one instant, at up to 50 instants, or by a recurrence rule. */
export type Schedule =
	| { type: 'now' }
	| { type: 'once'; at: string }
	| { type: 'dates'; at: string[] }
	| { type: 'recurring'; rule: Recurrence };

/** What a late subscriber gets when the delivery time has already passed in their zone. */
export type PassedPolicy = 'now' | 'next_day' | 'skip';

/** A daily window without pushes, in a subscriber's wall time; it wraps midnight when `start` > `end`. */
export interface QuietHours {
	start: LocalTime;
	end: LocalTime;
}

/** A schedule input problem: `path` names the field at fault (as `schedule.rule.times[1]`), the message what. */
export class ScheduleError extends Error {
	override name = 'ScheduleError';
	constructor(
		readonly path: string,
		message: string,
	) {
		super(message);
	}
}

const DAY_MS = 86_400_000;
const MAX_DATES = 50;
const MAX_TIMES = 24;
const MAX_INTERVAL = 365;
/** {@link nextRuns} returns at most this many runs whatever the limit asked, so every expansion is bounded. */
export const MAX_RUNS = 1000;
// Runs stop at the end of year 9999, where YYYY-MM-DD ends.
const LAST_DAY = Date.UTC(9999, 11, 31) / DAY_MS;
const WEEK: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const INSTANT =
	/^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const ZONE = /^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/;

// Civil dates as day numbers (days since 1970-01-01), so date arithmetic never meets a time zone.

function dayNumber(date: string): number | null {
	const m = DATE.exec(date);
	if (!m) return null;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	// Date.UTC reads years 0–99 as 1900–1999.
	if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
	return Date.UTC(y, mo - 1, d) / DAY_MS;
}

function daysInMonth(year: number, month: number): number {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dateOf(day: number): string {
	const d = new Date(day * DAY_MS);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

// 1970-01-01 was a Thursday.
function weekdayIndex(day: number): number {
	return (((day + 3) % 7) + 7) % 7;
}

function minutesOf(time: string): number | null {
	const m = TIME.exec(time);
	return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function mustDay(date: string): number {
	const day = dayNumber(date);
	if (day === null) throw new RangeError(`${date} is not a date YYYY-MM-DD`);
	return day;
}

function mustMinutes(time: string): number {
	const minutes = minutesOf(time);
	if (minutes === null) throw new RangeError(`${time} is not a time HH:MM`);
	return minutes;
}

// Wall clocks in a zone, read only through Intl (workerd has full ICU). Formatters are costly to build: one per zone.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(timeZone, f);
	}
	return f;
}

function isTimeZone(zone: unknown): zone is string {
	if (typeof zone !== 'string' || !ZONE.test(zone)) return false;
	try {
		formatter(zone);
		return true;
	} catch {
		return false;
	}
}

// The wall clock of an instant in a zone, as milliseconds of the same reading in UTC (whole seconds).
function wallClock(instant: number, timeZone: string): number {
	const v = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
	for (const part of formatter(timeZone).formatToParts(instant))
		if (part.type in v) v[part.type as keyof typeof v] = Number(part.value);
	return Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second);
}

function offsetAt(instant: number, timeZone: string): number {
	return wallClock(instant, timeZone) - Math.floor(instant / 1000) * 1000;
}

// Every instant whose wall clock reads `wall` (none in a DST gap, two in an overlap), earliest first, with the
// offsets in force a day before and a day after. Zones change offset at most once in two days.
function readings(wall: number, timeZone: string): { found: number[]; before: number; after: number } {
	const before = offsetAt(wall - DAY_MS, timeZone);
	const after = offsetAt(wall + DAY_MS, timeZone);
	if (before === after) return { found: [wall - before], before, after };
	const found = [wall - before, wall - after]
		.filter((t) => offsetAt(t, timeZone) === wall - t)
		.sort((a, b) => a - b);
	return { found, before, after };
}

/**
 * Wall-clock date and time in a zone → instant (ms). A time in a DST gap (02:30 on a spring-forward day) is moved
 * forward by the gap (03:30 in Europe/Berlin); a time that occurs twice (fall-back) is its first, earlier instant.
 * Throws RangeError for a malformed date or time or a zone Intl does not know.
 */
export function zonedInstant(date: string, time: LocalTime, timeZone: string): number {
	const wall = mustDay(date) * DAY_MS + mustMinutes(time) * 60_000;
	const { found, before } = readings(wall, timeZone);
	return found[0] ?? wall - before;
}

/** The calendar date (YYYY-MM-DD), time (HH:MM) and weekday of an instant in a zone. */
export function localParts(
	instant: number,
	timeZone: string,
): { date: string; time: string; weekday: Weekday } {
	const wall = wallClock(instant, timeZone);
	const day = Math.floor(wall / DAY_MS);
	const minutes = Math.floor((wall - day * DAY_MS) / 60_000);
	const pad = (n: number) => String(n).padStart(2, '0');
	return {
		date: dateOf(day),
		time: `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`,
		weekday: WEEK[weekdayIndex(day)] as Weekday,
	};
}

/** The calendar day key of an instant in a zone, YYYY-MM-DD (used by per-day frequency caps). */
export function localDay(instant: number, timeZone: string): string {
	return localParts(instant, timeZone).date;
}

/**
 * Reads an ISO-8601 instant with seconds optional and an offset or Z (2026-06-10T09:00:00+02:00) as ms,
 * or NaN when it is not one.
 */
export function parseInstant(text: string): number {
	const m = INSTANT.exec(text);
	const day = m?.[1] === undefined ? null : dayNumber(m[1]);
	if (!m || day === null || Number(m[7] ?? 0) > 23 || Number(m[8] ?? 0) > 59) return Number.NaN;
	const offset = (Number(m[7] ?? 0) * 60 + Number(m[8] ?? 0)) * (m[6] === '-' ? -1 : 1);
	const wall = day * DAY_MS + (Number(m[2]) * 60 + Number(m[3])) * 60_000 + Number(m[4] ?? 0) * 1000;
	return wall + Number((m[5] ?? '').padEnd(3, '0').slice(0, 3)) - offset * 60_000;
}

// Validation.

function record(value: unknown, path: string, keys?: readonly string[]): Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw new ScheduleError(path, 'must be an object');
	for (const key of Object.keys(value))
		if (keys && !keys.includes(key))
			throw new ScheduleError(`${path}.${key}`, `is not a known field here (expected ${keys.join(', ')})`);
	return value as Record<string, unknown>;
}

function list<T>(
	value: unknown,
	path: string,
	max: number,
	what: string,
	item: (v: unknown, path: string) => T,
	key: (t: T) => unknown = (t) => t,
): T[] {
	if (!Array.isArray(value) || value.length < 1 || value.length > max)
		throw new ScheduleError(path, `must be a list of 1–${max} ${what}`);
	const seen = new Map<unknown, number>();
	return value.map((v, i) => {
		const t = item(v, `${path}[${i}]`);
		const first = seen.get(key(t));
		if (first !== undefined) throw new ScheduleError(`${path}[${i}]`, `repeats ${path}[${first}]`);
		seen.set(key(t), i);
		return t;
	});
}

function checkTime(value: unknown, path: string): LocalTime {
	if (typeof value !== 'string' || minutesOf(value) === null)
		throw new ScheduleError(path, 'must be a time HH:MM, 00:00–23:59');
	return value;
}

function checkDate(value: unknown, path: string): string {
	if (typeof value !== 'string' || dayNumber(value) === null)
		throw new ScheduleError(path, 'must be a calendar date YYYY-MM-DD');
	return value;
}

function checkAt(value: unknown, path: string): string {
	if (typeof value !== 'string' || Number.isNaN(parseInstant(value)))
		throw new ScheduleError(
			path,
			'must be an ISO-8601 instant with an offset or Z, like 2026-06-10T09:00:00+02:00',
		);
	return value;
}

function isIntIn(value: unknown, min: number, max: number): value is number {
	return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

function checkRule(value: unknown, path: string): Recurrence {
	const keys = ['freq', 'interval', 'byWeekday', 'byMonthDay', 'times', 'start', 'end', 'timezone'];
	const r = record(value, path, keys);
	const freq = r.freq;
	if (freq !== 'daily' && freq !== 'weekly' && freq !== 'monthly')
		throw new ScheduleError(`${path}.freq`, 'must be daily, weekly or monthly');
	if (!isTimeZone(r.timezone))
		throw new ScheduleError(`${path}.timezone`, 'is not an IANA time zone (like Europe/Berlin)');
	const rule: Recurrence = {
		freq,
		times: list(r.times, `${path}.times`, MAX_TIMES, 'times HH:MM', checkTime),
		start: checkDate(r.start, `${path}.start`),
		timezone: r.timezone,
	};
	if (r.end !== undefined) {
		rule.end = checkDate(r.end, `${path}.end`);
		if (rule.end < rule.start) throw new ScheduleError(`${path}.end`, `is before start (${rule.start})`);
	}
	if (r.interval !== undefined) {
		if (!isIntIn(r.interval, 1, MAX_INTERVAL))
			throw new ScheduleError(`${path}.interval`, `must be a whole number from 1 to ${MAX_INTERVAL}`);
		rule.interval = r.interval;
	}
	if (r.byWeekday !== undefined) {
		if (freq === 'monthly')
			throw new ScheduleError(
				`${path}.byWeekday`,
				'is for daily and weekly rules; monthly rules take byMonthDay',
			);
		rule.byWeekday = list(r.byWeekday, `${path}.byWeekday`, 7, 'weekdays', (v, p) => {
			if (!WEEK.includes(v as Weekday)) throw new ScheduleError(p, `must be one of ${WEEK.join(', ')}`);
			return v as Weekday;
		});
	}
	if (r.byMonthDay !== undefined) {
		if (freq !== 'monthly') throw new ScheduleError(`${path}.byMonthDay`, 'is for monthly rules only');
		rule.byMonthDay = list(r.byMonthDay, `${path}.byMonthDay`, 32, 'days of the month', (v, p) => {
			if (v !== -1 && !isIntIn(v, 1, 31))
				throw new ScheduleError(p, 'must be a day 1–31, or -1 for the last day');
			return v as number;
		});
	}
	if (expand(rule, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 1).length === 0)
		throw new ScheduleError(path, 'never runs: no date from start to end matches the rule');
	return rule;
}

/**
 * Validates a schedule's shape and values and returns it with only known fields; throws a ScheduleError naming the
 * path (as 'schedule.rule.times[1]') and what is wrong. Unknown fields, unknown zones ("is not an IANA time zone"),
 * repeated dates, weekdays, days or times, and a rule that can never run are errors.
 */
export function checkSchedule(schedule: unknown, path = 'schedule'): Schedule {
	const type = record(schedule, path).type;
	switch (type) {
		case 'now':
			record(schedule, path, ['type']);
			return { type };
		case 'once':
			return { type, at: checkAt(record(schedule, path, ['type', 'at']).at, `${path}.at`) };
		case 'dates': {
			const at = record(schedule, path, ['type', 'at']).at;
			return { type, at: list(at, `${path}.at`, MAX_DATES, 'instants', checkAt, parseInstant) };
		}
		case 'recurring':
			return { type, rule: checkRule(record(schedule, path, ['type', 'rule']).rule, `${path}.rule`) };
	}
	throw new ScheduleError(`${path}.type`, 'must be one of now, once, dates, recurring');
}

// Expansion. The calendar arithmetic of RFC 5545 (FREQ, INTERVAL, BYDAY, BYMONTHDAY, WKST=MO, UNTIL) is the rrule
// library's, run in floating time: its "UTC" dates are wall-clock dates, and the wall times become instants in the
// rule's zone here, through Intl, where DST gaps and overlaps are resolved as zonedInstant says (rrule's own TZID
// support cannot resolve them). Every expansion is bounded by the number of runs asked for, whatever the rule.

const RRULE_DAYS = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU];

// The dates (day numbers, from `from` ≥ start on) a rule can run on, in order. rrule would walk every period from
// the rule's start and, for a rule that never matches, to year 9999; so it starts at the period that holds `from`
// (a whole number of intervals after the start) and looks no further than a window that holds `runs` matching
// dates whenever the rule matches at all: a daily filter that matches at all matches within 7 steps, a month day
// that exists at all recurs within 48 months (12 months × the leap cycle).
function* ruleDays(rule: Recurrence, from: number, runs: number): Generator<number> {
	const start = mustDay(rule.start);
	const end = Math.min(rule.end === undefined ? LAST_DAY : mustDay(rule.end), LAST_DAY);
	const interval = rule.interval ?? 1;
	const steps = (per: number, offset: number) => Math.max(0, Math.ceil(offset / per));
	let first: number;
	let last: number;
	const options: Partial<RRuleOptions> = { interval, wkst: RRule.MO };
	if (rule.freq === 'daily') {
		first = start + steps(interval, from - start) * interval;
		last = first + 7 * (runs + 2) * interval;
		options.freq = RRule.DAILY;
		// rrule checks UNTIL only against dates that match, so a rule that never matches would spin to year 9999.
		// Every n-th day with 7 | n is always one weekday: it matches always or never.
		const weekday = WEEK[weekdayIndex(first)] as Weekday;
		if (rule.byWeekday && interval % 7 === 0 && !rule.byWeekday.includes(weekday)) return;
		if (rule.byWeekday)
			options.byweekday = rule.byWeekday.map((w) => RRULE_DAYS[WEEK.indexOf(w)] as Weekday_);
	} else if (rule.freq === 'weekly') {
		const week = start - weekdayIndex(start);
		const span = 7 * interval;
		first = Math.max(start, week + steps(span, from - weekdayIndex(from) - week) * span);
		last = first + (runs + 3) * span;
		options.freq = RRule.WEEKLY;
		const days = rule.byWeekday ?? [WEEK[weekdayIndex(start)] as Weekday];
		options.byweekday = days.map((w) => RRULE_DAYS[WEEK.indexOf(w)] as Weekday_);
	} else {
		const date = new Date(start * DAY_MS);
		const month = date.getUTCFullYear() * 12 + date.getUTCMonth();
		const fromDate = new Date(from * DAY_MS);
		const skip = steps(interval, fromDate.getUTCFullYear() * 12 + fromDate.getUTCMonth() - month) * interval;
		const monthStart = (m: number) => Date.UTC(Math.floor(m / 12), m % 12, 1) / DAY_MS;
		first = skip === 0 ? start : monthStart(month + skip);
		last = monthStart(Math.min(month + skip + 48 * (runs + 2) * interval, 9999 * 12 + 11)) + 31;
		options.freq = RRule.MONTHLY;
		const monthDays = rule.byMonthDay ?? [date.getUTCDate()];
		options.bymonthday = monthDays;
		// As above: only hand rrule a rule that has a date within the window (its months recur within 48 steps).
		const fits = (m: number) =>
			monthDays.some((d) => d === -1 || d <= daysInMonth(Math.floor(m / 12), (m % 12) + 1));
		if (!Array.from({ length: 49 }, (_, j) => month + skip + j * interval).some(fits)) return;
	}
	if (first > end) return;
	options.dtstart = new Date(first * DAY_MS);
	options.until = new Date(Math.min(end, last) * DAY_MS);
	for (const date of new RRule(options).all()) {
		const day = Math.floor(date.getTime() / DAY_MS);
		if (day >= from) yield day;
	}
}

function expand(rule: Recurrence, createdAt: number, after: number, limit: number): number[] {
	const from = Math.max(createdAt, after);
	if (from >= (LAST_DAY + 1) * DAY_MS) return [];
	const start = mustDay(rule.start);
	// A day earlier: a time in a gap at midnight lands on the next local date.
	const fromDay = Number.isFinite(from) ? Math.max(start, mustDay(localDay(from, rule.timezone)) - 1) : start;
	const runs: number[] = [];
	for (const day of ruleDays(rule, fromDay, limit)) {
		const date = dateOf(day);
		// Two Intl reads for the whole day unless its offset changes around it.
		const before = offsetAt((day - 1) * DAY_MS, rule.timezone);
		const steady = before === offsetAt((day + 2) * DAY_MS, rule.timezone);
		const instants = rule.times.map((t) =>
			steady ? day * DAY_MS + mustMinutes(t) * 60_000 - before : zonedInstant(date, t, rule.timezone),
		);
		instants.sort((a, b) => a - b);
		for (const t of instants) {
			if (t < createdAt || t <= after || t <= (runs.at(-1) ?? Number.NEGATIVE_INFINITY)) continue;
			runs.push(t);
			if (runs.length === limit) return runs;
		}
	}
	return runs;
}

/**
 * The run instants of a schedule strictly after `after`, in order, at most `limit` (and at most {@link MAX_RUNS}),
 * never before `createdAt`: a recurring "7th of each month" created on the 9th first runs on the 7th of next month;
 * `now` is [createdAt] once if createdAt > after, else []; `once` and `dates` instants before createdAt are dropped.
 * Recurring runs are the rule's wall times in its zone (09:00 Europe/Berlin is 08:00Z in winter, 07:00Z in
 * summer), resolved as {@link zonedInstant} does; two times that land on one instant run once.
 */
export function nextRuns(schedule: Schedule, createdAt: number, after: number, limit: number): number[] {
	const max = Math.min(Math.floor(limit), MAX_RUNS);
	if (!(max > 0)) return [];
	const keep = (t: number) => t >= createdAt && t > after;
	switch (schedule.type) {
		case 'now':
			return createdAt > after ? [createdAt] : [];
		case 'once':
			return [parseInstant(schedule.at)].filter(keep);
		case 'dates':
			return [...new Set(schedule.at.map(parseInstant))]
				.filter(keep)
				.sort((a, b) => a - b)
				.slice(0, max);
		case 'recurring':
			return expand(schedule.rule, createdAt, after, max);
	}
}

/**
 * Local-time delivery: when a subscriber in `timeZone` should get a run whose local date (in the site's zone) is
 * `runDate`, at local `time`. The target is `time` on `runDate` in the subscriber's zone. If it is before `now`
 * (already passed there when the run starts): 'now' → now; 'next_day' → `time` on the next day in that zone (or now,
 * should that have passed too, on a run that starts over a day late); 'skip' → null.
 */
export function localDelivery(
	runDate: string,
	time: LocalTime,
	timeZone: string,
	policy: PassedPolicy,
	now: number,
): number | null {
	const target = zonedInstant(runDate, time, timeZone);
	if (target >= now) return target;
	switch (policy) {
		case 'now':
			return now;
		case 'next_day':
			return Math.max(now, zonedInstant(dateOf(mustDay(runDate) + 1), time, timeZone));
		case 'skip':
			return null;
	}
}

/**
 * Groups time zones for local-time delivery (a helper for the dispatcher): each distinct zone → its target instant
 * for the run, as {@link localDelivery} gives it, or null when the policy skips it. A zone that is not a valid IANA
 * zone (empty, misspelt, an offset such as +02:00) gets the target of `fallbackZone`, the site's zone, and keeps its
 * own key so the dispatcher can look subscribers up by the zone they stored.
 */
export function deliveryPlan(
	zones: string[],
	runDate: string,
	time: LocalTime,
	policy: PassedPolicy,
	now: number,
	fallbackZone: string,
): Map<string, number | null> {
	const plan = new Map<string, number | null>();
	let fallback: number | null | undefined;
	for (const zone of zones) {
		if (plan.has(zone)) continue;
		if (isTimeZone(zone)) plan.set(zone, localDelivery(runDate, time, zone, policy, now));
		else {
			if (fallback === undefined) fallback = localDelivery(runDate, time, fallbackZone, policy, now);
			plan.set(zone, fallback);
		}
	}
	return plan;
}

/** Validates quiet hours {start, end} (HH:MM each, different; the window may wrap midnight); throws ScheduleError. */
export function checkQuietHours(q: unknown, path: string): QuietHours {
	const r = record(q, path, ['start', 'end']);
	const quiet = { start: checkTime(r.start, `${path}.start`), end: checkTime(r.end, `${path}.end`) };
	if (quiet.start === quiet.end)
		throw new ScheduleError(`${path}.end`, 'must differ from start (the window would be empty or all day)');
	return quiet;
}

/**
 * Whether an instant falls inside the quiet window in a zone (start inclusive, end exclusive, by the minute), and
 * if so when the window ends: the first instant at or after `instant` whose local time is `end`, DST-correct. When
 * `end` does not exist that night (a DST gap), the window ends as the clocks jump past it. null = not quiet.
 */
export function quietUntil(instant: number, timeZone: string, q: QuietHours): number | null {
	const { date, time } = localParts(instant, timeZone);
	const quiet = q.start < q.end ? time >= q.start && time < q.end : time >= q.start || time < q.end;
	if (!quiet) return null;
	const day = mustDay(date) + (time < q.end ? 0 : 1);
	const wall = day * DAY_MS + mustMinutes(q.end) * 60_000;
	const { found, before, after } = readings(wall, timeZone);
	const at = found.find((t) => t >= instant) ?? found.at(-1);
	if (at !== undefined) return at;
	// In the gap: find the jump between the last instant read under the old offset and the first under the new.
	let [lo, hi] = [wall - after, wall - before];
	while (hi - lo > 1000) {
		const mid = Math.floor((lo + hi) / 2000) * 1000;
		if (offsetAt(mid, timeZone) === before) lo = mid;
		else hi = mid;
	}
	return hi;
}
