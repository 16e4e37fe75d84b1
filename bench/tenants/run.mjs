// Many tenants on one deployment (issue 9): N sites × M subscribers created through the real public API, then one
// notification to {all:true} on K sites at once, every push checked at a local push sink.
//
// 1. Freezes a copy of the worker's sources (`--design current` = the working tree, per-site SiteStore Durable
//    Objects; `--design d1` = the single-D1 design, commit D1_DESIGN_COMMIT) and starts the push sink
//    (bench/campaign/sink.mjs: verifies every request is real Web Push, decrypts samples, counts per endpoint).
// 2. Starts the worker (RATE_LIMIT_PUBLIC=false, wrangler's local tracing off), creates N sites with
//    POST /v1/sites (operator token), and makes one GET /stats per site, which creates each site's store in the
//    per-site design (timed as `storeInitMs`). Stops the worker and adds audit triggers to D1 and to every
//    SiteStore's SQLite file (objects created later would not be audited: that is why the stores are made first).
// 3. Subscribe phase: N × M POST /v1/sites/:id/subscribers with the widget's body (Origin of the site, Firefox
//    User-Agent, P-256 keys), round-robin over the sites, `--concurrency` in flight over keep-alive connections,
//    straight to the worker's own socket (no dev proxy). Measures subscribes/s, latency, the worker's workerd CPU
//    per subscribe; after stopping, rows written per subscribe (D1 + SiteStore).
// 4. Send phase: checks every site's GET /stats says M active, then POSTs one notification to {all:true} on K sites
//    at once, polls them until all are `done` and the sink has K × M pushes; reports the time to all delivered,
//    per-endpoint coverage (exactly once, missing, duplicated, outside the K sites) and rows written per push
//    (D1 + SiteStore audits + the Dispatchers' own count, `storageRowsWritten`).
//
// Usage: node bench/tenants/run.mjs [--design current|d1] [--sites 1000] [--per-site 100] [--send-sites 20]
//        [--concurrency 32] [--json FILE] [--keep] [--verbose]
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
	designCommit,
	directUrl,
	doAuditDelta,
	fmt,
	freePort,
	installD1Audit,
	installDoAudit,
	machine,
	machineBusyMs,
	makeKeySets,
	percentile,
	processTree,
	readD1Audit,
	readDoAudit,
	roleOf,
	root,
	rowsInFiles,
	runDesign,
	snapshotRepo,
	startSink,
	stopFully,
} from '../campaign/common.mjs';

const { values: opts } = parseArgs({
	options: {
		design: { type: 'string', default: 'current' },
		sites: { type: 'string', default: '1000' },
		'per-site': { type: 'string', default: '100' },
		'send-sites': { type: 'string', default: '20' },
		concurrency: { type: 'string', default: '32' },
		'sample-every': { type: 'string', default: '10' },
		'timeout-s': { type: 'string', default: '300' },
		json: { type: 'string' },
		keep: { type: 'boolean', default: false },
		verbose: { type: 'boolean', default: false },
	},
});
const SITES = Number(opts.sites);
const PER_SITE = Number(opts['per-site']);
const SEND_SITES = Math.min(SITES, Number(opts['send-sites']));
const CONCURRENCY = Number(opts.concurrency);
const TOTAL = SITES * PER_SITE;
const TIMEOUT_MS = Number(opts['timeout-s']) * 1000;
const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

const log = (...a) => console.error('[tenants]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

/** One HTTP request on a keep-alive agent: { status, body, ms } (status 0 on network errors, never rejects). */
function send(agent, url, { method = 'GET', headers = {}, body } = {}) {
	const t = now();
	return new Promise((resolve) => {
		const req = request(url, { method, agent, headers }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () =>
				resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), ms: now() - t }),
			);
			res.on('error', (error) => resolve({ status: 0, body: error.message, ms: now() - t }));
		});
		req.on('error', (error) => resolve({ status: 0, body: error.message, ms: now() - t }));
		if (body !== undefined && body !== null) req.end(body);
		else req.end();
	});
}

const parse = (text) => {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
};

