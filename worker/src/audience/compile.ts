import type { AttributeLeaf, EventLeaf, Filter, PropertyCondition, TimeCondition } from '#wire';
import type { AttributeType } from '../store/users';
import { countNodes, durationMinutes, FilterError, MAX_DEPTH, MAX_NODES } from './filter';

// Compiles a checked filter (filter.ts) to one SQL boolean expression over the site store's `subscribers s` row
// joined with its user `u` (LEFT JOIN users u ON u.id = s.external_user_id). Every value travels as a bound
// parameter; the only text spliced in comes from this file (operators, column names). Each leaf is wrapped in
// IFNULL(…, 0) so `not` never meets SQL's NULL: a missing attribute or URL is "does not match", and its negation
// matches.

/** What a filter needs from the site: attribute types, saved segments, and the time "within" counts back from. */
export interface CompileContext {
	now: number;
	types: ReadonlyMap<string, AttributeType>;
	segment(id: string): Filter | null;
}

type Path = PropertyKey[];
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const COMPARE: Record<string, string> = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };
const SUBJECTS = "e.subject IN ('s:' || s.id, 'u:' || s.external_user_id)";

/**
 * Bound parameters of one statement, numbered (`?1`, `?2` …) so fragments can be built in any order and a value
 * can be used twice; the whole statement must use these numbers, never a bare `?`.
 */
export class SqlParams {
	readonly args: SqlStorageValue[] = [];

	/** The placeholder of a new bound value. */
	p(value: SqlStorageValue): string {
		this.args.push(value);
		return `?${this.args.length}`;
	}
}

/** Compiles `filter` into an SQL boolean expression; throws a FilterError naming the node at fault. */
export function compileFilter(filter: Filter, ctx: CompileContext, params: SqlParams): string {
	const nodes = countNodes(filter, (id) => ctx.segment(id));
	if (nodes > MAX_NODES) {
		throw new FilterError([], `has ${nodes} nodes with its saved segments; at most ${MAX_NODES} are allowed`);
	}
	return new Compiler(ctx, params).node(filter, [], 1, []);
}

class Compiler {
	constructor(
		private readonly ctx: CompileContext,
		private readonly params: SqlParams,
	) {}

	private p(value: SqlStorageValue): string {
		return this.params.p(value);
	}

	node(f: Filter, path: Path, depth: number, segments: readonly string[]): string {
		if (depth > MAX_DEPTH) throw new FilterError(path, `is nested too deeply; at most ${MAX_DEPTH} levels`);
		if ('all' in f || 'any' in f) {
			const [key, list, joiner] = 'all' in f ? ['all', f.all, ' AND '] : ['any', f.any, ' OR '];
			return `(${list.map((c, i) => this.node(c, [...path, key, i], depth + 1, segments)).join(joiner)})`;
		}
		if ('not' in f) return `(NOT ${this.node(f.not, [...path, 'not'], depth + 1, segments)})`;
		if ('segment' in f) {
			if (segments.includes(f.segment)) {
				throw new FilterError([...path, 'segment'], `${f.segment} refers back to itself`);
			}
			const inner = this.ctx.segment(f.segment);
			if (!inner)
				throw new FilterError([...path, 'segment'], `there is no segment ${f.segment} on this site`);
			// The referenced filter sits where the reference was: its depth adds to the reference's.
			return this.node(inner, path, depth, [...segments, f.segment]);
		}
		return `IFNULL(${this.leaf(f, path)}, 0)`;
	}

