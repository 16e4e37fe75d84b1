import type { ComponentChildren } from 'preact';
import type { AutomationCondition, SegmentView } from '#wire';
import { useT } from '../ui/parts';
import { type AutomationError, errorAt } from './automation-errors';
import { DurationField, SegmentSelect, TextField } from './automation-fields';
import type { TriggerForm } from './automation-form';
import { Radio } from './campaign-delivery';
import { Step } from './campaign-steps';
import { FieldError } from './message-fields';
import { PropertyConditions } from './property-conditions';

/** The operators a trigger's property condition takes (the API's). */
const OPS: AutomationCondition['op'][] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists'];

/**
 * The trigger step: an event; an event not followed by another in time; or a date (a user attribute, or an
 * event's property) with an offset in days at a local time. Then the property conditions, segment and key.
 */
export function TriggerStep(props: {
	form: TriggerForm;
	set: (patch: Partial<TriggerForm>) => void;
	segments: SegmentView[];
	/** A broadcast has no person to check against a segment (one chosen before stays, for its 400). */
	broadcast?: boolean;
	error: AutomationError | null;
}) {
	const { form, set, error } = props;
	const t = useT();
	const at = (field: string) => errorAt(error, `trigger.${field}`);
	const kind = (type: TriggerForm['type'], label: string) => (
		<Radio
			name="trigger-type"
			id={`trigger-type-${type}`}
			checked={form.type === type}
			onPick={() => set({ type })}
			label={label}
		/>
	);
	const event = (label: string, hint: string) => (
		<TextField
			id="trigger-event"
			label={label}
			hint={hint}
			code
			value={form.event}
			onChange={(v) => set({ event: v })}
			error={at('event')}
		/>
	);
	return (
		<section class="card form" aria-labelledby="step-trigger" data-testid="automation-trigger">
			<Step id="step-trigger" n={2} title={t('Trigger')} />
			<fieldset class="checks">
				<legend>{t('A journey starts')}</legend>
				{kind('event', t('when an event happens'))}
				{kind('inaction', t('when an event is not followed by another in time'))}
				{kind('date', t('on a date'))}
			</fieldset>
			{form.type === 'event' && event(t('Event'), t('such as signed_up or back_in_stock'))}
			{form.type === 'inaction' && (
				<>
					<div class="row">
						{event(t('Event'), t('such as checkout_started'))}
						<TextField
							id="trigger-without"
							label={t('Not followed by')}
							hint={t('such as purchase')}
							code
							value={form.without}
							onChange={(v) => set({ without: v })}
							error={at('without')}
						/>
					</div>
					<DurationField
						id="trigger-within"
						label={t('Within')}
						value={form.within}
						onChange={(within) => set({ within })}
						error={at('withinSeconds')}
					/>
				</>
			)}
			{form.type === 'date' && (
				<DateFields
					form={form}
					set={set}
					error={error}
					event={event(t('Event'), t('such as order_placed'))}
				/>
			)}
			<fieldset data-testid="trigger-where">
				<legend>
					{t('Only when the event’s properties match')}{' '}
					<span class="hint">{t('optional; all must hold')}</span>
				</legend>
				<PropertyConditions
					id="trigger-where"
					where={form.where}
					ops={OPS}
					max={10}
					onChange={(where) => set({ where })}
				/>
				<FieldError id="trigger-where-error" error={at('where')} />
			</fieldset>
			{form.type !== 'date' && !(props.broadcast && !form.segment) && (
				<SegmentSelect
					id="trigger-segment"
					label={t('Only people in')}
					none={t('Anyone')}
					value={form.segment}
					segments={props.segments}
					onChange={(segment) => set({ segment })}
					error={at('segment')}
				/>
			)}
			<TextField
				id="trigger-key"
				label={t('One journey per')}
				hint={t('the event property that tells journeys apart, such as checkout_id; empty: one per person')}
				code
				value={form.key}
				onChange={(key) => set({ key })}
				error={at('key')}
			/>
		</section>
	);
}

/** A date trigger: where the date is (`event`: the event name's field), how many days from it, at what time. */
function DateFields(props: {
	form: TriggerForm;
	set: (patch: Partial<TriggerForm>) => void;
	error: AutomationError | null;
	event: ComponentChildren;
}) {
	const { form, set, error } = props;
	const t = useT();
	const at = (field: string) => errorAt(error, `trigger.${field}`);
	// The API names trigger.attribute when neither source is complete: shown at the source chosen.
	const sourceError = at('attribute');
	return (
		<>
			<fieldset class="checks">
				<legend>{t('The date is')}</legend>
				<Radio
					name="trigger-source"
					id="trigger-source-attribute"
					checked={form.source === 'attribute'}
					onPick={() => set({ source: 'attribute' })}
					label={t('a date attribute of the user')}
				/>
				<Radio
					name="trigger-source"
					id="trigger-source-event"
					checked={form.source === 'event'}
					onPick={() => set({ source: 'event' })}
					label={t('a date property of an event')}
				/>
			</fieldset>
			{form.source === 'attribute' ? (
				<TextField
					id="trigger-attribute"
					label={t('Attribute')}
					hint={t('such as trip_date')}
					code
					value={form.attribute}
					onChange={(attribute) => set({ attribute })}
					error={sourceError}
				/>
			) : (
				<div class="row">
					{props.event}
					<TextField
						id="trigger-property"
						label={t('Its date property')}
						hint={t('such as delivery_date')}
						code
						value={form.property}
						onChange={(property) => set({ property })}
						error={at('property') ?? sourceError}
					/>
				</div>
			)}
			<div class="row">
				<TextField
					id="trigger-offset"
					class="short"
					type="number"
					label={t('Days from the date')}
					hint={t('−1: the day before')}
					min={-365}
					max={365}
					value={form.offsetDays}
					onChange={(offsetDays) => set({ offsetDays })}
					error={at('offsetDays')}
				/>
				<TextField
					id="trigger-at"
					class="short"
					type="time"
					label={t('At')}
					hint={t('in each person’s time zone')}
					value={form.at}
					onChange={(v) => set({ at: v })}
					error={at('at')}
				/>
			</div>
		</>
	);
}
