import type { ApiErrorBody } from '#wire';

/** An error the API reported: its status, code and the server's message, meant for the user. */
export class ApiError extends Error {
	override name = 'ApiError';
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

/** Reads an error response (`{error:{code,message}}`) into an ApiError. */
export async function readError(response: Response): Promise<ApiError> {
	const body = (await response.json().catch(() => null)) as Partial<ApiErrorBody> | null;
	return new ApiError(
		response.status,
		body?.error?.code ?? 'http_error',
		body?.error?.message ?? `Request failed (${response.status} ${response.statusText})`.trim(),
	);
}

/** The message to show for any thrown value. */
export function messageOf(error: unknown): string {
	if (error instanceof ApiError) return error.message;
	if (error instanceof TypeError) return 'The Beckon API could not be reached; check your connection';
	return error instanceof Error ? error.message : String(error);
}
