import type { ApiErrorBody } from '#wire';
import { sprintf } from './ui/format';

/** An error the API reported: its status, code and the server's message, meant for the user. */
export class ApiError extends Error {
	override name = 'ApiError';
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		/** The HTTP status text, for the console's own message when the server sent none. */
		readonly statusText = '',
	) {
		super(message);
	}
}

/** Reads an error response (`{error:{code,message}}`) into an ApiError (message '' when the body has none). */
export async function readError(response: Response): Promise<ApiError> {
	const body = (await response.json().catch(() => null)) as Partial<ApiErrorBody> | null;
	return new ApiError(
		response.status,
		body?.error?.code ?? 'http_error',
		body?.error?.message ?? '',
		response.statusText,
	);
}

/** The message to show for any thrown value; `t` translates the console's own texts (not the server's). */
export function messageOf(error: unknown, t: (text: string) => string): string {
	if (error instanceof ApiError)
		return error.message || sprintf(t('Request failed (%s)'), `${error.status} ${error.statusText}`.trim());
	if (error instanceof TypeError) return t('The Beckon API could not be reached; check your connection');
	return error instanceof Error ? error.message : String(error);
}
