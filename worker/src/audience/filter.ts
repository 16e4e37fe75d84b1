import type {
	AttributeLeaf,
	CompareOp,
	Duration,
	EventLeaf,
	Filter,
	PropertyCondition,
	SubscriberStatus,
	TimeCondition,
} from '#wire';

// The segment filter language (docs/SEGMENTS.md): the shape check that needs no data. What depends on the site
// (attribute types, saved segments) is checked when a filter is compiled against the site's store.

export type { Filter } from '#wire';

/** Deepest nesting of combinators and leaves (a leaf at the top is depth 1). */
export const MAX_DEPTH = 6;
/** Most nodes in one filter, saved segments it references expanded. */
export const MAX_NODES = 50;
const MAX_CHILDREN = 20;
const MAX_LIST = 100;
const MAX_TEXT = 1024;
const MAX_DURATION_MINUTES = 3650 * 1440;

export const STATUSES: readonly SubscriberStatus[] = [
	'ask',
	'allowed',
	'blocked',
	'unsupported',
	'suspended',
];
const LIST_LEAVES = ['status', 'browser', 'os', 'locale', 'timezone', 'category'] as const;
const FLAG_LEAVES = ['identified', 'hasDevice', 'test'] as const;
const TIME_LEAVES = ['createdAt', 'lastSeenAt'] as const;
const COMPARE_OPS: readonly CompareOp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'];
const ATTRIBUTE_OPS: readonly AttributeLeaf['op'][] = [
	...COMPARE_OPS,
	'exists',
	'contains',
	'in',
	'within',
	'withinNext',
	'before',
	'after',
];
const PROPERTY_OPS: readonly PropertyCondition['op'][] = [...COMPARE_OPS, 'exists', 'contains', 'in'];
const COUNT_OPS = ['eq', 'gt', 'gte', 'lt', 'lte'] as const;
const KINDS = [
	'all',
	'any',
	'not',
	...LIST_LEAVES,
	...FLAG_LEAVES,
	...TIME_LEAVES,
	'lastUrl',
	'segment',
	'attribute',
	'event',
];
const ATTRIBUTE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const SEGMENT_ID = /^seg_[A-Za-z0-9_-]{1,40}$/;

/** A filter problem: the path of the node at fault (as zod paths are) and what is wrong with it. */
export class FilterError extends Error {
	constructor(
		readonly path: PropertyKey[],
		message: string,
	) {
		super(message);
	}
}

type Path = PropertyKey[];

/**
 * Checks the shape of a filter and returns it with only the known keys, or throws a FilterError naming the path.
 * Saved segments it references are counted as one node here; {@link countNodes} with them expanded is the
 * compiler's check.
 */
export function checkFilter(value: unknown, path: Path = []): Filter {
	const filter = node(value, path, 1);
	const n = countNodes(filter, () => null);
	if (n > MAX_NODES) throw new FilterError(path, `has ${n} nodes; at most ${MAX_NODES} are allowed`);
	return filter;
}

/**
 * Nodes of a filter; `resolve` expands saved segments (null: count the reference as one node). A segment met again
 * inside itself counts as one node: the compiler refuses the cycle.
 */
export function countNodes(
	filter: Filter,
	resolve: (id: string) => Filter | null,
	seen: readonly string[] = [],
): number {
	const sum = (list: Filter[]) => list.reduce((n, f) => n + countNodes(f, resolve, seen), 0);
	if ('all' in filter) return 1 + sum(filter.all);
	if ('any' in filter) return 1 + sum(filter.any);
	if ('not' in filter) return 1 + countNodes(filter.not, resolve, seen);
	if ('segment' in filter && !seen.includes(filter.segment)) {
		const inner = resolve(filter.segment);
		if (inner) return countNodes(inner, resolve, [...seen, filter.segment]);
	}
	return 1;
}

