// Outbound webhooks (issue 15) on the local stack (wrangler dev: workerd + local D1, Durable Objects and Queues):
// what `notification.clicked` calls cost when the clicks of a send are batched (the clicks a notification's
// Dispatcher flushes to the site's store together travel in one call: one `webhook_deliveries` row written, one
// update per attempt), against the design that makes one call per click (measured in the same run, on paper: the
// same two rows per click).
// Goal (DESIGN.md cost goals): ≤ 0.02 billed rows per push, webhooks included.
//
// 1. Freezes a copy of the worker's sources, starts the push sink (bench/campaign/sink.mjs) and the worker, creates a
//    site, stops the worker and seeds N allowed subscribers into D1; the first GET /stats copies them into the
//    site's store; audit triggers on the store's SQLite then count every row written.
// 2. A webhook receiver in this process (http on 127.0.0.1: loopback is allowed with ALLOW_LOOPBACK_PUSH, which
//    startLocal sets) answers 204 and verifies every call's signature with the `standardwebhooks` package under the
//    secret of the create answer; an endpoint takes `notification.clicked`, `notification.completed` and
//    `subscriber.gone`.
// 3. One send to all N (POST /notifications {audience: {all: true}}), timed until `done` and its
//    `notification.completed` call.
// 4. Burst: C = 10 % of N `clicked` beacons (POST /subscribers/:id/events with the site's Origin; RATE_LIMIT_PUBLIC
//    off), `--concurrency` in flight; timed until the receiver holds all C clicks and no call is pending. Rows
//    written in the store (by table: webhook_deliveries apart) and by the notification's Dispatcher.
// 5. Trickle: T more clicks one at a time, `--trickle-interval-ms` apart (clicks that do not arrive together).
//
// Usage: node bench/webhooks/run.mjs [--quick] [--subscribers 10000] [--click-rate 0.1] [--concurrency 32]
//        [--trickle 20] [--trickle-interval-ms 1000] [--timeout-s 180] [--head] [--json out.json] [--keep] [--verbose]
//   --quick: 2,000 subscribers, 10 trickle clicks.
//   --head: run the committed worker (HEAD) instead of a copy of the working tree (others editing it meanwhile).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { api, baseline, loadavg, workerCpuMs, workerPidOf } from '../campaign/calls.mjs';
import {
	d1Execute,
	directUrl,
	doAuditDelta,
	fmt,
	freePort,
	installDoAudit,
	machine,
	makeKeySets,
	percentile,
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
		subscribers: { type: 'string' },
		'click-rate': { type: 'string', default: '0.1' },
		concurrency: { type: 'string', default: '32' },
		trickle: { type: 'string' },
		'trickle-interval-ms': { type: 'string', default: '1000' },
		'timeout-s': { type: 'string', default: '180' },
		json: { type: 'string' },
		keep: { type: 'boolean', default: false },
		verbose: { type: 'boolean', default: false },
		head: { type: 'boolean', default: false },
	},
});
const N = Number(opts.subscribers ?? (opts.quick ? 2000 : 10_000));
const C = Math.round(N * Number(opts['click-rate']));
const CONCURRENCY = Number(opts.concurrency);
const T = Number(opts.trickle ?? (opts.quick ? 10 : 20));
const TRICKLE_MS = Number(opts['trickle-interval-ms']);
const TIMEOUT_MS = Number(opts['timeout-s']) * 1000;
const EVENTS = ['notification.clicked', 'notification.completed', 'subscriber.gone'];
const log = (...a) => console.error('[webhooks]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

/**
 * The webhook receiver: answers 204 to every POST and checks its Standard Webhooks signature (once `secret` is
 * set). Keeps every call: its type, clicks carried, arrival time; counts bad signatures and repeated call ids.
 */
function startReceiver() {
	const state = {
		secret: null,
		calls: [],
		byType: {},
		badSignatures: 0,
		badReasons: [],
		repeatedIds: 0,
		clicks: 0,
		clickedSubscribers: new Map(),
		sampleClick: null,
	};
	const ids = new Set();
	const server = createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const at = now();
			let payload = null;
			try {
				if (!state.secret) throw new Error('no secret yet');
				payload = new Webhook(state.secret).verify(body, req.headers);
			} catch (error) {
				state.badSignatures++;
				if (state.badReasons.length < 5) state.badReasons.push(String(error?.message ?? error));
				try {
					payload = JSON.parse(body);
				} catch {}
			}
			const id = req.headers['webhook-id'];
			if (ids.has(id)) state.repeatedIds++;
			ids.add(id);
			const type = payload?.type ?? 'unparsed';
			state.byType[type] = (state.byType[type] ?? 0) + 1;
			const clicks = type === 'notification.clicked' ? (payload.data?.clicks ?? []) : [];
			for (const c of clicks)
				state.clickedSubscribers.set(c.subscriberId, (state.clickedSubscribers.get(c.subscriberId) ?? 0) + 1);
			state.clicks += clicks.length;
			if (clicks.length && !state.sampleClick)
				state.sampleClick = { ...payload, data: { clicks: clicks.slice(0, 1) } };
			state.calls.push({ at, type, id, clicks: clicks.length, bytes: body.length });
			res.writeHead(204).end();
		});
	});
	const ready = new Promise((done, fail) => {
		server.once('error', fail);
		server.listen(0, '127.0.0.1', () => done(server.address().port));
	});
	return { state, ready, stop: () => server.close() };
}

