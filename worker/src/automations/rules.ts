import type {
	AutomationCondition,
	AutomationTrigger,
	AutomationWait,
	EventValue,
	QuietHoursRule,
} from '#wire';
import { localParts, zonedInstant } from '../campaigns/schedule';

// The pure part of automations (issue 13): which events a trigger takes, and when each step of a journey is due.
// The store (store/automations.ts) keeps the journeys; the time is always a parameter, so DST is tested with fixed
// clocks.

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether an event's properties meet every condition (an absent property meets only `exists: false`-free tests). */
export function meets(
	conditions: readonly AutomationCondition[] | undefined,
	properties: Record<string, EventValue> | null,
): boolean {
	for (const c of conditions ?? []) {
		const value = properties && Object.hasOwn(properties, c.property) ? properties[c.property] : undefined;
		if (!meetsOne(c, value)) return false;
	}
	return true;
}

function meetsOne(c: AutomationCondition, value: EventValue | undefined): boolean {
	if (c.op === 'exists') return value !== undefined;
	if (value === undefined) return c.op === 'ne';
	const want = c.value;
	switch (c.op) {
		case 'eq':
			return value === want;
		case 'ne':
			return value !== want;
		case 'contains':
			return (
				typeof value === 'string' &&
				typeof want === 'string' &&
				value.toLowerCase().includes(want.toLowerCase())
			);
		default: {
			if (typeof value !== 'number' || typeof want !== 'number') return false;
			if (c.op === 'gt') return value > want;
			if (c.op === 'gte') return value >= want;
			if (c.op === 'lt') return value < want;
			return value <= want;
		}
	}
}

/** The journey key of an event: its key property's value as text ('' when the trigger has no key or it is absent). */
export function keyOf(
	keyProperty: string | undefined,
	properties: Record<string, EventValue> | null,
): string {
	if (!keyProperty || !properties || !Object.hasOwn(properties, keyProperty)) return '';
	return String(properties[keyProperty]).slice(0, 200);
}

/** The days that zone arithmetic (campaigns/schedule.ts) takes, years 1000–9999, as days since 1970-01-01. */
const FIRST_DAY = Date.UTC(1000, 0, 1) / DAY_MS;
const LAST_DAY = Date.UTC(9999, 11, 31) / DAY_MS;
/** The widest instants a Date holds (±8.64e15 ms); Intl refuses the rest. */
const MAX_INSTANT = 8.64e15;

/**
 * `date` (YYYY-MM-DD) moved by `days`; null when either is not a real day of years 1000–9999 (Date.UTC would roll
 * 02-30 into March, and read years 0–99 as 1900–1999).
 */
function addDays(date: string, days: number): string | null {
	const m = ISO_DATE.exec(date);
	if (!m) return null;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const day = Date.UTC(y, mo - 1, d) / DAY_MS;
	const read = new Date(day * DAY_MS);
	if (read.getUTCFullYear() !== y || read.getUTCMonth() !== mo - 1 || read.getUTCDate() !== d) return null;
	const moved = day + days;
	return moved >= FIRST_DAY && moved <= LAST_DAY ? new Date(moved * DAY_MS).toISOString().slice(0, 10) : null;
}

/**
 * When a wait that starts at `from` ends: after its seconds, or at the next `until` (HH:MM) in `zone` at or after
 * `from` (DST-correct: a time in a spring-forward gap is moved past it). No wait: `from`. Past the calendar's end
 * (a date trigger on 9999-12-31), the next day's `until` is a day after today's.
 */
export function waitEnds(from: number, wait: AutomationWait | undefined, zone: string): number {
	if (!wait) return from;
	if ('seconds' in wait) return from + wait.seconds * 1000;
	const today = localParts(from, zone).date;
	if (addDays(today, 0) === null) return from + DAY_MS;
	const at = zonedInstant(today, wait.until, zone);
	if (at >= from) return at;
	const tomorrow = addDays(today, 1);
	return tomorrow === null ? at + DAY_MS : zonedInstant(tomorrow, wait.until, zone);
}

/**
 * The calendar date a date value names: `YYYY-MM-DD` as written; an instant at UTC midnight (a date attribute) by its
 * UTC date; any other instant by its date in `zone`. null when it is not a date.
 */
export function calendarDate(value: EventValue | number | undefined, zone: string): string | null {
	let date: string | null = null;
	if (typeof value === 'string') {
		const t = ISO_DATE.test(value) || !/\d{4}-\d{2}-\d{2}T/.test(value) ? Number.NaN : Date.parse(value);
		if (ISO_DATE.test(value)) date = value;
		else if (!Number.isNaN(t)) date = localParts(t, zone).date;
	} else if (typeof value === 'number' && Math.abs(value) <= MAX_INSTANT) {
		date = value % DAY_MS === 0 ? new Date(value).toISOString().slice(0, 10) : localParts(value, zone).date;
	}
	// Dates past the ends of the calendar the zones are read in (years 1000–9999) are none.
	return date !== null && addDays(date, 0) !== null ? date : null;
}

/** A date trigger's moment: `offsetDays` from the date, at `at` local time in `zone`; null when not a date. */
export function dateTriggerAt(
	trigger: Extract<AutomationTrigger, { type: 'date' }>,
	value: EventValue | number | undefined,
	zone: string,
): number | null {
	const date = calendarDate(value, zone);
	const day = date === null ? null : addDays(date, trigger.offsetDays);
	return day === null ? null : zonedInstant(day, trigger.at, zone);
}

/** The event names an automation listens to: its trigger's, its exit events, its goal's. */
export function listensTo(def: {
	trigger: AutomationTrigger;
	exit?: { events?: string[] } | undefined;
	goal?: { event: string } | null | undefined;
}): string[] {
	const names = new Set<string>();
	const t = def.trigger;
	if (t.type === 'event' || t.type === 'inaction') names.add(t.event);
	if (t.type === 'inaction') names.add(t.without);
	if (t.type === 'date' && 'event' in t && t.event) names.add(t.event);
	for (const e of def.exit?.events ?? []) names.add(e);
	if (def.goal) names.add(def.goal.event);
	return [...names];
}

/** Quiet hours an automation sends under: its own, none (null), or the site's default (not given). */
export function quietHoursOf(
	own: QuietHoursRule | null | undefined,
	site: QuietHoursRule | null | undefined,
): QuietHoursRule | null {
	return own === undefined ? (site ?? null) : own;
}
