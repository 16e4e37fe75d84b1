// Automations (issue 13) on the local stack (wrangler dev: workerd + local D1, Durable Objects and Queues): N journeys
// started by events through the API and fired by the site store's own alarm, against the design where every
// journey's push is a notification of its own (the "one send per journey" peer, measured in the same run).
// Goal: a bounded number of billed rows per journey (DESIGN.md: per-journey state, the push itself at campaign cost).
//
// 1. Freezes a copy of the worker's sources, starts the push sink (bench/campaign/sink.mjs) and the worker, creates a
//    site, stops the worker and seeds N allowed subscribers into D1; the first GET /stats copies them into the site's
//    store; audit triggers on the store's SQLite then count every row written.
// 2. Creates an automation: event `viewed_product` → wait W seconds → a push whose title and URL are Liquid over the
//    event's properties; goal `purchase`.
// 3. Entry: POST /events batches of 1,000 `viewed_product` events, one per subscriber: rows written and worker CPU per
//    journey started. Fire: the store's alarm runs the journeys W seconds later; timed until every push is at the
//    sink; rows written (store + each notification's dispatcher) and CPU per journey fired.
// 4. Peer: P of the same subscribers, each sent the same rendered push as a one-to-one notification
//    (POST /notifications {subscriberIds: [id]}): rows and CPU per push.
//
// Usage: node bench/automations/run.mjs [--quick] [--journeys 10000] [--peer 1000] [--wait-s 20] [--json out.json]
//        [--keep] [--verbose]
//   --quick: 2,000 journeys, 300 peer sends.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { api, baseline, loadavg, measureCalls, workerCpuMs, workerPidOf } from '../campaign/calls.mjs';
import {
	d1Execute,
	directUrl,
	doAuditDelta,
	fmt,
	freePort,
	installDoAudit,
	machine,
	makeKeySets,
	readDoAudit,
	root,
	seedSql,
	snapshotRepo,
	startSink,
	stopFully,
} from '../campaign/common.mjs';

