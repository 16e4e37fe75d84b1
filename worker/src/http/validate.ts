import { badRequest, HttpError } from './errors';

type Obj = Record<string, unknown>;

/** A required string, trimmed, of 1..max characters. */
export function reqString(body: Obj, field: string, max: number): string {
	const value = optString(body, field, max);
	if (value === undefined) throw badRequest(field, 'is required');
	return value;
}

/** An optional string of 1..max characters; empty strings count as absent. */
export function optString(body: Obj, field: string, max: number): string | undefined {
	const value = body[field];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw badRequest(field, 'must be a string');
	const trimmed = value.trim();
	if (trimmed === '') return undefined;
	if (trimmed.length > max) throw badRequest(field, `must be at most ${max} characters`);
	return trimmed;
}

/** An optional boolean. */
export function optBoolean(body: Obj, field: string): boolean | undefined {
	const value = body[field];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'boolean') throw badRequest(field, 'must be true or false');
	return value;
}

/** An optional integer within [min, max]. */
export function optInteger(body: Obj, field: string, min: number, max: number): number | undefined {
	const value = body[field];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
		throw badRequest(field, `must be a whole number from ${min} to ${max}`);
	}
	return value;
}

/** One of a fixed set of strings. */
export function optEnum<T extends string>(body: Obj, field: string, allowed: readonly T[]): T | undefined {
	const value = body[field];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string' || !allowed.includes(value as T)) {
		throw badRequest(field, `must be one of ${allowed.join(', ')}`);
	}
	return value as T;
}

/** An optional array of distinct short strings. */
export function optStringArray(
	body: Obj,
	field: string,
	maxItems: number,
	maxLength: number,
): string[] | undefined {
	const value = body[field];
	if (value === undefined || value === null) return undefined;
	if (!Array.isArray(value)) throw badRequest(field, 'must be an array of strings');
	if (value.length > maxItems) throw badRequest(field, `must have at most ${maxItems} items`);
	const out = new Set<string>();
	for (const item of value) {
		if (typeof item !== 'string' || item.trim() === '' || item.length > maxLength) {
			throw badRequest(field, `items must be non-empty strings of at most ${maxLength} characters`);
		}
		out.add(item.trim());
	}
	return [...out];
}

/** An optional absolute http(s) URL. */
export function optUrl(body: Obj, field: string, max = 2048): URL | undefined {
	const raw = optString(body, field, max);
	if (raw === undefined) return undefined;
	return parseHttpUrl(raw, field);
}

/** Parses an absolute http(s) URL or throws a 400 naming the field. */
export function parseHttpUrl(raw: string, field: string): URL {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw badRequest(field, 'must be an absolute URL');
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:')
		throw badRequest(field, 'must be an http(s) URL');
	return url;
}

/** A plain object field (or undefined). */
export function optObject(body: Obj, field: string): Obj | undefined {
	const value = body[field];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(field, 'must be an object');
	return value as Obj;
}

/** Runs a nested validation and names its fields under `prefix` (e.g. `theme.accent` → `prompt.theme.accent`). */
export function within<T>(prefix: string, validate: () => T): T {
	try {
		return validate();
	} catch (error) {
		if (error instanceof HttpError && error.status === 400 && error.code === 'invalid_request') {
			throw new HttpError(400, error.code, `${prefix}.${error.message}`);
		}
		throw error;
	}
}
