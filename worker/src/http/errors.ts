import { describeError } from '../lib/redact';

/** The one error type routes throw; the router turns it into a JSON response once. */
export class HttpError extends Error {
	override name = 'HttpError';
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

/** 400 naming the field at fault. */
export function badRequest(field: string, message: string): HttpError {
	return new HttpError(400, 'invalid_request', `${field}: ${message}`);
}

/** Converts anything thrown into a response; unknown errors become an opaque 500 and are logged without input. */
export function errorResponse(error: unknown): Response {
	if (error instanceof HttpError) {
		return Response.json(
			{ error: { code: error.code, message: error.message } },
			{ status: error.status, headers: error.headers },
		);
	}
	console.error('unhandled error', describeError(error));
	return Response.json({ error: { code: 'internal', message: 'Internal error' } }, { status: 500 });
}
