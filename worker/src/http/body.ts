import { HttpError } from './errors';

/** Largest JSON body any route accepts, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads a JSON object body, capped at `limit` bytes. Accepts any content type so that `navigator.sendBeacon`
 * (text/plain, no preflight) works.
 */
export async function readJsonObject(
	request: Request,
	limit = MAX_BODY_BYTES,
	{ optional = false }: { optional?: boolean } = {},
): Promise<Record<string, unknown>> {
	const bytes = await readBodyBytes(request, limit);
	if (bytes.byteLength === 0 && optional) return {};
	if (bytes.byteLength === 0)
		throw new HttpError(400, 'invalid_json', 'Request body is empty; send a JSON object');
	let value: unknown;
	try {
		value = JSON.parse(new TextDecoder().decode(bytes));
	} catch {
		throw new HttpError(400, 'invalid_json', 'Request body is not valid JSON');
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new HttpError(400, 'invalid_json', 'Request body must be a JSON object');
	}
	return value as Record<string, unknown>;
}

/** Reads a body of at most `limit` bytes (checks Content-Length first, then the bytes actually sent). */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
	const declared = Number(request.headers.get('content-length') ?? '0');
	if (declared > limit) throw tooLarge(limit);
	const bytes = new Uint8Array(await request.arrayBuffer());
	if (bytes.byteLength > limit) throw tooLarge(limit);
	return bytes;
}

function tooLarge(limit: number): HttpError {
	return new HttpError(413, 'body_too_large', `Request body is larger than ${limit} bytes`);
}
