import { sprintf, value } from '../ui/format';
import { useT } from '../ui/parts';
import { browserZone, MAX_DATES, type ScheduleForm, type ScheduleKind } from './schedule-form';
import { RecurrenceFields } from './schedule-recurrence';

/** Now, once at a time, several dates or a recurrence; instants in the browser's zone. */
export function SchedulePicker(props: { form: ScheduleForm; set: (patch: Partial<ScheduleForm>) => void }) {
	const { form, set } = props;
	const t = useT();
	const radio = (kind: ScheduleKind) => ({
		type: 'radio',
		name: 'schedule-kind',
		value: kind,
		checked: form.kind === kind,
		onChange: () => set({ kind }),
	});
	const zoneHint = sprintf(t('in your time zone, %s'), browserZone());
	return (
		<fieldset data-testid="schedule">
			<legend>{t('When')}</legend>
			<label class="check">
				<input {...radio('now')} />
				<span>
					{t('Now')} <span class="hint">{t('as soon as it is scheduled')}</span>
				</span>
			</label>
			<label class="check">
				<input {...radio('once')} />
				{t('Once at a date and time')}
			</label>
			{form.kind === 'once' && (
				<label class="indent">
					{t('Date and time')} <span class="hint">{zoneHint}</span>
					<input
						id="schedule-once"
						type="datetime-local"
						required
						value={form.once}
						onInput={(e) => set({ once: value(e) })}
					/>
				</label>
			)}
			<label class="check">
				<input {...radio('dates')} />
				{t('Several dates')}
			</label>
			{form.kind === 'dates' && (
				<div class="indent schedule-list" data-testid="schedule-dates">
					<p class="hint">{sprintf(t('Up to %1$d dates, %2$s.'), MAX_DATES, zoneHint)}</p>
					{form.dates.map((d, i) => (
						<div class="row schedule-item" key={i}>
							<label>
								{sprintf(t('Date %d'), i + 1)}
								<input
									id={`schedule-date-${i + 1}`}
									type="datetime-local"
									value={d}
									onInput={(e) => set({ dates: form.dates.map((x, j) => (j === i ? value(e) : x)) })}
								/>
							</label>
							{form.dates.length > 1 && (
								<button
									type="button"
									class="link"
									aria-label={sprintf(t('Remove date %d'), i + 1)}
									onClick={() => set({ dates: form.dates.filter((_, j) => j !== i) })}
								>
									{t('Remove')}
								</button>
							)}
						</div>
					))}
					{form.dates.length < MAX_DATES && (
						<button
							type="button"
							class="align-start"
							onClick={() => set({ dates: [...form.dates, form.dates.at(-1) ?? ''] })}
						>
							{t('Add a date')}
						</button>
					)}
				</div>
			)}
			<label class="check">
				<input {...radio('recurring')} />
				{t('Recurring')}
			</label>
			{form.kind === 'recurring' && <RecurrenceFields form={form} set={set} />}
		</fieldset>
	);
}
