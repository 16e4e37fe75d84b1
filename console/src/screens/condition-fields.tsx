import type { AttributeLeaf } from '#wire';
import { translatable, value } from '../ui/format';
import { useT } from '../ui/parts';
import { listOf, rawOf, splitDuration, typed, typeOf, type ValueType } from './filter-tree';

// The inputs of a condition on a property or attribute, shared by the segment builder and the automation trigger:
// an operator picker, a value typed by its operator and a duration.

/** The words of the operators, as the builders show them. */
export const OP_LABELS: Record<string, string> = {
	eq: translatable('is'),
	ne: translatable('is not'),
	gt: translatable('greater than'),
	gte: translatable('at least'),
	lt: translatable('less than'),
	lte: translatable('at most'),
	contains: translatable('contains'),
	in: translatable('is one of'),
	exists: translatable('is set'),
	within: translatable('in the last'),
	withinNext: translatable('in the next'),
	notWithin: translatable('not in the last'),
	before: translatable('before'),
	after: translatable('after'),
	startsWith: translatable('starts with'),
};

const UNITS: Array<['m' | 'h' | 'd', string]> = [
	['d', translatable('days')],
	['h', translatable('hours')],
	['m', translatable('minutes')],
];

const TYPES: Array<[ValueType, string]> = [
	['text', translatable('Text')],
	['number', translatable('Number')],
	['boolean', translatable('Yes/no')],
	['date', translatable('Date')],
];

/** A labelled select of [value, label] options (labels translated). */
export function Pick<V extends string>(props: {
	id: string;
	label: string;
	value: V;
	options: Array<[V, string]>;
	onChange: (v: V) => void;
	hideLabel?: boolean;
	class?: string;
}) {
	const t = useT();
	return (
		<label class={props.class}>
			<span class={props.hideLabel ? 'sr-only' : undefined}>{props.label}</span>
			<select id={props.id} value={props.value} onChange={(e) => props.onChange(value(e) as V)}>
				{props.options.map(([v, label]) => (
					<option key={v} value={v}>
						{t(label)}
					</option>
				))}
			</select>
		</label>
	);
}

/** A number and unit (`7d`). */
export function DurationInput(props: {
	id: string;
	label: string;
	value: string;
	onChange: (d: string) => void;
}) {
	const t = useT();
	const d = splitDuration(props.value) ?? { n: '', unit: 'd' as const };
	return (
		<>
			<label class="narrow">
				{props.label}
				<input
					id={`${props.id}-n`}
					type="number"
					min={1}
					inputMode="numeric"
					value={d.n}
					onInput={(e) => props.onChange(`${value(e)}${d.unit}`)}
				/>
			</label>
			<Pick
				class="unit"
				id={`${props.id}-unit`}
				label={t('Unit')}
				value={d.unit}
				options={UNITS}
				onChange={(u) => props.onChange(`${d.n}${u}`)}
			/>
		</>
	);
}

/** The value input of an attribute or property row, typed by its operator. */
export function ValueInput(props: {
	id: string;
	op: string;
	value: AttributeLeaf['value'];
	onChange: (v: AttributeLeaf['value']) => void;
	dates: boolean;
}) {
	const t = useT();
	const { op, id } = props;
	if (op === 'exists') return null;
	if (op === 'within' || op === 'withinNext')
		return (
			<DurationInput
				id={id}
				label={t('How long')}
				value={typeof props.value === 'string' ? props.value : ''}
				onChange={props.onChange}
			/>
		);
	if (op === 'in')
		return (
			<label class="grow">
				{t('Values')} <span class="hint">{t('comma-separated')}</span>
				<input
					id={`${id}-value`}
					dir="auto"
					value={rawOf(props.value)}
					onInput={(e) => props.onChange(listOf(value(e)))}
				/>
			</label>
		);
	if (op === 'contains')
		return (
			<label class="grow">
				{t('Text')}
				<input
					id={`${id}-value`}
					dir="auto"
					value={rawOf(props.value)}
					onInput={(e) => props.onChange(value(e))}
				/>
			</label>
		);
	const choices = TYPES.filter(([ty]) =>
		op === 'before' || op === 'after'
			? ty === 'date'
			: ['gt', 'gte', 'lt', 'lte'].includes(op)
				? ty === 'number' || (ty === 'date' && props.dates)
				: ty !== 'date' || props.dates,
	);
	const current = typeOf(props.value);
	const type = choices.some(([ty]) => ty === current) ? current : (choices[0]?.[0] ?? 'text');
	const raw = rawOf(props.value);
	return (
		<>
			{choices.length > 1 && (
				<Pick
					id={`${id}-type`}
					label={t('Type')}
					value={type}
					options={choices}
					onChange={(ty) => props.onChange(ty === 'boolean' ? true : typed(ty, ty === 'date' ? '' : raw))}
				/>
			)}
			{type === 'boolean' ? (
				<Pick
					id={`${id}-value`}
					label={t('Value')}
					value={props.value === false ? 'false' : 'true'}
					options={[
						['true', translatable('yes')],
						['false', translatable('no')],
					]}
					onChange={(v) => props.onChange(v === 'true')}
				/>
			) : (
				<label class="grow">
					{t('Value')}
					<input
						id={`${id}-value`}
						dir="auto"
						type={type === 'number' ? 'number' : type === 'date' ? 'date' : 'text'}
						step={type === 'number' ? 'any' : undefined}
						value={type === 'date' ? raw.slice(0, 10) : raw}
						onInput={(e) => props.onChange(typed(type, value(e)))}
					/>
				</label>
			)}
		</>
	);
}
