import type { CampaignState } from '#wire';
import { query } from '../api';
import { useConsole } from '../context';
import { go } from '../router';
import { locale, sprintf } from '../ui/format';
import { ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { bounds, dayKey, type Month, monthOf, monthParam, shift, weeks } from './calendar-month';
import { campaignHref } from './campaign-words';
import { WEEKDAYS } from './schedule-form';
import { weekdayName } from './schedule-words';

/** One run of GET …/campaigns/calendar: started (`run` its number) or to come (`run` null). */
export interface CalendarRun {
	campaignId: string;
	name: string;
	state: CampaignState;
	at: string;
	run: number | null;
}

/** The calendar API answers at most this many runs. */
const MAX_RUNS = 500;

const time = (iso: string) =>
	new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });

/** A run in its day: its time and campaign, a link to the campaign; runs to come look apart from started ones. */
function RunLink({ r }: { r: CalendarRun }) {
	const t = useT();
	const started = r.run !== null;
	return (
		<li>
			<a
				class={started ? 'cal-run cal-started' : 'cal-run cal-upcoming'}
				href={campaignHref(r.campaignId)}
				data-campaign={r.campaignId}
				data-at={r.at}
			>
				<span class="cal-time">{time(r.at)}</span> <span dir="auto">{r.name}</span>
				<span class="sr-only"> ({started ? sprintf(t('run %s, started'), `#${r.run}`) : t('to come')})</span>
			</a>
		</li>
	);
}

/** The campaigns' runs of a month (`?month=2030-01`): a grid of weeks, a list of days on phones. */
export function CampaignCalendar({ param }: { param: string | null }) {
	const { api } = useConsole();
	const t = useT();
	const shown: Month = monthOf(param);
	const key = monthParam(shown);
	const [data, error] = useLoad(
		() =>
			api
				.call<{ runs: CalendarRun[] }>(`/campaigns/calendar${query(bounds(shown))}`)
				.then((d) => ({ key, runs: d.runs })),
		[key],
	);
	const byDay = new Map<string, CalendarRun[]>();
	for (const r of data?.key === key ? data.runs : []) {
		const day = dayKey(new Date(r.at));
		byDay.set(day, [...(byDay.get(day) ?? []), r]);
	}
	const today = dayKey(new Date());
	const title = new Date(shown.year, shown.month, 1).toLocaleDateString(locale(), {
		month: 'long',
		year: 'numeric',
	});
	const move = (by: number) => go(`/campaigns/calendar?month=${monthParam(shift(shown, by))}`);
	return (
		<Screen title={t('Campaign calendar')} actions={<a href="#/campaigns">{t('Back to campaigns')}</a>}>
			<ErrorNote error={error} />
			<section class="card calendar-card" aria-labelledby="calendar-month">
				<div class="cal-head">
					<button type="button" onClick={() => move(-1)} data-testid="previous-month">
						<span aria-hidden="true">‹ </span>
						{t('Previous month')}
					</button>
					<h2 id="calendar-month" aria-live="polite" data-testid="calendar-month">
						{title}
					</h2>
					<button type="button" onClick={() => move(1)} data-testid="next-month">
						{t('Next month')}
						<span aria-hidden="true"> ›</span>
					</button>
				</div>
				<p class="cal-legend hint">
					<span class="cal-run cal-started">{t('started')}</span>{' '}
					<span class="cal-run cal-upcoming">{t('to come')}</span> {t('Times are in your time zone.')}
				</p>
				{data?.key === key && data.runs.length >= MAX_RUNS && (
					<p class="notice notice-info">{sprintf(t('Showing the first %d runs of this month.'), MAX_RUNS)}</p>
				)}
				{!data
					? !error && <p class="loading">{t('Loading…')}</p>
					: data.key === key &&
						byDay.size === 0 && (
							<p class="muted" data-testid="calendar-empty">
								{t('No runs this month.')}
							</p>
						)}
				<table class="calendar" data-testid="calendar">
					<thead>
						<tr>
							{WEEKDAYS.map((d) => (
								<th key={d} scope="col">
									<abbr title={weekdayName(d, 'long')}>{weekdayName(d)}</abbr>
								</th>
							))}
						</tr>
					</thead>
					<tbody>
						{weeks(shown).map((week) => (
							<tr key={dayKey(week[0] as Date)}>
								{week.map((day) => {
									const k = dayKey(day);
									const inMonth = day.getMonth() === shown.month;
									const runs = inMonth ? (byDay.get(k) ?? []) : [];
									const cls = [
										!inMonth && 'cal-out',
										runs.length === 0 && 'cal-empty',
										k === today && 'cal-today',
									].filter(Boolean);
									return (
										<td
											key={k}
											class={cls.join(' ') || undefined}
											data-day={inMonth ? k : undefined}
											aria-current={k === today ? 'date' : undefined}
										>
											<span class="cal-n" aria-hidden="true">
												{day.getDate()}
											</span>
											<span class="cal-date">
												{day.toLocaleDateString(locale(), { weekday: 'long', day: 'numeric', month: 'long' })}
											</span>
											{runs.length > 0 && (
												<ul class="cal-runs">
													{runs.map((r) => (
														<RunLink key={`${r.campaignId}-${r.at}`} r={r} />
													))}
												</ul>
											)}
										</td>
									);
								})}
							</tr>
						))}
					</tbody>
				</table>
			</section>
		</Screen>
	);
}
