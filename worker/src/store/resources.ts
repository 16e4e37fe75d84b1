import type {
	Message,
	MessageFields,
	ResourceRef,
	ResourceUse,
	ResourceVersionView,
	ResourceView,
} from '#wire';
import { CheckError } from './audience';
import { automationsUsingResource } from './automations';

// Push resources (issue 17) in a site's store: a saved, named message with per-language variants. Every change is a
// new version; all versions are kept (a few KB each, a site holds few resources), so a send can always show the
// version it used.

/** At most this many resources per site. */
export const MAX_RESOURCES = 1000;

/** What a resource holds at one version. */
export interface ResourceContent {
	name: string;
	labels: string[];
	message: Message;
	locales: Record<string, MessageFields>;
}

interface ResourceRow extends Record<string, SqlStorageValue> {
	id: string;
	name: string;
	labels: string;
	version: number;
	created_at: number;
	updated_at: number;
	message: string;
	locales: string;
}

const SELECT = `SELECT r.id, r.name, r.labels, r.version, r.created_at, r.updated_at, v.message, v.locales
	FROM resources r JOIN resource_versions v ON v.resource_id = r.id AND v.version = r.version`;

function toView(row: ResourceRow, usedBy: ResourceUse[]): ResourceView {
	return {
		resourceId: row.id,
		name: row.name,
		labels: JSON.parse(row.labels) as string[],
		message: JSON.parse(row.message) as Message,
		locales: JSON.parse(row.locales) as Record<string, MessageFields>,
		version: row.version,
		usedBy,
		createdAt: new Date(row.created_at).toISOString(),
		updatedAt: new Date(row.updated_at).toISOString(),
	};
}

/**
 * What will still send a resource: campaigns (scheduled, running or paused) and automations with a step sending it.
 * Deleting it is refused while any do.
 */
export function resourceUses(sql: SqlStorage, id: string): ResourceUse[] {
	const campaigns = sql
		.exec<{ id: string; name: string; state: string }>(
			`SELECT id, name, state FROM campaigns WHERE state IN ('scheduled', 'running', 'paused')
				AND ((resource IS NOT NULL AND json_extract(resource, '$.resourceId') = ?1)
					OR EXISTS (SELECT 1 FROM json_each(experiment, '$.variants') WHERE json_extract(value, '$.message.resource') = ?1))
				ORDER BY name COLLATE NOCASE`,
			id,
		)
		.toArray()
		.map((c) => ({ type: 'campaign' as const, id: c.id, name: c.name, state: c.state }));
	const automations = automationsUsingResource(sql, id).map((a) => ({ type: 'automation' as const, ...a }));
	return [...campaigns, ...automations];
}

export function findResource(sql: SqlStorage, id: string): ResourceView | null {
	const row = sql.exec<ResourceRow>(`${SELECT} WHERE r.id = ?`, id).toArray()[0];
	return row ? toView(row, resourceUses(sql, id)) : null;
}

/**
 * Resources, most recently changed first: `q` matches a part of the name (case-insensitive), `label` one label
 * exactly.
 */
export function listResources(
	sql: SqlStorage,
	query: { q?: string; label?: string; limit: number },
): ResourceView[] {
	const where: string[] = [];
	const args: SqlStorageValue[] = [];
	if (query.q) {
		where.push('instr(r.name_key, ?) > 0');
		args.push(nameKey(query.q));
	}
	if (query.label) {
		where.push('EXISTS (SELECT 1 FROM json_each(r.labels) WHERE value = ?)');
		args.push(query.label);
	}
	const rows = sql
		.exec<ResourceRow>(
			`${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.updated_at DESC, r.id LIMIT ?`,
			...args,
			query.limit,
		)
		.toArray();
	return rows.map((row) => toView(row, resourceUses(sql, row.id)));
}

/** One kept version, or null. */
export function resourceVersion(sql: SqlStorage, id: string, version: number): ResourceVersionView | null {
	const row = sql
		.exec<{ name: string; message: string; locales: string; created_at: number }>(
			'SELECT name, message, locales, created_at FROM resource_versions WHERE resource_id = ? AND version = ?',
			id,
			version,
		)
		.toArray()[0];
	if (!row) return null;
	return {
		resourceId: id,
		version,
		name: row.name,
		message: JSON.parse(row.message) as Message,
		locales: JSON.parse(row.locales) as Record<string, MessageFields>,
		createdAt: new Date(row.created_at).toISOString(),
	};
}

/** A name as compared: Unicode lower case of its NFC form ("Über" and "über" are one name). */
export function nameKey(text: string): string {
	return text.normalize('NFC').toLowerCase();
}

function checkName(sql: SqlStorage, name: string, id: string): void {
	const holder = sql
		.exec<{ id: string }>('SELECT id FROM resources WHERE name_key = ?', nameKey(name))
		.toArray()[0];
	if (holder && holder.id !== id) {
		throw new CheckError(409, 'resource_name_taken', `name: another resource is called ${name}`);
	}
}

