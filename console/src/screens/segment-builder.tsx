import { useState } from 'preact/hooks';
import type {
	AttributeLeaf,
	Category,
	EventLeaf,
	Filter,
	PropertyCondition,
	SegmentView,
	SubscriberStatus,
	TimeCondition,
} from '#wire';
import { sprintf, translatable, value } from '../ui/format';
import { BROWSERS, subscriberStatusLabel } from '../ui/labels';
import { useT } from '../ui/parts';
import { DurationInput, OP_LABELS, Pick, ValueInput } from './condition-fields';
import {
	ATTRIBUTE_OPS,
	asRoot,
	changeOp,
	childrenOf,
	eventParts,
	fresh,
	type Group,
	kindOf,
	PROPERTY_OPS,
	type RowKind,
	splitDuration,
	type TimeOp,
	textList,
	timeOp,
	unwrapNot,
	withChildren,
} from './filter-tree';
import { PropertyConditions } from './property-conditions';

// The visual editor of a segment's filter tree (docs/SEGMENTS.md): a group (all/any) of rows, each a condition
// with a "not" toggle, groups nested inside; or the whole tree as JSON.

const KINDS: Array<[RowKind, string]> = [
	['attribute', translatable('User attribute')],
	['event', translatable('Event')],
	['status', translatable('Permission status')],
	['browser', translatable('Browser')],
	['os', translatable('Operating system')],
	['locale', translatable('Language')],
	['timezone', translatable('Time zone')],
	['category', translatable('Topic')],
	['createdAt', translatable('Subscribed')],
	['lastSeenAt', translatable('Last seen')],
	['lastUrl', translatable('Last visited page')],
	['identified', translatable('Signed in')],
	['hasDevice', translatable('Has a subscribed device')],
	['test', translatable('Tester')],
	['segment', translatable('In a saved segment')],
	['group', translatable('Group of conditions')],
];

const STATUSES: SubscriberStatus[] = ['allowed', 'ask', 'blocked', 'unsupported', 'suspended'];

const OSES: Array<[string, string]> = [
	['android', translatable('Android')],
	['ios', translatable('iOS')],
	['windows', translatable('Windows')],
	['macos', translatable('macOS')],
	['linux', translatable('Linux')],
	['chromeos', translatable('ChromeOS')],
	['other', translatable('Other')],
];

const COUNT_OPS: Array<[NonNullable<EventLeaf['count']>['op'], string]> = [
	['gte', translatable('at least')],
	['eq', translatable('exactly')],
	['gt', translatable('more than')],
	['lt', translatable('fewer than')],
	['lte', translatable('at most')],
];

/** What every row needs besides its node. */
interface Ctx {
	categories: Category[];
	segments: SegmentView[];
	/** The path (`.all[1]`) of the row the API refused, from its 400 message. */
	invalid: string | null;
	invalidMessage: string;
}

/** The part of an API 400 message naming a node of the filter: `filter.all[1].value: …` → `.all[1].value`. */
export function errorPath(message: string): string | null {
	const m = /^(?:audience\.)?filter((?:\.[A-Za-z]+|\[\d+\])*)\s*:/.exec(message);
	return m ? (m[1] ?? '') : null;
}

