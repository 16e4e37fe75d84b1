import type { AttributeLeaf, EventLeaf, Filter, PropertyCondition, TimeCondition } from '#wire';

// The segment builder's view of a filter tree (docs/SEGMENTS.md): which kind of row a node is, a fresh node of
// each kind, and the small conversions its inputs need. The builder edits the Filter itself, so "Edit as JSON"
// shows exactly what is saved.

/** The kinds of rows the builder draws. `json` is any node it has no row for (edited as JSON in place). */
export type RowKind =
	| 'status'
	| 'browser'
	| 'os'
	| 'locale'
	| 'timezone'
	| 'category'
	| 'createdAt'
	| 'lastSeenAt'
	| 'lastUrl'
	| 'attribute'
	| 'event'
	| 'identified'
	| 'hasDevice'
	| 'test'
	| 'segment'
	| 'group'
	| 'json';

/** A group node: `{all: […]}` or `{any: […]}`. */
export type Group = { all: Filter[] } | { any: Filter[] };

const has = (f: unknown, key: string) => typeof f === 'object' && f !== null && key in f;

/** Whether a node is an all/any group. */
export const isGroup = (f: Filter): f is Group =>
	(has(f, 'all') && Array.isArray((f as { all: unknown }).all)) ||
	(has(f, 'any') && Array.isArray((f as { any: unknown }).any));

/** The children of a group. */
export const childrenOf = (g: Group): Filter[] => ('all' in g ? g.all : g.any);

/** A group with the same combinator and other children. */
export const withChildren = (g: Group, children: Filter[]): Group =>
	'all' in g ? { all: children } : { any: children };

/** Splits a row into its node and whether it is negated (`{not: x}` → x, true). */
export function unwrapNot(f: Filter): [Filter, boolean] {
	if (has(f, 'not') && Object.keys(f).length === 1) return [(f as { not: Filter }).not, true];
	return [f, false];
}

/** The row kind of a (non-negated) node. */
export function kindOf(f: Filter): RowKind {
	if (typeof f !== 'object' || f === null || Array.isArray(f)) return 'json';
	if (isGroup(f)) return 'group';
	if (has(f, 'attribute')) return 'attribute';
	if (has(f, 'event')) return 'event';
	const keys = Object.keys(f);
	if (keys.length !== 1) return 'json';
	const key = keys[0] as RowKind;
	const simple: RowKind[] = [
		'status',
		'browser',
		'os',
		'locale',
		'timezone',
		'category',
		'createdAt',
		'lastSeenAt',
		'lastUrl',
		'identified',
		'hasDevice',
		'test',
		'segment',
	];
	return simple.includes(key) ? key : 'json';
}

/** A fresh node of a kind. */
export function fresh(kind: RowKind, segments: string[] = []): Filter {
	switch (kind) {
		case 'status':
			return { status: ['allowed'] };
		case 'browser':
			return { browser: ['chrome'] };
		case 'os':
			return { os: ['android'] };
		case 'locale':
			return { locale: [] };
		case 'timezone':
			return { timezone: [] };
		case 'category':
			return { category: [] };
		case 'createdAt':
			return { createdAt: { within: '30d' } };
		case 'lastSeenAt':
			return { lastSeenAt: { within: '30d' } };
		case 'lastUrl':
			return { lastUrl: { contains: '' } };
		case 'attribute':
			return { attribute: '', op: 'eq', value: '' };
		case 'event':
			return { event: '', count: { op: 'gte', value: 1 } };
		case 'identified':
			return { identified: true };
		case 'hasDevice':
			return { hasDevice: true };
		case 'test':
			return { test: true };
		case 'segment':
			return { segment: segments[0] ?? '' };
		case 'group':
			return { any: [{ status: ['allowed'] }] };
		default:
			return { all: [] };
	}
}

/** A duration (`7d`) split into its number and unit; null when it is not one. */
export function splitDuration(d: string | undefined): { n: string; unit: 'm' | 'h' | 'd' } | null {
	const m = /^(\d*)([mhd])$/.exec(d ?? '');
	return m ? { n: m[1] ?? '', unit: m[2] as 'm' | 'h' | 'd' } : null;
}