/** Creates a resource at version 1 (name unique per site, case-insensitive). */
export function createResource(
	sql: SqlStorage,
	id: string,
	content: ResourceContent,
	now: number,
): ResourceView {
	checkName(sql, content.name, id);
	const n = sql.exec<{ n: number }>('SELECT count(*) AS n FROM resources').one().n;
	if (n >= MAX_RESOURCES) {
		throw new CheckError(409, 'too_many_resources', `A site has at most ${MAX_RESOURCES} resources`);
	}
	sql.exec(
		'INSERT INTO resources (id, name, name_key, labels, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)',
		id,
		content.name,
		nameKey(content.name),
		JSON.stringify(content.labels),
		now,
		now,
	);
	insertVersion(sql, id, 1, content, now);
	return findResource(sql, id) as ResourceView;
}

/**
 * Changes a resource: a new version with the fields given replaced (message and locales whole). Nothing changes
 * (and no version is added) when every given field equals the current one. Throws 404 for an unknown id.
 */
export function updateResource(
	sql: SqlStorage,
	id: string,
	patch: Partial<ResourceContent>,
	now: number,
): ResourceView {
	const current = findResource(sql, id);
	if (!current) throw new CheckError(404, 'resource_not_found', `No resource ${id} on this site`);
	const next: ResourceContent = {
		name: patch.name ?? current.name,
		labels: patch.labels ?? current.labels,
		message: patch.message ?? current.message,
		locales: patch.locales ?? current.locales,
	};
	const same =
		next.name === current.name &&
		JSON.stringify(next.labels) === JSON.stringify(current.labels) &&
		JSON.stringify(next.message) === JSON.stringify(current.message) &&
		JSON.stringify(next.locales) === JSON.stringify(current.locales);
	if (same) return current;
	checkName(sql, next.name, id);
	const version = current.version + 1;
	sql.exec(
		'UPDATE resources SET name = ?, name_key = ?, labels = ?, version = ?, updated_at = ? WHERE id = ?',
		next.name,
		nameKey(next.name),
		JSON.stringify(next.labels),
		version,
		now,
		id,
	);
	insertVersion(sql, id, version, next, now);
	return findResource(sql, id) as ResourceView;
}

function insertVersion(sql: SqlStorage, id: string, version: number, c: ResourceContent, now: number): void {
	sql.exec(
		'INSERT INTO resource_versions (resource_id, version, name, message, locales, created_at) VALUES (?, ?, ?, ?, ?, ?)',
		id,
		version,
		c.name,
		JSON.stringify(c.message),
		JSON.stringify(c.locales),
		now,
	);
}

/**
 * Deletes a resource and its versions, unless a scheduled, running or paused campaign sends it (409 naming them).
 * Sends already made keep their copy of the message. False when there is no such resource.
 */
export function deleteResource(sql: SqlStorage, id: string): boolean {
	const uses = resourceUses(sql, id);
	if (uses.length > 0) {
		throw new CheckError(
			409,
			'resource_in_use',
			`Resource ${id} is sent by ${uses.map((u) => `${u.type} "${u.name}" (${u.id}, ${u.state})`).join(', ')}; change or cancel those first`,
		);
	}
	const deleted = sql.exec('DELETE FROM resources WHERE id = ?', id).rowsWritten > 0;
	sql.exec('DELETE FROM resource_versions WHERE resource_id = ?', id);
	return deleted;
}

/** The messages a send from a resource sends: the default and each language's, with the use's overrides on top. */
export interface ResolvedResource {
	ref: ResourceRef;
	message: Message;
	/** Language tag → the full message for it (absent when the resource has no language variants). */
	translations: Record<string, Message> | null;
}

/** Resolves a resource at its current version with overrides (which win over every language's fields). */
export function resolveResource(
	sql: SqlStorage,
	id: string,
	overrides: MessageFields,
): ResolvedResource | null {
	const r = findResource(sql, id);
	return r ? applyResource(r, overrides) : null;
}

/** The messages of a resource (or one of its versions) with a use's overrides. */
export function applyResource(
	r: Pick<ResourceView, 'resourceId' | 'name' | 'version' | 'message' | 'locales'>,
	overrides: MessageFields,
): ResolvedResource {
	const message = { ...r.message, ...overrides } as Message;
	const tags = Object.keys(r.locales);
	const translations =
		tags.length === 0
			? null
			: Object.fromEntries(
					tags.map((tag) => [tag, { ...r.message, ...r.locales[tag], ...overrides } as Message]),
				);
	return { ref: { resourceId: r.resourceId, name: r.name, version: r.version }, message, translations };
}

/**
 * The language variant for a subscriber's locale (`de-AT`, `pt_BR`, as the browser reported it): the exact tag, else
 * its language (`de`), else null (the default message). Tags are compared in lower case.
 */
export function pickLocale(tags: readonly string[], locale: string | null | undefined): string | null {
	if (!locale) return null;
	const wanted = locale.toLowerCase().replace(/_/g, '-');
	if (tags.includes(wanted)) return wanted;
	const language = wanted.split('-')[0] ?? '';
	return tags.includes(language) ? language : null;
}
