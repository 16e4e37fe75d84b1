import type * as z from 'zod';
import { badRequest, type HttpError } from '../http/errors';

/**
 * Parses `value` with `schema`, or throws the 400 of its first problem as `<path>: <message>` (paths read
 * `subscription.keys.p256dh`, `actions[0].title`). A key the schema does not know is named before anything else:
 * it is most often a misspelling of the field that is reported missing.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
	const result = schema.safeParse(value, { error: fallbackMessage });
	if (result.success) return result.data;
	const issues = result.error.issues;
	const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
	throw issueError(issue);
}

/** Parses a query string: the first value of each parameter, as strings. */
export function parseQuery<S extends z.ZodType>(schema: S, params: URLSearchParams): z.output<S> {
	// No prototype: a parameter named `__proto__` or `constructor` is just a parameter.
	const query: Record<string, string> = Object.create(null);
	for (const [name, value] of params) if (!Object.hasOwn(query, name)) query[name] = value;
	return parse(schema, query);
}

/** A field path as the messages write it: `a.b[0].c` (an empty key as `[""]`). */
export function pathName(path: readonly PropertyKey[]): string {
	let out = '';
	for (const key of path) {
		if (typeof key === 'number') out += `[${key}]`;
		else if (key === '') out += '[""]';
		else out += out === '' ? String(key) : `.${String(key)}`;
	}
	return out;
}

function issueError(issue: z.core.$ZodIssue | undefined): HttpError {
	const path: PropertyKey[] = [...(issue?.path ?? [])];
	if (issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
	return badRequest(pathName(path) || 'body', issue?.message ?? 'is not valid');
}

/** Messages for the checks no field schema words itself. */
function fallbackMessage(issue: z.core.$ZodRawIssue): string | undefined {
	switch (issue.code) {
		case 'invalid_type':
			return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
		case 'invalid_value':
			return `must be one of ${issue.values.map(String).join(', ')}`;
		case 'unrecognized_keys':
			return 'is not a known field';
		case 'too_big':
			return `must be at most ${String(issue.maximum)}`;
		case 'too_small':
			return `must be at least ${String(issue.minimum)}`;
		default:
			return undefined;
	}
}

function article(type: string): string {
	return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
