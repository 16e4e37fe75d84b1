import { describe, expect, it } from 'vitest';
import { type DispatchTiming, isZone, planWaves } from '../../../worker/src/campaigns/timing';
import { runTiming } from '../../../worker/src/store/campaign-ops';

// The waves of a timed run: local time, quiet hours and cut-off per time zone, composed. Fixed clocks only.

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const waves = (plan: ReturnType<typeof planWaves>) => plan.waves.map((w) => [iso(w.at), w.zones.sort(), w.n]);

describe('planWaves', () => {
	// Run day 2026-06-10 in Europe/London; the run starts at 07:30Z.
	const now = at('2026-06-10T07:30:00Z');
	const zones = [
		{ zone: 'Asia/Tokyo', n: 3 }, // 09:00 JST = 00:00Z: passed
		{ zone: 'Europe/Berlin', n: 5 }, // 09:00 CEST = 07:00Z: passed
		{ zone: 'Europe/London', n: 2 }, // 09:00 BST = 08:00Z
		{ zone: 'America/Los_Angeles', n: 4 }, // 09:00 PDT = 16:00Z
		{ zone: '', n: 1 }, // no zone: the site's (London)
		{ zone: 'Mars/Olympus', n: 1 }, // not a zone: the site's
	];
	const local = (passed: 'now' | 'next_day' | 'skip'): DispatchTiming => ({
		zone: 'Europe/London',
		localTime: { runDate: '2026-06-10', time: '09:00', passed },
	});

	it('sends at 09:00 in each zone; where that has passed: now, the next day, or skipped', () => {
		expect(waves(planWaves(zones, local('now'), now))).toEqual([
			['2026-06-10T07:30:00.000Z', ['Asia/Tokyo', 'Europe/Berlin'], 8],
			['2026-06-10T08:00:00.000Z', ['', 'Europe/London', 'Mars/Olympus'], 4],
			['2026-06-10T16:00:00.000Z', ['America/Los_Angeles'], 4],
		]);
		expect(waves(planWaves(zones, local('next_day'), now))).toEqual([
			['2026-06-10T08:00:00.000Z', ['', 'Europe/London', 'Mars/Olympus'], 4],
			['2026-06-10T16:00:00.000Z', ['America/Los_Angeles'], 4],
			['2026-06-11T00:00:00.000Z', ['Asia/Tokyo'], 3],
			['2026-06-11T07:00:00.000Z', ['Europe/Berlin'], 5],
		]);
		const skipped = planWaves(zones, local('skip'), now);
		expect(skipped.skipped).toEqual({ local_time_passed: 8 });
		expect(skipped.waves.reduce((sum, w) => sum + w.n, 0)).toBe(8);
	});

	it('delays or discards what falls in quiet hours, in each zone’s own time, composed with local time', () => {
		// 21:00–08:00 local. Sending now (07:30Z): Berlin is 09:30 (fine), London 08:30 (fine), Tokyo 16:30 (fine),
		// Los Angeles 00:30 (quiet until 08:00 PDT = 15:00Z).
		const quiet = (action: 'delay' | 'discard'): DispatchTiming => ({
			zone: 'Europe/London',
			quietHours: { start: '21:00', end: '08:00', action },
		});
		expect(waves(planWaves(zones, quiet('delay'), now))).toEqual([
			['2026-06-10T07:30:00.000Z', ['', 'Asia/Tokyo', 'Europe/Berlin', 'Europe/London', 'Mars/Olympus'], 12],
			['2026-06-10T15:00:00.000Z', ['America/Los_Angeles'], 4],
		]);
		expect(planWaves(zones, quiet('discard'), now).skipped).toEqual({ quiet_hours: 4 });
		// Local 07:00 with quiet hours until 08:00: every wave moves to 08:00 local.
		const both: DispatchTiming = {
			zone: 'Europe/London',
			localTime: { runDate: '2026-06-11', time: '07:00', passed: 'now' },
			quietHours: { start: '21:00', end: '08:00', action: 'delay' },
		};
		expect(waves(planWaves([{ zone: 'Europe/Berlin', n: 1 }], both, now))).toEqual([
			['2026-06-11T06:00:00.000Z', ['Europe/Berlin'], 1],
		]);
	});

	it('counts what would go after the cut-off as expired', () => {
		const timing: DispatchTiming = { ...local('next_day'), cutoffAt: at('2026-06-10T20:00:00Z') };
		const plan = planWaves(zones, timing, now);
		expect(plan.skipped).toEqual({ expired: 8 });
		expect(waves(plan).map((w) => w[0])).toEqual(['2026-06-10T08:00:00.000Z', '2026-06-10T16:00:00.000Z']);
	});

	it('keeps 09:00 local across a DST change: the day after Berlin springs forward', () => {
		const plan = planWaves(
			[{ zone: 'Europe/Berlin', n: 1 }],
			{ zone: 'UTC', localTime: { runDate: '2026-03-29', time: '09:00', passed: 'skip' } },
			at('2026-03-29T00:00:00Z'),
		);
		expect(waves(plan)).toEqual([['2026-03-29T07:00:00.000Z', ['Europe/Berlin'], 1]]);
	});

	it('tells zones from junk', () => {
		expect([
			isZone('Europe/Berlin'),
			isZone('UTC'),
			isZone(''),
			isZone('+02:00'),
			isZone('Nope/Nope'),
		]).toEqual([true, true, false, false, false]);
	});
});

describe('runTiming', () => {
	it('is undefined without options, and takes the run date in the campaign zone', () => {
		expect(runTiming({ timing: {}, schedule: { type: 'now' } }, 0, 0)).toBeUndefined();
		const rule = {
			freq: 'daily' as const,
			times: ['23:30'],
			start: '2026-06-01',
			timezone: 'America/New_York',
		};
		// 23:30 in New York on 10 June is 03:30Z on the 11th: the run date is the 10th.
		const t = runTiming(
			{
				timing: { localTime: { time: '09:00', passed: 'next_day' }, cutoffAfterMinutes: 60 },
				schedule: { type: 'recurring', rule },
			},
			at('2026-06-11T03:30:00Z'),
			at('2026-06-11T03:30:05Z'),
		);
		expect(t).toEqual({
			zone: 'America/New_York',
			localTime: { runDate: '2026-06-10', time: '09:00', passed: 'next_day' },
			cutoffAt: at('2026-06-11T04:30:05Z'),
		});
	});
});
