import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { limiter } from '../../../worker/src/lib/limit';
import type { DispatchInput } from '../../../worker/src/objects/dispatcher';
import { sendBatch } from '../../../worker/src/queue/consumer';
import { OutageBreaker, TRIP_AFTER } from '../../../worker/src/sending/breaker';
import { createSite, makeSubscription } from '../helpers';

const retry = { kind: 'retry', reason: 'timeout' } as const;

describe('OutageBreaker', () => {
	it('opens for a push service after TRIP_AFTER retryable answers in a row, and only for that one', () => {
		const breaker = new OutageBreaker();
		for (let i = 0; i < TRIP_AFTER - 1; i++) breaker.record('https://fcm.googleapis.com', retry);
		expect(breaker.isOpen('https://fcm.googleapis.com')).toBe(false);
		breaker.record('https://fcm.googleapis.com', retry);
		expect(breaker.isOpen('https://fcm.googleapis.com')).toBe(true);
		expect(breaker.isOpen('https://updates.push.services.mozilla.com')).toBe(false);
	});

	it('starts counting again after any answer that is not a retry', () => {
		const breaker = new OutageBreaker();
		for (const outcome of [
			{ kind: 'delivered' },
			{ kind: 'gone', status: 410 },
			{ kind: 'rejected', reason: 'bad_request' },
		] as const) {
			for (let i = 0; i < TRIP_AFTER - 1; i++) breaker.record('https://web.push.apple.com', retry);
			breaker.record('https://web.push.apple.com', outcome);
			breaker.record('https://web.push.apple.com', retry);
			expect(breaker.isOpen('https://web.push.apple.com')).toBe(false);
		}
	});
});

describe('sendBatch into a push service that hangs', () => {
	it('stops after TRIP_AFTER timeouts and hands the rest back, instead of waiting out 250 timeouts', async () => {
		const site = await createSite();
		const { keys } = (await makeSubscription()).json;
		const group = crypto.randomUUID();
		const recipients = Array.from({ length: 250 }, (_, i) => ({
			id: `sub_${i}`,
			endpoint: `${env.PUSH_SINK_URL}/push/outage-hang-60000/${group}/${i}`,
			p256dh: keys.p256dh,
			auth: keys.auth,
			url: `${site.origin}/`,
		}));
		const input: DispatchInput = {
			notificationId: 'ntf_breaker',
			siteId: site.siteId,
			message: { title: 'x', body: 'y' },
			audience: { all: true },
			delivery: { ttl: 600, urgency: 'normal' },
			homeUrl: `${site.origin}/`,
			iconUrl: null,
			createdAt: Date.now(),
		};
		const started = Date.now();
		// At PUSH_TIMEOUT_MS 1.5 s and 6 at a time, sending them all would take 250 / 6 × 1.5 s ≈ 63 s.
		const report = await sendBatch(env, input, 0, recipients, limiter(6));
		const tookMs = Date.now() - started;
		expect(report).toMatchObject({ sent: 0, gone: 0, failures: {} });
		expect(report.retry).toHaveLength(250);
		expect(tookMs).toBeLessThan(10_000);
		const log = (await (
			await fetch(`${env.PUSH_SINK_URL}/_log?prefix=${encodeURIComponent(`outage-hang-60000/${group}/`)}`)
		).json()) as Record<string, unknown[]>;
		const requests = Object.values(log).flat().length;
		expect(requests).toBeGreaterThanOrEqual(TRIP_AFTER);
		expect(requests).toBeLessThanOrEqual(TRIP_AFTER + 6);
	}, 20_000);
});
