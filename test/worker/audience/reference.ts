// An independent reference evaluator of the segment filter language, written from docs/SEGMENTS.md only (it does
// not read or import the worker's compiler): the tests compare the worker's answers with it. It works on plain
// objects holding exactly what the tests seed into a site's store (the stored form: one event row per
// subject × event × UTC day with its count and last ≤ 10 occurrences), so the event-counting rule of the spec is
// applied to the same data the worker's SQL reads. The bottom of the file writes such data into a store.

import { runInDurableObject } from 'cloudflare:test';
import type { SiteStore } from '../../../worker/src/objects/site-store';
import { endpointHash } from '../../../worker/src/store/subscribers';
import type {
	AttributeLeaf,
	Audience,
	AudienceEstimate,
	EventLeaf,
	Filter,
	PropertyCondition,
	TimeCondition,
} from '../../../worker/src/wire';
import { storeOf } from '../helpers';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export type AttrType = 'string' | 'number' | 'boolean' | 'date';
export type Scalar = string | number | boolean;

/** A subscriber row (times in epoch ms). */
export interface RefSubscriber {
	id: string;
	status: 'ask' | 'allowed' | 'blocked' | 'unsupported' | 'suspended';
	browser: string;
	os: string;
	categories: string[];
	externalUserId: string | null;
	timezone: string | null;
	locale: string | null;
	lastUrl: string | null;
	lastSeenAt: number;
	createdAt: number;
	test: boolean;
}

/** A user row: attributes as stored (dates as epoch ms). */
export interface RefUser {
	id: string;
	attributes: Record<string, Scalar>;
}

/** One kept occurrence of an event day row. */
export interface RefOccurrence {
	id?: string;
	t: number;
	p?: Record<string, Scalar>;
}

/** An event_days row. */
export interface RefEventDay {
	subject: string;
	name: string;
	day: number;
	n: number;
	firstAt: number;
	lastAt: number;
	recent: RefOccurrence[];
}

/** Everything a site's store holds that a filter can read. */
export interface RefData {
	subscribers: RefSubscriber[];
	users: RefUser[];
	attributeDefs: Record<string, AttrType>;
	eventDays: RefEventDay[];
}

/** One event occurrence before it is stored. */
export interface RawEvent {
	subject: string;
	name: string;
	t: number;
	id?: string;
	p?: Record<string, Scalar>;
}

/** The UTC day number of a time. */
export const dayOf = (t: number) => Math.floor(t / DAY);

/**
 * Folds occurrences into event_days rows as the spec describes the stored form: one row per subject × name × UTC
 * day with its count, first and last time and the last 10 occurrences sorted by time.
 */
export function eventDaysOf(events: readonly RawEvent[]): RefEventDay[] {
	const groups = new Map<string, RawEvent[]>();
	for (const e of events) {
		const key = JSON.stringify([e.subject, e.name, dayOf(e.t)]);
		const group = groups.get(key);
		if (group) group.push(e);
		else groups.set(key, [e]);
	}
	return [...groups.values()].map((group) => {
		const sorted = [...group].sort((a, b) => a.t - b.t);
		const first = sorted[0] as RawEvent;
		return {
			subject: first.subject,
			name: first.name,
			day: dayOf(first.t),
			n: sorted.length,
			firstAt: first.t,
			lastAt: (sorted.at(-1) as RawEvent).t,
			recent: sorted.slice(-10).map((e) => {
				const o: RefOccurrence = { t: e.t };
				if (e.id !== undefined) o.id = e.id;
				if (e.p !== undefined) o.p = e.p;
				return o;
			}),
		};
	});
}

/** A duration (`30m`, `12h`, `7d`) in ms. */
export function durationMs(text: string): number {
	const m = /^(\d+)([mhd])$/.exec(text);
	if (!m) throw new Error(`reference: bad duration ${text}`);
	return Number(m[1]) * (m[2] === 'm' ? MINUTE : m[2] === 'h' ? HOUR : DAY);
}

function isoMs(text: string): number {
	const t = Date.parse(text);
	if (Number.isNaN(t)) throw new Error(`reference: bad date ${text}`);
	return t;
}

function timeHolds(t: number, c: TimeCondition, now: number): boolean {
	if ('within' in c) return t >= now - durationMs(c.within);
	if ('notWithin' in c) return t < now - durationMs(c.notWithin);
	if ('before' in c) return t < isoMs(c.before);
	return t > isoMs(c.after);
}