/** The visual builder (or JSON) of a filter. */
export function FilterBuilder(props: {
	filter: Filter;
	onChange: (f: Filter) => void;
	categories: Category[];
	segments: SegmentView[];
	error: string;
}) {
	const t = useT();
	const [asJson, setAsJson] = useState(false);
	const [text, setText] = useState('');
	const [jsonError, setJsonError] = useState('');
	const path = props.error ? errorPath(props.error) : null;
	const ctx: Ctx = {
		categories: props.categories,
		segments: props.segments,
		invalid: path,
		invalidMessage: props.error,
	};
	return (
		<div class="builder" data-testid="builder">
			<div class="builder-mode">
				<label class="check">
					<input
						type="checkbox"
						id="builder-json"
						checked={asJson}
						onChange={(e) => {
							const on = (e.target as HTMLInputElement).checked;
							if (on) setText(JSON.stringify(props.filter, null, 2));
							setJsonError('');
							setAsJson(on);
						}}
					/>
					{t('Edit as JSON')}
				</label>
			</div>
			{asJson ? (
				<div class="form">
					<label>
						{t('Filter (JSON)')} <span class="hint">{t('the filter language of docs/SEGMENTS.md')}</span>
						<textarea
							id="filter-json"
							class="mono"
							rows={14}
							spellcheck={false}
							value={text}
							aria-invalid={jsonError ? 'true' : undefined}
							aria-describedby={jsonError ? 'filter-json-error' : undefined}
							onInput={(e) => {
								const raw = value(e);
								setText(raw);
								try {
									const parsed = JSON.parse(raw) as unknown;
									if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
										throw new Error('not an object');
									setJsonError('');
									props.onChange(parsed as Filter);
								} catch {
									setJsonError(t('Not valid JSON yet: the builder keeps the last valid filter.'));
								}
							}}
						/>
					</label>
					{jsonError && (
						<p id="filter-json-error" class="notice notice-warning">
							{jsonError}
						</p>
					)}
				</div>
			) : (
				<GroupEditor
					group={asRoot(props.filter)}
					onChange={props.onChange}
					ctx={ctx}
					path=""
					depth={0}
					negated={false}
				/>
			)}
		</div>
	);
}

/** An all/any group: its combinator, its rows and the buttons that add rows and groups. */
function GroupEditor(props: {
	group: Group;
	onChange: (g: Group) => void;
	ctx: Ctx;
	path: string;
	depth: number;
	negated: boolean;
}) {
	const t = useT();
	const { group, ctx, path, depth } = props;
	const mode = 'all' in group ? 'all' : 'any';
	const rows = childrenOf(group);
	const [adding, setAdding] = useState<RowKind>('attribute');
	const id = `g${path.replace(/[^a-z0-9]+/gi, '-')}`;
	const set = (children: Filter[]) => props.onChange(withChildren(group, children));
	return (
		<div class={`group group-depth-${depth}`} data-path={path}>
			<label class="group-mode">
				<span>{depth === 0 ? t('Subscribers who match') : t('Match')}</span>
				<select
					id={`${id}-mode`}
					value={mode}
					onChange={(e) => props.onChange(value(e) === 'all' ? { all: rows } : ({ any: rows } as Group))}
				>
					<option value="all">{t('all of these conditions')}</option>
					<option value="any">{t('any of these conditions')}</option>
				</select>
			</label>
			{rows.length === 0 && <p class="muted small">{t('No conditions yet: this matches everyone.')}</p>}
			<ol class="conds">
				{rows.map((row, i) => (
					<RowEditor
						key={i}
						node={row}
						index={i}
						path={`${path}.${mode}[${i}]`}
						depth={depth}
						ctx={ctx}
						onChange={(next) => set(rows.map((r, j) => (j === i ? next : r)))}
						onRemove={() => set(rows.filter((_, j) => j !== i))}
					/>
				))}
			</ol>
			<div class="group-add">
				<label>
					<span class="sr-only">{t('Kind of condition to add')}</span>
					<select id={`${id}-add-kind`} value={adding} onChange={(e) => setAdding(value(e) as RowKind)}>
						{KINDS.filter(([k]) => k !== 'group' || depth < 2).map(([k, label]) => (
							<option key={k} value={k}>
								{t(label)}
							</option>
						))}
					</select>
				</label>
				<button
					type="button"
					data-testid="add-condition"
					onClick={() =>
						set([
							...rows,
							fresh(
								adding,
								ctx.segments.map((s) => s.segmentId),
							),
						])
					}
				>
					{t('Add condition')}
				</button>
			</div>
		</div>
	);
}

