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

/** 404 for a site id that does not exist. */
export function siteNotFound(siteId: string): HttpError {
	return new HttpError(404, 'site_not_found', `No site with id ${siteId}`);
}

/** 404 for a subscriber that is not on this site (another site's subscriber reads as missing). */
export function subscriberNotFound(id: string, headers: Record<string, string> = {}): HttpError {
	return new HttpError(404, 'subscriber_not_found', `No subscriber ${id} on this site`, headers);
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
