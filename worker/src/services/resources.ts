import type { Message, MessageFields, ResourceVersionView, ResourceView } from '#wire';
import { parse } from '../api/parse';
import { resourceCreate, resourcePatch } from '../api/schemas/resources';
import type { Env } from '../env';
import { badRequest, HttpError } from '../http/errors';
import { newId } from '../lib/ids';
import { siteStore } from '../objects/site-store';
import { parseSendRequest } from '../sending/message';
import { applyResource, type ResolvedResource, type ResourceContent } from '../store/resources';
import type { Site } from '../store/sites';
import { unwrap } from './segments';

// Push resources (issue 17): saved, named messages with language variants, used by sends and campaigns in place of
// an inline message. Every message a resource can produce is checked exactly as a send's.

/** The fields a message (or a language variant, or a use's overrides) may set. */
export const MESSAGE_FIELDS = [
	'title',
	'body',
	'url',
	'icon',
	'image',
	'badge',
	'actions',
	'requireInteraction',
	'tag',
] as const;
const MAX_LOCALES = 40;
const LOCALE = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$/;
export const RESOURCE_ID = /^res_[A-Za-z0-9_-]{1,40}$/;

/** Refuses fields that are not message fields (`path.field: is not a message field …`). */
function onlyMessageFields(fields: Record<string, unknown>, path: string): void {
	for (const key of Object.keys(fields)) {
		if (!(MESSAGE_FIELDS as readonly string[]).includes(key)) {
			throw badRequest(`${path}.${key}`, `is not a message field (use ${MESSAGE_FIELDS.join(', ')})`);
		}
	}
}

/** A full message checked exactly as a send's; its errors name the field under `path` ('' for a send's body). */
export function checkedMessage(
	fields: Record<string, unknown>,
	origins: readonly string[],
	path: string,
): Message {
	try {
		return parseSendRequest({ ...fields, audience: { all: true } }, origins).message;
	} catch (error) {
		if (path && error instanceof HttpError && error.status === 400) {
			throw new HttpError(error.status, error.code, `${path}.${error.message}`);
		}
		if (path && error instanceof HttpError && error.status === 413) {
			throw new HttpError(error.status, error.code, `${path}: ${error.message}`);
		}
		throw error;
	}
}

/** Null and blank strings read as "not set" (the house rule for every field): an override of nothing is none. */
function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

/** Whether a body names a resource (a blank or null `resource` reads as none). */
export function namesResource(given: Record<string, unknown>): boolean {
	return isSet(given.resource);
}

/**
 * JSON may carry an own `__proto__` key, which object spreads and records drop without a word: refuse it by name
 * instead, wherever message fields or languages are read.
 */
function refuseProtoKeys(value: unknown, path: string): void {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
	const at = (key: string) => (path ? `${path}.${key}` : key);
	if (Object.hasOwn(value, '__proto__')) throw badRequest(at('__proto__'), 'is not an allowed key');
	for (const [key, inner] of Object.entries(value)) refuseProtoKeys(inner, at(key));
}

/** The fields `given` names, as the checked message has them (URLs normalised, blanks dropped). */
function fieldsOf(given: Record<string, unknown>, checked: Message): MessageFields {
	const out: Record<string, unknown> = {};
	for (const key of Object.keys(given)) {
		const value = checked[key as keyof Message];
		if (value !== undefined) out[key] = value;
	}
	return out as MessageFields;
}

/** A resource's message and languages, each language checked merged over the message. */
function checkedContent(
	message: Record<string, unknown>,
	locales: Record<string, Record<string, unknown>>,
	origins: readonly string[],
): Pick<ResourceContent, 'message' | 'locales'> {
	onlyMessageFields(message, 'message');
	const checked = checkedMessage(message, origins, 'message');
	const tags = Object.keys(locales);
	if (tags.length > MAX_LOCALES) throw badRequest('locales', `at most ${MAX_LOCALES} languages`);
	const out: Record<string, MessageFields> = {};
	for (const tag of tags) {
		const key = tag.trim().toLowerCase().replace(/_/g, '-');
		if (!LOCALE.test(key)) {
			throw badRequest(`locales.${tag}`, 'is not a language tag such as de, fr-ca or pt-br');
		}
		if (out[key] !== undefined) throw badRequest(`locales.${tag}`, `repeats the language ${key}`);
		const fields = locales[tag] as Record<string, unknown>;
		onlyMessageFields(fields, `locales.${tag}`);
		if (Object.keys(fields).length === 0) {
			throw badRequest(
				`locales.${tag}`,
				'changes no field: give at least the title or body in this language',
			);
		}
		const merged = checkedMessage({ ...message, ...fields }, origins, `locales.${tag}`);
		out[key] = fieldsOf(fields, merged);
	}
	return { message: checked, locales: out };
}

