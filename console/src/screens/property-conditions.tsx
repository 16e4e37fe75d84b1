import type { PropertyCondition } from '#wire';
import { sprintf, value } from '../ui/format';
import { useT } from '../ui/parts';
import { OP_LABELS, Pick, ValueInput } from './condition-fields';
import { changeOp } from './filter-tree';

/**
 * Conditions on an event's properties (all must hold): property, operator and value each, a remove button, and a
 * button that adds one while fewer than `max`. `ops` are the operators the API takes there.
 */
export function PropertyConditions<C extends PropertyCondition>(props: {
	id: string;
	where: C[];
	ops: Array<C['op']>;
	max: number;
	onChange: (where: C[]) => void;
}) {
	const t = useT();
	const { id, where } = props;
	const put = (i: number, c: C) => props.onChange(where.map((x, j) => (j === i ? c : x)));
	return (
		<>
			{where.length > 0 && (
				<ul class="props" aria-label={t('Property conditions')}>
					{where.map((w, i) => (
						<li key={i} class="cond-fields">
							<label>
								{sprintf(t('Property %d'), i + 1)}
								<input
									id={`${id}-prop-${i}`}
									spellcheck={false}
									value={w.property}
									onInput={(e) => put(i, { ...w, property: value(e) })}
								/>
							</label>
							<Pick
								id={`${id}-prop-${i}-op`}
								label={t('Operator')}
								value={w.op}
								options={props.ops.map((o) => [o, OP_LABELS[o] ?? o])}
								onChange={(op) => put(i, changeOp(w, op))}
							/>
							<ValueInput
								id={`${id}-prop-${i}`}
								op={w.op}
								value={w.value}
								dates={false}
								onChange={(v) => put(i, { ...w, value: v as C['value'] })}
							/>
							<button
								type="button"
								class="link"
								aria-label={sprintf(t('Remove property condition %d'), i + 1)}
								onClick={() => props.onChange(where.filter((_, j) => j !== i))}
							>
								{t('Remove')}
							</button>
						</li>
					))}
				</ul>
			)}
			{where.length < props.max && (
				<button
					type="button"
					class="link align-start"
					onClick={() => props.onChange([...where, { property: '', op: 'eq', value: '' } as C])}
				>
					{t('Add a property condition')}
				</button>
			)}
		</>
	);
}