/** POSTs `clicked` beacons for `ids`, `concurrency` in flight; answers by status and latencies. */
async function clickBurst(base, siteId, notificationId, origin, ids, concurrency) {
	const answers = {};
	const latencies = [];
	let next = 0;
	const worker = async () => {
		while (next < ids.length) {
			const id = ids[next++];
			const t = now();
			const r = await fetch(`${base}/v1/sites/${siteId}/subscribers/${id}/events`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', origin },
				body: JSON.stringify({ type: 'clicked', notificationId }),
			});
			await r.arrayBuffer();
			latencies.push(now() - t);
			answers[r.status] = (answers[r.status] ?? 0) + 1;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	latencies.sort((a, b) => a - b);
	return { answers, latencies };
}

const ms = (sorted) => ({
	p50: percentile(sorted, 50),
	p95: percentile(sorted, 95),
	p99: percentile(sorted, 99),
	max: sorted.at(-1) ?? Number.NaN,
});

async function main() {
	const tmp = mkdtempSync(join(tmpdir(), 'beckon-bench-webhooks-'));
	const stateDir = join(tmp, 'state');
	const quiet = { logLevel: opts.verbose ? 'info' : 'warn', log: opts.verbose ? process.stderr : undefined };
	const head = opts.head
		? spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim()
		: undefined;
	const snapshot = await snapshotRepo(join(tmp, 'src'), { commit: head });
	if (head) snapshot.source = `${head.slice(0, 7)} (HEAD, committed sources only)`;
	const { startLocal } = snapshot.local;
	process.env.X_LOCAL_OBSERVABILITY = 'false';
	const keys = makeKeySets(50);
	const sink = startSink({ keys, total: N, sampleEvery: 100 });
	const receiver = startReceiver();
	let stack = null;
	const cleanup = async () => {
		if (stack) await stack.stop();
		stack = null;
		sink.stop();
		receiver.stop();
		if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
		else log(`kept ${tmp}`);
	};
	const result = {
		date: new Date().toISOString(),
		machine: machine(),
		source: snapshot.source,
		quick: opts.quick,
		subscribers: N,
		clicks: C,
		concurrency: CONCURRENCY,
		loadBefore: loadavg(),
	};
	try {
		const { port: sinkPort } = await sink.ready;
		const hookPort = await receiver.ready;
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
			body: { name: 'Webhooks bench', origins: [origin], platform: 'custom' },
		});
		if (created.status !== 201) throw new Error(`create site: ${created.status} ${created.text}`);
		const site = created.json;
		const siteApi = (path, init = {}) =>
			api(base, `/v1/sites/${site.siteId}${path}`, { token: site.apiKey, ...init });
		await stopFully(stack, port);
		d1Execute(
			stateDir,
			seedSql({ siteId: site.siteId, count: N, endpointBase: `http://127.0.0.1:${sinkPort}/push/`, keys }),
		);
		// Random ids (`sub_` + random hex), so the first C are a random sample of the audience.
		const ids = d1Execute(stateDir, 'SELECT id FROM subscribers ORDER BY id', { json: true }).map(
			(r) => r.id,
		);
		if (ids.length !== N) throw new Error(`seeded ${ids.length} subscribers, wanted ${N}`);
		let base = await start();
		const first = await siteApi('/stats');
		if (first.json?.active !== N) throw new Error(`first GET /stats: ${first.status} ${first.text}`);
		await stopFully(stack, port);
		const audit = await installDoAudit(stateDir, 'SiteStore');
		if (!audit.tables.includes('webhook_deliveries'))
			throw new Error(`no webhook_deliveries table in the site store: ${audit.tables.join(', ')}`);
		base = await start();
		const b0 = await baseline(stack, base);
		result.baseline = b0;

		// ---- the endpoint ---------------------------------------------------------------------------------------------
		const hook = await siteApi('/webhooks', {
			method: 'POST',
			body: { url: `http://127.0.0.1:${hookPort}/hook`, events: EVENTS, description: 'bench receiver' },
		});
		if (hook.status !== 201) throw new Error(`create webhook: ${hook.status} ${hook.text}`);
		receiver.state.secret = hook.json.secret;
		const webhookId = hook.json.webhookId;
		/** Waits until the receiver holds `clicks` clicks and `completed` completed calls, and nothing is pending. */
		const settle = async (clicks, completed) => {
			const t0 = now();
			let view = null;
			for (;;) {
				const s = receiver.state;
				if (s.clicks >= clicks && (s.byType['notification.completed'] ?? 0) >= completed) {
					view = (await siteApi(`/webhooks/${webhookId}`)).json;
					if (view?.recent?.pending === 0) break;
				}
				if (now() - t0 > TIMEOUT_MS) {
					log(`timed out: ${s.clicks}/${clicks} clicks, pending ${view?.recent?.pending}`);
					break;
				}
				await sleep(200);
				if (opts.verbose) log(`receiver: ${s.calls.length} calls, ${s.clicks}/${clicks} clicks`);
			}
			return { seconds: (now() - t0) / 1000, recent: view?.recent ?? null };
		};

		// ---- the send -------------------------------------------------------------------------------------------------
		const s0 = await readDoAudit(stateDir, 'SiteStore');
		const sent = await siteApi('/notifications', {
			method: 'POST',
			body: { title: 'Winter sale', body: 'Everything 20 % off until Sunday', audience: { all: true } },
		});
		if (sent.status !== 202) throw new Error(`send: ${sent.status} ${sent.text}`);
		const notificationId = sent.json.notificationId;
		const sendAt = now();
		let n = null;
		for (;;) {
			n = (await siteApi(`/notifications/${notificationId}`)).json;
			if (n?.status === 'done' || now() - sendAt > TIMEOUT_MS) break;
			await sleep(500);
		}
		const doneSeconds = (now() - sendAt) / 1000;
		const sendSettled = await settle(0, 1);
		const s1 = await readDoAudit(stateDir, 'SiteStore');
		const sink1 = await sink.stats();
		const sendRows = doAuditDelta(s0, s1);
		const dispatcherAfterSend =
			(await siteApi(`/notifications/${notificationId}`)).json?.storageRowsWritten ?? 0;
		result.send = {
			notificationId,
			status: n?.status,
			counts: n?.counts,
			doneSeconds,
			pushesAtSink: sink1.ok,
			sinkBad: sink1.bad,
			decrypted: sink1.decrypted,
			decryptFailed: sink1.decryptFailed,
			completedCalls: receiver.state.byType['notification.completed'] ?? 0,
			storeRows: sendRows.rowsWritten,
			storeByTable: sendRows.byTable,
			webhookRows: webhookRowsOf(sendRows.byTable),
			dispatcherRows: dispatcherAfterSend,
			settleSeconds: sendSettled.seconds,
		};
		log(
			`send: ${n?.status} in ${fmt(doneSeconds)} s, ${sink1.ok}/${N} at the sink, completed calls ${result.send.completedCalls}`,
		);

		// ---- the click burst ------------------------------------------------------------------------------------------
		const burstIds = ids.slice(0, C);
		const a0 = await readDoAudit(stateDir, 'SiteStore');
		const calls0 = receiver.state.calls.length;
		const c0 = workerCpuMs(stack);
		const t0 = now();
		const burst = await clickBurst(base, site.siteId, notificationId, origin, burstIds, CONCURRENCY);
		const burstSeconds = (now() - t0) / 1000;
		const settled = await settle(C, 1);
		const wall = now() - t0;
		const cpu = workerCpuMs(stack) - c0;
		const a1 = await readDoAudit(stateDir, 'SiteStore');
		const rows = doAuditDelta(a0, a1);
		const n1 = (await siteApi(`/notifications/${notificationId}`)).json;
		const clickCalls = receiver.state.calls.slice(calls0).filter((c) => c.type === 'notification.clicked');
		const perCall = clickCalls.map((c) => c.clicks).sort((a, b) => a - b);
		const webhookRows = webhookRowsOf(rows.byTable);
		const dispatcherRows = (n1?.storageRowsWritten ?? 0) - dispatcherAfterSend;
		const deliveries = (await siteApi(`/webhooks/${webhookId}/deliveries?limit=100`)).json;
		const list = Array.isArray(deliveries) ? deliveries : (deliveries?.deliveries ?? []);
		result.burst = {
			beacons: C,
			answers: burst.answers,
			latencyMs: ms(burst.latencies),
			seconds: burstSeconds,
			beaconsPerSecond: C / burstSeconds,
			lastCallAfterBurstSeconds: (clickCalls.at(-1)?.at - t0) / 1000 - burstSeconds,
			settleSeconds: settled.seconds,
			recent: settled.recent,
			clickedCount: n1?.counts?.clicked,
			clickCalls: clickCalls.length,
			clicksReceived: clickCalls.reduce((s, c) => s + c.clicks, 0),
			clicksPerCall: {
				mean: perCall.length ? perCall.reduce((s, x) => s + x, 0) / perCall.length : 0,
				min: perCall[0] ?? 0,
				max: perCall.at(-1) ?? 0,
				each: perCall.length <= 50 ? clickCalls.map((c) => c.clicks) : undefined,
			},
			maxCallBytes: Math.max(0, ...clickCalls.map((c) => c.bytes)),
			attempts: list.filter((d) => d.type === 'notification.clicked').map((d) => d.attempts),
			storeRows: rows.rowsWritten,
			storeByTable: rows.byTable,
			webhookRows,
			dispatcherRows,
			webhookRowsPerPush: webhookRows / N,
			webhookRowsPerClick: webhookRows / C,
			storeRowsPerClick: rows.rowsWritten / C,
			netCpuUsPerClick: (Math.max(0, cpu - (b0.idleMsPerS * wall) / 1000 - b0.healthMs * C) * 1000) / C,
		};
		// The peer: one call per click, each one row written and one update for its (single, successful) attempt.
		result.peer = { calls: C, webhookRows: 2 * C, webhookRowsPerPush: (2 * C) / N };
		result.ratio = webhookRows / result.peer.webhookRows;
		log(
			`burst: ${C} clicks in ${fmt(burstSeconds)} s → ${clickCalls.length} calls (${fmt(result.burst.clicksPerCall.mean)} clicks each), ` +
				`${webhookRows} webhook rows = ${fmt(webhookRows / N, 5)} per push; one call per click: ${fmt((2 * C) / N, 4)} per push`,
		);

		// ---- the trickle: clicks that do not arrive together ---------------------------------------------------------
		if (T > 0) {
			const trickleIds = ids.slice(C, C + T);
			const r0 = await readDoAudit(stateDir, 'SiteStore');
			const tc0 = receiver.state.calls.length;
			const clicksBefore = receiver.state.clicks;
			const answers = {};
			const tt0 = now();
			for (const [i, id] of trickleIds.entries()) {
				const due = tt0 + i * TRICKLE_MS;
				if (due > now()) await sleep(due - now());
				const r = await fetch(`${base}/v1/sites/${site.siteId}/subscribers/${id}/events`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', origin },
					body: JSON.stringify({ type: 'clicked', notificationId }),
				});
				await r.arrayBuffer();
				answers[r.status] = (answers[r.status] ?? 0) + 1;
			}
			const trickleSeconds = (now() - tt0) / 1000;
			await settle(clicksBefore + T, 1);
			const r1 = await readDoAudit(stateDir, 'SiteStore');
			const trows = doAuditDelta(r0, r1);
			const tcalls = receiver.state.calls.slice(tc0).filter((c) => c.type === 'notification.clicked');
			result.trickle = {
				clicks: T,
				intervalMs: TRICKLE_MS,
				seconds: trickleSeconds,
				answers,
				clickCalls: tcalls.length,
				clicksReceived: tcalls.reduce((s, c) => s + c.clicks, 0),
				clicksPerCall: tcalls.length ? tcalls.reduce((s, c) => s + c.clicks, 0) / tcalls.length : 0,
				webhookRows: webhookRowsOf(trows.byTable),
				webhookRowsPerClick: webhookRowsOf(trows.byTable) / T,
			};
			log(
				`trickle: ${T} clicks ${TRICKLE_MS} ms apart → ${tcalls.length} calls, ${result.trickle.webhookRows} webhook rows`,
			);
		}

		const s = receiver.state;
		const duplicates = [...s.clickedSubscribers.values()].filter((x) => x > 1).length;
		result.receiver = {
			calls: s.calls.length,
			byType: s.byType,
			clicks: s.clicks,
			distinctSubscribers: s.clickedSubscribers.size,
			subscribersClickedTwice: duplicates,
			badSignatures: s.badSignatures,
			badReasons: s.badReasons,
			repeatedIds: s.repeatedIds,
			sampleClickCall: s.sampleClick,
		};
		result.ok =
			result.send.status === 'done' &&
			result.send.pushesAtSink === N &&
			result.send.completedCalls === 1 &&
			result.burst.clicksReceived === C &&
			(result.burst.answers[202] ?? 0) === C &&
			(result.trickle ? result.trickle.clicksReceived === T : true) &&
			s.badSignatures === 0 &&
			s.repeatedIds === 0 &&
			duplicates === 0;
		result.loadAfter = loadavg();
		await stopFully(stack, port);
		stack = null;
	} finally {
		await cleanup();
	}
	const json = JSON.stringify(result, null, 2);
	if (opts.json) writeFileSync(opts.json, json);
	else console.log(json);
	printTable(result);
	if (!result.ok) process.exitCode = 1;
}