/** One row: its kind, "not", its fields and a remove button. */
function RowEditor(props: {
	node: Filter;
	index: number;
	path: string;
	depth: number;
	ctx: Ctx;
	onChange: (f: Filter) => void;
	onRemove: () => void;
}) {
	const t = useT();
	const { ctx, index } = props;
	const [node, negated] = unwrapNot(props.node);
	const kind = kindOf(node);
	const innerPath = negated ? `${props.path}.not` : props.path;
	const id = `r${props.path.replace(/[^a-z0-9]+/gi, '-')}`;
	const set = (f: Filter) => props.onChange(negated ? { not: f } : f);
	const invalid =
		ctx.invalid !== null &&
		(ctx.invalid === props.path ||
			ctx.invalid.startsWith(`${props.path}.`) ||
			ctx.invalid.startsWith(`${props.path}[`)) &&
		// a row inside a nested group shows it, not the group's row
		!(kind === 'group' && /\.(all|any)\[\d+\]/.test(ctx.invalid.slice(innerPath.length)));
	return (
		<li class={`cond${invalid ? ' cond-invalid' : ''}`} data-path={props.path} data-kind={kind}>
			<div class="cond-head">
				<span class="cond-n" aria-hidden="true">
					{index + 1}
				</span>
				<label class="cond-kind">
					<span class="sr-only">{sprintf(t('Condition %d'), index + 1)}</span>
					<select
						id={`${id}-kind`}
						value={kind}
						onChange={(e) =>
							set(
								fresh(
									value(e) as RowKind,
									ctx.segments.map((s) => s.segmentId),
								),
							)
						}
					>
						{kind === 'json' && <option value="json">{t('Other (JSON)')}</option>}
						{KINDS.filter(([k]) => k !== 'group' || props.depth < 2 || kind === 'group').map(([k, label]) => (
							<option key={k} value={k}>
								{t(label)}
							</option>
						))}
					</select>
				</label>
				<label class="check cond-not">
					<input
						type="checkbox"
						id={`${id}-not`}
						checked={negated}
						onChange={(e) => props.onChange((e.target as HTMLInputElement).checked ? { not: node } : node)}
					/>
					{t('not')}
				</label>
				<button
					type="button"
					class="link cond-remove"
					aria-label={sprintf(t('Remove condition %d'), index + 1)}
					onClick={props.onRemove}
				>
					{t('Remove')}
				</button>
			</div>
			<div class="cond-body">
				<LeafEditor
					node={node}
					kind={kind}
					id={id}
					set={set}
					ctx={ctx}
					depth={props.depth}
					path={innerPath}
				/>
			</div>
			{invalid && (
				<p class="cond-error" data-testid="row-error">
					{ctx.invalidMessage}
				</p>
			)}
		</li>
	);
}

/** Checkboxes for a list leaf (statuses, browsers, topics). */
function Checks(props: {
	legend: string;
	options: Array<[string, string]>;
	chosen: string[];
	onChange: (chosen: string[]) => void;
}) {
	return (
		<fieldset class="checks">
			<legend class="sr-only">{props.legend}</legend>
			{props.options.map(([v, label]) => (
				<label class="check" key={v}>
					<input
						type="checkbox"
						checked={props.chosen.includes(v)}
						onChange={(e) =>
							props.onChange(
								(e.target as HTMLInputElement).checked
									? [...props.chosen, v]
									: props.chosen.filter((x) => x !== v),
							)
						}
					/>
					<span dir="auto">{label}</span>
				</label>
			))}
		</fieldset>
	);
}

