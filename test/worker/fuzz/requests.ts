import fc from 'fast-check';

// Requests for the fuzz properties: methods, path ids, headers, and the request itself.

/** One generated request: what the fuzz properties send to the worker. */
export interface FuzzRequest {
	method: string;
	path: string;
	headers: Record<string, string>;
	/** Raw body bytes; null sends none (always null for GET and HEAD). */
	body: Uint8Array | null;
}

/** Characters allowed in an HTTP header value (visible ASCII and space). */
const headerChar = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

/** A header value that fetch accepts. */
export const headerValue = fc.string({ unit: headerChar, maxLength: 60 });

/** Content types a client might send (or none). */
export const contentType = fc.option(
	fc.oneof(
		fc.constantFrom(
			'application/json',
			'application/json; charset=utf-8',
			'application/json; charset=utf-16',
			'text/plain;charset=UTF-8',
			'application/x-www-form-urlencoded',
			'multipart/form-data; boundary=x',
			'application/octet-stream',
			'*/*',
		),
		headerValue,
	),
	{ freq: 5 },
);

/** An Authorization header: the right one (most often, so validation runs), wrong ones, or none. */
export function authorization(valid: string | null, others: string[] = []): fc.Arbitrary<string | null> {
	const bogus = fc.oneof(
		fc.constant(null),
		headerValue,
		headerValue.map((t) => `Bearer ${t}`),
		fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer bk_x', 'Bearer a b'),
		...others.map((key) => fc.constant(`Bearer ${key}`)),
	);
	return valid === null
		? bogus
		: fc.oneof({ weight: 4, arbitrary: fc.constant(`Bearer ${valid}`) }, { weight: 1, arbitrary: bogus });
}

/** An Origin header: the site's own (most often), another site's, junk, or none. */
export function origin(own: string, others: string[]): fc.Arbitrary<string | null> {
	return fc.oneof(
		{ weight: 4, arbitrary: fc.constant(own) },
		{ weight: 2, arbitrary: fc.constant(null) },
		{ weight: 1, arbitrary: fc.constantFrom('null', `${own}/`, own.toUpperCase(), ...others) },
		{ weight: 1, arbitrary: headerValue },
	);
}

/** Percent-encodes a string for one path segment (keeps it one segment whatever it holds). */
export function segment(text: string): string {
	return encodeURIComponent(text).replace(
		/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
}

/** A path id: a real one (most often), another site's, or random, unicode, very long or oddly encoded. */
export function pathId(real: string[], foreign: string[] = []): fc.Arbitrary<string> {
	const known = [...real, ...foreign];
	return fc.oneof(
		...(known.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...known) }] : []),
		{ weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }).map(segment) },
		{ weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(segment) },
		{ weight: 1, arbitrary: fc.integer({ min: 300, max: 6000 }).map((n) => `site_${'a'.repeat(n)}`) },
		{
			weight: 1,
			arbitrary: fc.constantFrom(
				'site_',
				'sub_',
				'ntf_',
				'%00',
				'%E0%A4%A',
				'%2F',
				'..%2F..',
				'null',
				'0',
				'-1',
			),
		},
	);
}

/** The route's own method most of the time, sometimes any other. */
export function method(own: string): fc.Arbitrary<string> {
	return fc.oneof(
		{ weight: 9, arbitrary: fc.constant(own) },
		{ weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
	);
}

/** The parts of a request before {@link toRequest} tidies them. */
export interface RequestParts {
	method: string;
	path: string;
	headers: Record<string, string | null>;
	body: Uint8Array | null;
}

/** Assembles a request, dropping the body for GET and HEAD and leaving out absent headers. */
export function toRequest({ method, path, headers, body }: RequestParts): FuzzRequest {
	const req: FuzzRequest = {
		method,
		path,
		headers: Object.fromEntries(
			Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
		),
		body: method === 'GET' || method === 'HEAD' ? null : body,
	};
	// fast-check prints counterexamples with this: the body as text, not as a list of bytes.
	Object.defineProperty(req, fc.toStringMethod, { value: () => describeRequest(req) });
	return req;
}

/** A readable one-request summary for failure reports (long paths and bodies cut). */
export function describeRequest(req: FuzzRequest): string {
	const cut = (text: string, n: number) =>
		text.length > n ? `${text.slice(0, n)}…(${text.length} chars)` : text;
	const body = req.body === null ? 'no body' : cut(new TextDecoder().decode(req.body), 400);
	return `${req.method} ${cut(req.path, 200)} ${JSON.stringify(req.headers)} ${JSON.stringify(body)}`;
}

/** {@link toRequest} over an arbitrary of parts. */
export function request(parts: fc.Arbitrary<RequestParts>): fc.Arbitrary<FuzzRequest> {
	return parts.map(toRequest);
}
