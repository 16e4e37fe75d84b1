import fc from 'fast-check';

// JSON values and request bodies for the fuzz properties: wrong types, sizes and shapes, and valid documents
// with one thing wrong.

const encoder = new TextEncoder();

/** UTF-8 bytes of a string (lone surrogates become U+FFFD, as a browser would send them). */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** Any JSON value, nested a little. */
export const anyJson = fc.jsonValue({ maxDepth: 3 });

/** A long run of one character, from a few bytes to past most field limits. */
export const longString = fc
	.tuple(fc.constantFrom('x', 'é', '😀', ' ', '\u0000', '<'), fc.integer({ min: 65, max: 5000 }))
	.map(([c, n]) => c.repeat(n));

/** Strings a validator might trip over. */
export const nastyString = fc.oneof(
	fc.string({ maxLength: 24 }),
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.string({ unit: 'grapheme', maxLength: 20 }),
	longString,
	fc.constantFrom(
		'',
		' ',
		'\t\n',
		'__proto__',
		'constructor',
		'toString',
		'null',
		'undefined',
		'NaN',
		'0',
		'-1',
		'1e400',
		'javascript:alert(1)',
		'data:text/html,<b>x</b>',
		'file:///etc/passwd',
		'http://',
		'https://',
		'https://evil.example/',
		'http://127.0.0.1:1/x',
		'//evil.example',
		'../../../etc/passwd',
		'%00',
		'%E0%A4%A',
		'\u202e\u0000\uffff',
		"'; DROP TABLE sites; --",
		'{"a":1}',
	),
);

/** A value of the wrong type, size or shape for most fields. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
	fc.constant(null),
	fc.boolean(),
	fc.integer(),
	fc.double({ noNaN: true, noDefaultInfinity: true }),
	fc.constantFrom(0, -1, 1.5, -0, 2 ** 53, 1e308, -1e308),
	nastyString,
	fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 6 }),
	fc.array(nastyString, { maxLength: 60 }),
	fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }),
);

/** `value` about once in `n` cases, else null (fc.option's `freq` is the other way round). */
export function rarely<T>(value: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> {
	return fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: value });
}

/** Sometimes a plausible value, sometimes a wrong one: `good` with probability ~60%. */
export function maybe<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
	return fc.oneof({ arbitrary: good, weight: 3 }, { arbitrary: wrongValue, weight: 2 });
}

/**
 * A JSON object with a route's real field names (each present or not, plausible or wrong), sometimes with
 * unknown extra keys.
 */
export function fieldsObject(
	model: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
	const known = fc.record(model, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
	return fc
		.tuple(known, rarely(fc.dictionary(nastyString, wrongValue, { maxKeys: 3 }), 4))
		.map(([fields, extra]) => ({ ...(extra ?? {}), ...fields }));
}

type Json = Record<string, unknown>;

/** Every path to a value inside a JSON document (object keys and array indexes), the root excluded. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
	if (value === null || typeof value !== 'object') return [];
	const entries: Array<[string | number, unknown]> = Array.isArray(value)
		? value.map((v, i) => [i, v])
		: Object.entries(value);
	return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

/** A copy of `doc` with the value at `path` replaced (or deleted when `wrong` is the DELETE marker). */
function withChange(doc: Json, path: Array<string | number>, wrong: unknown): Json {
	const copy = structuredClone(doc);
	let parent: Record<string | number, unknown> = copy;
	for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
	const last = path.at(-1) as string | number;
	if (wrong === DELETE) {
		if (Array.isArray(parent)) parent.splice(last as number, 1);
		else delete parent[last];
	} else parent[last] = wrong;
	return copy;
}

const DELETE = Symbol('delete');

/**
 * A valid document with exactly one thing wrong: one value anywhere in it (nested ones included) replaced by a
 * wrong one or deleted, or an unknown key added at some level. Reaches the checks that run after the others pass.
 */
export function oneWrong(valid: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
	return fc
		.tuple(valid, fc.nat(), fc.oneof({ weight: 5, arbitrary: wrongValue }, fc.constant(DELETE)), nastyString)
		.map(([doc, pick, wrong, key]) => {
			const paths = [[], ...pathsOf(doc)];
			const path = paths[pick % paths.length] as Array<string | number>;
			if (path.length === 0) return { ...doc, [key]: wrong === DELETE ? null : wrong };
			return withChange(doc, path, wrong);
		});
}

/** What {@link bodyBytes} builds bodies from. */
export interface BodyModel {
	/** Objects with the route's field names, any of them plausible or wrong. */
	fields: fc.Arbitrary<Json>;
	/** Fully valid bodies (some cases succeed; mutated ones reach the deepest checks). */
	valid?: fc.Arbitrary<Json>;
	/** Largest body the route reads, in bytes. */
	limit: number;
}

/**
 * A request body: mostly a valid body with one thing wrong or an object with the route's fields, else a valid
 * one, empty, any JSON value, non-JSON bytes, text, truncated JSON or a huge document over the limit.
 */
export function bodyBytes({ fields, valid, limit }: BodyModel): fc.Arbitrary<Uint8Array | null> {
	const json = (doc: fc.Arbitrary<unknown>) => doc.map((o) => utf8(JSON.stringify(o)));
	return fc.oneof(
		...(valid
			? [
					{ weight: 10, arbitrary: json(oneWrong(valid)) },
					{ weight: 2, arbitrary: json(valid) },
				]
			: []),
		{ weight: 6, arbitrary: json(fields) },
		{ weight: 1, arbitrary: fc.constant(null) },
		{ weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
		{ weight: 1, arbitrary: json(anyJson) },
		{ weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
		{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }).map(utf8) },
		{ weight: 1, arbitrary: fields.map((o) => utf8(JSON.stringify(o).replace(/}$/, ''))) },
		{
			weight: 1,
			arbitrary: fc
				.tuple(valid ?? fields, fc.integer({ min: limit - 64, max: limit * 2 }))
				.map(([o, n]) => utf8(JSON.stringify({ ...o, padding: 'x'.repeat(n) }))),
		},
	);
}
