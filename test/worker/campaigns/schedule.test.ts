import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	checkQuietHours,
	checkSchedule,
	deliveryPlan,
	localDay,
	localDelivery,
	localParts,
	MAX_RUNS,
	nextRuns,
	parseInstant,
	type QuietHours,
	quietUntil,
	type Recurrence,
	type Schedule,
	ScheduleError,
	zonedInstant,
} from '../../../worker/src/campaigns/schedule';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const ms = (text: string) => Date.parse(text);

function recurring(rule: Partial<Recurrence>): Schedule {
	return {
		type: 'recurring',
		rule: { freq: 'daily', times: ['09:00'], start: '2026-06-01', timezone: 'UTC', ...rule },
	};
}

/** Runs as ISO strings, for a schedule created at `created` and nothing run yet. */
function runs(schedule: Schedule, created: string, limit = 10, after = created): string[] {
	return nextRuns(checkSchedule(schedule), ms(created), ms(after) - 1, limit).map((t) => iso(t) as string);
}

function rejection(input: unknown, check: (value: unknown) => unknown = checkSchedule): ScheduleError {
	try {
		check(input);
	} catch (error) {
		expect(error).toBeInstanceOf(ScheduleError);
		return error as ScheduleError;
	}
	throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('zonedInstant', () => {
	it('reads wall times in zones without DST', () => {
		expect(iso(zonedInstant('2026-06-10', '09:00', 'UTC'))).toBe('2026-06-10T09:00:00.000Z');
		expect(iso(zonedInstant('2026-01-10', '09:00', 'Asia/Kolkata'))).toBe('2026-01-10T03:30:00.000Z');
		expect(iso(zonedInstant('2026-06-10', '09:00', 'Asia/Kolkata'))).toBe('2026-06-10T03:30:00.000Z');
		expect(iso(zonedInstant('2026-06-10', '00:15', 'Asia/Kolkata'))).toBe('2026-06-09T18:45:00.000Z');
	});

	it('follows the offset of the season', () => {
		expect(iso(zonedInstant('2026-01-15', '09:00', 'Europe/Berlin'))).toBe('2026-01-15T08:00:00.000Z');
		expect(iso(zonedInstant('2026-07-15', '09:00', 'Europe/Berlin'))).toBe('2026-07-15T07:00:00.000Z');
		expect(iso(zonedInstant('2026-07-01', '12:00', 'Pacific/Chatham'))).toBe('2026-06-30T23:15:00.000Z');
		expect(iso(zonedInstant('2026-01-01', '12:00', 'Pacific/Chatham'))).toBe('2025-12-31T22:15:00.000Z');
	});

	it('moves a time in the spring-forward gap forward by the gap (Europe/Berlin 2026-03-29)', () => {
		expect(iso(zonedInstant('2026-03-29', '01:59', 'Europe/Berlin'))).toBe('2026-03-29T00:59:00.000Z');
		expect(iso(zonedInstant('2026-03-29', '02:00', 'Europe/Berlin'))).toBe('2026-03-29T01:00:00.000Z');
		expect(iso(zonedInstant('2026-03-29', '02:30', 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z');
		expect(iso(zonedInstant('2026-03-29', '03:00', 'Europe/Berlin'))).toBe('2026-03-29T01:00:00.000Z');
		expect(localParts(zonedInstant('2026-03-29', '02:30', 'Europe/Berlin'), 'Europe/Berlin').time).toBe(
			'03:30',
		);
	});

	it('takes the first of a time that occurs twice at fall-back (Europe/Berlin 2026-10-25)', () => {
		expect(iso(zonedInstant('2026-10-25', '01:59', 'Europe/Berlin'))).toBe('2026-10-24T23:59:00.000Z');
		expect(iso(zonedInstant('2026-10-25', '02:00', 'Europe/Berlin'))).toBe('2026-10-25T00:00:00.000Z');
		expect(iso(zonedInstant('2026-10-25', '02:30', 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z');
		expect(iso(zonedInstant('2026-10-25', '03:00', 'Europe/Berlin'))).toBe('2026-10-25T02:00:00.000Z');
	});

	it('handles America/New_York on 2026-03-08 and 2026-11-01', () => {
		expect(iso(zonedInstant('2026-03-08', '01:59', 'America/New_York'))).toBe('2026-03-08T06:59:00.000Z');
		expect(iso(zonedInstant('2026-03-08', '02:30', 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
		expect(iso(zonedInstant('2026-03-08', '03:00', 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
		expect(iso(zonedInstant('2026-11-01', '01:30', 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
		expect(iso(zonedInstant('2026-11-01', '02:00', 'America/New_York'))).toBe('2026-11-01T07:00:00.000Z');
	});

	it('handles the 30-minute DST of Australia/Lord_Howe', () => {
		// 2026-10-04 02:00 +10:30 → 02:30 +11; 2026-04-05 02:00 +11 → 01:30 +10:30.
		expect(iso(zonedInstant('2026-10-04', '01:59', 'Australia/Lord_Howe'))).toBe('2026-10-03T15:29:00.000Z');
		expect(iso(zonedInstant('2026-10-04', '02:15', 'Australia/Lord_Howe'))).toBe('2026-10-03T15:45:00.000Z');
		expect(iso(zonedInstant('2026-10-04', '02:30', 'Australia/Lord_Howe'))).toBe('2026-10-03T15:30:00.000Z');
		expect(iso(zonedInstant('2026-04-05', '01:45', 'Australia/Lord_Howe'))).toBe('2026-04-04T14:45:00.000Z');
		expect(iso(zonedInstant('2026-04-05', '02:00', 'Australia/Lord_Howe'))).toBe('2026-04-04T15:30:00.000Z');
	});

	it('handles Pacific/Chatham (+12:45 / +13:45)', () => {
		// 2026-09-27 02:45 → 03:45; 2026-04-05 03:45 → 02:45.
		expect(iso(zonedInstant('2026-09-27', '03:00', 'Pacific/Chatham'))).toBe('2026-09-26T14:15:00.000Z');
		expect(iso(zonedInstant('2026-04-05', '03:00', 'Pacific/Chatham'))).toBe('2026-04-04T13:15:00.000Z');
		expect(iso(zonedInstant('2026-04-05', '03:45', 'Pacific/Chatham'))).toBe('2026-04-04T15:00:00.000Z');
	});

	it('throws RangeError for a malformed date or time or an unknown zone', () => {
		expect(() => zonedInstant('2026-02-30', '09:00', 'UTC')).toThrow(RangeError);
		expect(() => zonedInstant('2026-06-10', '24:00', 'UTC')).toThrow(RangeError);
		expect(() => zonedInstant('2026-06-10', '09:00', 'Mars/Olympus')).toThrow(RangeError);
	});
});

describe('localParts', () => {
	it('gives the date, time and weekday in the zone', () => {
		expect(localParts(ms('2026-06-10T18:30:00Z'), 'Asia/Kolkata')).toEqual({
			date: '2026-06-11',
			time: '00:00',
			weekday: 'TH',
		});
		expect(localParts(ms('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toEqual({
			date: '2026-03-29',
			time: '03:30',
			weekday: 'SU',
		});
		expect(localParts(ms('2026-06-10T23:59:59.999Z'), 'UTC')).toEqual({
			date: '2026-06-10',
			time: '23:59',
			weekday: 'WE',
		});
	});

	it('reads 02:30 twice on the fall-back night', () => {
		expect(localParts(ms('2026-10-25T00:30:00Z'), 'Europe/Berlin').time).toBe('02:30');
		expect(localParts(ms('2026-10-25T01:30:00Z'), 'Europe/Berlin').time).toBe('02:30');
	});
});

describe('localDay', () => {
	it('keys an instant by the local date of each zone around midnight', () => {
		const late = ms('2026-06-10T23:30:00Z');
		expect(localDay(late, 'UTC')).toBe('2026-06-10');
		expect(localDay(late, 'Asia/Tokyo')).toBe('2026-06-11');
		expect(localDay(late, 'Asia/Kolkata')).toBe('2026-06-11');
		expect(localDay(late, 'Pacific/Chatham')).toBe('2026-06-11');
		expect(localDay(late, 'America/Los_Angeles')).toBe('2026-06-10');

		const early = ms('2026-06-10T00:30:00Z');
		expect(localDay(early, 'Europe/London')).toBe('2026-06-10');
		expect(localDay(early, 'America/New_York')).toBe('2026-06-09');
		expect(localDay(early, 'America/Los_Angeles')).toBe('2026-06-09');
	});

	it('turns at local midnight exactly', () => {
		expect(localDay(ms('2026-06-10T18:29:59Z'), 'Asia/Kolkata')).toBe('2026-06-10');
		expect(localDay(ms('2026-06-10T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-06-11');
		expect(localDay(ms('2026-06-10T06:59:59Z'), 'America/Los_Angeles')).toBe('2026-06-09');
		expect(localDay(ms('2026-06-10T07:00:00Z'), 'America/Los_Angeles')).toBe('2026-06-10');
	});
});

describe('parseInstant', () => {
	it('reads offsets, Z, optional seconds and fractions', () => {
		expect(iso(parseInstant('2026-06-10T09:00:00+02:00'))).toBe('2026-06-10T07:00:00.000Z');
		expect(iso(parseInstant('2026-06-10T09:00-05:30'))).toBe('2026-06-10T14:30:00.000Z');
		expect(iso(parseInstant('2026-06-10T09:00:00.5Z'))).toBe('2026-06-10T09:00:00.500Z');
	});

	it('is NaN for anything else', () => {
		for (const text of [
			'2026-06-10T09:00:00',
			'2026-06-10 09:00Z',
			'2026-02-30T09:00Z',
			'2026-06-10T24:00Z',
			'',
		])
			expect(parseInstant(text), text).toBeNaN();
	});
});

describe('nextRuns', () => {
	it('runs a now schedule once, at creation', () => {
		const created = ms('2026-06-10T12:00:00Z');
		expect(nextRuns({ type: 'now' }, created, created - 1, 5)).toEqual([created]);
		expect(nextRuns({ type: 'now' }, created, created, 5)).toEqual([]);
	});

	it('drops a once instant before creation or not after `after`', () => {
		const once: Schedule = { type: 'once', at: '2026-06-10T09:00:00+02:00' };
		expect(runs(once, '2026-06-01T00:00:00Z')).toEqual(['2026-06-10T07:00:00.000Z']);
		expect(runs(once, '2026-06-10T07:00:00Z')).toEqual(['2026-06-10T07:00:00.000Z']);
		expect(runs(once, '2026-06-10T07:00:01Z')).toEqual([]);
		expect(nextRuns(once, 0, ms('2026-06-10T07:00:00Z'), 5)).toEqual([]);
	});

	it('sorts dates, drops the past ones and stops at the limit', () => {
		const dates: Schedule = {
			type: 'dates',
			at: ['2026-06-12T09:00:00Z', '2026-06-01T09:00:00Z', '2026-06-11T09:00:00Z', '2026-06-13T09:00:00Z'],
		};
		expect(runs(dates, '2026-06-05T00:00:00Z', 2)).toEqual([
			'2026-06-11T09:00:00.000Z',
			'2026-06-12T09:00:00.000Z',
		]);
		expect(runs(dates, '2026-06-05T00:00:00Z', 10, '2026-06-12T09:00:01Z')).toEqual([
			'2026-06-13T09:00:00.000Z',
		]);
	});

	it('keeps a daily 09:00 Europe/Berlin at 09:00 local across both DST changes', () => {
		const daily = recurring({ start: '2026-03-27', timezone: 'Europe/Berlin' });
		const spring = runs(daily, '2026-03-26T00:00:00Z', 4);
		expect(spring).toEqual([
			'2026-03-27T08:00:00.000Z',
			'2026-03-28T08:00:00.000Z',
			'2026-03-29T07:00:00.000Z',
			'2026-03-30T07:00:00.000Z',
		]);
		expect(runs(daily, '2026-10-22T12:00:00Z', 4)).toEqual([
			'2026-10-23T07:00:00.000Z',
			'2026-10-24T07:00:00.000Z',
			'2026-10-25T08:00:00.000Z',
			'2026-10-26T08:00:00.000Z',
		]);
		for (const run of spring) expect(localParts(ms(run), 'Europe/Berlin').time).toBe('09:00');
	});

	it('keeps a daily 09:00 America/New_York at 09:00 local across 2026-03-08 and 2026-11-01', () => {
		const daily = recurring({ start: '2026-03-07', timezone: 'America/New_York' });
		expect(runs(daily, '2026-03-07T00:00:00Z', 2)).toEqual([
			'2026-03-07T14:00:00.000Z',
			'2026-03-08T13:00:00.000Z',
		]);
		expect(runs(daily, '2026-10-31T00:00:00Z', 2)).toEqual([
			'2026-10-31T13:00:00.000Z',
			'2026-11-01T14:00:00.000Z',
		]);
	});

	it('runs a daily time in the Lord_Howe gap 30 minutes later that day only', () => {
		const daily = recurring({ start: '2026-10-03', times: ['02:15'], timezone: 'Australia/Lord_Howe' });
		expect(runs(daily, '2026-10-01T00:00:00Z', 3)).toEqual([
			'2026-10-02T15:45:00.000Z',
			'2026-10-03T15:45:00.000Z',
			'2026-10-04T15:15:00.000Z',
		]);
	});

	it('runs every day at +05:30 in Asia/Kolkata and at the zone offset in Pacific/Chatham', () => {
		expect(runs(recurring({ timezone: 'Asia/Kolkata' }), '2026-05-31T00:00:00Z', 2)).toEqual([
			'2026-06-01T03:30:00.000Z',
			'2026-06-02T03:30:00.000Z',
		]);
		const chatham = recurring({ start: '2026-09-26', times: ['12:00'], timezone: 'Pacific/Chatham' });
		expect(runs(chatham, '2026-09-01T00:00:00Z', 2)).toEqual([
			'2026-09-25T23:15:00.000Z',
			'2026-09-26T22:15:00.000Z',
		]);
	});

	it('orders several times a day and merges two that land on one instant in a gap', () => {
		const times = recurring({ times: ['18:00', '09:00', '12:30'] });
		expect(runs(times, '2026-06-01T10:00:00Z', 4)).toEqual([
			'2026-06-01T12:30:00.000Z',
			'2026-06-01T18:00:00.000Z',
			'2026-06-02T09:00:00.000Z',
			'2026-06-02T12:30:00.000Z',
		]);
		const gap = recurring({
			start: '2026-03-29',
			times: ['02:30', '03:00', '03:30'],
			timezone: 'Europe/Berlin',
		});
		expect(runs(gap, '2026-03-28T00:00:00Z', 3)).toEqual([
			'2026-03-29T01:00:00.000Z',
			'2026-03-29T01:30:00.000Z',
			'2026-03-30T00:30:00.000Z',
		]);
	});

	it('runs weekly on MO, WE and FR', () => {
		// 2026-06-01 is a Monday.
		const weekly = recurring({ freq: 'weekly', byWeekday: ['FR', 'MO', 'WE'], times: ['10:00'] });
		expect(runs(weekly, '2026-06-01T00:00:00Z', 6)).toEqual([
			'2026-06-01T10:00:00.000Z',
			'2026-06-03T10:00:00.000Z',
			'2026-06-05T10:00:00.000Z',
			'2026-06-08T10:00:00.000Z',
			'2026-06-10T10:00:00.000Z',
			'2026-06-12T10:00:00.000Z',
		]);
	});

	it("runs weekly on the start date's weekday by default", () => {
		expect(runs(recurring({ freq: 'weekly', start: '2026-06-03' }), '2026-06-01T00:00:00Z', 3)).toEqual([
			'2026-06-03T09:00:00.000Z',
			'2026-06-10T09:00:00.000Z',
			'2026-06-17T09:00:00.000Z',
		]);
	});

	it('runs every other week from the week holding the start, never before the start', () => {
		const biweekly = recurring({ freq: 'weekly', interval: 2, byWeekday: ['MO', 'FR'], start: '2026-06-03' });
		expect(runs(biweekly, '2026-06-01T00:00:00Z', 5)).toEqual([
			'2026-06-05T09:00:00.000Z',
			'2026-06-15T09:00:00.000Z',
			'2026-06-19T09:00:00.000Z',
			'2026-06-29T09:00:00.000Z',
			'2026-07-03T09:00:00.000Z',
		]);
		expect(runs(biweekly, '2026-06-20T00:00:00Z', 1)).toEqual(['2026-06-29T09:00:00.000Z']);
	});

	it('runs every other day counted from the start, whenever it was created', () => {
		const other = recurring({ interval: 2 });
		expect(runs(other, '2026-05-01T00:00:00Z', 3)).toEqual([
			'2026-06-01T09:00:00.000Z',
			'2026-06-03T09:00:00.000Z',
			'2026-06-05T09:00:00.000Z',
		]);
		expect(runs(other, '2026-06-02T12:00:00Z', 2)).toEqual([
			'2026-06-03T09:00:00.000Z',
			'2026-06-05T09:00:00.000Z',
		]);
	});

	it('filters a daily rule by weekday', () => {
		expect(runs(recurring({ byWeekday: ['SA', 'SU'] }), '2026-06-01T00:00:00Z', 3)).toEqual([
			'2026-06-06T09:00:00.000Z',
			'2026-06-07T09:00:00.000Z',
			'2026-06-13T09:00:00.000Z',
		]);
	});

	it('runs a yearly-spaced daily rule (interval 365)', () => {
		expect(runs(recurring({ interval: 365, start: '2026-01-01' }), '2026-01-01T00:00:00Z', 3)).toEqual([
			'2026-01-01T09:00:00.000Z',
			'2027-01-01T09:00:00.000Z',
			'2028-01-01T09:00:00.000Z',
		]);
	});

	it('never runs a monthly 7th before creation: created on the 9th, it first runs next month', () => {
		const seventh = recurring({ freq: 'monthly', byMonthDay: [7], start: '2026-01-01' });
		expect(runs(seventh, '2026-06-09T12:00:00Z', 2)).toEqual([
			'2026-07-07T09:00:00.000Z',
			'2026-08-07T09:00:00.000Z',
		]);
		const byStart = recurring({ freq: 'monthly', start: '2026-01-07', timezone: 'Europe/Berlin' });
		expect(runs(byStart, '2026-06-09T12:00:00Z', 1)).toEqual(['2026-07-07T07:00:00.000Z']);
		expect(runs(seventh, '2026-06-07T09:00:00Z', 1)).toEqual(['2026-06-07T09:00:00.000Z']);
	});

	it('skips months without a 31st', () => {
		expect(
			runs(recurring({ freq: 'monthly', byMonthDay: [31], start: '2026-01-01' }), '2026-01-01T00:00:00Z', 7),
		).toEqual([
			'2026-01-31T09:00:00.000Z',
			'2026-03-31T09:00:00.000Z',
			'2026-05-31T09:00:00.000Z',
			'2026-07-31T09:00:00.000Z',
			'2026-08-31T09:00:00.000Z',
			'2026-10-31T09:00:00.000Z',
			'2026-12-31T09:00:00.000Z',
		]);
	});

	it('runs -1 on the last day of every month, 29 February in 2028', () => {
		const last = recurring({ freq: 'monthly', byMonthDay: [-1], start: '2027-11-01' });
		expect(runs(last, '2027-01-01T00:00:00Z', 5)).toEqual([
			'2027-11-30T09:00:00.000Z',
			'2027-12-31T09:00:00.000Z',
			'2028-01-31T09:00:00.000Z',
			'2028-02-29T09:00:00.000Z',
			'2028-03-31T09:00:00.000Z',
		]);
		const merged = recurring({ freq: 'monthly', byMonthDay: [31, -1], start: '2026-01-01' });
		expect(runs(merged, '2026-01-01T00:00:00Z', 3)).toEqual([
			'2026-01-31T09:00:00.000Z',
			'2026-02-28T09:00:00.000Z',
			'2026-03-31T09:00:00.000Z',
		]);
	});

	it('runs every other month on several days', () => {
		const rule = recurring({ freq: 'monthly', interval: 2, byMonthDay: [20, 5], start: '2026-01-10' });
		expect(runs(rule, '2026-01-01T00:00:00Z', 4)).toEqual([
			'2026-01-20T09:00:00.000Z',
			'2026-03-05T09:00:00.000Z',
			'2026-03-20T09:00:00.000Z',
			'2026-05-05T09:00:00.000Z',
		]);
	});

	it('includes the end date and nothing after it', () => {
		const rule = recurring({ times: ['09:00', '21:00'], end: '2026-06-02' });
		expect(runs(rule, '2026-05-01T00:00:00Z')).toEqual([
			'2026-06-01T09:00:00.000Z',
			'2026-06-01T21:00:00.000Z',
			'2026-06-02T09:00:00.000Z',
			'2026-06-02T21:00:00.000Z',
		]);
		expect(runs(rule, '2026-06-03T00:00:00Z')).toEqual([]);
	});

	it('continues strictly after the last run', () => {
		const rule = checkSchedule(recurring({}));
		const created = ms('2026-05-01T00:00:00Z');
		expect(nextRuns(rule, created, ms('2026-06-03T09:00:00Z'), 1).map(iso)).toEqual([
			'2026-06-04T09:00:00.000Z',
		]);
		expect(nextRuns(rule, created, ms('2026-06-03T08:59:59.999Z'), 1).map(iso)).toEqual([
			'2026-06-03T09:00:00.000Z',
		]);
	});

	it(`returns nothing for a limit under 1 and at most ${MAX_RUNS} runs`, () => {
		const rule = checkSchedule(recurring({ times: ['09:00', '21:00'] }));
		expect(nextRuns(rule, 0, 0, 0)).toEqual([]);
		expect(nextRuns(rule, 0, 0, Number.NaN)).toEqual([]);
		expect(nextRuns(rule, 0, 0, 1e9)).toHaveLength(MAX_RUNS);
	});

	it('returns 50 runs of the sparsest rules (bounded loops)', () => {
		const everyTime = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:30`);
		const sparse = recurring({
			freq: 'monthly',
			interval: 365,
			byMonthDay: [31],
			times: everyTime,
			start: '2026-01-01',
			timezone: 'Pacific/Chatham',
		});
		const sparseRuns = runs(sparse, '2026-01-01T00:00:00Z', 50);
		expect(sparseRuns).toHaveLength(50);
		expect(sparseRuns[0]).toBe('2026-01-30T10:45:00.000Z');
		const sundays = recurring({
			interval: 365,
			byWeekday: ['SU'],
			start: '2026-01-01',
			timezone: 'America/New_York',
		});
		const sundayRuns = runs(sundays, '2026-01-01T00:00:00Z', 50);
		expect(sundayRuns).toHaveLength(50);
		expect(sundayRuns[0]).toBe('2028-12-31T14:00:00.000Z');
	});
});

describe('nextRuns against a day-by-day expansion', () => {
	const DAY = 86_400_000;
	const WEEK = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
	const ZONES = [
		'UTC',
		'Europe/Berlin',
		'America/New_York',
		'Australia/Lord_Howe',
		'Asia/Kolkata',
		'Pacific/Chatham',
	];
	const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
	const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
	const weekday = (day: number) => WEEK[(day + 3) % 7] as (typeof WEEK)[number];

	// Walks every date from the start and asks of each whether the rule takes it: no jumps, no caps.
	function oracle(
		rule: Recurrence,
		createdAt: number,
		after: number,
		limit: number,
		horizon: number,
	): number[] {
		const start = dayOf(rule.start);
		const end = rule.end ? dayOf(rule.end) : Number.POSITIVE_INFINITY;
		const interval = rule.interval ?? 1;
		const monday = (day: number) => day - ((day + 3) % 7);
		const month = (day: number) =>
			new Date(day * DAY).getUTCFullYear() * 12 + new Date(day * DAY).getUTCMonth();
		const found = new Set<number>();
		for (let day = start; day <= Math.min(end, start + horizon); day++) {
			const date = new Date(day * DAY);
			const length = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
			const takes =
				rule.freq === 'daily'
					? (day - start) % interval === 0 && (!rule.byWeekday || rule.byWeekday.includes(weekday(day)))
					: rule.freq === 'weekly'
						? ((monday(day) - monday(start)) / 7) % interval === 0 &&
							(rule.byWeekday ?? [weekday(start)]).includes(weekday(day))
						: (month(day) - month(start)) % interval === 0 &&
							(rule.byMonthDay ?? [new Date(start * DAY).getUTCDate()]).some(
								(d) => d === date.getUTCDate() || (d === -1 && date.getUTCDate() === length),
							);
			if (takes) for (const t of rule.times) found.add(zonedInstant(dateOf(day), t, rule.timezone));
		}
		return [...found]
			.filter((t) => t >= createdAt && t > after)
			.sort((a, b) => a - b)
			.slice(0, limit);
	}

	const times = fc.uniqueArray(
		fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => {
			const pad = (n: number) => String(n).padStart(2, '0');
			return `${pad(h)}:${pad(m)}`;
		}),
		{ minLength: 1, maxLength: 4 },
	);
	const ruleArb = fc
		.record({
			freq: fc.constantFrom('daily', 'weekly', 'monthly') as fc.Arbitrary<Recurrence['freq']>,
			interval: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
			byWeekday: fc.option(fc.uniqueArray(fc.constantFrom(...WEEK), { minLength: 1, maxLength: 3 }), {
				nil: undefined,
			}),
			byMonthDay: fc.option(
				fc.uniqueArray(fc.constantFrom(1, 7, 15, 28, 29, 30, 31, -1), { minLength: 1, maxLength: 3 }),
				{ nil: undefined },
			),
			times,
			start: fc.integer({ min: dayOf('2026-01-01'), max: dayOf('2028-12-31') }),
			length: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
			timezone: fc.constantFrom(...ZONES),
		})
		.map(({ byWeekday, byMonthDay, start, length, interval, ...rest }) => {
			const rule: Recurrence = { ...rest, start: dateOf(start) };
			if (interval !== undefined) rule.interval = interval;
			if (length !== undefined) rule.end = dateOf(start + length);
			if (rule.freq !== 'monthly' && byWeekday) rule.byWeekday = byWeekday;
			if (rule.freq === 'monthly' && byMonthDay) rule.byMonthDay = byMonthDay;
			return rule;
		});

	it('finds the same runs, in order, and resumes after any of them', () => {
		fc.assert(
			fc.property(ruleArb, fc.integer({ min: -30, max: 200 }), (rule, createdOffset) => {
				let schedule: Schedule;
				try {
					schedule = checkSchedule({ type: 'recurring', rule });
				} catch (error) {
					expect((error as ScheduleError).path).toBe('schedule.rule');
					expect(oracle(rule, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, 1500)).toEqual([]);
					return;
				}
				const createdAt = (dayOf(rule.start) + createdOffset) * DAY + 12 * 3_600_000;
				const expected = oracle(rule, createdAt, Number.NEGATIVE_INFINITY, 12, 1500);
				const got = nextRuns(schedule, createdAt, Number.NEGATIVE_INFINITY, 12);
				expect(got.map(iso)).toEqual(expected.map(iso));
				got.forEach((run, k) => {
					expect(nextRuns(schedule, createdAt, run, 12 - k - 1)).toEqual(got.slice(k + 1));
				});
			}),
			{ seed: 20260610, numRuns: 300 },
		);
	});
});

describe('localDelivery', () => {
	// Site Europe/London, run date 2026-06-10 at 09:00; the run starts at 07:30Z.
	const now = ms('2026-06-10T07:30:00Z');

	it('delivers at the local time where it has not passed yet, whatever the policy', () => {
		for (const policy of ['now', 'next_day', 'skip'] as const) {
			expect(iso(localDelivery('2026-06-10', '09:00', 'America/Los_Angeles', policy, now))).toBe(
				'2026-06-10T16:00:00.000Z',
			);
			expect(iso(localDelivery('2026-06-10', '09:00', 'Europe/London', policy, now))).toBe(
				'2026-06-10T08:00:00.000Z',
			);
		}
	});

	it('applies the policy east of the site, where 09:00 has passed', () => {
		expect(iso(localDelivery('2026-06-10', '09:00', 'Asia/Tokyo', 'now', now))).toBe(
			'2026-06-10T07:30:00.000Z',
		);
		expect(iso(localDelivery('2026-06-10', '09:00', 'Asia/Tokyo', 'next_day', now))).toBe(
			'2026-06-11T00:00:00.000Z',
		);
		expect(localDelivery('2026-06-10', '09:00', 'Asia/Tokyo', 'skip', now)).toBeNull();
		expect(iso(localDelivery('2026-06-10', '09:00', 'Asia/Kolkata', 'next_day', now))).toBe(
			'2026-06-11T03:30:00.000Z',
		);
	});

	it('treats a target equal to now as not passed', () => {
		const at = ms('2026-06-10T08:00:00Z');
		expect(iso(localDelivery('2026-06-10', '09:00', 'Europe/London', 'skip', at))).toBe(
			'2026-06-10T08:00:00.000Z',
		);
	});

	it('moves to 09:00 of the next day across a DST change', () => {
		const late = ms('2026-03-07T15:00:00Z');
		expect(iso(localDelivery('2026-03-07', '09:00', 'America/New_York', 'next_day', late))).toBe(
			'2026-03-08T13:00:00.000Z',
		);
	});

	it('delivers now when the next day has passed too (a run over a day late)', () => {
		const late = ms('2026-06-12T00:00:00Z');
		expect(iso(localDelivery('2026-06-10', '09:00', 'Asia/Tokyo', 'next_day', late))).toBe(
			'2026-06-12T00:00:00.000Z',
		);
	});
});

describe('deliveryPlan', () => {
	const now = ms('2026-06-10T07:30:00Z');
	const zones = ['Asia/Tokyo', 'America/Los_Angeles', 'Asia/Tokyo', 'Mars/Olympus', '', '+02:00'];

	it('maps each distinct zone to its target, and invalid zones to the fallback zone', () => {
		const plan = deliveryPlan(zones, '2026-06-10', '09:00', 'skip', now, 'Europe/London');
		expect(Object.fromEntries([...plan].map(([zone, t]) => [zone, iso(t)]))).toEqual({
			'Asia/Tokyo': null,
			'America/Los_Angeles': '2026-06-10T16:00:00.000Z',
			'Mars/Olympus': '2026-06-10T08:00:00.000Z',
			'': '2026-06-10T08:00:00.000Z',
			'+02:00': '2026-06-10T08:00:00.000Z',
		});
	});

	it('applies the policy to the fallback as to any zone', () => {
		const plan = deliveryPlan(
			['Nowhere', 'Asia/Tokyo'],
			'2026-06-10',
			'09:00',
			'next_day',
			now,
			'Asia/Tokyo',
		);
		expect(iso(plan.get('Nowhere') ?? null)).toBe('2026-06-11T00:00:00.000Z');
		expect(iso(plan.get('Asia/Tokyo') ?? null)).toBe('2026-06-11T00:00:00.000Z');
		expect(deliveryPlan([], '2026-06-10', '09:00', 'now', now, 'UTC').size).toBe(0);
	});
});

describe('quietUntil', () => {
	const night: QuietHours = { start: '21:00', end: '08:00' };

	it('ends a window that wraps midnight the next morning', () => {
		const berlin = (t: string) => iso(quietUntil(ms(t), 'Europe/Berlin', night));
		expect(berlin('2026-06-10T18:59:00Z')).toBeNull();
		expect(berlin('2026-06-10T19:00:00Z')).toBe('2026-06-11T06:00:00.000Z');
		expect(berlin('2026-06-10T22:00:00Z')).toBe('2026-06-11T06:00:00.000Z');
		expect(berlin('2026-06-11T05:59:59Z')).toBe('2026-06-11T06:00:00.000Z');
		expect(berlin('2026-06-11T06:00:00Z')).toBeNull();
		expect(iso(quietUntil(ms('2026-06-10T16:00:00Z'), 'Asia/Kolkata', night))).toBe(
			'2026-06-11T02:30:00.000Z',
		);
	});

	it('ends a window within one day at its end', () => {
		const lunch = { start: '12:00', end: '14:00' };
		expect(quietUntil(ms('2026-06-10T11:59:00Z'), 'UTC', lunch)).toBeNull();
		expect(iso(quietUntil(ms('2026-06-10T12:00:00Z'), 'UTC', lunch))).toBe('2026-06-10T14:00:00.000Z');
		expect(iso(quietUntil(ms('2026-06-10T13:59:59Z'), 'UTC', lunch))).toBe('2026-06-10T14:00:00.000Z');
		expect(quietUntil(ms('2026-06-10T14:00:00Z'), 'UTC', lunch)).toBeNull();
	});

	it('ends at 08:00 local after a DST change night', () => {
		expect(iso(quietUntil(ms('2026-03-28T22:00:00Z'), 'Europe/Berlin', night))).toBe(
			'2026-03-29T06:00:00.000Z',
		);
		expect(iso(quietUntil(ms('2026-10-24T20:00:00Z'), 'Europe/Berlin', night))).toBe(
			'2026-10-25T07:00:00.000Z',
		);
		const ny = { start: '22:00', end: '07:00' };
		expect(iso(quietUntil(ms('2026-11-01T03:00:00Z'), 'America/New_York', ny))).toBe(
			'2026-11-01T12:00:00.000Z',
		);
	});

	it('ends when the clocks jump past an end inside the gap, and at the next 02:30 of a doubled hour', () => {
		const q = { start: '22:00', end: '02:30' };
		expect(iso(quietUntil(ms('2026-03-28T23:00:00Z'), 'Europe/Berlin', q))).toBe('2026-03-29T01:00:00.000Z');
		expect(iso(quietUntil(ms('2026-10-24T21:00:00Z'), 'Europe/Berlin', q))).toBe('2026-10-25T00:30:00.000Z');
		// 02:10 the second time (CET), after the first 02:30 has gone by.
		expect(iso(quietUntil(ms('2026-10-25T01:10:00Z'), 'Europe/Berlin', q))).toBe('2026-10-25T01:30:00.000Z');
	});
});

describe('checkQuietHours', () => {
	it('accepts windows that wrap midnight and ones that do not', () => {
		expect(checkQuietHours({ start: '21:00', end: '08:00' }, 'quietHours')).toEqual({
			start: '21:00',
			end: '08:00',
		});
		expect(checkQuietHours({ start: '00:00', end: '23:59' }, 'quietHours')).toEqual({
			start: '00:00',
			end: '23:59',
		});
	});

	it.each<[string, unknown, string, RegExp]>([
		['not an object', '21:00-08:00', 'quietHours', /must be an object/],
		['a bad start', { start: '25:00', end: '08:00' }, 'quietHours.start', /HH:MM/],
		['a missing end', { start: '21:00' }, 'quietHours.end', /HH:MM/],
		['start equal to end', { start: '08:00', end: '08:00' }, 'quietHours.end', /must differ from start/],
		['an extra key', { start: '21:00', end: '08:00', days: [] }, 'quietHours.days', /not a known field/],
	])('rejects %s', (_title, input, path, message) => {
		const error = rejection(input, (q) => checkQuietHours(q, 'quietHours'));
		expect(error.path).toBe(path);
		expect(error.message).toMatch(message);
	});
});

describe('checkSchedule', () => {
	it('returns valid schedules with their fields', () => {
		const rule: Recurrence = {
			freq: 'weekly',
			interval: 2,
			byWeekday: ['MO', 'FR'],
			times: ['09:00', '18:30'],
			start: '2026-06-01',
			end: '2026-12-31',
			timezone: 'Europe/Berlin',
		};
		for (const schedule of [
			{ type: 'now' },
			{ type: 'once', at: '2026-06-10T09:00:00+02:00' },
			{ type: 'dates', at: ['2026-06-10T09:00:00Z', '2026-06-11T09:00:00.250Z'] },
			{ type: 'recurring', rule },
			{
				type: 'recurring',
				rule: {
					freq: 'monthly',
					byMonthDay: [-1, 15],
					times: ['00:00'],
					start: '2028-02-01',
					timezone: 'UTC',
				},
			},
		])
			expect(checkSchedule(schedule)).toEqual(schedule);
	});

	it('names the path it was given, and is a named Error', () => {
		const error = rejection({ type: 'later' }, (s) => checkSchedule(s, 'body.schedule'));
		expect(error.path).toBe('body.schedule.type');
		expect(error.name).toBe('ScheduleError');
		expect(error).toBeInstanceOf(Error);
	});

	const rule = { freq: 'daily', times: ['09:00'], start: '2026-06-01', timezone: 'Europe/Berlin' };
	const withRule = (changes: Record<string, unknown>) => ({
		type: 'recurring',
		rule: { ...rule, ...changes },
	});
	const instants = (n: number) =>
		Array.from({ length: n }, (_, i) => new Date(Date.UTC(2026, 6, 1, 0, i)).toISOString());

	it.each<[string, unknown, string, RegExp]>([
		['null', null, 'schedule', /must be an object/],
		['an array', [], 'schedule', /must be an object/],
		['an unknown type', { type: 'weekly' }, 'schedule.type', /one of now, once, dates, recurring/],
		['a missing type', {}, 'schedule.type', /one of now/],
		['an extra key on now', { type: 'now', at: '2026-06-10T09:00:00Z' }, 'schedule.at', /not a known field/],
		[
			'an extra key on once',
			{ type: 'once', at: '2026-06-10T09:00:00Z', tz: 'UTC' },
			'schedule.tz',
			/not a known field/,
		],
		['a once without at', { type: 'once' }, 'schedule.at', /ISO-8601 instant/],
		[
			'a once without offset',
			{ type: 'once', at: '2026-06-10T09:00:00' },
			'schedule.at',
			/with an offset or Z/,
		],
		['a once at a date only', { type: 'once', at: '2026-06-10' }, 'schedule.at', /ISO-8601/],
		['a once with a space', { type: 'once', at: '2026-06-10 09:00:00Z' }, 'schedule.at', /ISO-8601/],
		['a once on 30 February', { type: 'once', at: '2026-02-30T09:00:00Z' }, 'schedule.at', /ISO-8601/],
		['a once at 24:00', { type: 'once', at: '2026-06-10T24:00:00Z' }, 'schedule.at', /ISO-8601/],
		[
			'dates that are not a list',
			{ type: 'dates', at: '2026-06-10T09:00:00Z' },
			'schedule.at',
			/list of 1–50/,
		],
		['no dates', { type: 'dates', at: [] }, 'schedule.at', /list of 1–50 instants/],
		['too many dates', { type: 'dates', at: instants(51) }, 'schedule.at', /list of 1–50 instants/],
		[
			'a non-ISO date',
			{ type: 'dates', at: ['2026-06-10T09:00:00Z', '2026-06-11T09:00:00Z', 'tomorrow'] },
			'schedule.at[2]',
			/ISO-8601/,
		],
		[
			'duplicate dates (one instant, two offsets)',
			{ type: 'dates', at: ['2026-06-10T09:00:00Z', '2026-06-10T11:00:00+02:00'] },
			'schedule.at[1]',
			/repeats schedule.at\[0\]/,
		],
		['a missing rule', { type: 'recurring' }, 'schedule.rule', /must be an object/],
		['an unknown freq', withRule({ freq: 'yearly' }), 'schedule.rule.freq', /daily, weekly or monthly/],
		['interval 0', withRule({ interval: 0 }), 'schedule.rule.interval', /1 to 365/],
		['interval 366', withRule({ interval: 366 }), 'schedule.rule.interval', /1 to 365/],
		['a fractional interval', withRule({ interval: 1.5 }), 'schedule.rule.interval', /whole number/],
		['empty times', withRule({ times: [] }), 'schedule.rule.times', /list of 1–24 times/],
		[
			'25 times',
			withRule({ times: instants(25).map((t) => t.slice(11, 16)) }),
			'schedule.rule.times',
			/1–24/,
		],
		['a time 25:00', withRule({ times: ['09:00', '25:00'] }), 'schedule.rule.times[1]', /HH:MM/],
		['a time 9:00', withRule({ times: ['9:00'] }), 'schedule.rule.times[0]', /HH:MM/],
		['a time 12:60', withRule({ times: ['12:60'] }), 'schedule.rule.times[0]', /HH:MM/],
		[
			'duplicate times',
			withRule({ times: ['09:00', '12:00', '09:00'] }),
			'schedule.rule.times[2]',
			/repeats/,
		],
		['a bad start', withRule({ start: '2026-13-01' }), 'schedule.rule.start', /YYYY-MM-DD/],
		[
			'a start on 29 February 2026',
			withRule({ start: '2026-02-29' }),
			'schedule.rule.start',
			/calendar date/,
		],
		['a bad end', withRule({ end: '2026/07/01' }), 'schedule.rule.end', /YYYY-MM-DD/],
		[
			'start after end',
			withRule({ end: '2026-05-31' }),
			'schedule.rule.end',
			/is before start \(2026-06-01\)/,
		],
		[
			'an unknown zone',
			withRule({ timezone: 'Mars/Olympus' }),
			'schedule.rule.timezone',
			/is not an IANA time zone/,
		],
		[
			'an offset as zone',
			withRule({ timezone: '+02:00' }),
			'schedule.rule.timezone',
			/is not an IANA time zone/,
		],
		[
			'a missing zone',
			withRule({ timezone: undefined }),
			'schedule.rule.timezone',
			/is not an IANA time zone/,
		],
		[
			'byMonthDay 0',
			withRule({ freq: 'monthly', byMonthDay: [0] }),
			'schedule.rule.byMonthDay[0]',
			/1–31, or -1/,
		],
		[
			'byMonthDay 32',
			withRule({ freq: 'monthly', byMonthDay: [1, 32] }),
			'schedule.rule.byMonthDay[1]',
			/1–31/,
		],
		['byMonthDay -2', withRule({ freq: 'monthly', byMonthDay: [-2] }), 'schedule.rule.byMonthDay[0]', /1–31/],
		[
			'empty byMonthDay',
			withRule({ freq: 'monthly', byMonthDay: [] }),
			'schedule.rule.byMonthDay',
			/list of 1/,
		],
		[
			'byMonthDay on a weekly rule',
			withRule({ freq: 'weekly', byMonthDay: [1] }),
			'schedule.rule.byMonthDay',
			/monthly/,
		],
		[
			'byWeekday on a monthly rule',
			withRule({ freq: 'monthly', byWeekday: ['MO'] }),
			'schedule.rule.byWeekday',
			/daily and weekly/,
		],
		[
			'an unknown weekday',
			withRule({ freq: 'weekly', byWeekday: ['MO', 'MON'] }),
			'schedule.rule.byWeekday[1]',
			/one of MO/,
		],
		[
			'a repeated weekday',
			withRule({ freq: 'weekly', byWeekday: ['MO', 'MO'] }),
			'schedule.rule.byWeekday[1]',
			/repeats/,
		],
		['an extra rule key', withRule({ count: 3 }), 'schedule.rule.count', /not a known field/],
		[
			'a rule that never runs (every 7th day, never on its weekday)',
			withRule({ interval: 7, byWeekday: ['TU'] }),
			'schedule.rule',
			/never runs/,
		],
		[
			'a rule without a date between start and end',
			withRule({ freq: 'monthly', byMonthDay: [31], start: '2026-06-01', end: '2026-06-30' }),
			'schedule.rule',
			/never runs/,
		],
	])('rejects %s', (_title, input, path, message) => {
		const error = rejection(input);
		expect(error.path).toBe(path);
		expect(error.message).toMatch(message);
	});
});
