import { describe, expect, it } from 'vitest';
import {
	calendarDate,
	dateTriggerAt,
	keyOf,
	listensTo,
	meets,
	waitEnds,
} from '../../../worker/src/automations/rules';

// The pure part of automations: conditions, keys, and when steps are due, with fixed clocks across DST changes.

describe('trigger conditions', () => {
	it('tests each operator against the event properties, all of them', () => {
		const p = { plan: 'Pro', total: 120, gift: false };
		expect(meets([{ property: 'plan', op: 'eq', value: 'Pro' }], p)).toBe(true);
		expect(meets([{ property: 'plan', op: 'eq', value: 'pro' }], p)).toBe(false);
		expect(meets([{ property: 'plan', op: 'contains', value: 'pr' }], p)).toBe(true);
		expect(meets([{ property: 'total', op: 'gte', value: 120 }], p)).toBe(true);
		expect(meets([{ property: 'total', op: 'gt', value: 120 }], p)).toBe(false);
		expect(meets([{ property: 'total', op: 'lt', value: '200' }], p)).toBe(false);
		expect(meets([{ property: 'gift', op: 'ne', value: true }], p)).toBe(true);
		expect(meets([{ property: 'coupon', op: 'exists' }], p)).toBe(false);
		expect(meets([{ property: 'coupon', op: 'ne', value: 'X' }], p)).toBe(true);
		expect(
			meets(
				[
					{ property: 'plan', op: 'eq', value: 'Pro' },
					{ property: 'total', op: 'lte', value: 100 },
				],
				p,
			),
		).toBe(false);
		expect(meets(undefined, null)).toBe(true);
	});

	it('keys journeys by a property value, else one per person', () => {
		expect(keyOf('checkout_id', { checkout_id: 981 })).toBe('981');
		expect(keyOf('checkout_id', {})).toBe('');
		expect(keyOf(undefined, { checkout_id: 1 })).toBe('');
	});

	it('listens to its trigger, the event that must not follow, exit events and the goal', () => {
		expect(
			listensTo({
				trigger: { type: 'inaction', event: 'checkout_started', without: 'purchase', withinSeconds: 600 },
				exit: { events: ['cart_emptied'] },
				goal: { event: 'purchase' },
			}).sort(),
		).toEqual(['cart_emptied', 'checkout_started', 'purchase']);
	});
});

describe('when steps are due', () => {
	const BERLIN = 'Europe/Berlin';

	it('waits seconds, or until the next local time (today when still ahead, else tomorrow)', () => {
		const from = Date.parse('2026-06-10T06:00:00Z'); // 08:00 in Berlin
		expect(waitEnds(from, { seconds: 90 }, BERLIN)).toBe(from + 90_000);
		expect(waitEnds(from, undefined, BERLIN)).toBe(from);
		expect(new Date(waitEnds(from, { until: '09:00' }, BERLIN)).toISOString()).toBe(
			'2026-06-10T07:00:00.000Z',
		);
		expect(new Date(waitEnds(from, { until: '07:30' }, BERLIN)).toISOString()).toBe(
			'2026-06-11T05:30:00.000Z',
		);
	});

	it('keeps "next 09:00" at 09:00 local across the spring-forward and fall-back nights', () => {
		// Saturday 28 March 2026, 20:00 CET: the next 09:00 is on Sunday, in CEST (UTC+2).
		const spring = waitEnds(Date.parse('2026-03-28T19:00:00Z'), { until: '09:00' }, BERLIN);
		expect(new Date(spring).toISOString()).toBe('2026-03-29T07:00:00.000Z');
		// Saturday 24 October 2026, 20:00 CEST: the next 09:00 is on Sunday, in CET (UTC+1).
		const fall = waitEnds(Date.parse('2026-10-24T18:00:00Z'), { until: '09:00' }, BERLIN);
		expect(new Date(fall).toISOString()).toBe('2026-10-25T08:00:00.000Z');
		// 02:30 does not exist on the spring-forward night: the clocks jump past it, to 03:30 CEST.
		const gap = waitEnds(Date.parse('2026-03-28T23:00:00Z'), { until: '02:30' }, BERLIN);
		expect(new Date(gap).toISOString()).toBe('2026-03-29T01:30:00.000Z');
	});

	it('reads date values as calendar dates and places the reminder at a local time, offset in days', () => {
		expect(calendarDate('2026-12-24', BERLIN)).toBe('2026-12-24');
		expect(calendarDate(Date.parse('2026-12-24'), 'America/Los_Angeles')).toBe('2026-12-24');
		expect(calendarDate('2026-12-24T23:30:00Z', BERLIN)).toBe('2026-12-25');
		expect(calendarDate('next tuesday', BERLIN)).toBeNull();
		expect(calendarDate(true, BERLIN)).toBeNull();
		const trigger = { type: 'date' as const, attribute: 'trip_date', offsetDays: -1, at: '09:00' };
		// The day before a trip on Monday 30 March 2026 is the spring-forward Sunday: 09:00 CEST.
		expect(new Date(dateTriggerAt(trigger, '2026-03-30', BERLIN) ?? 0).toISOString()).toBe(
			'2026-03-29T07:00:00.000Z',
		);
		expect(new Date(dateTriggerAt(trigger, '2026-03-28', BERLIN) ?? 0).toISOString()).toBe(
			'2026-03-27T08:00:00.000Z',
		);
		expect(dateTriggerAt(trigger, 'soon', BERLIN)).toBeNull();
	});
});

describe('dates at the calendar’s ends', () => {
	const trigger = { type: 'date' as const, attribute: 'd', offsetDays: 0, at: '23:59' };

	it('starts nothing for a date no calendar day holds, and keeps "next 09:00" finite on 9999-12-31', () => {
		for (const value of [1e300, '+275760-09-13T00:00:00Z', '2026-02-30', '0099-01-01', 'soon']) {
			expect(dateTriggerAt(trigger, value, 'UTC'), String(value)).toBeNull();
		}
		expect(dateTriggerAt({ ...trigger, offsetDays: -365 }, '1000-01-01', 'UTC')).toBeNull();
		const last = dateTriggerAt(trigger, '9999-12-31', 'UTC') as number;
		expect(new Date(last).toISOString()).toBe('9999-12-31T23:59:00.000Z');
		const next = waitEnds(last, { until: '09:00' }, 'UTC');
		expect(Number.isFinite(next)).toBe(true);
		expect(next).toBeGreaterThan(last);
	});
});