/** An attribute leaf's value as stored (dates as ms). */
function attrValue(value: AttributeLeaf['value']): Scalar | Scalar[] | undefined {
	if (value !== null && typeof value === 'object' && !Array.isArray(value)) return isoMs(value.date);
	return value;
}

function attributeHolds(leaf: AttributeLeaf, s: RefSubscriber, data: RefData, now: number): boolean {
	const user = s.externalUserId === null ? undefined : data.users.find((u) => u.id === s.externalUserId);
	const v = user?.attributes[leaf.attribute];
	if (leaf.op === 'exists') return v !== undefined;
	if (v === undefined) return false;
	const x = attrValue(leaf.value);
	switch (leaf.op) {
		case 'eq':
			return v === x;
		case 'ne':
			return v !== x;
		case 'gt':
			return (v as number) > (x as number);
		case 'gte':
			return (v as number) >= (x as number);
		case 'lt':
			return (v as number) < (x as number);
		case 'lte':
			return (v as number) <= (x as number);
		case 'contains':
			return typeof v === 'string' && v.includes(x as string);
		case 'in':
			return (x as Scalar[]).some((e) => e === v);
		case 'within': {
			const d = durationMs(leaf.value as string);
			return now - d <= (v as number) && (v as number) <= now;
		}
		case 'withinNext': {
			const d = durationMs(leaf.value as string);
			return now <= (v as number) && (v as number) <= now + d;
		}
		case 'before':
			return (v as number) < (x as number);
		case 'after':
			return (v as number) > (x as number);
	}
}

/** Whether an occurrence's property meets a `where` condition (a property of another type does not match). */
export function propertyHolds(c: PropertyCondition, p: Record<string, Scalar> | undefined): boolean {
	const v = p?.[c.property];
	if (c.op === 'exists') return v !== undefined;
	if (v === undefined) return false;
	const x = c.value;
	switch (c.op) {
		case 'eq':
			return typeof v === typeof x && v === x;
		case 'ne':
			return typeof v === typeof x && v !== x;
		case 'gt':
			return typeof v === 'number' && v > (x as number);
		case 'gte':
			return typeof v === 'number' && v >= (x as number);
		case 'lt':
			return typeof v === 'number' && v < (x as number);
		case 'lte':
			return typeof v === 'number' && v <= (x as number);
		case 'contains':
			return typeof v === 'string' && v.includes(x as string);
		case 'in':
			return (x as Scalar[]).some((e) => typeof e === typeof v && e === v);
	}
}

/** The number of occurrences an event leaf counts for a subscriber (its own events plus its user's). */
export function eventCount(leaf: EventLeaf, s: RefSubscriber, data: RefData, now: number): number {
	const subjects = new Set([`s:${s.id}`]);
	if (s.externalUserId !== null) subjects.add(`u:${s.externalUserId}`);
	const start = leaf.within === undefined ? null : now - durationMs(leaf.within);
	const startDay = start === null ? null : dayOf(start);
	let total = 0;
	for (const row of data.eventDays) {
		if (row.name !== leaf.event || !subjects.has(row.subject)) continue;
		if (startDay !== null && row.day < startDay) continue;
		const inWindow = (o: RefOccurrence) => start === null || o.t >= start;
		if (leaf.where !== undefined) {
			const where = leaf.where;
			total += row.recent.filter((o) => inWindow(o) && where.every((c) => propertyHolds(c, o.p))).length;
		} else if (start === null || startDay === null || row.day > startDay || row.firstAt >= start) {
			total += row.n;
		} else {
			total += row.recent.filter(inWindow).length;
		}
	}
	return total;
}

function compare(a: number, op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte', b: number): boolean {
	switch (op) {
		case 'eq':
			return a === b;
		case 'gt':
			return a > b;
		case 'gte':
			return a >= b;
		case 'lt':
			return a < b;
		case 'lte':
			return a <= b;
	}
}

/** Saved segments by id: their filters. */
export type Segments = Record<string, Filter>;

