import * as z from 'zod';

// Field schemas with the house's input rules: strings are trimmed, and null or blank reads as absent (browsers and
// plugins send `null` and `""` for "not set"). Each sets the message a person reads after the field's path.

/** Reads null as absent. */
function absentIfNull(value: unknown): unknown {
	return value === null ? undefined : value;
}

/** Reads null and blank strings as absent. */
function absentIfBlank(value: unknown): unknown {
	return value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;
}

function trimmed(max: number, required?: string) {
	return z
		.string({ error: (issue) => (issue.input === undefined && required ? required : 'must be a string') })
		.trim()
		.max(max, { error: `must be at most ${max} characters` });
}

/**
 * A required string, trimmed, of 1..max characters; `required` is the message when it is missing, `refine` adds
 * checks on the trimmed value.
 */
export function reqText(
	max: number,
	required = 'is required',
	refine: (s: z.ZodString) => z.ZodString = (s) => s,
) {
	return z.preprocess(absentIfBlank, refine(trimmed(max, required).min(1, { error: required })));
}

/** An optional string, trimmed, of at most `max` characters; `refine` adds checks on the trimmed value. */
export function optText(max: number, refine: (s: z.ZodString) => z.ZodString = (s) => s) {
	return z.preprocess(absentIfBlank, refine(trimmed(max)).optional());
}

/** An optional boolean. */
export function optBool() {
	return opt(z.boolean({ error: 'must be true or false' }));
}

/** A whole number within [min, max]. */
export function int(min: number, max: number) {
	const error = `must be a whole number from ${min} to ${max}`;
	return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** An optional whole number within [min, max]. */
export function optInt(min: number, max: number) {
	return opt(int(min, max));
}

/** One of a fixed set of strings; `required` (if given) is the message when it is missing. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, required?: string) {
	return z.enum(values, {
		error: (issue) =>
			issue.input === undefined && required ? required : `must be one of ${values.join(', ')}`,
	});
}

/** An optional one of a fixed set of strings. */
export function optOneOf<const T extends readonly [string, ...string[]]>(values: T) {
	return opt(oneOf(values));
}

/** An absolute http(s) URL of at most `max` characters, normalised (`new URL(…).href`). */
export function httpUrl(max: number, required?: string) {
	return trimmed(max, required)
		.min(1, { error: required ?? 'must be an absolute URL' })
		.superRefine((value, ctx) => {
			const url = URL.parse(value);
			if (!url) ctx.addIssue({ code: 'custom', message: 'must be an absolute URL' });
			else if (url.protocol !== 'https:' && url.protocol !== 'http:')
				ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
		})
		.transform((value) => new URL(value).href)
		.meta({ format: 'uri' });
}

/** An optional absolute http(s) URL. */
export function optHttpUrl(max = 2048) {
	return z.preprocess(absentIfBlank, httpUrl(max).optional());
}

/**
 * A list of distinct non-blank strings (trimmed); `required` (if given) is the message when it is missing or has
 * fewer than `minItems`.
 */
export function textList(maxItems: number, maxLength: number, required?: string, minItems = 0) {
	const item = `must be a non-empty string of at most ${maxLength} characters`;
	return z
		.array(z.string({ error: item }).trim().min(1, { error: item }).max(maxLength, { error: item }), {
			error: (issue) => (issue.input === undefined && required ? required : 'must be an array of strings'),
		})
		.min(minItems, { error: required ?? `must have at least ${minItems} items` })
		.max(maxItems, { error: `must have at most ${maxItems} items` })
		.transform((items) => [...new Set(items)]);
}

/** An optional list of distinct non-blank strings. */
export function optTextList(maxItems: number, maxLength: number) {
	return opt(textList(maxItems, maxLength));
}

/** A required list of distinct non-blank strings; null reads as missing. */
export function reqTextList(maxItems: number, maxLength: number, required: string, minItems = 0) {
	return z.preprocess(absentIfNull, textList(maxItems, maxLength, required, minItems));
}

/** Makes any schema optional, reading null as absent. */
export function opt<T extends z.ZodType>(schema: T) {
	return z.preprocess(absentIfNull, schema.optional());
}

/** An object; `required` (if given) is the message when it is missing. */
export function object<T extends z.core.$ZodLooseShape>(shape: T, required?: string) {
	return z.object(shape, { error: objectError(required) });
}

/** An object that may be missing (null reads as missing). */
export function optObject<T extends z.core.$ZodLooseShape>(shape: T) {
	return opt(object(shape));
}

/** An object that refuses keys it does not know, saying `unknown` after the key's path. */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T, unknown: string, required?: string) {
	return z.strictObject(shape, {
		error: (issue) => (issue.code === 'unrecognized_keys' ? unknown : objectError(required)(issue)),
	});
}

function objectError(required: string | undefined) {
	return (issue: { code?: string; input?: unknown }) =>
		issue.code === 'invalid_type' && issue.input === undefined && required ? required : 'must be an object';
}

/** A whole-number query parameter within [min, max]; empty reads as absent. */
export function queryInt(min: number, max: number) {
	const error = `must be a whole number from ${min} to ${max}`;
	return z.preprocess(
		(value) => (value === '' ? undefined : value),
		z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).optional(),
	);
}