/** Runs `task(i)` for i in [0, n) with at most `limit` in flight. */
async function pool(n, limit, task) {
	let next = 0;
	const worker = async () => {
		while (next < n) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

function workerdCpu(pid) {
	const out = {};
	for (const p of processTree(pid)) {
		const role = roleOf(p);
		if (role.startsWith('workerd')) out[role] = (out[role] ?? 0) + p.cpuMs;
	}
	return out;
}
const cpuDelta = (a, b) => Object.fromEntries(Object.entries(b).map(([r, ms]) => [r, ms - (a[r] ?? 0)]));

function summary(values) {
	const s = [...values].sort((a, b) => a - b);
	return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? Number.NaN };
}

/** D1 rows written per table and operation since `before` (the worker must be stopped). */
function d1Delta(before, after) {
	const byTable = {};
	let rowsWritten = 0;
	for (const [k, n] of Object.entries(after)) {
		const d = n - (before[k] ?? 0);
		if (d) byTable[k] = d;
		rowsWritten += d;
	}
	return { byTable, rowsWritten };
}

async function main() {
	const tmp = mkdtempSync(join(tmpdir(), 'beckon-bench-tenants-'));
	const stateDir = join(tmp, 'state');
	const secretsFile = join(tmp, 'secrets.env');
	const vars = { RATE_LIMIT_PUBLIC: 'false', PUSH_TIMEOUT_MS: '10000' };
	const quiet = { logLevel: opts.verbose ? 'info' : 'warn', log: opts.verbose ? process.stderr : undefined };
	let snapshot;
	try {
		snapshot = await snapshotRepo(join(tmp, 'src'), { commit: designCommit(opts.design) });
	} catch (error) {
		rmSync(tmp, { recursive: true, force: true });
		throw error;
	}
	const { startLocal } = snapshot.local;
	// wrangler's local tracing (a dev-only tail that records every subrequest) off, as the direct variants do.
	process.env.X_LOCAL_OBSERVABILITY = 'false';
	const keys = makeKeySets(50);
	const sink = startSink({ keys, total: TOTAL, sampleEvery: Number(opts['sample-every']) });
	let stack = null;
	const agent = new Agent({ keepAlive: true, maxSockets: Math.max(64, CONCURRENCY * 2) });
	const cleanup = async () => {
		agent.destroy();
		if (stack) await stack.stop();
		stack = null;
		sink.stop();
		if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
		else log(`kept ${tmp}`);
	};
	for (const sig of ['SIGINT', 'SIGTERM'])
		process.once(sig, () => cleanup().finally(() => process.exit(130)));
	const result = {
		date: new Date().toISOString(),
		machine: machine(),
		design: opts.design,
		source: snapshot.source,
		sites: SITES,
		perSite: PER_SITE,
		sendSites: SEND_SITES,
		concurrency: CONCURRENCY,
	};
	try {
		const { port: sinkPort } = await sink.ready;
		const port = await freePort();
		const origin = `http://127.0.0.1:${port}`;
		const start = () =>
			startLocal({
				port,
				stateDir,
				secretsFile,
				vars,
				skipBuild: existsSync(join(root, 'dist/assets/sw.js')),
				...quiet,
			});
		log(`sink on :${sinkPort}; worker on :${port}; state in ${stateDir}; design ${opts.design}`);
		stack = await start();
		const admin = { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' };

		// ---- sites -------------------------------------------------------------------------------------------------
		const sites = new Array(SITES);
		let t = now();
		await pool(SITES, 8, async (i) => {
			const r = await send(agent, `${stack.url}/v1/sites`, {
				method: 'POST',
				headers: admin,
				body: JSON.stringify({ name: `Tenant ${i}`, origins: [origin], platform: 'custom' }),
			});
			if (r.status !== 201) throw new Error(`create site ${i}: ${r.status} ${r.body}`);
			const j = parse(r.body);
			sites[i] = { index: i, siteId: j.siteId, apiKey: j.apiKey };
		});
		result.createSitesMs = now() - t;
		log(`created ${SITES} sites in ${(result.createSitesMs / 1000).toFixed(1)} s`);
		// One GET /stats per site: in the per-site design this creates the site's store (schema, meta rows), so the
		// store exists, and gets audit triggers, before the measured subscribe phase.
		t = now();
		await pool(SITES, CONCURRENCY, async (i) => {
			const r = await send(agent, `${stack.url}/v1/sites/${sites[i].siteId}/stats`, {
				headers: { authorization: `Bearer ${sites[i].apiKey}` },
			});
			if (r.status !== 200) throw new Error(`GET /stats ${i}: ${r.status} ${r.body}`);
		});
		result.storeInitMs = now() - t;
		log(`first GET /stats of every site in ${(result.storeInitMs / 1000).toFixed(1)} s`);
		agent.destroy();
		await stopFully(stack, port);
		stack = null;
		result.storeObjectsBefore = (await rowsInFiles(stateDir, 'SiteStore')).objects;
		installD1Audit(stateDir);
		result.doAudit = await installDoAudit(stateDir, 'SiteStore');
		let d1a = readD1Audit(stateDir);
		let storeA = await readDoAudit(stateDir, 'SiteStore');

		// ---- subscribe phase ---------------------------------------------------------------------------------------
		stack = await start();
		let workerPid = processTree(stack.pid).find((p) => roleOf(p) === 'workerd (worker)')?.pid;
		let base = await directUrl(workerPid);
		if (!base) throw new Error("could not find the worker's own socket");
		const headers = { 'content-type': 'application/json', origin, 'user-agent': FIREFOX_UA };
		const body = (site, i) => {
			const n = site * PER_SITE + i;
			const k = keys[n % keys.length];
			return JSON.stringify({
				subscription: {
					endpoint: `http://127.0.0.1:${sinkPort}/push/${n}`,
					keys: { p256dh: k.p256dh, auth: k.auth },
				},
				permission: 'granted',
				url: `${origin}/products/item-${i % 40}`,
				timezone: 'Europe/Berlin',
				locale: 'en-GB',
			});
		};
		const latencies = [];
		const statuses = {};
		const errors = [];
		const c0 = workerdCpu(stack.pid);
		const own0 = process.cpuUsage();
		const busy0 = machineBusyMs();
		t = now();
		let done = 0;
		// Round-robin over the sites: request k goes to site k % N, its subscriber ⌊k / N⌋.
		await pool(TOTAL, CONCURRENCY, async (k) => {
			const site = k % SITES;
			const i = Math.floor(k / SITES);
			const r = await send(agent, `${base}/v1/sites/${sites[site].siteId}/subscribers`, {
				method: 'POST',
				headers,
				body: body(site, i),
			});
			latencies.push(r.ms);
			statuses[r.status] = (statuses[r.status] ?? 0) + 1;
			if (r.status !== 201 && errors.length < 5) errors.push(`${r.status} ${r.body.slice(0, 200)}`);
			if (opts.verbose && ++done % 10_000 === 0) log(`${done} subscribes`);
		});
		const wallMs = now() - t;
		const cpu = cpuDelta(c0, workerdCpu(stack.pid));
		const own = process.cpuUsage(own0);
		const ours = Object.values(cpu).reduce((a, b) => a + b, 0) + (own.user + own.system) / 1000;
		result.subscribe = {
			requests: TOTAL,
			wallSeconds: wallMs / 1000,
			perSecond: (TOTAL * 1000) / wallMs,
			statuses,
			errors,
			notOk: TOTAL - (statuses[201] ?? 0),
			latency: summary(latencies),
			cpuMs: cpu,
			workerCpuUsPerSubscribe: ((cpu['workerd (worker)'] ?? 0) * 1000) / TOTAL,
			otherCores: Math.max(0, (machineBusyMs() - busy0 - ours) / wallMs),
		};
		log(
			`${TOTAL} subscribes in ${(wallMs / 1000).toFixed(1)} s (${Math.round(result.subscribe.perSecond)}/s), ${result.subscribe.notOk} not 201`,
		);
		agent.destroy();
		await stopFully(stack, port);
		stack = null;
		let d1b = readD1Audit(stateDir);
		let storeB = await readDoAudit(stateDir, 'SiteStore');
		result.subscribe.d1 = d1Delta(d1a, d1b);
		result.subscribe.siteStore = doAuditDelta(storeA, storeB);
		result.subscribe.d1RowsPerSubscribe = result.subscribe.d1.rowsWritten / TOTAL;
		result.subscribe.doRowsPerSubscribe = result.subscribe.siteStore.rowsWritten / TOTAL;
		result.subscribe.rowsPerSubscribe =
			result.subscribe.d1RowsPerSubscribe + result.subscribe.doRowsPerSubscribe;
		[d1a, storeA] = [d1b, storeB];

		// ---- send phase --------------------------------------------------------------------------------------------
		stack = await start();
		workerPid = processTree(stack.pid).find((p) => roleOf(p) === 'workerd (worker)')?.pid;
		base = await directUrl(workerPid);
		if (!base) throw new Error("could not find the worker's own socket");
		const active = new Array(SITES);
		await pool(SITES, CONCURRENCY, async (i) => {
			const r = await send(agent, `${base}/v1/sites/${sites[i].siteId}/stats`, {
				headers: { authorization: `Bearer ${sites[i].apiKey}` },
			});
			active[i] = parse(r.body)?.active ?? null;
		});
		result.countsExact = active.filter((n) => n === PER_SITE).length;
		result.totalActive = active.reduce((a, n) => a + (n ?? 0), 0);
		if (result.countsExact !== SITES)
			log(
				`only ${result.countsExact} of ${SITES} sites report ${PER_SITE} active (total ${result.totalActive})`,
			);
		await sink.reset();
		const sink0 = await sink.stats();
		const s0 = workerdCpu(stack.pid);
		const sendSites = sites.slice(0, SEND_SITES);
		const expected = SEND_SITES * PER_SITE;
		t = now();
		const posted = await Promise.all(
			sendSites.map((s) =>
				send(agent, `${base}/v1/sites/${s.siteId}/notifications`, {
					method: 'POST',
					headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
					body: JSON.stringify({
						title: `Sale at tenant ${s.index}`,
						body: '20% off everything until midnight',
						url: `${origin}/products/sale`,
						audience: { all: true },
					}),
				}),
			),
		);
		const bad = posted.find((r) => r.status !== 202);
		if (bad) throw new Error(`send: ${bad.status} ${bad.body}`);
		const ids = posted.map((r) => parse(r.body).notificationId);
		const state = new Array(SEND_SITES).fill(null);
		let allDoneAt = null;
		let s = sink0;
		while (now() - t < TIMEOUT_MS) {
			await sleep(500);
			s = await sink.stats();
			if (allDoneAt === null) {
				await Promise.all(
					sendSites.map(async (site, j) => {
						if (state[j]?.status === 'done') return;
						const r = await send(agent, `${base}/v1/sites/${site.siteId}/notifications/${ids[j]}`, {
							headers: { authorization: `Bearer ${site.apiKey}` },
						});
						state[j] = parse(r.body);
					}),
				);
				if (state.every((x) => x?.status === 'done')) allDoneAt = now();
			}
			if (opts.verbose)
				log(`sink ${s.ok}/${expected}, done ${state.filter((x) => x?.status === 'done').length}`);
			if (allDoneAt !== null && s.ok >= expected) break;
		}
		const sendCpu = cpuDelta(s0, workerdCpu(stack.pid));
		await sleep(1000); // late duplicates, if any, would land now
		s = await sink.stats();
		const coverage = await sink.coverage(
			sendSites.map((x) => [x.index * PER_SITE, (x.index + 1) * PER_SITE]),
		);
		const counts = { sent: 0, failed: 0, gone: 0, retried: 0, targeted: 0 };
		let dispatcherRows = 0;
		for (const x of state) {
			for (const k of Object.keys(counts)) counts[k] += x?.counts?.[k] ?? 0;
			dispatcherRows += x?.storageRowsWritten ?? 0;
		}
		result.send = {
			notifications: SEND_SITES,
			expected,
			allDoneSeconds: allDoneAt === null ? null : (allDoneAt - t) / 1000,
			allDeliveredSeconds: s.ok >= expected ? (s.lastAt - t) / 1000 : null,
			firstPushSeconds: s.firstAt ? (s.firstAt - t) / 1000 : null,
			statuses: state.map((x) => x?.status ?? null),
			counts,
			sink: {
				ok: s.ok,
				bad: s.bad,
				badReasons: s.badReasons,
				duplicates: s.duplicates,
				decrypted: s.decrypted,
				decryptFailed: s.decryptFailed,
			},
			coverage: {
				expected: coverage.expected,
				once: coverage.once,
				missing: coverage.missing,
				duplicated: coverage.duplicated,
				outside: coverage.outside,
			},
			cpuMs: sendCpu,
			workerCpuUsPerPush: ((sendCpu['workerd (worker)'] ?? 0) * 1000) / Math.max(1, s.ok),
			dispatcherRows,
		};
		result.send.pushesPerSecond =
			s.ok / Math.max(1e-9, result.send.allDeliveredSeconds ?? (now() - t) / 1000);
		result.send.reloaded =
			processTree(stack.pid).find((p) => roleOf(p) === 'workerd (worker)')?.pid !== workerPid;
		log(
			`${SEND_SITES} sends: all done in ${fmt(result.send.allDoneSeconds)} s, sink ${s.ok}/${expected}, missing ${coverage.missing}, duplicated ${coverage.duplicated}`,
		);
		agent.destroy();
		await stopFully(stack, port);
		stack = null;
		d1b = readD1Audit(stateDir);
		storeB = await readDoAudit(stateDir, 'SiteStore');
		result.send.d1 = d1Delta(d1a, d1b);
		result.send.siteStore = doAuditDelta(storeA, storeB);
		// The Dispatchers are new objects (one per notification), so not audited: their own count is used instead.
		result.send.dispatcherObjects = (await rowsInFiles(stateDir, 'Dispatcher')).objects;
		result.send.rowsPerPush =
			(result.send.d1.rowsWritten + result.send.siteStore.rowsWritten + dispatcherRows) /
			Math.max(1, expected);
		result.met = {
			subscribed: result.subscribe.notOk === 0 && result.countsExact === SITES,
			delivered:
				!result.send.reloaded &&
				coverage.once === expected &&
				coverage.missing === 0 &&
				coverage.duplicated === 0 &&
				coverage.outside === 0 &&
				s.bad === 0 &&
				s.decryptFailed === 0 &&
				counts.sent === expected &&
				counts.failed === 0,
		};
	} finally {
		await cleanup();
	}
	return result;
}

const yes = (b) => (b ? 'met' : 'NOT met');

export function printTenants(r) {
	const sub = r.subscribe;
	const snd = r.send;
	const lines = [
		['sites created (POST /v1/sites)', `${r.sites} in ${fmt(r.createSitesMs / 1000)} s`],
		['first GET /stats of every site (creates stores)', `${fmt(r.storeInitMs / 1000)} s`],
		[
			`subscribes (${r.sites} × ${r.perSite}, ${r.concurrency} in flight)`,
			`${fmt(sub.perSecond, 0)}/s, ${sub.notOk} not 201`,
		],
		[
			'  latency p50 / p99 / max',
			`${fmt(sub.latency.p50)} / ${fmt(sub.latency.p99)} / ${fmt(sub.latency.max)} ms`,
		],
		['  worker workerd CPU per subscribe', `${fmt(sub.workerCpuUsPerSubscribe, 0)} µs`],
		[
			'  rows written per subscribe: D1 + SiteStore',
			`${fmt(sub.d1RowsPerSubscribe, 2)} + ${fmt(sub.doRowsPerSubscribe, 2)} = ${fmt(sub.rowsPerSubscribe, 2)}`,
		],
		['sites reporting exact counts', `${r.countsExact} of ${r.sites} ${yes(r.met.subscribed)}`],
		[
			`${r.sendSites} sends at once: all done / all delivered`,
			`${fmt(snd.allDoneSeconds)} s / ${fmt(snd.allDeliveredSeconds)} s`,
		],
		[
			'  endpoints once / missing / duplicated / outside',
			`${snd.coverage.once} / ${snd.coverage.missing} / ${snd.coverage.duplicated} / ${snd.coverage.outside} of ${snd.expected} ${yes(r.met.delivered)}`,
		],
		[
			'  sink bad / decrypted samples',
			`${snd.sink.bad} / ${snd.sink.decrypted} (${snd.sink.decryptFailed} failed)`,
		],
		['  pushes/s', fmt(snd.pushesPerSecond, 0)],
		['  worker workerd CPU per push', `${fmt(snd.workerCpuUsPerPush, 0)} µs`],
		[
			'  rows per push: D1 + SiteStore + Dispatcher',
			`(${snd.d1.rowsWritten} + ${snd.siteStore.rowsWritten} + ${snd.dispatcherRows}) / ${snd.expected} = ${fmt(snd.rowsPerPush, 4)}`,
		],
		['other load on the machine (subscribe phase)', `${fmt(sub.otherCores, 2)} cores`],
	];
	const w = Math.max(...lines.map((l) => l[0].length));
	console.log(`\nMany tenants (local stack), design ${r.design}: ${r.source}`);
	for (const [a, b] of lines) console.log(`  ${a.padEnd(w)}  ${b}`);
	if (sub.errors.length) console.log('  first subscribe errors', sub.errors);
	if (snd.sink.bad) console.log('  sink bad reasons', snd.sink.badReasons);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const r = await runDesign(main, { design: opts.design, jsonFile: opts.json, tag: 'tenants' });
	if (r) {
		printTenants(r);
		if (opts.json) writeFileSync(opts.json, JSON.stringify(r, null, 2));
		process.exitCode = r.met.subscribed && r.met.delivered ? 0 : 1;
	}
}