export async function createResource(env: Env, site: Site, body: unknown): Promise<ResourceView> {
	refuseProtoKeys(body, '');
	const input = parse(resourceCreate, body);
	const content: ResourceContent = {
		name: input.name,
		labels: input.labels ?? [],
		...checkedContent(
			input.message,
			(input.locales ?? {}) as Record<string, Record<string, unknown>>,
			site.origins,
		),
	};
	return unwrap(await siteStore(env, site.id).saveResource(site.id, newId('res'), content, true));
}

export async function updateResource(env: Env, site: Site, id: string, body: unknown): Promise<ResourceView> {
	refuseProtoKeys(body, '');
	const input = parse(resourcePatch, body);
	const patch: Partial<ResourceContent> = {};
	if (input.name !== undefined) patch.name = input.name;
	if (input.labels !== undefined) patch.labels = input.labels;
	if (input.message !== undefined || input.locales !== undefined) {
		// Languages are checked against the message they change, old or new.
		const current = await readResource(env, site.id, id);
		const checked = checkedContent(
			(input.message ?? current.message) as unknown as Record<string, unknown>,
			(input.locales ?? current.locales) as Record<string, Record<string, unknown>>,
			site.origins,
		);
		if (input.message !== undefined) patch.message = checked.message;
		if (input.locales !== undefined) patch.locales = checked.locales;
	}
	return unwrap(await siteStore(env, site.id).saveResource(site.id, id, patch, false));
}

export async function readResource(env: Env, siteId: string, id: string): Promise<ResourceView> {
	const resource = RESOURCE_ID.test(id) ? await siteStore(env, siteId).resource(siteId, id) : null;
	if (!resource) throw new HttpError(404, 'resource_not_found', `No resource ${id} on this site`);
	return resource;
}

export async function readResourceVersion(
	env: Env,
	siteId: string,
	id: string,
	version: number,
): Promise<ResourceVersionView> {
	const found = RESOURCE_ID.test(id)
		? await siteStore(env, siteId).resourceVersion(siteId, id, version)
		: null;
	if (!found)
		throw new HttpError(404, 'resource_version_not_found', `No version ${version} of resource ${id}`);
	return found;
}

export async function deleteResource(env: Env, siteId: string, id: string): Promise<void> {
	const deleted = RESOURCE_ID.test(id) && unwrap(await siteStore(env, siteId).deleteResource(siteId, id));
	if (!deleted) throw new HttpError(404, 'resource_not_found', `No resource ${id} on this site`);
}

/**
 * A message given as `{resource: "res_…", …overrides}` (a send's body, a campaign's message): the resource at its
 * current version with the overrides on top, every language included, each checked exactly as a send. `path` names
 * where it was given (`message`, or '' for a send's body). A resource the site does not have is a 400.
 */
export async function useResource(
	env: Env,
	site: Site,
	given: Record<string, unknown>,
	path: string,
): Promise<ResolvedResource & { overrides: MessageFields }> {
	const at = (field: string) => (path ? `${path}.${field}` : field);
	const id = typeof given.resource === 'string' ? given.resource.trim() : given.resource;
	if (typeof id !== 'string' || !RESOURCE_ID.test(id)) {
		throw badRequest(at('resource'), 'must be a resource id such as res_…');
	}
	const overrides: Record<string, unknown> = {};
	for (const field of MESSAGE_FIELDS) if (isSet(given[field])) overrides[field] = given[field];
	const resource = await siteStore(env, site.id).resource(site.id, id);
	if (!resource) throw badRequest(at('resource'), `no resource ${id} on this site`);
	// Checked merged, so an override is held to the same rules as the field it replaces.
	const merged = checkedMessage(
		{ ...(resource.message as unknown as Record<string, unknown>), ...overrides },
		site.origins,
		path,
	);
	const checkedOverrides = fieldsOf(overrides, merged);
	const resolved = applyResource(resource, checkedOverrides);
	for (const [tag, m] of Object.entries(resolved.translations ?? {})) {
		checkedMessage(
			m as unknown as Record<string, unknown>,
			site.origins,
			`${at('resource')} (language ${tag})`,
		);
	}
	return { ...resolved, overrides: checkedOverrides };
}
