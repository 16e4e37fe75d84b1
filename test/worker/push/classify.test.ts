import { describe, expect, it } from 'vitest';
import {
	BACKOFF_CAP_MS,
	backoffMs,
	classifyError,
	classifyResponse,
	isOutage,
	OUTAGE_MIN_RECIPIENTS,
	parseRetryAfter,
} from '../../../worker/src/push/classify';
import { PushRequestError } from '../../../worker/src/push/request';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const none = new Headers();
const retryAfter = (value: string) => new Headers({ 'Retry-After': value });

describe('classifyResponse', () => {
	it('follows the response policy table for every listed status', () => {
		const table: [number, unknown][] = [
			[200, { kind: 'delivered' }],
			[201, { kind: 'delivered' }],
			[202, { kind: 'delivered' }],
			[404, { kind: 'gone', status: 404 }],
			[410, { kind: 'gone', status: 410 }],
			[400, { kind: 'rejected', reason: 'bad_request', status: 400 }],
			[401, { kind: 'rejected', reason: 'unauthorized', status: 401 }],
			[403, { kind: 'rejected', reason: 'unauthorized', status: 403 }],
			[413, { kind: 'rejected', reason: 'payload_too_large', status: 413 }],
			[429, { kind: 'retry', reason: 'rate_limited' }],
			[406, { kind: 'retry', reason: 'throttled' }],
			[503, { kind: 'retry', reason: 'unavailable' }],
			[500, { kind: 'retry', reason: 'server_error' }],
			[502, { kind: 'retry', reason: 'server_error' }],
			[504, { kind: 'retry', reason: 'server_error' }],
			[301, { kind: 'rejected', reason: 'unexpected_status', status: 301 }],
			[405, { kind: 'rejected', reason: 'unexpected_status', status: 405 }],
			[204, { kind: 'rejected', reason: 'unexpected_status', status: 204 }],
		];
		for (const [status, outcome] of table)
			expect(classifyResponse(status, none, NOW), `${status}`).toEqual(outcome);
	});

	it('never prunes a subscription when the push service answers 401 or 403', () => {
		for (const status of [401, 403]) expect(classifyResponse(status, none, NOW).kind).not.toBe('gone');
	});

	it('honours Retry-After in seconds on 429, 406 and 503', () => {
		expect(classifyResponse(429, retryAfter('120'), NOW)).toEqual({
			kind: 'retry',
			reason: 'rate_limited',
			retryAfterMs: 120_000,
		});
		expect(classifyResponse(406, retryAfter('900'), NOW)).toMatchObject({ retryAfterMs: 900_000 });
		expect(classifyResponse(503, retryAfter(' 1 '), NOW)).toMatchObject({ retryAfterMs: 1000 });
	});

	it('honours Retry-After as an HTTP-date', () => {
		const later = new Date(NOW + 90_000).toUTCString();
		expect(classifyResponse(503, retryAfter(later), NOW)).toEqual({
			kind: 'retry',
			reason: 'unavailable',
			retryAfterMs: 90_000,
		});
		const past = new Date(NOW - 90_000).toUTCString();
		expect(classifyResponse(500, retryAfter(past), NOW)).toMatchObject({ retryAfterMs: 0 });
	});

	it('ignores a Retry-After it cannot read', () => {
		expect(classifyResponse(429, retryAfter('soon'), NOW)).toEqual({ kind: 'retry', reason: 'rate_limited' });
	});
});

describe('parseRetryAfter', () => {
	it('returns undefined when the header is absent', () => {
		expect(parseRetryAfter(null, NOW)).toBeUndefined();
	});
});

describe('classifyError', () => {
	it('retries as timeout when the request timed out or was aborted', () => {
		expect(classifyError(new DOMException('The operation timed out.', 'TimeoutError'))).toEqual({
			kind: 'retry',
			reason: 'timeout',
		});
		expect(classifyError(new DOMException('aborted', 'AbortError'))).toMatchObject({ reason: 'timeout' });
		expect(classifyError(new Error('Request timed out'))).toMatchObject({ reason: 'timeout' });
	});

	it('retries as network when the connection failed', () => {
		expect(classifyError(new TypeError('Network connection lost.'))).toEqual({
			kind: 'retry',
			reason: 'network',
		});
		expect(classifyError('weird')).toEqual({ kind: 'retry', reason: 'network' });
	});

	it('rejects when the request itself was invalid', () => {
		expect(classifyError(new PushRequestError('p256dh must be 65 bytes'))).toEqual({
			kind: 'rejected',
			reason: 'invalid_request',
		});
		expect(classifyError(new RangeError('Push payload too large'))).toEqual({
			kind: 'rejected',
			reason: 'payload_too_large',
		});
	});
});

describe('backoffMs', () => {
	it('doubles from 1 s with jitter between half and the whole step', () => {
		expect(backoffMs(0, undefined, () => 0)).toBe(500);
		expect(backoffMs(0, undefined, () => 1)).toBe(1000);
		expect(backoffMs(3, undefined, () => 0)).toBe(4000);
		expect(backoffMs(3, undefined, () => 1)).toBe(8000);
	});

	it('caps the step at 5 minutes when attempts pile up', () => {
		expect(backoffMs(50, undefined, () => 1)).toBe(BACKOFF_CAP_MS);
		expect(backoffMs(50, undefined, () => 0)).toBe(BACKOFF_CAP_MS / 2);
	});

	it('waits at least Retry-After when it is longer than the step', () => {
		expect(backoffMs(0, 900_000, () => 0)).toBe(900_000);
		expect(backoffMs(0, 900_000, () => 1)).toBe(901_000);
		expect(backoffMs(0, 2000, () => 1)).toBe(2200);
		expect(backoffMs(8, 1000, () => 0)).toBe(128_000);
	});

	it('spreads concurrent retries when random varies', () => {
		const delays = new Set(Array.from({ length: 20 }, () => backoffMs(4)));
		expect(delays.size).toBeGreaterThan(1);
		for (const d of delays) expect(d).toBeGreaterThanOrEqual(8000);
	});
});

describe('isOutage', () => {
	it('reads a pass as an outage when most of its recipients needed a retry', () => {
		expect(isOutage(250, 250)).toBe(true);
		expect(isOutage(250, 126)).toBe(true);
		expect(isOutage(OUTAGE_MIN_RECIPIENTS, OUTAGE_MIN_RECIPIENTS)).toBe(true);
	});

	it('blames the recipients when half or fewer needed a retry', () => {
		expect(isOutage(250, 125)).toBe(false);
		expect(isOutage(250, 1)).toBe(false);
		expect(isOutage(250, 0)).toBe(false);
	});

	it('needs enough recipients to tell an outage from a few failing endpoints', () => {
		expect(isOutage(1, 1)).toBe(false);
		expect(isOutage(OUTAGE_MIN_RECIPIENTS - 1, OUTAGE_MIN_RECIPIENTS - 1)).toBe(false);
		expect(isOutage(0, 0)).toBe(false);
	});
});