/** The fields of one leaf. */
function LeafEditor(props: {
	node: Filter;
	kind: RowKind;
	id: string;
	set: (f: Filter) => void;
	ctx: Ctx;
	depth: number;
	path: string;
}) {
	const t = useT();
	const { node, id, set, ctx } = props;
	const f = node as Record<string, unknown>;
	switch (props.kind) {
		case 'status':
			return (
				<Checks
					legend={t('Permission status')}
					options={STATUSES.map((s) => [s, subscriberStatusLabel(t, s)])}
					chosen={f.status as string[]}
					onChange={(v) => set({ status: v as SubscriberStatus[] })}
				/>
			);
		case 'browser':
			return (
				<Checks
					legend={t('Browser')}
					options={BROWSERS.map(([b, label]) => [b, t(label)])}
					chosen={f.browser as string[]}
					onChange={(v) => set({ browser: v })}
				/>
			);
		case 'os':
			return (
				<Checks
					legend={t('Operating system')}
					options={OSES.map(([o, label]) => [o, t(label)])}
					chosen={f.os as string[]}
					onChange={(v) => set({ os: v })}
				/>
			);
		case 'category':
			return ctx.categories.length === 0 ? (
				<p class="muted small">{t('The site has no topics yet (Prompt & widget).')}</p>
			) : (
				<Checks
					legend={t('Topic')}
					options={ctx.categories.map((c) => [c.id, c.label])}
					chosen={f.category as string[]}
					onChange={(v) => set({ category: v })}
				/>
			);
		case 'locale':
		case 'timezone': {
			const key = props.kind;
			return (
				<label class="grow">
					{key === 'locale' ? t('Languages') : t('Time zones')}{' '}
					<span class="hint">
						{key === 'locale'
							? t('comma-separated, e.g. de, pt-BR')
							: t('comma-separated, e.g. Europe/Berlin')}
					</span>
					<input
						id={`${id}-list`}
						spellcheck={false}
						value={(f[key] as string[]).join(', ')}
						onInput={(e) => set({ [key]: textList(value(e)) } as Filter)}
					/>
				</label>
			);
		}
		case 'createdAt':
		case 'lastSeenAt': {
			const key = props.kind;
			const [op, raw] = timeOp(f[key] as TimeCondition);
			const put = (c: TimeCondition) => set({ [key]: c } as Filter);
			return (
				<div class="cond-fields">
					<Pick<TimeOp>
						id={`${id}-op`}
						label={t('When')}
						value={op}
						options={(['within', 'notWithin', 'before', 'after'] as const).map((o) => [o, OP_LABELS[o] ?? o])}
						onChange={(o) =>
							put(
								o === 'within' || o === 'notWithin'
									? ({ [o]: splitDuration(raw) ? raw : '30d' } as TimeCondition)
									: ({ [o]: splitDuration(raw) ? '' : raw } as TimeCondition),
							)
						}
					/>
					{op === 'within' || op === 'notWithin' ? (
						<DurationInput
							id={id}
							label={t('How long')}
							value={raw}
							onChange={(d) => put({ [op]: d } as TimeCondition)}
						/>
					) : (
						<label>
							{t('Date')}
							<input
								id={`${id}-date`}
								type="date"
								value={raw.slice(0, 10)}
								onInput={(e) => put({ [op]: value(e) } as TimeCondition)}
							/>
						</label>
					)}
				</div>
			);
		}
		case 'lastUrl': {
			const cond = f.lastUrl as Record<string, string>;
			const [op, text] = Object.entries(cond)[0] ?? ['contains', ''];
			return (
				<div class="cond-fields">
					<Pick
						id={`${id}-op`}
						label={t('Match')}
						value={op}
						options={(['eq', 'startsWith', 'contains'] as const).map((o) => [
							o,
							o === 'eq' ? translatable('equals') : (OP_LABELS[o] ?? o),
						])}
						onChange={(o) => set({ lastUrl: { [o]: text } } as Filter)}
					/>
					<label class="grow">
						{t('Page address')}
						<input
							id={`${id}-url`}
							spellcheck={false}
							value={text}
							onInput={(e) => set({ lastUrl: { [op]: value(e) } } as Filter)}
						/>
					</label>
				</div>
			);
		}
		case 'identified':
		case 'hasDevice':
		case 'test': {
			const key = props.kind;
			const labels: Record<string, [string, string]> = {
				identified: [translatable('is signed in'), translatable('is anonymous')],
				hasDevice: [translatable('has a subscribed device'), translatable('has no subscribed device')],
				test: [translatable('is a tester'), translatable('is not a tester')],
			};
			const [yes, no] = labels[key] ?? ['', ''];
			return (
				<Pick
					id={`${id}-bool`}
					label={t('Condition')}
					hideLabel
					value={f[key] === false ? 'false' : 'true'}
					options={[
						['true', yes],
						['false', no],
					]}
					onChange={(v) => set({ [key]: v === 'true' } as Filter)}
				/>
			);
		}
		case 'segment':
			return (
				<label class="grow">
					{t('Saved segment')}
					<select
						id={`${id}-segment`}
						value={f.segment as string}
						onChange={(e) => set({ segment: value(e) })}
					>
						{!ctx.segments.some((s) => s.segmentId === f.segment) && (
							<option value={f.segment as string}>{(f.segment as string) || t('(choose)')}</option>
						)}
						{ctx.segments.map((s) => (
							<option key={s.segmentId} value={s.segmentId}>
								{s.name}
							</option>
						))}
					</select>
				</label>
			);
		case 'attribute':
			return <AttributeEditor leaf={node as AttributeLeaf} id={id} set={set} />;
		case 'event':
			return <EventEditor leaf={node as EventLeaf} id={id} set={set} />;
		case 'group':
			return (
				<GroupEditor
					group={node as Group}
					onChange={set}
					ctx={ctx}
					path={props.path}
					depth={props.depth + 1}
					negated={false}
				/>
			);
		default:
			return <JsonLeaf node={node} id={id} set={set} />;
	}
}

