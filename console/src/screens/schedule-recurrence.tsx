import { useMemo } from 'preact/hooks';
import type { Recurrence, Weekday } from '#wire';
import { sprintf, value } from '../ui/format';
import { useT } from '../ui/parts';
import { MAX_TIMES, type ScheduleForm, timeZones, WEEKDAYS } from './schedule-form';
import { weekdayName } from './schedule-words';

/** The unit of "every N …" for a frequency. */
function unitOf(freq: Recurrence['freq'], t: (text: string) => string): string {
	switch (freq) {
		case 'daily':
			return t('day(s)');
		case 'weekly':
			return t('week(s)');
		case 'monthly':
			return t('month(s)');
	}
}

/** A weekday added (in the week's order) or taken out. */
const toggleDay = (days: Weekday[], day: Weekday, on: boolean) =>
	on ? WEEKDAYS.filter((d) => d === day || days.includes(d)) : days.filter((d) => d !== day);

/** A recurrence: frequency and interval, weekdays or days of the month, times, dates and its time zone. */
export function RecurrenceFields(props: { form: ScheduleForm; set: (patch: Partial<ScheduleForm>) => void }) {
	const { form, set } = props;
	const t = useT();
	const zones = useMemo(timeZones, []);
	return (
		<div class="indent recurrence" data-testid="schedule-recurrence">
			<div class="row">
				<label>
					{t('Repeats')}
					<select
						id="schedule-freq"
						value={form.freq}
						onChange={(e) => set({ freq: value(e) as Recurrence['freq'] })}
					>
						<option value="daily">{t('Daily')}</option>
						<option value="weekly">{t('Weekly')}</option>
						<option value="monthly">{t('Monthly')}</option>
					</select>
				</label>
				<label>
					{t('Every')} <span class="hint">{unitOf(form.freq, t)}</span>
					<input
						id="schedule-interval"
						type="number"
						min={1}
						max={365}
						required
						value={form.interval}
						onInput={(e) => set({ interval: value(e) })}
					/>
				</label>
			</div>
			{form.freq !== 'monthly' && (
				<fieldset class="checks weekdays">
					<legend>
						{form.freq === 'weekly' ? t('On') : t('Only on')}{' '}
						<span class="hint">
							{form.freq === 'weekly' ? t('none checked: the start date’s weekday') : t('optional')}
						</span>
					</legend>
					{WEEKDAYS.map((d) => (
						<label class="check" key={d}>
							<input
								type="checkbox"
								id={`schedule-day-${d}`}
								checked={form.weekdays.includes(d)}
								onChange={(e) =>
									set({ weekdays: toggleDay(form.weekdays, d, (e.target as HTMLInputElement).checked) })
								}
							/>
							{weekdayName(d, 'long')}
						</label>
					))}
				</fieldset>
			)}
			{form.freq === 'monthly' && (
				<div class="row">
					<label>
						{t('Days of the month')} <span class="hint">{t('1–31, comma-separated')}</span>
						<input
							id="schedule-month-days"
							inputMode="numeric"
							placeholder="1, 15"
							value={form.monthDays}
							onInput={(e) => set({ monthDays: value(e) })}
						/>
					</label>
					<label class="check align-end">
						<input
							type="checkbox"
							id="schedule-last-day"
							checked={form.lastDay}
							onChange={(e) => set({ lastDay: (e.target as HTMLInputElement).checked })}
						/>
						{t('and the last day of the month')}
					</label>
				</div>
			)}
			<fieldset class="times">
				<legend>
					{t('At')} <span class="hint">{sprintf(t('up to %d times of day'), MAX_TIMES)}</span>
				</legend>
				<div class="row">
					{form.times.map((time, i) => (
						<div class="schedule-time" key={i}>
							<label>
								<span class="sr-only">{sprintf(t('Time %d'), i + 1)}</span>
								<input
									id={`schedule-time-${i + 1}`}
									type="time"
									required
									value={time}
									onInput={(e) => set({ times: form.times.map((x, j) => (j === i ? value(e) : x)) })}
								/>
							</label>
							{form.times.length > 1 && (
								<button
									type="button"
									class="link"
									aria-label={sprintf(t('Remove time %d'), i + 1)}
									onClick={() => set({ times: form.times.filter((_, j) => j !== i) })}
								>
									{t('Remove')}
								</button>
							)}
						</div>
					))}
				</div>
				{form.times.length < MAX_TIMES && (
					<button type="button" onClick={() => set({ times: [...form.times, ''] })}>
						{t('Add a time')}
					</button>
				)}
			</fieldset>
			<div class="row">
				<label>
					{t('Start date')}
					<input
						id="schedule-start"
						type="date"
						required
						value={form.start}
						onInput={(e) => set({ start: value(e) })}
					/>
				</label>
				<label>
					{t('End date')} <span class="hint">{t('optional, inclusive')}</span>
					<input id="schedule-end" type="date" value={form.end} onInput={(e) => set({ end: value(e) })} />
				</label>
			</div>
			<label>
				{t('Time zone')} <span class="hint">{t('the dates and times are in this zone')}</span>
				<input
					id="schedule-timezone"
					list="schedule-zones"
					required
					spellcheck={false}
					autoComplete="off"
					value={form.timezone}
					onInput={(e) => set({ timezone: value(e) })}
				/>
			</label>
			<datalist id="schedule-zones">
				{zones.map((z) => (
					<option key={z} value={z} />
				))}
			</datalist>
		</div>
	);
}