	private leaf(f: Filter, path: Path): string {
		if ('status' in f)
			return `s.status IN (SELECT value FROM json_each(${this.p(JSON.stringify(f.status))}))`;
		if ('browser' in f)
			return `s.browser IN (SELECT value FROM json_each(${this.p(JSON.stringify(f.browser))}))`;
		if ('os' in f) return `s.os IN (SELECT value FROM json_each(${this.p(JSON.stringify(f.os))}))`;
		if ('timezone' in f) {
			return `s.timezone IN (SELECT value FROM json_each(${this.p(JSON.stringify(f.timezone))}))`;
		}
		if ('locale' in f) {
			return `EXISTS (SELECT 1 FROM json_each(${this.p(JSON.stringify(f.locale))}) l
				WHERE lower(s.locale) = lower(l.value) OR substr(lower(s.locale), 1, length(l.value) + 1) = lower(l.value) || '-')`;
		}
		if ('category' in f) {
			return `EXISTS (SELECT 1 FROM json_each(s.categories) c
				WHERE c.value IN (SELECT value FROM json_each(${this.p(JSON.stringify(f.category))})))`;
		}
		if ('createdAt' in f) return this.time('s.created_at', f.createdAt);
		if ('lastSeenAt' in f) return this.time('s.last_seen_at', f.lastSeenAt);
		if ('lastUrl' in f) {
			const c = f.lastUrl;
			if ('eq' in c) return `s.last_url = ${this.p(c.eq)}`;
			if ('startsWith' in c) return `instr(s.last_url, ${this.p(c.startsWith)}) = 1`;
			return `instr(s.last_url, ${this.p(c.contains)}) > 0`;
		}
		if ('identified' in f) return `s.external_user_id IS ${f.identified ? 'NOT ' : ''}NULL`;
		if ('hasDevice' in f) {
			const has = `CASE WHEN s.external_user_id IS NULL THEN s.status = 'allowed' ELSE EXISTS (SELECT 1
				FROM subscribers d WHERE d.external_user_id = s.external_user_id AND d.status = 'allowed') END`;
			return f.hasDevice ? `(${has})` : `(NOT (${has}))`;
		}
		if ('test' in f) return `s.test = ${f.test ? 1 : 0}`;
		if ('attribute' in f) return this.attribute(f, path);
		if ('event' in f) return this.event(f);
		throw new FilterError(path, 'is not a known filter');
	}

	private time(column: string, c: TimeCondition): string {
		if ('within' in c) return `${column} >= ${this.p(this.ctx.now - durationMinutes(c.within) * MINUTE_MS)}`;
		if ('notWithin' in c)
			return `${column} < ${this.p(this.ctx.now - durationMinutes(c.notWithin) * MINUTE_MS)}`;
		if ('before' in c) return `${column} < ${this.p(Date.parse(c.before))}`;
		return `${column} > ${this.p(Date.parse(c.after))}`;
	}

	private attribute(f: AttributeLeaf, path: Path): string {
		const type = this.ctx.types.get(f.attribute);
		if (type === undefined) {
			throw new FilterError([...path, 'attribute'], `no user has the attribute ${f.attribute} yet`);
		}
		const jsonPath = `$."${f.attribute}"`; // the name matches ^[a-z][a-z0-9_]*$: nothing to quote
		const at = this.p(jsonPath);
		const v = `json_extract(u.attributes, ${at})`;
		const valuePath = [...path, 'value'];
		const wrong = (want: string) =>
			new FilterError(valuePath, `${f.attribute} is a ${type} attribute; ${f.op} needs ${want}`);
		const value = f.value;
		switch (f.op) {
			case 'exists':
				return `json_type(u.attributes, ${at}) IS NOT NULL`;
			case 'eq':
			case 'ne':
			case 'gt':
			case 'gte':
			case 'lt':
			case 'lte': {
				const ordered = f.op !== 'eq' && f.op !== 'ne';
				if (ordered && type !== 'number' && type !== 'date') {
					throw new FilterError(
						[...path, 'op'],
						`${f.attribute} is a ${type} attribute; ${f.op} needs a number or date`,
					);
				}
				const bound = this.typed(value, type, () => wrong(type === 'date' ? 'a {"date": …}' : `a ${type}`));
				return `${v} ${COMPARE[f.op]} ${this.p(bound)}`;
			}
			case 'contains':
				if (type !== 'string')
					throw new FilterError(
						[...path, 'op'],
						`${f.attribute} is a ${type} attribute; contains needs a string attribute`,
					);
				return `instr(${v}, ${this.p(value as string)}) > 0`;
			case 'in': {
				const list = value as Array<string | number>;
				const want = type === 'string' ? 'string' : type === 'number' ? 'number' : null;
				if (want === null)
					throw new FilterError(
						[...path, 'op'],
						`${f.attribute} is a ${type} attribute; in needs a string or number attribute`,
					);
				list.forEach((item, i) => {
					if (typeof item !== want)
						throw new FilterError(
							[...valuePath, i],
							`must be a ${want}: ${f.attribute} is a ${type} attribute`,
						);
				});
				return `${v} IN (SELECT value FROM json_each(${this.p(JSON.stringify(list))}))`;
			}
			case 'within':
			case 'withinNext': {
				if (type !== 'date')
					throw new FilterError(
						[...path, 'op'],
						`${f.attribute} is a ${type} attribute; ${f.op} needs a date attribute`,
					);
				const span = durationMinutes(value as `${number}d`) * MINUTE_MS;
				const [from, to] =
					f.op === 'within' ? [this.ctx.now - span, this.ctx.now] : [this.ctx.now, this.ctx.now + span];
				return `${v} BETWEEN ${this.p(from)} AND ${this.p(to)}`;
			}
			default: {
				if (type !== 'date')
					throw new FilterError(
						[...path, 'op'],
						`${f.attribute} is a ${type} attribute; ${f.op} needs a date attribute`,
					);
				const time = Date.parse((value as { date: string }).date);
				return `${v} ${f.op === 'before' ? '<' : '>'} ${this.p(time)}`;
			}
		}
	}

