import { useMemo } from 'preact/hooks';
import { checked, sprintf, value } from '../ui/format';
import { useT } from '../ui/parts';
import { Step } from './campaign-steps';
import { browserZone, timeZones } from './schedule-form';
import { type CutoffKind, needsZone, type TimingForm } from './timing-form';

/** A radio of one group: its input and text. */
export function Radio(props: {
	name: string;
	checked: boolean;
	onPick: () => void;
	label: string;
	id?: string;
	disabled?: boolean;
}) {
	return (
		<label class="check">
			<input
				type="radio"
				name={props.name}
				id={props.id}
				checked={props.checked}
				disabled={props.disabled}
				onChange={props.onPick}
			/>
			{props.label}
		</label>
	);
}

/** A checkbox with its text, and a hint after it. */
export function Check(props: {
	id: string;
	checked: boolean;
	onChange: (on: boolean) => void;
	label: string;
	hint?: string;
}) {
	return (
		<label class="check">
			<input
				type="checkbox"
				id={props.id}
				checked={props.checked}
				onChange={(e) => props.onChange(checked(e))}
			/>
			<span>
				{props.label} {props.hint && <span class="hint">{props.hint}</span>}
			</span>
		</label>
	);
}

/**
 * The delivery step: local-time delivery, quiet hours, cut-off, throttle, the frequency cap's exemption and the
 * time zone they are read in. `zone` is the default zone (the recurrence's, else the browser's).
 */
export function DeliveryStep(props: {
	n: number;
	form: TimingForm;
	set: (patch: Partial<TimingForm>) => void;
	zone: string;
}) {
	const { form, set, zone } = props;
	const t = useT();
	const zones = useMemo(timeZones, []);
	return (
		<section class="card form" aria-labelledby="step-delivery" data-testid="delivery">
			<Step id="step-delivery" n={props.n} title={t('Delivery')} />
			<p class="hint">
				{t('All optional; they combine. Without them every push goes out when a run starts.')}
			</p>
			<Check
				id="timing-local"
				checked={form.local}
				onChange={(local) => set({ local })}
				label={t('Deliver at a local time')}
				hint={t('each subscriber at this time in their own time zone')}
			/>
			{form.local && (
				<div class="indent option">
					<label class="short">
						{t('Time')}
						<input
							id="timing-local-time"
							type="time"
							required
							value={form.localTime}
							onInput={(e) => set({ localTime: value(e) })}
						/>
					</label>
					<fieldset class="checks">
						<legend>{t('If the time has passed for a subscriber')}</legend>
						<Radio
							name="timing-passed"
							id="timing-passed-now"
							checked={form.passed === 'now'}
							onPick={() => set({ passed: 'now' })}
							label={t('send now')}
						/>
						<Radio
							name="timing-passed"
							id="timing-passed-next-day"
							checked={form.passed === 'next_day'}
							onPick={() => set({ passed: 'next_day' })}
							label={t('send the next day')}
						/>
						<Radio
							name="timing-passed"
							id="timing-passed-skip"
							checked={form.passed === 'skip'}
							onPick={() => set({ passed: 'skip' })}
							label={t('skip them')}
						/>
					</fieldset>
				</div>
			)}
			<Check
				id="timing-quiet"
				checked={form.quiet}
				onChange={(quiet) => set({ quiet })}
				label={t('Quiet hours')}
				hint={t('no pushes in this window of each subscriber’s local time')}
			/>
			{form.quiet && (
				<div class="indent option">
					<div class="row">
						<label class="short">
							{t('From')}
							<input
								id="timing-quiet-start"
								type="time"
								required
								value={form.quietStart}
								onInput={(e) => set({ quietStart: value(e) })}
							/>
						</label>
						<label class="short">
							{t('Until')}
							<input
								id="timing-quiet-end"
								type="time"
								required
								value={form.quietEnd}
								onInput={(e) => set({ quietEnd: value(e) })}
							/>
						</label>
					</div>
					<fieldset class="checks">
						<legend>{t('A push due in quiet hours is')}</legend>
						<Radio
							name="timing-quiet-action"
							id="timing-quiet-delay"
							checked={form.quietAction === 'delay'}
							onPick={() => set({ quietAction: 'delay' })}
							label={t('delayed to their end')}
						/>
						<Radio
							name="timing-quiet-action"
							id="timing-quiet-discard"
							checked={form.quietAction === 'discard'}
							onPick={() => set({ quietAction: 'discard' })}
							label={t('discarded')}
						/>
					</fieldset>
				</div>
			)}
			{needsZone(form) && (
				<label>
					{t('Campaign time zone')}{' '}
					<span class="hint">
						{sprintf(t('the run’s date, and the zone of subscribers whose own is unknown; empty: %s'), zone)}
					</span>
					<input
						id="timing-timezone"
						list="timing-zones"
						spellcheck={false}
						autoComplete="off"
						placeholder={zone}
						value={form.timezone}
						onInput={(e) => set({ timezone: value(e) })}
					/>
					<datalist id="timing-zones">
						{zones.map((z) => (
							<option key={z} value={z} />
						))}
					</datalist>
				</label>
			)}
			<CutoffFields form={form} set={set} />
			<label class="short">
				{t('Throttle')} <span class="hint">{t('at most this many pushes a minute; optional')}</span>
				<input
					id="timing-throttle"
					type="number"
					min={1}
					max={1_000_000}
					step={1}
					inputMode="numeric"
					value={form.throttle}
					onInput={(e) => set({ throttle: value(e) })}
				/>
			</label>
			<Check
				id="timing-ignore-cap"
				checked={form.ignoreCap}
				onChange={(ignoreCap) => set({ ignoreCap })}
				label={t('Transactional: ignore the site’s frequency cap')}
				hint={t('neither capped nor counted towards it')}
			/>
		</section>
	);
}

/** No cut-off, a date and time (the browser's zone), or minutes after each run starts. */
function CutoffFields({ form, set }: { form: TimingForm; set: (patch: Partial<TimingForm>) => void }) {
	const t = useT();
	const pick = (cutoff: CutoffKind) => () => set({ cutoff });
	return (
		<fieldset>
			<legend>
				{t('Cut-off')} <span class="hint">{t('nothing is delivered later; the rest counts as expired')}</span>
			</legend>
			<Radio
				name="timing-cutoff"
				id="timing-cutoff-none"
				checked={form.cutoff === 'none'}
				onPick={pick('none')}
				label={t('None')}
			/>
			<Radio
				name="timing-cutoff"
				id="timing-cutoff-at"
				checked={form.cutoff === 'at'}
				onPick={pick('at')}
				label={t('At a date and time')}
			/>
			{form.cutoff === 'at' && (
				<label class="indent short">
					{t('Date and time')} <span class="hint">{sprintf(t('in your time zone, %s'), browserZone())}</span>
					<input
						id="timing-cutoff-at-value"
						type="datetime-local"
						required
						value={form.cutoffAt}
						onInput={(e) => set({ cutoffAt: value(e) })}
					/>
				</label>
			)}
			<Radio
				name="timing-cutoff"
				id="timing-cutoff-after"
				checked={form.cutoff === 'after'}
				onPick={pick('after')}
				label={t('Some minutes after each run starts')}
			/>
			{form.cutoff === 'after' && (
				<label class="indent short">
					{t('Minutes')}
					<input
						id="timing-cutoff-minutes"
						type="number"
						min={1}
						max={40_320}
						step={1}
						inputMode="numeric"
						required
						value={form.cutoffAfter}
						onInput={(e) => set({ cutoffAfter: value(e) })}
					/>
				</label>
			)}
		</fieldset>
	);
}
