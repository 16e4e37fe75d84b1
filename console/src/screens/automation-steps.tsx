import { sprintf } from '../ui/format';
import { useT } from '../ui/parts';
import { Tabs } from '../ui/tabs';
import { type AutomationError, errorAt, errorStep, stepFieldErrors } from './automation-errors';
import { DurationField, TextField } from './automation-fields';
import { MAX_STEPS, type StepForm } from './automation-form';
import { Radio } from './campaign-delivery';
import { Step } from './campaign-steps';
import { MessageFields } from './message-fields';
import { SavedMessagePicker } from './resource-picker';

/** What the steps section can do to the list of steps. */
export interface StepActions {
	set: (i: number, patch: Partial<StepForm>) => void;
	add: () => void;
	remove: (i: number) => void;
	/** Moves step i one place earlier (-1) or later (+1). */
	move: (i: number, by: -1 | 1) => void;
}

/**
 * The steps: one tab each (1–5), the open one's wait and message (written here, or from a saved message with the
 * fields changed over it), and buttons to add, remove and reorder them.
 */
export function StepsStep(props: {
	steps: StepForm[];
	open: number;
	onOpen: (i: number) => void;
	actions: StepActions;
	error: AutomationError | null;
}) {
	const { steps, open, actions, error } = props;
	const t = useT();
	const step = steps[open];
	const failed = errorStep(error);
	return (
		<section class="card form" aria-labelledby="step-steps" data-testid="automation-steps">
			<Step id="step-steps" n={3} title={t('Steps')} />
			<p class="hint">
				{t(
					'Each step waits, then sends a push. A journey ends after the last step, or earlier when an exit event comes or the goal is reached.',
				)}
			</p>
			<div class="step-tabs">
				<Tabs
					tabs={steps.map((_, i) => ({
						key: String(i),
						label: sprintf(t('Step %d'), i + 1),
						marked: failed === i,
					}))}
					current={String(open)}
					onPick={(key) => props.onOpen(Number(key))}
					legend={t('Step to edit')}
					name="step"
					testid="step-tabs"
				/>
				{steps.length < MAX_STEPS && (
					<button type="button" data-testid="add-step" onClick={actions.add}>
						{t('Add a step')}
					</button>
				)}
			</div>
			{step && (
				<StepFields key={open} i={open} count={steps.length} step={step} actions={actions} error={error} />
			)}
		</section>
	);
}

/** One step: its place in the list, its wait and its message. */
function StepFields(props: {
	i: number;
	count: number;
	step: StepForm;
	actions: StepActions;
	error: AutomationError | null;
}) {
	const { i, step, actions, error } = props;
	const t = useT();
	const n = i + 1;
	const set = (patch: Partial<StepForm>) => actions.set(i, patch);
	const prefix = `step-${n}-`;
	const waitError = errorAt(error, `steps[${i}].wait`);
	const wait = (kind: StepForm['wait'], label: string) => (
		<Radio
			name={`${prefix}wait`}
			id={`${prefix}wait-${kind}`}
			checked={step.wait === kind}
			onPick={() => set({ wait: kind })}
			label={label}
		/>
	);
	return (
		<div class="step-body" data-step={i}>
			<div class="step-head">
				<h3>{sprintf(t('Step %d'), n)}</h3>
				<div class="row-actions">
					<button type="button" class="link" disabled={i === 0} onClick={() => actions.move(i, -1)}>
						{t('Move earlier')}
					</button>
					<button
						type="button"
						class="link"
						disabled={i === props.count - 1}
						onClick={() => actions.move(i, 1)}
					>
						{t('Move later')}
					</button>
					<button
						type="button"
						class="link"
						disabled={props.count === 1}
						data-testid="remove-step"
						onClick={() => actions.remove(i)}
					>
						{sprintf(t('Remove step %d'), n)}
					</button>
				</div>
			</div>
			<fieldset class="checks">
				<legend>{i === 0 ? t('Sent after the trigger') : sprintf(t('Sent after step %d'), i)}</legend>
				{wait('none', t('at once'))}
				{wait('after', t('after a wait'))}
				{wait('until', t('at the next time of day'))}
			</fieldset>
			{step.wait === 'after' && (
				<DurationField
					id={`${prefix}wait`}
					label={t('Wait')}
					hint={t('up to 30 days')}
					value={step.after}
					onChange={(after) => set({ after })}
					error={waitError}
				/>
			)}
			{step.wait === 'until' && (
				<TextField
					id={`${prefix}wait`}
					class="short"
					type="time"
					label={t('Time of day')}
					hint={t('in each person’s time zone')}
					value={step.until}
					onChange={(until) => set({ until })}
					error={waitError}
				/>
			)}
			<SavedMessagePicker
				id={`${prefix}saved-message`}
				picked={step.picked}
				error={errorAt(error, `steps[${i}].message.resource`)}
				onPick={(picked) => set({ picked, kept: {}, ...(picked?.base ? { fields: picked.base } : {}) })}
			/>
			<MessageFields
				fields={step.fields}
				set={(patch) => set({ fields: { ...step.fields, ...patch } })}
				prefix={prefix}
				inherit={step.picked?.base ?? undefined}
				errors={stepFieldErrors(error, i)}
			/>
			<p class="hint">
				{t(
					'Personalise with Liquid: {{ event.product_title }} reads the trigger event’s properties; {{ user.first_name | default: "there" }} and {{ subscriber.last_url }} work as in campaigns. Links may be Liquid too: {{ event.checkout_url }}.',
				)}
			</p>
			<TextField
				id={`${prefix}discount`}
				class="short"
				label={t('Discount code (optional)')}
				hint={t(
					'The message reads it as {{ event.discount_code }}; on Shopify its link applies the code to the cart. Shopify: the code must exist in the Shopify admin (Beckon does not create it).',
				)}
				value={step.discountCode}
				onChange={(discountCode) => set({ discountCode })}
				error={errorAt(error, `steps[${i}].discountCode`)}
				code
			/>
		</div>
	);
}
