import { useMemo } from 'preact/hooks';
import type { QuietHoursRule, SegmentView } from '#wire';
import { sprintf, value } from '../ui/format';
import { useT } from '../ui/parts';
import { type AutomationError, errorAt } from './automation-errors';
import { invalidProps, SegmentSelect, TextField } from './automation-fields';
import { type AutomationForm, recipientsOf } from './automation-form';
import { Check, Radio } from './campaign-delivery';
import { Step } from './campaign-steps';
import { FieldError } from './message-fields';
import { timeZones } from './schedule-form';

/** The site's default quiet hours in words. */
function siteQuiet(rule: QuietHoursRule | null, t: (text: string) => string): string {
	if (!rule) return t('none at present');
	return sprintf(
		rule.action === 'delay' ? t('%1$s–%2$s, pushes wait') : t('%1$s–%2$s, pushes dropped'),
		rule.start,
		rule.end,
	);
}

/**
 * Who gets each step (the person, or a broadcast's audience with the event's categories), quiet hours (the
 * site's, none, or the automation's own), the frequency cap's exemption and the time zone of people whose own is
 * unknown.
 */
export function AutomationDelivery(props: {
	form: AutomationForm;
	set: (patch: Partial<AutomationForm>) => void;
	/** The site's default quiet hours. */
	siteRule: QuietHoursRule | null;
	segments: SegmentView[];
	error: AutomationError | null;
}) {
	const { form, set, error } = props;
	const t = useT();
	const zones = useMemo(timeZones, []);
	// A radio button of one of the form's choices (quiet hours, recipients).
	const choice =
		<K extends 'quiet' | 'recipients'>(field: K) =>
		(kind: AutomationForm[K], label: string) => (
			<Radio
				name={`automation-${field}`}
				id={`automation-${field}-${kind}`}
				checked={form[field] === kind}
				onPick={() => set({ [field]: kind })}
				label={label}
			/>
		);
	const quiet = choice('quiet');
	const to = choice('recipients');
	const tzError = errorAt(error, 'timezone');
	const audienceError = errorAt(error, 'audience');
	return (
		<section class="card form" aria-labelledby="step-delivery" data-testid="automation-delivery">
			<Step id="step-delivery" n={5} title={t('Delivery')} />
			<fieldset class="checks" data-testid="automation-recipients">
				<legend>{t('Who gets each step')}</legend>
				{to('person', t('the person it happened to, on their subscribed browsers'))}
				{to(
					'all',
					t('everyone subscribed: a broadcast, started by the site’s own events (such as a new post)'),
				)}
				{to('segment', t('a segment: a broadcast, started by the site’s own events'))}
				{recipientsOf(form.keptAudience) === 'kept' && to('kept', t('the audience set through the API'))}
			</fieldset>
			{form.recipients === 'segment' && (
				<div class="indent">
					<SegmentSelect
						id="automation-audience-segment"
						label={t('Segment')}
						none={t('Choose a segment')}
						value={form.audienceSegment}
						segments={props.segments}
						onChange={(audienceSegment) => set({ audienceSegment })}
						error={audienceError}
					/>
				</div>
			)}
			{form.recipients !== 'person' && (
				<div class="indent">
					{form.recipients !== 'segment' && audienceError && (
						<p class="notice notice-error">{audienceError}</p>
					)}
					<TextField
						id="automation-categories-from"
						label={t('Categories from the event property')}
						hint={t(
							'optional: a property listing category keys, such as a post’s; their readers get the step instead',
						)}
						value={form.categoriesFrom}
						onChange={(categoriesFrom) => set({ categoriesFrom })}
						error={errorAt(error, 'categoriesFrom')}
					/>
				</div>
			)}
			<fieldset class="checks">
				<legend>{t('Quiet hours')}</legend>
				{quiet('site', sprintf(t('the site’s default (%s)'), siteQuiet(props.siteRule, t)))}
				{quiet('none', t('none: send at any hour'))}
				{quiet('own', t('its own'))}
			</fieldset>
			{form.quiet === 'own' && (
				<div class="indent row">
					<TextField
						id="automation-quiet-start"
						class="short"
						type="time"
						label={t('From')}
						value={form.quietStart}
						onChange={(quietStart) => set({ quietStart })}
						error={errorAt(error, 'quietHours.start')}
					/>
					<TextField
						id="automation-quiet-end"
						class="short"
						type="time"
						label={t('Until')}
						value={form.quietEnd}
						onChange={(quietEnd) => set({ quietEnd })}
						error={errorAt(error, 'quietHours.end')}
					/>
					<label class="short">
						{t('A push due in them is')}
						<select
							id="automation-quiet-action"
							value={form.quietAction}
							onChange={(e) => set({ quietAction: value(e) === 'discard' ? 'discard' : 'delay' })}
						>
							<option value="delay">{t('delayed to their end')}</option>
							<option value="discard">{t('discarded')}</option>
						</select>
					</label>
				</div>
			)}
			<Check
				id="automation-ignore-cap"
				checked={form.ignoreCap}
				onChange={(ignoreCap) => set({ ignoreCap })}
				label={t('Transactional: ignore the site’s frequency cap')}
				hint={t('such as shipping updates; neither capped nor counted towards it')}
			/>
			<label>
				{t('Time zone')}{' '}
				<span class="hint">
					{t('for people whose own is unknown: waits until a time of day, dates, quiet hours')}
				</span>
				<input
					id="automation-timezone"
					list="automation-zones"
					spellcheck={false}
					autoComplete="off"
					placeholder="UTC"
					value={form.timezone}
					onInput={(e) => set({ timezone: value(e) })}
					{...invalidProps('automation-timezone', tzError)}
				/>
				<datalist id="automation-zones">
					{zones.map((z) => (
						<option key={z} value={z} />
					))}
				</datalist>
				<FieldError id="automation-timezone-error" error={tzError} />
			</label>
		</section>
	);
}