function node(value: unknown, path: Path, depth: number): Filter {
	if (depth > MAX_DEPTH) throw new FilterError(path, `is nested too deeply; at most ${MAX_DEPTH} levels`);
	const o = record(value, path, 'must be a filter object such as {"status": ["allowed"]}');
	const kind = KINDS.find((k) => k in o);
	if (kind === undefined) {
		const key = Object.keys(o)[0];
		throw key === undefined
			? new FilterError(path, 'must not be empty: use all, any, not or a leaf such as status')
			: new FilterError([...path, key], 'is not a known filter; see docs/SEGMENTS.md');
	}
	const at = (key: PropertyKey) => [...path, key];
	switch (kind) {
		case 'all':
		case 'any': {
			only(o, [kind], path);
			const list = o[kind];
			if (!Array.isArray(list) || list.length === 0 || list.length > MAX_CHILDREN) {
				throw new FilterError(at(kind), `must hold 1 to ${MAX_CHILDREN} filters`);
			}
			const children = list.map((child, i) => node(child, [...at(kind), i], depth + 1));
			return kind === 'all' ? { all: children } : { any: children };
		}
		case 'not':
			only(o, ['not'], path);
			return { not: node(o.not, at('not'), depth + 1) };
		case 'status': {
			only(o, ['status'], path);
			const list = stringList(o.status, at('status'), 32);
			list.forEach((s, i) => {
				if (!STATUSES.includes(s as SubscriberStatus)) {
					throw new FilterError([...at('status'), i], `must be one of ${STATUSES.join(', ')}`);
				}
			});
			return { status: list as SubscriberStatus[] };
		}
		case 'browser':
		case 'os':
		case 'locale':
		case 'timezone':
		case 'category': {
			only(o, [kind], path);
			const list = stringList(o[kind], at(kind), 64);
			return { [kind]: list } as Filter;
		}
		case 'identified':
		case 'hasDevice':
		case 'test': {
			only(o, [kind], path);
			if (typeof o[kind] !== 'boolean') throw new FilterError(at(kind), 'must be true or false');
			return { [kind]: o[kind] } as Filter;
		}
		case 'createdAt':
		case 'lastSeenAt':
			only(o, [kind], path);
			return { [kind]: timeCondition(o[kind], at(kind)) } as Filter;
		case 'lastUrl': {
			only(o, ['lastUrl'], path);
			const c = record(o.lastUrl, at('lastUrl'), 'must be {"eq"|"startsWith"|"contains": "…"}');
			const keys = Object.keys(c);
			const op = keys[0];
			if (keys.length !== 1 || (op !== 'eq' && op !== 'startsWith' && op !== 'contains')) {
				throw new FilterError(at('lastUrl'), 'must have exactly one of eq, startsWith, contains');
			}
			return { lastUrl: { [op]: text(c[op], [...at('lastUrl'), op]) } } as Filter;
		}
		case 'segment':
			only(o, ['segment'], path);
			if (typeof o.segment !== 'string' || !SEGMENT_ID.test(o.segment)) {
				throw new FilterError(at('segment'), 'must be a segment id such as seg_…');
			}
			return { segment: o.segment };
		case 'attribute':
			return attributeLeaf(o, path);
		default:
			return eventLeaf(o, path);
	}
}