/** Attribute name, operator and a value typed by the operator. */
function AttributeEditor({ leaf, id, set }: { leaf: AttributeLeaf; id: string; set: (f: Filter) => void }) {
	const t = useT();
	return (
		<div class="cond-fields">
			<label>
				{t('Attribute')}
				<input
					id={`${id}-attr`}
					spellcheck={false}
					autocomplete="off"
					placeholder={t('e.g. plan')}
					value={leaf.attribute}
					onInput={(e) => set({ ...leaf, attribute: value(e) })}
				/>
			</label>
			<Pick
				id={`${id}-op`}
				label={t('Operator')}
				value={leaf.op}
				options={ATTRIBUTE_OPS.map((o) => [o, OP_LABELS[o] ?? o])}
				onChange={(op) => set(changeOp(leaf, op))}
			/>
			<ValueInput
				id={id}
				op={leaf.op}
				value={leaf.value}
				dates
				onChange={(v) => set({ ...leaf, value: v })}
			/>
		</div>
	);
}

/** Event name, how often, in what window, and conditions on its properties. */
function EventEditor({ leaf, id, set }: { leaf: EventLeaf; id: string; set: (f: Filter) => void }) {
	const t = useT();
	const { count, within, where } = eventParts(leaf);
	const setWhere = (next: PropertyCondition[]) => {
		const copy: EventLeaf = { ...leaf, where: next };
		if (next.length === 0) delete copy.where;
		set(copy);
	};
	return (
		<div class="cond-stack">
			<div class="cond-fields">
				<label>
					{t('Event name')}
					<input
						id={`${id}-event`}
						spellcheck={false}
						autocomplete="off"
						placeholder={t('e.g. purchase')}
						value={leaf.event}
						onInput={(e) => set({ ...leaf, event: value(e) })}
					/>
				</label>
				<Pick
					id={`${id}-count-op`}
					label={t('Times')}
					value={count.op}
					options={COUNT_OPS}
					onChange={(op) => set({ ...leaf, count: { ...count, op } })}
				/>
				<label class="narrow">
					{t('Count')}
					<input
						id={`${id}-count`}
						type="number"
						min={0}
						max={10000}
						inputMode="numeric"
						value={String(count.value)}
						onInput={(e) => set({ ...leaf, count: { ...count, value: Number(value(e)) } })}
					/>
				</label>
				<label class="check cond-within">
					<input
						type="checkbox"
						id={`${id}-within-on`}
						checked={within !== null}
						onChange={(e) => {
							const copy = { ...leaf };
							if ((e.target as HTMLInputElement).checked) copy.within = '30d';
							else delete copy.within;
							set(copy);
						}}
					/>
					{t('only recently')}
				</label>
				{within && (
					<DurationInput
						id={`${id}-within`}
						label={t('In the last')}
						value={leaf.within ?? ''}
						onChange={(d) => set({ ...leaf, within: d as EventLeaf['within'] })}
					/>
				)}
			</div>
			<PropertyConditions id={id} where={where} ops={PROPERTY_OPS} max={5} onChange={setWhere} />
		</div>
	);
}

/** A node the builder has no row for, as JSON. */
function JsonLeaf({ node, id, set }: { node: Filter; id: string; set: (f: Filter) => void }) {
	const t = useT();
	const [text, setText] = useState(() => JSON.stringify(node));
	return (
		<label class="grow">
			{t('Condition (JSON)')}
			<textarea
				id={`${id}-json`}
				class="mono"
				rows={2}
				spellcheck={false}
				value={text}
				onInput={(e) => {
					setText(value(e));
					try {
						set(JSON.parse(value(e)) as Filter);
					} catch {
						// keep the last valid node until the text parses
					}
				}}
			/>
		</label>
	);
}
