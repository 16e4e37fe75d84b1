import type { CampaignTiming } from '#wire';
import { isoOf, localInput } from './schedule-form';

// A campaign's delivery options (`timing`) as the editor's inputs hold them, and their conversion to and from the
// API's timing. Only the options turned on are sent; what the API would refuse is sent as typed, so its 400 names
// the field.

/** How a run's cut-off is given. */
export type CutoffKind = 'none' | 'at' | 'after';

/** The editor's delivery inputs. */
export interface TimingForm {
	local: boolean;
	/** HH:MM. */
	localTime: string;
	passed: NonNullable<CampaignTiming['localTime']>['passed'];
	quiet: boolean;
	quietStart: string;
	quietEnd: string;
	quietAction: NonNullable<CampaignTiming['quietHours']>['action'];
	cutoff: CutoffKind;
	/** datetime-local, in the browser's zone. */
	cutoffAt: string;
	cutoffAfter: string;
	throttle: string;
	ignoreCap: boolean;
	/** '' = the default zone (the recurrence's, else the browser's). */
	timezone: string;
}

/** The form for a stored timing (none: every option off, with their inputs filled with defaults). */
export function timingFormOf(timing: CampaignTiming | null): TimingForm {
	const t = timing ?? {};
	return {
		local: t.localTime !== undefined,
		localTime: t.localTime?.time ?? '09:00',
		passed: t.localTime?.passed ?? 'next_day',
		quiet: t.quietHours !== undefined,
		quietStart: t.quietHours?.start ?? '21:00',
		quietEnd: t.quietHours?.end ?? '08:00',
		quietAction: t.quietHours?.action ?? 'delay',
		cutoff: t.cutoffAt !== undefined ? 'at' : t.cutoffAfterMinutes !== undefined ? 'after' : 'none',
		cutoffAt: t.cutoffAt ? localInput(t.cutoffAt) : '',
		cutoffAfter: t.cutoffAfterMinutes === undefined ? '720' : String(t.cutoffAfterMinutes),
		throttle: t.throttlePerMinute === undefined ? '' : String(t.throttlePerMinute),
		ignoreCap: t.ignoreFrequencyCap === true,
		timezone: t.timezone ?? '',
	};
}

/** A number typed, or the text as typed (the API's 400 then names the field). */
export const numberOf = (text: string): number => {
	const n = Number(text.trim());
	return text.trim() !== '' && Number.isFinite(n) ? n : (text as unknown as number);
};

/** Whether the time zone matters: it places local-time delivery and quiet hours of subscribers without one. */
export const needsZone = (f: TimingForm) => f.local || f.quiet;

/** The timing the form describes, with only what is turned on; `zone` is the default time zone. */
export function timingOf(f: TimingForm, zone: string): CampaignTiming {
	const timing: CampaignTiming = {};
	if (needsZone(f)) timing.timezone = f.timezone.trim() || zone;
	if (f.local) timing.localTime = { time: f.localTime, passed: f.passed };
	if (f.quiet) timing.quietHours = { start: f.quietStart, end: f.quietEnd, action: f.quietAction };
	if (f.cutoff === 'at') timing.cutoffAt = isoOf(f.cutoffAt);
	if (f.cutoff === 'after') timing.cutoffAfterMinutes = numberOf(f.cutoffAfter);
	if (f.throttle.trim() !== '') timing.throttlePerMinute = numberOf(f.throttle);
	if (f.ignoreCap) timing.ignoreFrequencyCap = true;
	return timing;
}
