import type { Audience, AudienceEstimate, Filter } from '#wire';
import { type CompileContext, compileFilter, SqlParams } from '../audience/compile';
import { FilterError } from '../audience/filter';
import type { RenderContext } from '../sending/liquid';
import { expandSegments, segmentFilters } from './segments';
import type { AudienceTuple } from './subscribers';
import { type AttributeType, attributeTypes } from './users';

// Audiences in a site's store: every kind of audience (docs/SEGMENTS.md) as one SQL predicate over the subscriber
// `s` and its user `u`, paged for sending, counted for estimates.

/** The rows every audience query reads from. */
export const AUDIENCE_FROM = 'subscribers s LEFT JOIN users u ON u.id = s.external_user_id';

/** What compiling needs from the site now: attribute types and saved segments. */
export function compileContext(sql: SqlStorage, now: number): CompileContext {
	const segments = segmentFilters(sql);
	return { now, types: attributeTypes(sql), segment: (id) => segments.get(id) ?? null };
}

/** Runs `build`, re-throwing a FilterError with `prefix` before its path (the audience key it came from). */
function under<T>(prefix: PropertyKey[], build: () => T): T {
	try {
		return build();
	} catch (error) {
		if (error instanceof FilterError) throw new FilterError([...prefix, ...error.path], error.message);
		throw error;
	}
}

/**
 * The SQL predicate selecting an audience's subscribers, whatever their status; throws a FilterError whose path
 * starts at the audience (`filter.all[0].op`, `exclude.segment`).
 */
export function audiencePredicate(audience: Audience, ctx: CompileContext, params: SqlParams): string {
	let include: string;
	// `{all: true}` is every allowed subscriber (docs/SEGMENTS.md): its estimate's count equals its reach.
	if ('all' in audience) include = "s.status = 'allowed'";
	else if ('subscriberIds' in audience) {
		include = `s.id IN (SELECT value FROM json_each(${params.p(JSON.stringify(audience.subscriberIds))}))`;
	} else if ('userIds' in audience) {
		include = `s.external_user_id IN (SELECT value FROM json_each(${params.p(JSON.stringify(audience.userIds))}))`;
	} else if ('categories' in audience) {
		include = compileFilter({ category: audience.categories }, ctx, params);
	} else if ('test' in audience) include = 's.test = 1';
	else if ('segment' in audience) include = compileFilter({ segment: audience.segment }, ctx, params);
	else include = under(['filter'], () => compileFilter(audience.filter, ctx, params));
	const exclude = audience.exclude;
	if (exclude === undefined) return include;
	return `(${include}) AND NOT ${under(['exclude'], () => compileFilter(exclude, ctx, params))}`;
}

/**
 * Checks an audience against the site (attributes, saved segments) and returns it as a send keeps it: saved
 * segments replaced by their filters as they are now, so editing a segment later does not change the send.
 */
export function resolveAudience(sql: SqlStorage, audience: Audience, now: number): Audience {
	const ctx = compileContext(sql, now);
	audiencePredicate(audience, ctx, new SqlParams());
	const segments = segmentFilters(sql);
	const expand = (f: Filter) => expandSegments(f, segments);
	const { exclude, ...rest } = audience;
	let resolved: Audience = rest as Audience;
	if ('segment' in rest) resolved = { filter: expand({ segment: rest.segment }) };
	else if ('filter' in rest) resolved = { filter: expand(rest.filter) };
	return exclude === undefined ? resolved : { ...resolved, exclude: expand(exclude) };
}

/** How many subscribers an audience selects, how many a send would reach, and those by browser. */
export function estimateAudience(sql: SqlStorage, audience: Audience, now: number): AudienceEstimate {
	const params = new SqlParams();
	const where = audiencePredicate(audience, compileContext(sql, now), params);
	const rows = sql
		.exec<{ reachable: number; browser: string; n: number }>(
			`SELECT s.status = 'allowed' AS reachable, s.browser AS browser, count(*) AS n FROM ${AUDIENCE_FROM}
			WHERE ${where} GROUP BY 1, 2`,
			...params.args,
		)
		.toArray();
	const estimate: AudienceEstimate = { count: 0, reachable: 0, byBrowser: {} };
	for (const row of rows) {
		estimate.count += row.n;
		if (row.reachable) {
			estimate.reachable += row.n;
			estimate.byBrowser[row.browser] = (estimate.byBrowser[row.browser] ?? 0) + row.n;
		}
	}
	return estimate;
}

/** The next page of an audience's allowed subscribers and where the following page starts. */
export interface AudiencePage {
	rows: AudienceTuple[];
	cursor: string;
	done: boolean;
}

const TUPLE = 's.id, s.endpoint, s.p256dh, s.auth, s.last_url, s.vapid_key_id';
/** With personalisation: what a Liquid template may read of the subscriber and its user. */
const CONTEXT = 's.browser, s.os, s.locale, s.timezone, s.categories, s.external_user_id, u.attributes';

/**
 * One page of an audience's allowed subscribers. `cursor` is the last id (keyset) for every audience but
 * {subscriberIds} and {userIds}, where it is the offset into the list. `withContext` adds each recipient's
 * personalisation context as the tuple's sixth element.
 */