/** Whether one subscriber matches a filter. */
export function matches(
	f: Filter,
	s: RefSubscriber,
	data: RefData,
	now: number,
	segments: Segments,
): boolean {
	const m = (g: Filter) => matches(g, s, data, now, segments);
	if ('all' in f) return f.all.every(m);
	if ('any' in f) return f.any.some(m);
	if ('not' in f) return !m(f.not);
	if ('status' in f) return (f.status as string[]).includes(s.status);
	if ('browser' in f) return f.browser.includes(s.browser);
	if ('os' in f) return f.os.includes(s.os);
	if ('locale' in f) {
		if (s.locale === null) return false;
		const l = s.locale.toLowerCase();
		return f.locale.some((e) => l === e.toLowerCase() || l.startsWith(`${e.toLowerCase()}-`));
	}
	if ('timezone' in f) return s.timezone !== null && f.timezone.includes(s.timezone);
	if ('category' in f) return f.category.some((c) => s.categories.includes(c));
	if ('createdAt' in f) return timeHolds(s.createdAt, f.createdAt, now);
	if ('lastSeenAt' in f) return timeHolds(s.lastSeenAt, f.lastSeenAt, now);
	if ('lastUrl' in f) {
		const u = s.lastUrl;
		if (u === null) return false;
		const c = f.lastUrl;
		if ('eq' in c) return u === c.eq;
		if ('startsWith' in c) return u.startsWith(c.startsWith);
		return u.includes(c.contains);
	}
	if ('identified' in f) return (s.externalUserId !== null) === f.identified;
	if ('hasDevice' in f) {
		const has =
			s.externalUserId === null
				? s.status === 'allowed'
				: data.subscribers.some((x) => x.externalUserId === s.externalUserId && x.status === 'allowed');
		return has === f.hasDevice;
	}
	if ('test' in f) return s.test === f.test;
	if ('segment' in f) {
		const saved = segments[f.segment];
		if (saved === undefined) throw new Error(`reference: unknown segment ${f.segment}`);
		return m(saved);
	}
	if ('attribute' in f) return attributeHolds(f, s, data, now);
	if ('event' in f) {
		const count = f.count ?? { op: 'gte', value: 1 };
		return compare(eventCount(f, s, data, now), count.op, count.value);
	}
	throw new Error(`reference: unknown node ${JSON.stringify(f)}`);
}

/** The ids of the subscribers (any permission state) a filter selects. */
export function evaluate(filter: Filter, data: RefData, now: number, segments: Segments = {}): Set<string> {
	return new Set(data.subscribers.filter((s) => matches(filter, s, data, now, segments)).map((s) => s.id));
}

/** The ids of the subscribers an audience selects (before the permission check of a send). */
export function select(audience: Audience, data: RefData, now: number, segments: Segments = {}): Set<string> {
	let chosen: RefSubscriber[];
	if ('all' in audience) chosen = data.subscribers.filter((s) => s.status === 'allowed');
	else if ('subscriberIds' in audience)
		chosen = data.subscribers.filter((s) => audience.subscriberIds.includes(s.id));
	else if ('userIds' in audience)
		chosen = data.subscribers.filter(
			(s) => s.externalUserId !== null && audience.userIds.includes(s.externalUserId),
		);
	else if ('categories' in audience)
		chosen = data.subscribers.filter((s) => s.categories.some((c) => audience.categories.includes(c)));
	else if ('segment' in audience) {
		const saved = segments[audience.segment];
		if (saved === undefined) throw new Error(`reference: unknown segment ${audience.segment}`);
		chosen = data.subscribers.filter((s) => matches(saved, s, data, now, segments));
	} else if ('filter' in audience)
		chosen = data.subscribers.filter((s) => matches(audience.filter, s, data, now, segments));
	else chosen = data.subscribers.filter((s) => s.test);
	const exclude = audience.exclude;
	if (exclude !== undefined) chosen = chosen.filter((s) => !matches(exclude, s, data, now, segments));
	return new Set(chosen.map((s) => s.id));
}

/** What POST …/audience/estimate must answer for an audience. */
export function estimate(
	audience: Audience,
	data: RefData,
	now: number,
	segments: Segments = {},
): AudienceEstimate {
	const ids = select(audience, data, now, segments);
	const byBrowser: Record<string, number> = {};
	let reachable = 0;
	for (const s of data.subscribers) {
		if (!ids.has(s.id) || s.status !== 'allowed') continue;
		reachable++;
		byBrowser[s.browser] = (byBrowser[s.browser] ?? 0) + 1;
	}
	return { count: ids.size, reachable, byBrowser };
}

// ---- Writing the same data into a site's store -------------------------------------------------------------

/** Deletes every subscriber, user, attribute type and event row of a site's store (segments stay). */
export async function clearData(siteId: string): Promise<void> {
	const stub = storeOf(siteId);
	await stub.importState(siteId);
	await runInDurableObject(stub, (_instance: SiteStore, state) => {
		state.storage.transactionSync(() => {
			for (const table of ['event_days', 'users', 'attribute_defs', 'subscribers']) {
				state.storage.sql.exec(`DELETE FROM ${table}`);
			}
		});
	});
}

