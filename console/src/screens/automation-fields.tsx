import type { SegmentView } from '#wire';
import { translatable, value } from '../ui/format';
import { useT } from '../ui/parts';
import type { Duration } from './automation-form';
import { UNITS, type Unit } from './automation-words';
import { FieldError } from './message-fields';

// The automation editor's inputs: a labelled text field with its hint and the API's error, a duration with its unit,
// and a saved segment.

const UNIT_LABELS: Record<Unit, string> = {
	day: translatable('days'),
	hour: translatable('hours'),
	minute: translatable('minutes'),
};

/** The attributes of an input with an error: marked invalid, described by the error under it. */
export const invalidProps = (id: string, error: string | undefined) =>
	error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};

/** An input under its label (and hint), the API's error under it. */
export function TextField(props: {
	id: string;
	label: string;
	hint?: string;
	value: string;
	onChange: (v: string) => void;
	error?: string | undefined;
	class?: string;
	type?: 'text' | 'number' | 'time';
	placeholder?: string;
	min?: number;
	max?: number;
	/** A name: no spell check, left to right. */
	code?: boolean;
}) {
	const { id, error } = props;
	return (
		<label class={props.class}>
			{props.label} {props.hint && <span class="hint">{props.hint}</span>}
			<input
				id={id}
				type={props.type ?? 'text'}
				value={props.value}
				placeholder={props.placeholder}
				min={props.min}
				max={props.max}
				step={props.type === 'number' ? 'any' : undefined}
				spellcheck={props.code ? false : undefined}
				autocomplete={props.code ? 'off' : undefined}
				dir={props.code ? undefined : 'auto'}
				onInput={(e) => props.onChange(value(e))}
				{...invalidProps(id, error)}
			/>
			<FieldError id={`${id}-error`} error={error} />
		</label>
	);
}

/** A number and its unit (minutes, hours, days), as one field. */
export function DurationField(props: {
	id: string;
	label: string;
	hint?: string;
	value: Duration;
	onChange: (d: Duration) => void;
	error?: string | undefined;
	/** The unit choices, largest first (default all). */
	units?: Unit[];
}) {
	const t = useT();
	const { id, value: d, error } = props;
	const units = props.units ?? UNITS.map(([u]) => u);
	const hint = props.hint ? `${id}-hint` : undefined;
	return (
		<div class="duration">
			<div class="row">
				<label>
					{props.label}
					<input
						id={`${id}-n`}
						type="number"
						min={0}
						step="any"
						inputMode="decimal"
						value={d.n}
						onInput={(e) => props.onChange({ ...d, n: value(e) })}
						aria-describedby={
							[hint, error ? `${id}-error` : undefined].filter(Boolean).join(' ') || undefined
						}
						aria-invalid={error ? true : undefined}
					/>
				</label>
				<label>
					{t('Unit')}
					<select
						id={`${id}-unit`}
						value={d.unit}
						onChange={(e) => props.onChange({ ...d, unit: value(e) as Unit })}
					>
						{(units.includes(d.unit) ? units : [d.unit, ...units]).map((u) => (
							<option key={u} value={u}>
								{t(UNIT_LABELS[u])}
							</option>
						))}
					</select>
				</label>
			</div>
			{props.hint && (
				<span class="hint" id={hint}>
					{props.hint}
				</span>
			)}
			<FieldError id={`${id}-error`} error={error} />
		</div>
	);
}

/** A saved segment, or none. */
export function SegmentSelect(props: {
	id: string;
	label: string;
	hint?: string;
	none: string;
	value: string;
	segments: SegmentView[];
	onChange: (segmentId: string) => void;
	error?: string | undefined;
}) {
	const { id, error, segments } = props;
	const missing = props.value && !segments.some((s) => s.segmentId === props.value);
	return (
		<label>
			{props.label} {props.hint && <span class="hint">{props.hint}</span>}
			<select
				id={id}
				value={props.value}
				onChange={(e) => props.onChange(value(e))}
				{...invalidProps(id, error)}
			>
				<option value="">{props.none}</option>
				{missing && <option value={props.value}>{props.value}</option>}
				{segments.map((s) => (
					<option key={s.segmentId} value={s.segmentId}>
						{s.name}
					</option>
				))}
			</select>
			<FieldError id={`${id}-error`} error={error} />
		</label>
	);
}