/** Which time condition a created/last-seen node uses. */
export type TimeOp = 'within' | 'notWithin' | 'before' | 'after';

/** The operator and raw value of a time condition. */
export function timeOp(c: TimeCondition): [TimeOp, string] {
	const [op, v] = Object.entries(c)[0] ?? ['within', ''];
	return [op as TimeOp, String(v ?? '')];
}

/** The value types the builder can type into an attribute or property value. */
export type ValueType = 'text' | 'number' | 'boolean' | 'date';

/** The type of a stored value. */
export function typeOf(v: AttributeLeaf['value']): ValueType {
	if (typeof v === 'number') return 'number';
	if (typeof v === 'boolean') return 'boolean';
	if (typeof v === 'object' && v !== null && !Array.isArray(v)) return 'date';
	return 'text';
}

/** A value of a type from what was typed (numbers stay text while they are not numbers yet, so the API says so). */
export function typed(type: ValueType, raw: string): string | number | boolean | { date: string } {
	switch (type) {
		case 'number':
			return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
		case 'boolean':
			return raw === 'true';
		case 'date':
			return { date: raw };
		default:
			return raw;
	}
}

/** What an input shows for a stored value. */
export function rawOf(v: AttributeLeaf['value'] | PropertyCondition['value']): string {
	if (v === undefined || v === null) return '';
	if (Array.isArray(v)) return v.join(', ');
	if (typeof v === 'object') return v.date;
	return String(v);
}

/** A comma-separated list as strings, or numbers when every entry is one. */
export function listOf(raw: string): Array<string | number> {
	const items = raw
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	return items.length > 0 && items.every((s) => Number.isFinite(Number(s))) ? items.map(Number) : items;
}

/** Comma-separated text of strings (locales, time zones). */
export const textList = (raw: string): string[] =>
	raw
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);

/** Operators of attribute rows, by the value they take. */
export const ATTRIBUTE_OPS: AttributeLeaf['op'][] = [
	'eq',
	'ne',
	'gt',
	'gte',
	'lt',
	'lte',
	'contains',
	'in',
	'exists',
	'within',
	'withinNext',
	'before',
	'after',
];

/** Operators of event property conditions. */
export const PROPERTY_OPS: PropertyCondition['op'][] = [
	'eq',
	'ne',
	'gt',
	'gte',
	'lt',
	'lte',
	'contains',
	'in',
	'exists',
];

/** An attribute or property row with another operator: keeps the value when it still fits. */
export function changeOp<T extends AttributeLeaf | PropertyCondition>(leaf: T, op: T['op']): T {
	const next = { ...leaf, op } as T;
	const type = typeOf(leaf.value as AttributeLeaf['value']);
	switch (op) {
		case 'exists':
			delete next.value;
			break;
		case 'in':
			next.value = Array.isArray(leaf.value) ? leaf.value : listOf(rawOf(leaf.value));
			break;
		case 'within':
		case 'withinNext':
			next.value = typeof leaf.value === 'string' && splitDuration(leaf.value) ? leaf.value : '30d';
			break;
		case 'before':
		case 'after':
			next.value = type === 'date' ? leaf.value : { date: '' };
			break;
		case 'gt':
		case 'gte':
		case 'lt':
		case 'lte':
			next.value =
				type === 'number' || type === 'date' ? leaf.value : typed('number', rawOf(leaf.value as never));
			break;
		case 'contains':
			next.value = rawOf(leaf.value as never);
			break;
		default:
			next.value = Array.isArray(leaf.value) || leaf.value === undefined ? '' : leaf.value;
	}
	return next;
}

/** An event row's fields, each defaulted. */
export function eventParts(e: EventLeaf) {
	return {
		count: e.count ?? { op: 'gte' as const, value: 1 },
		within: splitDuration(e.within),
		where: e.where ?? [],
	};
}

/** The root the builder draws: a group (a bare leaf is shown as a group of one). */
export const asRoot = (f: Filter): Group => (isGroup(f) ? f : { all: [f] });