function attributeLeaf(o: Record<string, unknown>, path: Path): AttributeLeaf {
	only(o, ['attribute', 'op', 'value'], path);
	const at = (key: PropertyKey) => [...path, key];
	if (typeof o.attribute !== 'string' || !ATTRIBUTE_NAME.test(o.attribute)) {
		throw new FilterError(at('attribute'), 'must be an attribute name: ^[a-z][a-z0-9_]{0,63}$');
	}
	const op = o.op as AttributeLeaf['op'];
	if (!ATTRIBUTE_OPS.includes(op))
		throw new FilterError(at('op'), `must be one of ${ATTRIBUTE_OPS.join(', ')}`);
	const leaf: AttributeLeaf = { attribute: o.attribute, op };
	const value = o.value;
	const valuePath = at('value');
	switch (op) {
		case 'exists':
			if (value !== undefined) throw new FilterError(valuePath, 'must be absent for exists');
			return leaf;
		case 'eq':
		case 'ne':
			leaf.value = scalarOrDate(value, valuePath);
			return leaf;
		case 'gt':
		case 'gte':
		case 'lt':
		case 'lte':
			if (typeof value === 'number' && Number.isFinite(value)) leaf.value = value;
			else if (isDateValue(value)) leaf.value = dateValue(value, valuePath);
			else throw new FilterError(valuePath, `must be a number or {"date": "<ISO-8601>"} for ${op}`);
			return leaf;
		case 'contains':
			leaf.value = text(value, valuePath);
			return leaf;
		case 'in':
			leaf.value = scalarList(value, valuePath);
			return leaf;
		case 'within':
		case 'withinNext':
			leaf.value = duration(value, valuePath);
			return leaf;
		default:
			if (!isDateValue(value)) throw new FilterError(valuePath, `must be {"date": "<ISO-8601>"} for ${op}`);
			leaf.value = dateValue(value, valuePath);
			return leaf;
	}
}

function eventLeaf(o: Record<string, unknown>, path: Path): EventLeaf {
	only(o, ['event', 'count', 'within', 'where'], path);
	const at = (key: PropertyKey) => [...path, key];
	if (typeof o.event !== 'string' || !EVENT_NAME.test(o.event)) {
		throw new FilterError(at('event'), 'must be an event name: ^[A-Za-z][A-Za-z0-9_.:-]{0,63}$');
	}
	const leaf: EventLeaf = { event: o.event };
	if (o.count !== undefined) {
		const c = record(o.count, at('count'), 'must be {"op": "gte", "value": 2}');
		only(c, ['op', 'value'], at('count'));
		const op = c.op as (typeof COUNT_OPS)[number];
		if (!COUNT_OPS.includes(op))
			throw new FilterError([...at('count'), 'op'], `must be one of ${COUNT_OPS.join(', ')}`);
		const n = c.value;
		if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 10_000) {
			throw new FilterError([...at('count'), 'value'], 'must be a whole number from 0 to 10000');
		}
		leaf.count = { op, value: n };
	}
	if (o.within !== undefined) leaf.within = duration(o.within, at('within'));
	if (o.where !== undefined) {
		if (!Array.isArray(o.where) || o.where.length === 0 || o.where.length > 5) {
			throw new FilterError(at('where'), 'must hold 1 to 5 property conditions');
		}
		leaf.where = o.where.map((w, i) => propertyCondition(w, [...at('where'), i]));
	}
	return leaf;
}

function propertyCondition(value: unknown, path: Path): PropertyCondition {
	const o = record(value, path, 'must be {"property": "…", "op": "…", "value": …}');
	only(o, ['property', 'op', 'value'], path);
	const at = (key: PropertyKey) => [...path, key];
	if (typeof o.property !== 'string' || o.property.length === 0 || o.property.length > 64) {
		throw new FilterError(at('property'), 'must be a property name of 1 to 64 characters');
	}
	const op = o.op as PropertyCondition['op'];
	if (!PROPERTY_OPS.includes(op))
		throw new FilterError(at('op'), `must be one of ${PROPERTY_OPS.join(', ')}`);
	const condition: PropertyCondition = { property: o.property, op };
	const valuePath = at('value');
	if (op === 'exists') {
		if (o.value !== undefined) throw new FilterError(valuePath, 'must be absent for exists');
	} else if (op === 'eq' || op === 'ne') {
		const v = o.value;
		if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) condition.value = v;
		else condition.value = text(v, valuePath);
	} else if (op === 'contains') {
		condition.value = text(o.value, valuePath);
	} else if (op === 'in') {
		condition.value = scalarList(o.value, valuePath);
	} else {
		if (typeof o.value !== 'number' || !Number.isFinite(o.value)) {
			throw new FilterError(valuePath, `must be a number for ${op}`);
		}
		condition.value = o.value;
	}
	return condition;
}

