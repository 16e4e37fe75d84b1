import type { CampaignExperiment, CampaignTiming } from '#wire';
import { locale, percent, sprintf, when } from '../ui/format';

type T = (text: string) => string;

/** A list in the page's language ("A, B and Calm"). */
const list = (items: string[]) => new Intl.ListFormat(locale(), { type: 'conjunction' }).format(items);

/** A campaign's delivery options in words; "" when it has none. */
export function timingText(timing: CampaignTiming, t: T): string {
	const parts: string[] = [];
	const local = timing.localTime;
	if (local) {
		const passed =
			local.passed === 'now'
				? t('sent at once where it has passed')
				: local.passed === 'next_day'
					? t('the next day where it has passed')
					: t('skipped where it has passed');
		parts.push(sprintf(t('at %1$s in each subscriber’s time zone (%2$s)'), local.time, passed));
	}
	const quiet = timing.quietHours;
	if (quiet)
		parts.push(
			sprintf(
				quiet.action === 'delay'
					? t('quiet hours %1$s–%2$s, delayed')
					: t('quiet hours %1$s–%2$s, discarded'),
				quiet.start,
				quiet.end,
			),
		);
	if (timing.cutoffAt) parts.push(sprintf(t('nothing after %s'), when(timing.cutoffAt)));
	if (timing.cutoffAfterMinutes !== undefined)
		parts.push(sprintf(t('nothing later than %d minutes after each run starts'), timing.cutoffAfterMinutes));
	if (timing.throttlePerMinute !== undefined)
		parts.push(sprintf(t('at most %d pushes a minute'), timing.throttlePerMinute));
	if (timing.ignoreFrequencyCap) parts.push(t('not subject to the frequency cap'));
	if (parts.length > 0 && timing.timezone && (local || quiet))
		parts.push(sprintf(t('time zone %s'), timing.timezone));
	return parts.join('; ');
}

/** A campaign's experiment in words; "" when it has none. */
export function experimentText(e: CampaignExperiment, t: T): string {
	const parts: string[] = [];
	if (e.holdoutPercent !== undefined)
		parts.push(sprintf(t('control group of %s'), percent(e.holdoutPercent / 100)));
	if (e.variants) parts.push(sprintf(t('variants %s'), list(e.variants.map((v) => v.name))));
	if (e.goal) parts.push(sprintf(t('goal %1$s within %2$d hours'), e.goal.event, e.goal.windowHours));
	return parts.join('; ');
}
