// The admin page's only way to the worker: same-origin fetches carrying a fresh App Bridge session token.

/** The App Bridge global (`shopify`) the page uses. */
interface AppBridge {
	idToken(): Promise<string>;
	toast?: { show(message: string, options?: { isError?: boolean }): void };
}

declare global {
	interface Window {
		shopify?: AppBridge;
	}
}

/** An error the worker reported, with its message for the merchant. */
export class ApiError extends Error {
	override name = 'ApiError';
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

/**
 * Calls a /shopify/api route. A 401 carrying Shopify's retry header (stale or rejected session token) is retried
 * once with a new token, as App Bridge's own fetch does.
 */
export async function api<T>(path: string, init: RequestInit & { idempotencyKey?: string } = {}): Promise<T> {
	const bridge = window.shopify;
	if (!bridge) throw new ApiError(0, 'App Bridge did not load; open Beckon from your Shopify admin');
	for (let attempt = 0; ; attempt++) {
		const headers = new Headers(init.headers);
		headers.set('authorization', `Bearer ${await bridge.idToken()}`);
		if (init.body) headers.set('content-type', 'application/json');
		if (init.idempotencyKey) headers.set('idempotency-key', init.idempotencyKey);
		const response = await fetch(`/shopify/api${path}`, { ...init, headers });
		if (
			response.status === 401 &&
			attempt === 0 &&
			response.headers.has('x-shopify-retry-invalid-session-request')
		) {
			continue;
		}
		const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
		if (!response.ok)
			throw new ApiError(response.status, body.error?.message ?? `Request failed (${response.status})`);
		return body as T;
	}
}

/** Shows a toast in Shopify admin (falls back to nothing outside it). */
export function toast(message: string, isError = false): void {
	window.shopify?.toast?.show(message, { isError });
}