function timeCondition(value: unknown, path: Path): TimeCondition {
	const o = record(
		value,
		path,
		'must be {"within": "30d"}, {"notWithin": …}, {"before": ISO} or {"after": ISO}',
	);
	const keys = Object.keys(o);
	const key = keys[0];
	if (keys.length !== 1 || (key !== 'within' && key !== 'notWithin' && key !== 'before' && key !== 'after')) {
		throw new FilterError(path, 'must have exactly one of within, notWithin, before, after');
	}
	if (key === 'within' || key === 'notWithin')
		return { [key]: duration(o[key], [...path, key]) } as TimeCondition;
	return { [key]: isoTime(o[key], [...path, key]) } as TimeCondition;
}

// ---- values ------------------------------------------------------------------------------------------------------

/** Minutes in a duration such as `30m`, `12h` or `7d`. */
export function durationMinutes(d: Duration): number {
	const n = Number(d.slice(0, -1));
	const unit = d.at(-1);
	return unit === 'd' ? n * 1440 : unit === 'h' ? n * 60 : n;
}

function duration(value: unknown, path: Path): Duration {
	const match = typeof value === 'string' ? /^([1-9][0-9]{0,6})([mhd])$/.exec(value) : null;
	if (!match || durationMinutes(value as Duration) > MAX_DURATION_MINUTES) {
		throw new FilterError(path, 'must be a duration from 1m to 3650d, such as 30m, 12h or 7d');
	}
	return value as Duration;
}

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function isoTime(value: unknown, path: Path): string {
	if (typeof value !== 'string' || !ISO.test(value) || Number.isNaN(Date.parse(value))) {
		throw new FilterError(path, 'must be an ISO-8601 time such as 2026-12-01 or 2026-12-01T09:30:00Z');
	}
	return value;
}

function isDateValue(value: unknown): value is { date: unknown } {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && 'date' in value;
}

function dateValue(value: { date: unknown }, path: Path): { date: string } {
	if (Object.keys(value).length !== 1) throw new FilterError(path, 'must be {"date": "<ISO-8601>"}');
	return { date: isoTime(value.date, [...path, 'date']) };
}

function scalarOrDate(value: unknown, path: Path): string | number | boolean | { date: string } {
	if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
	if (isDateValue(value)) return dateValue(value, path);
	if (typeof value === 'string') return text(value, path);
	throw new FilterError(path, 'must be a string, number, boolean or {"date": "<ISO-8601>"}');
}

function text(value: unknown, path: Path): string {
	if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT) {
		throw new FilterError(path, `must be a string of 1 to ${MAX_TEXT} characters`);
	}
	return value;
}

function stringList(value: unknown, path: Path, max: number): string[] {
	if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST) {
		throw new FilterError(path, `must be a list of 1 to ${MAX_LIST} values`);
	}
	return value.map((v, i) => {
		if (typeof v !== 'string' || v.length === 0 || v.length > max) {
			throw new FilterError([...path, i], `must be a string of 1 to ${max} characters`);
		}
		return v;
	});
}

function scalarList(value: unknown, path: Path): Array<string | number> {
	if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST) {
		throw new FilterError(path, `must be a list of 1 to ${MAX_LIST} strings or numbers`);
	}
	return value.map((v, i) => {
		if (typeof v === 'number' && Number.isFinite(v)) return v;
		return text(v, [...path, i]);
	});
}

function record(value: unknown, path: Path, message: string): Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw new FilterError(path, message);
	return value as Record<string, unknown>;
}

/** Refuses keys beside the node's own (`{"status": […], "os": […]}` is two filters: use all). */
function only(o: Record<string, unknown>, keys: readonly string[], path: Path): void {
	for (const key of Object.keys(o)) {
		if (!keys.includes(key)) {
			throw new FilterError(
				[...path, key],
				KINDS.includes(key)
					? 'is a second filter in one object; combine filters with all or any'
					: 'is not a known field',
			);
		}
	}
}