/** Rows written to `webhook_deliveries` (insert, update, delete) in an audit delta's byTable. */
function webhookRowsOf(byTable) {
	return Object.entries(byTable)
		.filter(([k]) => k.startsWith('webhook_deliveries '))
		.reduce((s, [, n]) => s + n, 0);
}

function printTable(r) {
	const b = r.burst;
	const rows = [
		['pushes (sink) / status', `${r.send.pushesAtSink} / ${r.send.status} in ${fmt(r.send.doneSeconds)} s`],
		[
			'webhook calls: clicked / completed / gone',
			`${r.receiver.byType['notification.clicked'] ?? 0} / ${r.receiver.byType['notification.completed'] ?? 0} / ${r.receiver.byType['subscriber.gone'] ?? 0}`,
		],
		['bad signatures / repeated ids', `${r.receiver.badSignatures} / ${r.receiver.repeatedIds}`],
		['burst: beacons, seconds, answers', `${b.beacons} in ${fmt(b.seconds)} s, ${JSON.stringify(b.answers)}`],
		[
			'burst: clicked calls, clicks carried, per call',
			`${b.clickCalls}, ${b.clicksReceived}, ${fmt(b.clicksPerCall.mean)} (${b.clicksPerCall.min}–${b.clicksPerCall.max})`,
		],
		['burst: store rows (all) / webhook_deliveries', `${b.storeRows} / ${b.webhookRows}`],
		['burst: Dispatcher rows', `${b.dispatcherRows}`],
		[
			'webhook rows per push / per click',
			`${fmt(b.webhookRowsPerPush, 5)} / ${fmt(b.webhookRowsPerClick, 4)}`,
		],
		[
			'peer (one call per click): rows per push',
			`${fmt(r.peer.webhookRowsPerPush, 4)} (${r.peer.webhookRows} rows)`,
		],
		['ratio batched / peer', fmt(r.ratio, 4)],
		['worker CPU per click (net)', `${fmt(b.netCpuUsPerClick, 0)} µs`],
		...(r.trickle
			? [
					[
						`trickle: ${r.trickle.clicks} clicks ${r.trickle.intervalMs} ms apart`,
						`${r.trickle.clickCalls} calls, ${r.trickle.webhookRows} rows`,
					],
				]
			: []),
		['ok', String(r.ok)],
	];
	for (const [k, v] of rows) console.error(`${k.padEnd(48)} ${v}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
