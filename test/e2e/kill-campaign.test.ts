import { createECDH } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { d1Execute, makeKeySets, processTree, seedSql, stopFully } from '../../bench/campaign/common.mjs';
// @ts-expect-error plain ESM script without types
import { startLocal } from '../../scripts/local.mjs';
import { ece } from '../support/http-ece';
import { freePort } from '../support/local-worker';
import { type PushSink, startPushSink } from '../support/push-sink';

interface Stack {
	url: string;
	pid: number;
	demo: { siteId: string; apiKey: string };
	stop(): Promise<void>;
}

const RECIPIENTS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'beckon-kill-'));
const stateDir = join(dir, 'state');
const secretsFile = join(dir, 'secrets.env');
let sink: PushSink | null = null;
let stack: Stack | null = null;

afterAll(async () => {
	if (stack) await stack.stop();
	await sink?.close();
	rmSync(dir, { recursive: true, force: true });
});

/** The local stack on the same state folder and port each time, as a restart after a crash would find it. */
function start(port: number): Promise<Stack> {
	return startLocal({
		port,
		stateDir,
		secretsFile,
		skipBuild: true,
		// A lost queue message is re-sent after 4 s instead of 10 min, so the test does not wait for the default.
		vars: { RATE_LIMIT_PUBLIC: 'false', DISPATCH_WATCHDOG_MS: '4000' },
	}) as Promise<Stack>;
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** SIGKILL to wrangler and every workerd under it at once: nothing gets to flush or say goodbye. */
async function killHard(s: Stack): Promise<void> {
	const pids = (processTree(s.pid) as Array<{ pid: number }>).map((p) => p.pid);
	for (const pid of pids) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {}
	}
	const deadline = Date.now() + 15_000;
	while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
	expect(pids.filter(alive)).toEqual([]);
}

function accepted(s: PushSink): Map<string, Array<{ body: string }>> {
	const out = new Map<string, Array<{ body: string }>>();
	for (const [key, list] of s.records) {
		const ok = list.filter((r) => r.status === 201);
		if (ok.length > 0) out.set(key, ok);
	}
	return out;
}

describe('a campaign whose whole stack is killed mid-send', () => {
	it('reaches every recipient once as the user sees it, and its report matches the push service', async () => {
		sink = await startPushSink();
		const port = await freePort();
		// One key pair for all, so the test can decrypt any copy; the push service sees distinct endpoints.
		const [keys] = makeKeySets(1) as Array<{ p256dh: string; privateKey: string; auth: string }>;
		if (!keys) throw new Error('no keys');

		stack = await start(port);
		const { siteId, apiKey } = stack.demo;
		await stopFully(stack, port);
		stack = null;
		// Seeded as rows of the single-D1 design (fast, one INSERT … SELECT): the site's store copies them on its
		// first request, so this also covers an upgraded deployment's first campaign.
		d1Execute(
			stateDir,
			seedSql({ siteId, count: RECIPIENTS, endpointBase: `${sink.url}/push/201/`, keys: [keys] }),
		);

		stack = await start(port);
		const api = (path: string, init: RequestInit = {}) =>
			fetch(`${(stack as Stack).url}/v1/sites/${siteId}${path}`, {
				...init,
				headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
			});
		const created = await api('/notifications', {
			method: 'POST',
			body: JSON.stringify({ title: 'Flash sale', body: 'Until midnight', audience: { all: true } }),
		});
		expect(created.status).toBe(202);
		const { notificationId } = (await created.json()) as { notificationId: string };

		// Kill once a quarter has gone out, half-way through a 250-recipient batch: batches are in flight, most are
		// still queued.
		const killAt = Date.now() + 60_000;
		while (accepted(sink).size < RECIPIENTS / 4 + 125 && Date.now() < killAt)
			await new Promise((r) => setTimeout(r, 20));
		await killHard(stack);
		const atKill = accepted(sink).size;
		expect(atKill).toBeGreaterThanOrEqual(RECIPIENTS / 4);
		expect(atKill).toBeLessThan(RECIPIENTS);

		stack = await start(port);
		let view: { status: string; counts: Record<string, number> } = { status: '', counts: {} };
		const deadline = Date.now() + 120_000;
		while (view.status !== 'done' && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 500));
			view = (await (await api(`/notifications/${notificationId}`)).json()) as typeof view;
		}
		expect(view.status).toBe('done');

		const got = accepted(sink);
		// None lost: every subscriber's endpoint accepted a push.
		expect(got.size).toBe(RECIPIENTS);
		// Copies only from the batches that were out when the stack died: at most one consumer invocation's worth
		// (max_batch_size 10 messages × 250 recipients), each copy the same notification under the same tag.
		const copies = [...got.values()].filter((list) => list.length > 1);
		expect(copies.length).toBeLessThanOrEqual(10 * 250);
		const ua = createECDH('prime256v1');
		ua.setPrivateKey(Buffer.from(keys.privateKey, 'base64url'));
		for (const list of copies.slice(0, 50)) {
			const payloads = list.map(
				(r) =>
					JSON.parse(
						ece
							.decrypt(Buffer.from(r.body, 'base64url'), {
								version: 'aes128gcm',
								privateKey: ua,
								authSecret: keys.auth,
							})
							.toString(),
					) as { nid: string; tag?: string; sid: string },
			);
			expect(new Set(payloads.map((p) => `${p.nid}|${p.tag ?? p.nid}|${p.sid}`)).size).toBe(1);
			expect(payloads[0]?.nid).toBe(notificationId);
		}
		// The report counts what the push service holds: each recipient once.
		expect(view.counts).toMatchObject({ targeted: RECIPIENTS, sent: RECIPIENTS, failed: 0 });
		console.log(
			`kill-mid-campaign: ${atKill} of ${RECIPIENTS} accepted at the kill; ${copies.length} recipients got a second copy`,
		);
	}, 300_000);
});
