import { PushRequestError } from './request';

/**
 * What became of one push attempt: accepted by the push service, subscription gone (prune it),
 * worth retrying later, or refused for good (record the reason, keep the subscription).
 */
export type PushOutcome =
	| { kind: 'delivered' }
	| { kind: 'gone'; status: number }
	| { kind: 'retry'; reason: string; retryAfterMs?: number }
	| { kind: 'rejected'; reason: string; status?: number };

/** First retry waits about this long. */
export const BACKOFF_BASE_MS = 1000;

/** No backoff step waits longer than this (a larger Retry-After still wins). */
export const BACKOFF_CAP_MS = 5 * 60 * 1000;

/** Fewest recipients a pass must try before its retries can be read as a push service outage. */
export const OUTAGE_MIN_RECIPIENTS = 10;

/**
 * Reads `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Returns milliseconds from `now` (never negative), or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
	if (value === null) return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text) * 1000;
	const at = Date.parse(text);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function retry(reason: string, headers: Headers, now: number): PushOutcome {
	const retryAfterMs = parseRetryAfter(headers.get('Retry-After'), now);
	return retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
}

/**
 * Maps a push service's HTTP answer to an outcome (policy in PUSH-SERVICES.md).
 * 401/403 are never "gone": a bad VAPID subject or clock would otherwise wipe every subscriber of a service.
 */
export function classifyResponse(status: number, headers: Headers, now: number = Date.now()): PushOutcome {
	switch (status) {
		case 200:
		case 201:
		case 202:
			return { kind: 'delivered' };
		case 404:
		case 410:
			return { kind: 'gone', status };
		case 400:
			return { kind: 'rejected', reason: 'bad_request', status };
		case 401:
		case 403:
			return { kind: 'rejected', reason: 'unauthorized', status };
		case 413:
			return { kind: 'rejected', reason: 'payload_too_large', status };
		case 429:
			return retry('rate_limited', headers, now);
		case 406:
			// WNS answers 406 (X-WNS-Status: appthrottled) when it throttles a sender.
			return retry('throttled', headers, now);
		case 503:
			return retry('unavailable', headers, now);
	}
	if (status >= 500 && status <= 599) return retry('server_error', headers, now);
	return { kind: 'rejected', reason: 'unexpected_status', status };
}

/**
 * Maps an error thrown while building or sending a push to an outcome: invalid input is rejected,
 * timeouts and aborts retry as 'timeout', anything else (DNS, TLS, reset connection) as 'network'.
 */
export function classifyError(error: unknown): PushOutcome {
	if (error instanceof PushRequestError) return { kind: 'rejected', reason: 'invalid_request' };
	if (error instanceof RangeError) return { kind: 'rejected', reason: 'payload_too_large' };
	const name = error instanceof Error || error instanceof DOMException ? error.name : '';
	const message = error instanceof Error || error instanceof DOMException ? error.message : String(error);
	if (name === 'TimeoutError' || name === 'AbortError' || /time[d\s-]*out/i.test(message)) {
		return { kind: 'retry', reason: 'timeout' };
	}
	return { kind: 'retry', reason: 'network' };
}

/**
 * Milliseconds to wait before retry number `attempt` (0 = the first retry): exponential from 1 s, capped at
 * 5 min, with "equal jitter" (between half and all of the step) so a burst of failures does not retry in step.
 * A `Retry-After` is a floor, plus up to 10 % (at most 1 s) of jitter.
 */
export function backoffMs(
	attempt: number,
	retryAfterMs?: number,
	random: () => number = Math.random,
): number {
	const n = Math.max(0, Math.floor(attempt));
	const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(n, 30));
	const delay = Math.round(step / 2 + random() * (step / 2));
	if (retryAfterMs === undefined || !(retryAfterMs > 0)) return delay;
	const floor = Math.round(retryAfterMs + random() * Math.min(retryAfterMs / 10, 1000));
	return Math.max(delay, floor);
}

/**
 * Whether one pass over a batch looks like a push service outage rather than recipients failing one by one:
 * most of at least {@link OUTAGE_MIN_RECIPIENTS} recipients needed a retry. Such a pass should not use up the
 * recipients' attempts (a few attempts are gone within seconds, outages last minutes); backoff and the TTL bound it.
 */
export function isOutage(tried: number, retried: number): boolean {
	return tried >= OUTAGE_MIN_RECIPIENTS && retried * 2 > tried;
}
