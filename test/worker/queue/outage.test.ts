import { env } from 'cloudflare:workers';
import { describe, it } from 'vitest';
import { createSite, makeSubscription, seedSubscribers, send, type TestSite, waitDone } from '../helpers';

/** Recipients per campaign: two queue messages (250 + 50). */
const AUDIENCE = 300;

/** Inserts `n` allowed subscribers whose endpoints share one sink group, all with one real key pair. */
async function seedAudience(site: TestSite, behaviour: string, group: string, n: number): Promise<void> {
	const { keys } = (await makeSubscription()).json;
	await seedSubscribers(
		site.siteId,
		Array.from({ length: n }, (_, i) => ({
			id: `sub_${group.slice(0, 8)}_${String(i).padStart(4, '0')}`,
			endpoint: `${env.PUSH_SINK_URL}/push/${behaviour}/${group}/${i}`,
			p256dh: keys.p256dh,
			auth: keys.auth,
		})),
	);
}

/** What the push sink recorded of one request (see test/support/push-sink.ts). */
interface SinkRecord {
	status: number | 'hang' | 'reset';
	at: number;
}

/** Every record of a sink group, by endpoint. */
async function groupLog(behaviour: string, group: string): Promise<Record<string, SinkRecord[]>> {
	const prefix = encodeURIComponent(`${behaviour}/${group}/`);
	return (await fetch(`${env.PUSH_SINK_URL}/_log?prefix=${prefix}`)).json();
}

interface Outage {
	mode: string;
	ms: number;
	/** Shortest wait the policy allows after a failed request (Retry-After: 1, else half the first backoff step). */
	minGapMs: number;
}

/**
 * Short outages of every kind, and two that outlast MAX_ATTEMPTS passes (the fifth comes about 14–22 s after the
 * first; the sixth at least 8 s later), which must not use up the recipients' attempts.
 */
const outages: Outage[] = [
	{ mode: '429', ms: 3000, minGapMs: 1000 },
	{ mode: '503', ms: 3000, minGapMs: 1000 },
	{ mode: '500', ms: 3000, minGapMs: 500 },
	{ mode: 'reset', ms: 3000, minGapMs: 500 },
	{ mode: 'hang', ms: 3000, minGapMs: 500 },
	{ mode: '503', ms: 22_000, minGapMs: 1000 },
	{ mode: '500', ms: 22_000, minGapMs: 500 },
];

/**
 * Most requests one recipient may see during an outage of `ms`: its first, then one per backoff step, each step
 * doubling from at least 0.5 s (half of BACKOFF_BASE_MS, the jitter's floor). Hammering would make one per pass.
 */
function maxRequestsDuring(ms: number): number {
	return 1 + Math.floor(Math.log2(1 + ms / 500));
}

// One after another: the sink is one push-service origin, and the consumer's outage breaker (rightly) treats every
// campaign sent to a push service in an outage as affected, which would couple concurrent cases' timings.
describe('push delivery through a whole-campaign outage', () => {
	it.for(outages)(
		'backs off and delivers every recipient exactly once through a $ms ms outage of $mode',
		{ timeout: 60_000 },
		async ({ mode, ms, minGapMs }, { expect }) => {
			const site = await createSite();
			const behaviour = `outage-${mode}-${ms}`;
			const group = crypto.randomUUID();
			await seedAudience(site, behaviour, group, AUDIENCE);

			const view = await waitDone(site, await send(site, { title: `Outage ${mode}` }), 55_000);
			expect(view.counts).toMatchObject({ targeted: AUDIENCE, sent: AUDIENCE, failed: 0 });

			const endpoints = Object.values(await groupLog(behaviour, group));
			expect(endpoints).toHaveLength(AUDIENCE);
			const all = endpoints.flat();
			const outageStart = Math.min(...all.map((r) => r.at));
			const outageEnd = outageStart + ms;
			const failed = all.filter((r) => r.status !== 201).length;

			for (const records of endpoints) {
				// Exactly one acceptance, and nothing sent to that recipient after it.
				expect(records.filter((r) => r.status === 201)).toHaveLength(1);
				expect(records.at(-1)?.status).toBe(201);
				// Retries wait longer each time instead of hammering the push service.
				expect(records.filter((r) => r.at < outageEnd).length).toBeLessThanOrEqual(maxRequestsDuring(ms));
				for (let i = 1; i < records.length; i++) {
					const waited = (records[i] as SinkRecord).at - (records[i - 1] as SinkRecord).at;
					expect(waited).toBeGreaterThanOrEqual(minGapMs);
				}
			}
			// Someone did see the outage (else the test proves nothing).
			expect(failed).toBeGreaterThan(0);
		},
	);
});
