import type { CampaignSchedule, Recurrence, Weekday } from '#wire';

// The schedule as the campaign editor's inputs hold it (strings, as inputs give them) and its conversion to and
// from the API's schedule. Instants are entered in the browser's time zone and sent as UTC (`…Z`); a recurrence
// keeps its own IANA time zone.

/** Which kind of schedule is chosen. */
export type ScheduleKind = CampaignSchedule['type'];

/** The editor's schedule inputs. */
export interface ScheduleForm {
	kind: ScheduleKind;
	/** datetime-local values (`2026-12-24T09:00`), in the browser's zone. */
	once: string;
	dates: string[];
	freq: Recurrence['freq'];
	interval: string;
	weekdays: Weekday[];
	/** Days of the month, comma-separated (`1, 15`). */
	monthDays: string;
	lastDay: boolean;
	/** HH:MM. */
	times: string[];
	/** YYYY-MM-DD. */
	start: string;
	end: string;
	timezone: string;
}

/** Up to this many dates (the API's limit). */
export const MAX_DATES = 50;
/** Up to this many times of day (the API's limit). */
export const MAX_TIMES = 24;
export const WEEKDAYS: Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

const pad = (n: number) => String(n).padStart(2, '0');

/** The browser's IANA time zone. */
export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The IANA time zones the browser knows (for a datalist), UTC included. */
export function timeZones(): string[] {
	const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
	return zones.includes('UTC') ? zones : [...zones, 'UTC'];
}

/** Whether the browser knows `zone` as an IANA time zone (the worker checks again). */
export function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

/** A datetime-local value for an instant, in the browser's zone. */
export function localInput(iso: string): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return '';
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The instant of a datetime-local value read in the browser's zone, as ISO UTC; a value that is none as it is. */
export function isoOf(local: string): string {
	const d = new Date(local);
	return local && !Number.isNaN(d.getTime()) ? d.toISOString().replace(/\.000Z$/, 'Z') : local;
}

/** A date input's value for a day. */
const dateInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** The form for a stored schedule (none: "now", with the other kinds' inputs filled with defaults). */
export function formOf(schedule: CampaignSchedule | null, now = new Date()): ScheduleForm {
	const nextHour = new Date(now.getTime() + 3_600_000);
	nextHour.setMinutes(0, 0, 0);
	const form: ScheduleForm = {
		kind: 'now',
		once: localInput(nextHour.toISOString()),
		dates: [localInput(nextHour.toISOString())],
		freq: 'weekly',
		interval: '1',
		weekdays: [WEEKDAYS[(now.getDay() + 6) % 7] as Weekday],
		monthDays: String(now.getDate()),
		lastDay: false,
		times: ['09:00'],
		start: dateInput(now),
		end: '',
		timezone: browserZone(),
	};
	if (!schedule) return form;
	form.kind = schedule.type;
	if (schedule.type === 'once') form.once = localInput(schedule.at);
	if (schedule.type === 'dates') form.dates = schedule.at.map(localInput);
	if (schedule.type === 'recurring') {
		const r = schedule.rule;
		const days = r.byMonthDay ?? [];
		Object.assign(form, {
			freq: r.freq,
			interval: String(r.interval ?? 1),
			weekdays: r.byWeekday ?? (r.freq === 'weekly' ? form.weekdays : []),
			monthDays: days.filter((d) => d !== -1).join(', '),
			lastDay: days.includes(-1),
			times: r.times,
			start: r.start,
			end: r.end ?? '',
			timezone: r.timezone,
		});
	}
	return form;
}

/** The days of the month typed (`1, 15`), and -1 for "the last day". A word that is no number goes as null (a 400). */
function monthDays(f: ScheduleForm): number[] {
	const days = f.monthDays
		.split(/[\s,;]+/)
		.filter(Boolean)
		.map((d) => (/^\d+$/.test(d) ? Number(d) : (null as unknown as number)));
	return f.lastDay ? [...days, -1] : days;
}

/** The schedule the form describes; what the API would refuse is sent as typed, so its 400 names the field. */
export function scheduleOf(f: ScheduleForm): CampaignSchedule {
	switch (f.kind) {
		case 'now':
			return { type: 'now' };
		case 'once':
			return { type: 'once', at: isoOf(f.once) };
		case 'dates':
			return { type: 'dates', at: f.dates.filter(Boolean).map(isoOf) };
		case 'recurring': {
			const rule: Recurrence = {
				freq: f.freq,
				times: f.times.filter(Boolean),
				start: f.start,
				timezone: f.timezone.trim(),
			};
			const interval = Number(f.interval);
			if (f.interval !== '1') rule.interval = Number.isInteger(interval) ? interval : (f.interval as never);
			if (f.freq !== 'monthly' && f.weekdays.length > 0)
				rule.byWeekday = WEEKDAYS.filter((d) => f.weekdays.includes(d));
			if (f.freq === 'monthly') {
				const days = monthDays(f);
				if (days.length > 0) rule.byMonthDay = days;
			}
			if (f.end) rule.end = f.end;
			return { type: 'recurring', rule };
		}
	}
}