	/** A comparison value as stored: dates as epoch ms, booleans as SQLite's 1/0; throws when the type differs. */
	private typed(
		value: AttributeLeaf['value'],
		type: AttributeType,
		wrong: () => FilterError,
	): SqlStorageValue {
		if (type === 'date') {
			if (typeof value === 'object' && value !== null && !Array.isArray(value)) return Date.parse(value.date);
			throw wrong();
		}
		if (typeof value !== type) throw wrong();
		return type === 'boolean' ? (value ? 1 : 0) : (value as string | number);
	}

	private event(f: EventLeaf): string {
		const count = f.count ?? { op: 'gte', value: 1 };
		const start = f.within === undefined ? null : this.ctx.now - durationMinutes(f.within) * MINUTE_MS;
		let total: string;
		if (f.where) {
			// Only kept occurrences carry properties: count those in the window that meet every condition.
			const window =
				start === null
					? ''
					: ` AND e.day >= ${this.p(Math.floor(start / DAY_MS))} AND json_extract(r.value, '$.t') >= ${this.p(start)}`;
			const name = this.p(f.event);
			const conditions = f.where.map((w) => this.property(w)).join(' AND ');
			total = `(SELECT count(*) FROM event_days e, json_each(e.recent) r
				WHERE ${SUBJECTS} AND e.name = ${name}${window} AND ${conditions})`;
		} else if (start === null) {
			total = `(SELECT IFNULL(sum(e.n), 0) FROM event_days e WHERE ${SUBJECTS} AND e.name = ${this.p(f.event)})`;
		} else {
			// Days after the window's first day count fully; the first day fully if it began inside the window,
			// else by its kept occurrences inside the window.
			const day = Math.floor(start / DAY_MS);
			total = `(SELECT IFNULL(sum(CASE WHEN e.day > ${this.p(day)} OR e.first_at >= ${this.p(start)} THEN e.n
				ELSE (SELECT count(*) FROM json_each(e.recent) r WHERE json_extract(r.value, '$.t') >= ${this.p(start)}) END), 0)
				FROM event_days e WHERE ${SUBJECTS} AND e.name = ${this.p(f.event)} AND e.day >= ${this.p(day)})`;
		}
		return `${total} ${COMPARE[count.op]} ${this.p(count.value)}`;
	}

	/** One property condition on the kept occurrence `r`; a property of another type does not match. */
	private property(w: PropertyCondition): string {
		const key = this.p(w.property);
		const value = w.value;
		let test: string;
		const numeric = "pv.type IN ('integer', 'real')";
		switch (w.op) {
			case 'exists':
				test = '1';
				break;
			case 'contains':
				test = `pv.type = 'text' AND instr(pv.value, ${this.p(value as string)}) > 0`;
				break;
			case 'in':
				test = `EXISTS (SELECT 1 FROM json_each(${this.p(JSON.stringify(value))}) l WHERE l.value = pv.value
					AND ((l.type = 'text' AND pv.type = 'text') OR (l.type IN ('integer', 'real') AND ${numeric})))`;
				break;
			default:
				if (typeof value === 'boolean') {
					const want = value ? "'true'" : "'false'";
					test = w.op === 'eq' ? `pv.type = ${want}` : `pv.type IN ('true', 'false') AND pv.type <> ${want}`;
				} else if (typeof value === 'number') {
					test = `${numeric} AND pv.value ${COMPARE[w.op]} ${this.p(value)}`;
				} else {
					test = `pv.type = 'text' AND pv.value ${COMPARE[w.op]} ${this.p(value as string)}`;
				}
		}
		return `EXISTS (SELECT 1 FROM json_each(r.value, '$.p') pv WHERE pv.key = ${key} AND ${test})`;
	}
}
