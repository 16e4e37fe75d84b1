import type { SegmentView } from '#wire';
import { useT } from '../ui/parts';
import { type AutomationError, errorAt } from './automation-errors';
import { DurationField, SegmentSelect, TextField } from './automation-fields';
import type { AutomationForm } from './automation-form';
import { Check, Radio } from './campaign-delivery';
import { Step } from './campaign-steps';

/**
 * When a journey ends early (exit events, a segment left), what it is measured by (the goal), whether a person may
 * start it again, and the control group.
 */
export function ExitStep(props: {
	form: AutomationForm;
	set: (patch: Partial<AutomationForm>) => void;
	segments: SegmentView[];
	error: AutomationError | null;
}) {
	const { form, set, error } = props;
	const t = useT();
	const at = (field: string) => errorAt(error, field);
	return (
		<section class="card form" aria-labelledby="step-exit" data-testid="automation-exit">
			<Step id="step-exit" n={4} title={t('Exit, goal and re-entry')} />
			<TextField
				id="exit-events"
				label={t('End a journey early on these events')}
				hint={t('comma-separated, up to 5; matched on the journey’s key when they carry it')}
				code
				value={form.exitEvents}
				onChange={(exitEvents) => set({ exitEvents })}
				error={at('exit.events')}
			/>
			<SegmentSelect
				id="exit-segment"
				label={t('…or when the person leaves a segment')}
				none={t('No segment')}
				value={form.exitSegment}
				segments={props.segments}
				onChange={(exitSegment) => set({ exitSegment })}
				error={at('exit.segment')}
			/>
			<Check
				id="goal-on"
				checked={form.goalOn}
				onChange={(goalOn) => set({ goalOn })}
				label={t('Conversion goal')}
				hint={t('an event after a push, such as a purchase; it also ends the journey')}
			/>
			{form.goalOn && (
				<div class="indent option">
					<div class="row">
						<TextField
							id="goal-event"
							label={t('Event')}
							code
							value={form.goalEvent}
							onChange={(goalEvent) => set({ goalEvent })}
							error={at('goal.event')}
						/>
						<TextField
							id="goal-value"
							label={t('Revenue property')}
							hint={t('empty: value')}
							placeholder="value"
							code
							value={form.goalValue}
							onChange={(goalValue) => set({ goalValue })}
							error={at('goal.valueProperty')}
						/>
					</div>
					<DurationField
						id="goal-window"
						label={t('Window')}
						hint={t('conversions count this long after the last push')}
						value={form.goalWindow}
						onChange={(goalWindow) => set({ goalWindow })}
						error={at('goal.windowSeconds')}
					/>
				</div>
			)}
			<fieldset class="checks">
				<legend>{t('A person who finished a journey starts it again')}</legend>
				<Radio
					name="reentry"
					id="reentry-never"
					checked={form.reentry === 'never'}
					onPick={() => set({ reentry: 'never' })}
					label={t('never (once per person and key)')}
				/>
				<Radio
					name="reentry"
					id="reentry-after"
					checked={form.reentry === 'after'}
					onPick={() => set({ reentry: 'after' })}
					label={t('after a pause')}
				/>
			</fieldset>
			{form.reentry === 'after' && (
				<div class="indent">
					<DurationField
						id="reentry-after"
						label={t('Pause')}
						hint={t('0: at once')}
						units={['day', 'hour']}
						value={form.reentryAfter}
						onChange={(reentryAfter) => set({ reentryAfter })}
						error={at('reentryAfterSeconds')}
					/>
				</div>
			)}
			<Check
				id="holdout-on"
				checked={form.holdoutOn}
				onChange={(holdoutOn) => set({ holdoutOn })}
				label={t('Control group')}
				hint={t('some journeys send nothing, to measure what the automation adds')}
			/>
			{form.holdoutOn && (
				<TextField
					id="holdout"
					class="indent short"
					type="number"
					label={t('Percent held out')}
					hint={t('0.01–50')}
					min={0.01}
					max={50}
					value={form.holdout}
					onChange={(holdout) => set({ holdout })}
					error={at('holdoutPercent')}
				/>
			)}
		</section>
	);
}