export function pageAudience(
	sql: SqlStorage,
	audience: Audience,
	cursor: string,
	limit: number,
	now: number,
	withContext: boolean,
	zones: readonly string[] | null = null,
): AudiencePage {
	const params = new SqlParams();
	const ctx = compileContext(sql, now);
	// A wave of a timed run: only the subscribers of its zones (as stored, '' for none).
	const inZones =
		zones === null
			? ''
			: ` AND IFNULL(s.timezone, '') IN (SELECT value FROM json_each(${params.p(JSON.stringify(zones))}))`;
	const columns = withContext ? `${TUPLE}, ${CONTEXT}` : TUPLE;
	const list =
		'subscriberIds' in audience ? audience.subscriberIds : 'userIds' in audience ? audience.userIds : null;
	let query: string;
	let next: (rows: AudienceTuple[]) => { cursor: string; done: boolean };
	if (list !== null) {
		// A list audience: a slice of the list per page, looked up by index.
		const offset = Number(cursor || '0');
		const slice = list.slice(offset, offset + limit);
		const sliced = {
			...audience,
			...('subscriberIds' in audience ? { subscriberIds: slice } : { userIds: slice }),
		};
		const where = audiencePredicate(sliced as Audience, ctx, params);
		query = `SELECT ${columns} FROM ${AUDIENCE_FROM} WHERE s.status = 'allowed'${inZones} AND ${where} ORDER BY s.id`;
		const end = offset + slice.length;
		next = () => ({ cursor: String(end), done: end >= list.length });
	} else {
		const where = audiencePredicate(audience, ctx, params);
		query = `SELECT ${columns} FROM ${AUDIENCE_FROM} WHERE s.status = 'allowed' AND s.id > ${params.p(cursor)}${inZones}
			AND ${where} ORDER BY s.id LIMIT ${params.p(limit)}`;
		next = (rows) => ({ cursor: rows.at(-1)?.[0] ?? cursor, done: rows.length < limit });
	}
	const raw = Array.from(sql.exec(query, ...params.args).raw());
	const rows = withContext
		? raw.map((r) => withRenderContext(r, ctx.types))
		: (raw as unknown as AudienceTuple[]);
	return { rows, ...next(rows) };
}

/** A row of TUPLE + CONTEXT as a tuple whose seventh element is the recipient's personalisation context. */
function withRenderContext(row: SqlStorageValue[], types: ReadonlyMap<string, AttributeType>): AudienceTuple {
	const [
		id,
		endpoint,
		p256dh,
		auth,
		lastUrl,
		keyId,
		browser,
		os,
		locale,
		timezone,
		categories,
		userId,
		attributes,
	] = row as [
		string,
		string,
		string,
		string,
		string | null,
		string | null,
		string,
		string,
		string | null,
		string | null,
		string,
		string | null,
		string | null,
	];
	let user: RenderContext['user'] = null;
	if (userId !== null) {
		const stored = JSON.parse(attributes ?? '{}') as Record<string, string | number | boolean>;
		const values: Record<string, string | number | boolean> = {};
		for (const [name, value] of Object.entries(stored)) {
			values[name] = types.get(name) === 'date' ? new Date(value as number).toISOString() : value;
		}
		// `user.id` is always the user's id, even beside an attribute named id.
		user = { ...values, id: userId };
	}
	const context: RenderContext = {
		subscriber: {
			id,
			browser,
			os,
			locale,
			timezone,
			last_url: lastUrl,
			categories: JSON.parse(categories) as string[],
		},
		user,
	};
	return [id, endpoint, p256dh, auth, lastUrl, keyId, context];
}

/** Compiles a filter against the site as it is now, only to check it (throws a FilterError). */
export function compileFilterIn(sql: SqlStorage, filter: Filter, now: number): void {
	compileFilter(filter, compileContext(sql, now), new SqlParams());
}

/** A refusal from inside the store that is not about a filter's shape (a missing or clashing segment). */
export class CheckError extends Error {
	constructor(
		readonly status: 404 | 409,
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

/**
 * The result of a store call that can be refused: errors do not keep their class across a Durable Object call, so
 * the refusal travels as data. `path` (400s) is the filter node at fault, relative to what was checked.
 */
export type Checked<T> =
	| { ok: true; value: T }
	| { ok: false; status: 400; code: 'invalid_request'; path: PropertyKey[]; message: string }
	| { ok: false; status: 404 | 409; code: string; message: string };

/** Runs `fn`, turning a FilterError or CheckError into a refusal. */
export function checked<T>(fn: () => T): Checked<T> {
	try {
		return { ok: true, value: fn() };
	} catch (error) {
		if (error instanceof FilterError) {
			return { ok: false, status: 400, code: 'invalid_request', path: error.path, message: error.message };
		}
		if (error instanceof CheckError) {
			return { ok: false, status: error.status, code: error.code, message: error.message };
		}
		throw error;
	}
}

/** The allowed subscribers of an audience by time zone as stored ('' for none): what a timed run plans its waves on. */
export function audienceZones(
	sql: SqlStorage,
	audience: Audience,
	now: number,
): Array<{ zone: string; n: number }> {
	const params = new SqlParams();
	const where = audiencePredicate(audience, compileContext(sql, now), params);
	return sql
		.exec<{ zone: string; n: number }>(
			`SELECT IFNULL(s.timezone, '') AS zone, count(*) AS n FROM ${AUDIENCE_FROM}
			WHERE s.status = 'allowed' AND ${where} GROUP BY 1`,
			...params.args,
		)
		.toArray();
}
