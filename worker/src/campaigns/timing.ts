import type { CampaignTiming } from '#wire';
import {
	checkQuietHours,
	type LocalTime,
	localDelivery,
	localParts,
	type PassedPolicy,
	parseInstant,
	quietUntil,
	ScheduleError,
} from './schedule';

// When each part of a run's audience is sent: by the subscribers' time zones. A run with timing options is sent in
// waves, one per distinct send time; every subscriber of a zone gets the same time, so the dispatcher pages a wave
// with `timezone IN (…)` and writes nothing per recipient. Pure: the time is a parameter.

/** What to do with a recipient whose send time falls in its quiet hours. */
export type QuietAction = 'delay' | 'discard';

/** The timing of one run (a campaign's `timing`, with the run's date filled in). */
export interface DispatchTiming {
	/** The zone of subscribers without a valid one (and of the run's date). */
	zone: string;
	/** Local-time delivery: `time` on `runDate` in each subscriber's zone; `passed` when it has already gone by. */
	localTime?: { runDate: string; time: LocalTime; passed: PassedPolicy };
	/** No pushes between start and end in the subscriber's local time: delay them to the end, or drop them. */
	quietHours?: { start: LocalTime; end: LocalTime; action: QuietAction };
	/** No pushes after this instant (ms): the rest is counted as expired. */
	cutoffAt?: number;
	/** At most this many recipients per minute. */
	throttlePerMinute?: number;
}

/** Subscribers of some zones (as stored: '' for none), all sent at `at`. */
export interface Wave {
	at: number;
	zones: string[];
	/** How many allowed subscribers those zones held when the run was planned. */
	n: number;
}

/** Why recipients were left out before sending (counted in `counts.skipped`). */
export type SkipReason = 'local_time_passed' | 'quiet_hours' | 'expired';

const valid = new Map<string, boolean>();

/** Whether a stored zone is one `Intl` knows (cached). */
export function isZone(zone: string): boolean {
	let ok = valid.get(zone);
	if (ok === undefined) {
		try {
			ok = zone !== '' && !/^[+-]/.test(zone) && localParts(0, zone).date !== '';
		} catch {
			ok = false;
		}
		valid.set(zone, ok);
	}
	return ok;
}

/**
 * The waves of a run: each zone's send time (local time, then quiet hours, then the cut-off), zones with the same
 * time together, earliest first; and the recipients left out, by reason.
 */
export function planWaves(
	zones: ReadonlyArray<{ zone: string; n: number }>,
	timing: DispatchTiming,
	now: number,
): { waves: Wave[]; skipped: Partial<Record<SkipReason, number>> } {
	const byTime = new Map<number, Wave>();
	const skipped: Partial<Record<SkipReason, number>> = {};
	const skip = (reason: SkipReason, n: number) => {
		skipped[reason] = (skipped[reason] ?? 0) + n;
	};
	for (const { zone, n } of zones) {
		const tz = isZone(zone) ? zone : timing.zone;
		const local = timing.localTime;
		let at: number | null = local ? localDelivery(local.runDate, local.time, tz, local.passed, now) : now;
		if (at === null) {
			skip('local_time_passed', n);
			continue;
		}
		const quiet = timing.quietHours;
		const until = quiet ? quietUntil(at, tz, quiet) : null;
		if (until !== null) {
			if (quiet?.action === 'discard') {
				skip('quiet_hours', n);
				continue;
			}
			at = until;
		}
		if (timing.cutoffAt !== undefined && at > timing.cutoffAt) {
			skip('expired', n);
			continue;
		}
		const wave = byTime.get(at);
		if (wave) {
			wave.zones.push(zone);
			wave.n += n;
		} else byTime.set(at, { at, zones: [zone], n });
	}
	return { waves: [...byTime.values()].sort((a, b) => a.at - b.at), skipped };
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Checks a campaign's timing beyond its shape (zones, times of day, the quiet window, the cut-off); throws a
 * ScheduleError naming the path (`timing.localTime.time`).
 */
export function checkTiming(timing: CampaignTiming, path = 'timing'): CampaignTiming {
	if (timing.timezone !== undefined && !isZone(timing.timezone)) {
		throw new ScheduleError(`${path}.timezone`, 'is not an IANA time zone (such as Europe/Berlin)');
	}
	if (timing.localTime && !TIME.test(timing.localTime.time)) {
		throw new ScheduleError(`${path}.localTime.time`, 'must be a time of day "HH:MM" (00:00–23:59)');
	}
	if (timing.quietHours) {
		const { action, ...window } = timing.quietHours;
		for (const key of ['start', 'end'] as const) {
			if (!TIME.test(window[key])) {
				throw new ScheduleError(`${path}.quietHours.${key}`, 'must be a time of day "HH:MM" (00:00–23:59)');
			}
		}
		checkQuietHours(window, `${path}.quietHours`);
		void action;
	}
	if (timing.cutoffAt !== undefined && Number.isNaN(parseInstant(timing.cutoffAt))) {
		throw new ScheduleError(`${path}.cutoffAt`, 'must be an ISO-8601 time with an offset or Z');
	}
	if (timing.cutoffAt !== undefined && timing.cutoffAfterMinutes !== undefined) {
		throw new ScheduleError(`${path}.cutoffAfterMinutes`, 'give cutoffAt or cutoffAfterMinutes, not both');
	}
	return timing;
}