/**
 * Writes the data into a site's store in one transaction, through the real tables (so the counting triggers
 * run). Allowed subscribers get an endpoint and keys, others none, as the API stores them.
 */
export async function seedData(siteId: string, data: RefData): Promise<void> {
	const allowed = data.subscribers.filter((s) => s.status === 'allowed');
	const hashes = new Map(
		await Promise.all(allowed.map(async (s) => [s.id, await endpointHash(endpointOf(s.id))] as const)),
	);
	const stub = storeOf(siteId);
	await stub.importState(siteId);
	await runInDurableObject(stub, (_instance: SiteStore, state) => {
		const sql = state.storage.sql;
		state.storage.transactionSync(() => {
			for (const s of data.subscribers) {
				const push = s.status === 'allowed';
				sql.exec(
					`INSERT INTO subscribers (id, status, endpoint, endpoint_hash, p256dh, auth, browser, os, categories,
						external_user_id, timezone, locale, last_url, last_seen_at, created_at, updated_at, test)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					s.id,
					s.status,
					push ? endpointOf(s.id) : null,
					push ? (hashes.get(s.id) ?? null) : null,
					push
						? 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM'
						: null,
					push ? 'tBHItJI5svbpez7KI4CCXg' : null,
					s.browser,
					s.os,
					JSON.stringify(s.categories),
					s.externalUserId,
					s.timezone,
					s.locale,
					s.lastUrl,
					s.lastSeenAt,
					s.createdAt,
					s.createdAt,
					s.test ? 1 : 0,
				);
			}
			for (const [name, type] of Object.entries(data.attributeDefs)) {
				sql.exec('INSERT INTO attribute_defs (name, type, created_at) VALUES (?, ?, ?)', name, type, 0);
			}
			for (const u of data.users) {
				sql.exec(
					'INSERT INTO users (id, attributes, created_at, updated_at) VALUES (?, ?, ?, ?)',
					u.id,
					JSON.stringify(u.attributes),
					0,
					0,
				);
			}
			for (const r of data.eventDays) {
				sql.exec(
					`INSERT INTO event_days (subject, name, day, n, first_at, last_at, recent) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					r.subject,
					r.name,
					r.day,
					r.n,
					r.firstAt,
					r.lastAt,
					JSON.stringify(r.recent),
				);
			}
		});
	});
}

function endpointOf(id: string): string {
	return `https://push.example/send/${id}`;
}

/** Reads back what a site's store holds, in the reference's shape (to evaluate data the API itself wrote). */
export async function readData(siteId: string): Promise<RefData> {
	const stub = storeOf(siteId);
	await stub.importState(siteId);
	return runInDurableObject(stub, (_instance: SiteStore, state) => {
		const sql = state.storage.sql;
		const subscribers = sql
			.exec<Record<string, SqlStorageValue>>(
				`SELECT id, status, browser, os, categories, external_user_id, timezone, locale, last_url, last_seen_at,
					created_at, test FROM subscribers`,
			)
			.toArray()
			.map(
				(r): RefSubscriber => ({
					id: r.id as string,
					status: r.status as RefSubscriber['status'],
					browser: r.browser as string,
					os: r.os as string,
					categories: JSON.parse(r.categories as string),
					externalUserId: r.external_user_id as string | null,
					timezone: r.timezone as string | null,
					locale: r.locale as string | null,
					lastUrl: r.last_url as string | null,
					lastSeenAt: r.last_seen_at as number,
					createdAt: r.created_at as number,
					test: r.test === 1,
				}),
			);
		const users = sql
			.exec<{ id: string; attributes: string }>('SELECT id, attributes FROM users')
			.toArray()
			.map((r) => ({ id: r.id, attributes: JSON.parse(r.attributes) }));
		const attributeDefs = Object.fromEntries(
			sql
				.exec<{ name: string; type: AttrType }>('SELECT name, type FROM attribute_defs')
				.toArray()
				.map((r) => [r.name, r.type]),
		);
		const eventDays = sql
			.exec<Record<string, SqlStorageValue>>('SELECT * FROM event_days')
			.toArray()
			.map(
				(r): RefEventDay => ({
					subject: r.subject as string,
					name: r.name as string,
					day: r.day as number,
					n: r.n as number,
					firstAt: r.first_at as number,
					lastAt: r.last_at as number,
					recent: JSON.parse(r.recent as string),
				}),
			);
		return { subscribers, users, attributeDefs, eventDays };
	});
}
