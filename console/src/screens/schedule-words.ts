import type { CampaignSchedule, Recurrence, Weekday } from '#wire';
import { locale, sprintf, when } from '../ui/format';
import { WEEKDAYS } from './schedule-form';

type T = (text: string) => string;
type Tn = (single: string, plural: string, n: number) => string;

/** A weekday's short name in the page's language (Mon, Di, …). */
export function weekdayName(day: Weekday, style: 'short' | 'long' = 'short'): string {
	// 1 January 2024 was a Monday.
	const date = new Date(Date.UTC(2024, 0, 1 + WEEKDAYS.indexOf(day)));
	return date.toLocaleDateString(locale(), { weekday: style, timeZone: 'UTC' });
}

/** A list in the page's language ("Mon, Wed and Fri"). */
const list = (items: string[]) => new Intl.ListFormat(locale(), { type: 'conjunction' }).format(items);

/** "Every week", "Every 2 weeks", … */
function cadence(r: Recurrence, t: T, tn: Tn): string {
	const n = r.interval ?? 1;
	switch (r.freq) {
		case 'daily':
			return n === 1 ? t('Every day') : sprintf(tn('Every %d day', 'Every %d days', n), n);
		case 'weekly':
			return n === 1 ? t('Every week') : sprintf(tn('Every %d week', 'Every %d weeks', n), n);
		case 'monthly':
			return n === 1 ? t('Every month') : sprintf(tn('Every %d month', 'Every %d months', n), n);
	}
}

/** Which days of the week or month, or '' for the rule's default. */
function days(r: Recurrence, t: T): string {
	if (r.freq === 'monthly') {
		const d = r.byMonthDay ?? [];
		if (d.length === 0) return '';
		return sprintf(t('on day %s'), list(d.map((x) => (x === -1 ? t('the last day') : String(x)))));
	}
	const w = r.byWeekday ?? [];
	return w.length === 0 ? '' : sprintf(t('on %s'), list(w.map((d) => weekdayName(d))));
}

/** A recurrence in words: "Every week on Mon and Wed, at 09:00 (Europe/Berlin), from 2026-12-01 to 2027-06-30". */
export function recurrenceText(r: Recurrence, t: T, tn: Tn): string {
	const on = days(r, t);
	const times = list(r.times);
	const range = r.end ? sprintf(t('from %1$s to %2$s'), r.start, r.end) : sprintf(t('from %s'), r.start);
	return on
		? sprintf(t('%1$s %2$s, at %3$s (%4$s), %5$s'), cadence(r, t, tn), on, times, r.timezone, range)
		: sprintf(t('%1$s, at %2$s (%3$s), %4$s'), cadence(r, t, tn), times, r.timezone, range);
}

/** A schedule in words, times in the browser's zone. */
export function scheduleText(s: CampaignSchedule | null, t: T, tn: Tn): string {
	if (!s) return t('No schedule yet');
	switch (s.type) {
		case 'now':
			return t('Once, as soon as it is scheduled');
		case 'once':
			return sprintf(t('Once, on %s'), when(s.at));
		case 'dates': {
			const shown = s.at.slice(0, 5).map((at) => when(at));
			const more = s.at.length - shown.length;
			const dates =
				more > 0
					? sprintf(tn('%1$s and %2$d more', '%1$s and %2$d more', more), shown.join('; '), more)
					: shown.join('; ');
			return sprintf(tn('On %1$d date: %2$s', 'On %1$d dates: %2$s', s.at.length), s.at.length, dates);
		}
		case 'recurring':
			return recurrenceText(s.rule, t, tn);
	}
}