const { values: opts } = parseArgs({
	options: {
		quick: { type: 'boolean', default: false },
		journeys: { type: 'string' },
		peer: { type: 'string' },
		'wait-s': { type: 'string', default: '20' },
		'timeout-s': { type: 'string', default: '300' },
		json: { type: 'string' },
		keep: { type: 'boolean', default: false },
		verbose: { type: 'boolean', default: false },
	},
});
const N = Number(opts.journeys ?? (opts.quick ? 2000 : 10_000));
const P = Number(opts.peer ?? (opts.quick ? 300 : 1000));
const WAIT_S = Number(opts['wait-s']);
const TIMEOUT_MS = Number(opts['timeout-s']) * 1000;
const log = (...a) => console.error('[automations]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

const MESSAGE = {
	title: 'Still thinking about {{ event.product }}?',
	url: '{{ event.url }}',
};

/** Waits until the sink has `expected` pushes more than `from` (or the timeout); returns the last stats. */
async function untilPushes(sink, from, expected) {
	const t0 = now();
	let s = await sink.stats();
	while (s.ok - from < expected && now() - t0 < TIMEOUT_MS) {
		await sleep(250);
		s = await sink.stats();
		if (opts.verbose) log(`sink ${s.ok - from}/${expected}`);
	}
	return s;
}

/** Sum of storageRowsWritten of these notifications (each dispatcher's own rows), once all are done. */
async function dispatcherRows(base, site, ids) {
	let rows = 0;
	for (const id of ids) {
		for (let tries = 0; ; tries++) {
			const n = await api(base, `/v1/sites/${site.siteId}/notifications/${id}`, { token: site.apiKey });
			if (n.json?.status === 'done' || tries > 200) {
				rows += n.json?.storageRowsWritten ?? 0;
				break;
			}
			await sleep(100);
		}
	}
	return rows;
}

async function main() {
	const tmp = mkdtempSync(join(tmpdir(), 'beckon-bench-automations-'));
	const stateDir = join(tmp, 'state');
	const quiet = { logLevel: opts.verbose ? 'info' : 'warn', log: opts.verbose ? process.stderr : undefined };
	const snapshot = await snapshotRepo(join(tmp, 'src'));
	const { startLocal } = snapshot.local;
	process.env.X_LOCAL_OBSERVABILITY = 'false';
	const keys = makeKeySets(50);
	const sink = startSink({ keys, total: N, sampleEvery: 100 });
	let stack = null;
	const cleanup = async () => {
		if (stack) await stack.stop();
		stack = null;
		sink.stop();
		if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
		else log(`kept ${tmp}`);
	};
	const result = {
		date: new Date().toISOString(),
		machine: machine(),
		source: snapshot.source,
		quick: opts.quick,
		journeys: N,
		peerSends: P,
		waitSeconds: WAIT_S,
		loadBefore: loadavg(),
	};
	try {
		const { port: sinkPort } = await sink.ready;
		const port = await freePort();
		const origin = `http://127.0.0.1:${port}`;
		const start = async () => {
			stack = await startLocal({
				port,
				stateDir,
				secretsFile: join(tmp, 'secrets.env'),
				vars: { RATE_LIMIT_PUBLIC: 'false', PUSH_TIMEOUT_MS: '10000' },
				skipBuild: existsSync(join(root, 'dist/assets/sw.js')),
				...quiet,
			});
			const base = await directUrl(workerPidOf(stack));
			if (!base) throw new Error("could not find the worker's own socket");
			return base;
		};
		await start();
		const created = await api(stack.url, '/v1/sites', {
			token: stack.adminToken,
			method: 'POST',
			body: { name: 'Automations bench', origins: [origin], platform: 'custom' },
		});
		if (created.status !== 201) throw new Error(`create site: ${created.status} ${created.text}`);
		const site = created.json;
		await stopFully(stack, port);
		d1Execute(
			stateDir,
			seedSql({ siteId: site.siteId, count: N, endpointBase: `http://127.0.0.1:${sinkPort}/push/`, keys }),
		);
		const ids = d1Execute(stateDir, 'SELECT id FROM subscribers ORDER BY id', { json: true }).map(
			(r) => r.id,
		);
		if (ids.length !== N) throw new Error(`seeded ${ids.length} subscribers, wanted ${N}`);
		let base = await start();
		const first = await api(base, `/v1/sites/${site.siteId}/stats`, { token: site.apiKey });
		if (first.json?.active !== N) throw new Error(`first GET /stats: ${first.status} ${first.text}`);
		await stopFully(stack, port);
		await installDoAudit(stateDir, 'SiteStore');
		base = await start();
		const b0 = await baseline(stack, base);
		result.baseline = b0;

		const automation = await api(base, `/v1/sites/${site.siteId}/automations`, {
			token: site.apiKey,
			method: 'POST',
			body: {
				name: 'Browse reminder',
				enabled: true,
				trigger: { type: 'event', event: 'viewed_product' },
				steps: [{ wait: { seconds: WAIT_S }, message: MESSAGE }],
				goal: { event: 'purchase' },
			},
		});
		if (automation.status !== 201) throw new Error(`automation: ${automation.status} ${automation.text}`);
		const automationId = automation.json.automationId;

		// ---- entry --------------------------------------------------------------------------------------------------
		const event = (id, i) => ({
			subscriberId: id,
			name: 'viewed_product',
			id: `view-${i}`,
			properties: { product: `Scarf no. ${i % 500}`, url: `${origin}/products/scarf-${i % 500}` },
		});
		const bodies = [];
		for (let i = 0; i < N; i += 1000)
			bodies.push({ events: ids.slice(i, i + 1000).map((id, j) => event(id, i + j)) });
		const a0 = await readDoAudit(stateDir, 'SiteStore');
		const sink0 = (await sink.stats()).ok;
		const enteredAt = now();
		const m = await measureCalls(stack, base, site.apiKey, `/v1/sites/${site.siteId}/events`, bodies, b0);
		const a1 = await readDoAudit(stateDir, 'SiteStore');
		const entry = doAuditDelta(a0, a1);
		const view = await api(base, `/v1/sites/${site.siteId}/automations/${automationId}`, {
			token: site.apiKey,
		});
		result.entry = {
			calls: m.calls,
			entered: view.json?.counts?.entered,
			rowsWritten: entry.rowsWritten,
			byTable: entry.byTable,
			rowsPerJourney: entry.rowsWritten / N,
			netCpuUsPerJourney: (m.netCpuMs * 1000) / N,
			wallMs: m.wallMs,
		};
		log(
			`entry: ${fmt(result.entry.rowsPerJourney, 2)} rows/journey, ${fmt(result.entry.netCpuUsPerJourney, 0)} µs CPU/journey`,
		);

		// ---- fire (the store's alarm) --------------------------------------------------------------------------------
		const c0 = workerCpuMs(stack);
		const s1 = await untilPushes(sink, sink0, N);
		const fireWall = now() - enteredAt;
		const a2 = await readDoAudit(stateDir, 'SiteStore');
		const list = await api(base, `/v1/sites/${site.siteId}/notifications?limit=100`, { token: site.apiKey });
		const notificationIds = (list.json?.notifications ?? []).map((n) => n.notificationId);
		const dRows = await dispatcherRows(base, site, notificationIds);
		const fired = doAuditDelta(a1, a2);
		const fireCpu = workerCpuMs(stack) - c0 - (b0.idleMsPerS * (now() - enteredAt - m.wallMs)) / 1000;
		const report = await api(base, `/v1/sites/${site.siteId}/automations/${automationId}/report`, {
			token: site.apiKey,
		});
		result.fire = {
			pushes: s1.ok - sink0,
			bad: s1.bad,
			decrypted: s1.decrypted,
			decryptFailed: s1.decryptFailed,
			samplePayload: s1.samplePayload?.payload ?? null,
			notifications: notificationIds.length,
			storeRows: fired.rowsWritten,
			byTable: fired.byTable,
			dispatcherRows: dRows,
			rowsPerJourney: (fired.rowsWritten + dRows) / N,
			lastPushAfterDueSeconds: (s1.lastAt - (enteredAt + WAIT_S * 1000)) / 1000,
			wallSeconds: fireWall / 1000,
			netCpuUsPerJourney: (Math.max(0, fireCpu) * 1000) / N,
			report: report.json?.steps?.[0] ?? null,
		};
		result.rowsPerJourney = result.entry.rowsPerJourney + result.fire.rowsPerJourney;
		log(
			`fire: ${result.fire.pushes}/${N} pushes in ${notificationIds.length} notifications, ${fmt(result.fire.rowsPerJourney, 3)} rows/journey`,
		);

		// ---- peer: one notification per journey -----------------------------------------------------------------------
		const peerBodies = ids.slice(0, P).map((id, i) => ({
			title: `Still thinking about Scarf no. ${i % 500}?`,
			url: `${origin}/products/scarf-${i % 500}`,
			audience: { subscriberIds: [id] },
		}));
		const p0 = await readDoAudit(stateDir, 'SiteStore');
		const ps0 = (await sink.stats()).ok;
		const pc0 = workerCpuMs(stack);
		const pt0 = now();
		const sent = [];
		for (const body of peerBodies) {
			const r = await api(base, `/v1/sites/${site.siteId}/notifications`, {
				token: site.apiKey,
				method: 'POST',
				body,
			});
			if (r.status !== 202) throw new Error(`peer send: ${r.status} ${r.text}`);
			sent.push(r.json.notificationId);
		}
		const ps1 = await untilPushes(sink, ps0, P);
		const peerWall = now() - pt0;
		const peerCpu = workerCpuMs(stack) - pc0 - (b0.idleMsPerS * peerWall) / 1000 - b0.healthMs * P;
		const p1 = await readDoAudit(stateDir, 'SiteStore');
		const peerDispatcher = await dispatcherRows(base, site, sent);
		const peerStore = doAuditDelta(p0, p1);
		result.peer = {
			pushes: ps1.ok - ps0,
			storeRows: peerStore.rowsWritten,
			dispatcherRows: peerDispatcher,
			rowsPerPush: (peerStore.rowsWritten + peerDispatcher) / P,
			netCpuUsPerPush: (Math.max(0, peerCpu) * 1000) / P,
		};
		result.ratio = {
			rowsPerPush: result.fire.rowsPerJourney / result.peer.rowsPerPush,
			cpuPerPush: result.fire.netCpuUsPerJourney / result.peer.netCpuUsPerPush,
		};
		log(
			`peer: ${fmt(result.peer.rowsPerPush, 2)} rows/push, ${fmt(result.peer.netCpuUsPerPush, 0)} µs CPU/push; automation send ${fmt(result.ratio.rowsPerPush, 3)}× the rows`,
		);
		result.ok = result.fire.pushes === N && result.fire.bad === 0 && result.fire.decryptFailed === 0;
		result.loadAfter = loadavg();
		await stopFully(stack, port);
		stack = null;
	} finally {
		await cleanup();
	}
	const json = JSON.stringify(result, null, 2);
	if (opts.json) writeFileSync(opts.json, json);
	else console.log(json);
	if (!result.ok) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
