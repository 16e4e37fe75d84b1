import { ApiError, readError } from './api-error';
import type { Host } from './hosts/host';

export { ApiError } from './api-error';

/** Options of one call. */
export interface CallOptions {
	method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	/** Sent as JSON. */
	body?: unknown;
	idempotencyKey?: string;
	/** Lets the request outlive the page (a presence report on pagehide). */
	keepalive?: boolean;
}

/**
 * The console's one way to the Beckon API: `${api}/v1/sites/${siteId}…` with the console token. A 401
 * token_expired gets a fresh token from the host and is retried once.
 */
export class Api {
	constructor(
		private readonly host: Host,
		readonly base: string,
		readonly siteId: string,
	) {}

	/** Calls a site route and returns its JSON (undefined for 204). */
	async call<T>(path: string, options: CallOptions = {}): Promise<T> {
		const response = await this.raw(path, options);
		if (response.status === 204) return undefined as T;
		return (await response.json()) as T;
	}

	/** Calls a site route and returns the successful response as is (CSV downloads). */
	async raw(path: string, options: CallOptions = {}): Promise<Response> {
		for (let attempt = 0; ; attempt++) {
			const token = await this.host.token(attempt > 0);
			const headers: Record<string, string> = { authorization: `Bearer ${token.token}` };
			if (options.body !== undefined) headers['content-type'] = 'application/json';
			if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
			const response = await fetch(`${this.base}/v1/sites/${encodeURIComponent(this.siteId)}${path}`, {
				method: options.method ?? 'GET',
				headers,
				body: options.body === undefined ? undefined : JSON.stringify(options.body),
				keepalive: options.keepalive,
			});
			if (response.ok) return response;
			const error = await readError(response);
			if (error.status === 401 && error.code === 'token_expired' && attempt === 0) continue;
			throw error;
		}
	}
}

/** Builds a query string from the non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
	const s = q.toString();
	return s ? `?${s}` : '';
}

/** True for an ApiError with this status. */
export const isStatus = (e: unknown, status: number) => e instanceof ApiError && e.status === status;
