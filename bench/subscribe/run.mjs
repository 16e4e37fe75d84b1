// Subscribe endpoint under load: POST /v1/sites/:siteId/subscribers at a fixed 500 requests/s for 10 s against the
// local stack (workerd + local D1), open loop: request i is due at start + i × 2 ms and its latency is measured
// from that due time, so a stall delays every request behind it and shows in the percentiles instead of being
// hidden by a generator that waits (no coordinated omission). Goal (DESIGN.md): p99 ≤ 20 ms.
// A baseline runs the same open loop on GET /v1/health first: what the local plumbing costs by itself.
// Then GET /v1/sites/:siteId/stats on a site with 1,000 and one with 100,000 subscribers: the counts come from
// trigger-kept counters, so the latency must not grow with the audience (O(1)); COUNT(*) is shown for contrast.
//
// Variants: `default` = through wrangler dev's URL with its local tracing on (what `npm start` gives);
// `direct` = straight to the worker's socket in its workerd (no dev proxy) with local tracing off.
//
// Designs (`--design`): `current` = the working tree (per-site SiteStore Durable Objects; the seeded D1 rows are
// copied into each site's store on its first request, which this bench triggers and times before any measured
// phase: `importMs`); `d1` = the single-D1 design (commit D1_DESIGN_COMMIT). Rows written are counted in D1 and in
// the SiteStore objects' SQLite files (audit triggers added while the worker is stopped).
//
// Usage: node bench/subscribe/run.mjs [--rate 500] [--seconds 10] [--variants default,direct] [--json out.json]
//        [--design current|d1] [--profile DIR] [--keep] [--verbose]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
	d1Execute,
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
	memoryOf,
	percentile,
	printProfiles,
	processTree,
	readD1Audit,
	readDoAudit,
	roleOf,
	root,
	runDesign,
	seedSql,
	snapshotRepo,
	stopFully,
} from '../campaign/common.mjs';

const { values: opts } = parseArgs({
	options: {
		rate: { type: 'string', default: '500' },
		seconds: { type: 'string', default: '10' },
		'baseline-seconds': { type: 'string', default: '3' },
		'stats-requests': { type: 'string', default: '200' },
		// Subscribers seeded for the big site of the O(1) check (it shares the database with the load test).
		big: { type: 'string', default: '100000' },
		variants: { type: 'string', default: 'default,direct' },
		// Lower rates tried after the main run on the `direct` variant, 4 s each: the highest with p99 ≤ 20 ms.
		steps: { type: 'string', default: '100,200,300,400' },
		json: { type: 'string' },
		profile: { type: 'string' },
		design: { type: 'string', default: 'current' },
		keep: { type: 'boolean', default: false },
		verbose: { type: 'boolean', default: false },
	},
});
const RATE = Number(opts.rate);
const SECONDS = Number(opts.seconds);
const GOAL_P99_MS = 20;
const GOAL_RATE = 500;
const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const VARIANTS = {
	default: { label: 'wrangler dev URL, local tracing on (npm start)', env: {}, direct: false },
	direct: {
		label: "worker's own socket, no dev proxy, local tracing off",
		env: { X_LOCAL_OBSERVABILITY: 'false' },
		direct: true,
	},
};

const log = (...a) => console.error('[subscribe]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

/** One HTTP request on a keep-alive agent; resolves with { status, body } (never rejects: status 0 on errors). */
function send(agent, url, { method = 'GET', headers = {}, body } = {}) {
	return new Promise((resolve) => {
		const req = request(url, { method, agent, headers }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
			res.on('error', (error) => resolve({ status: 0, body: error.message }));
		});
		req.on('error', (error) => resolve({ status: 0, body: error.message }));
		if (body !== undefined && body !== null) req.end(body);
		else req.end();
	});
}

async function json(url, { token, method = 'GET', body } = {}) {
	const r = await fetch(url, {
		method,
		headers: {
			...(token ? { authorization: `Bearer ${token}` } : {}),
			...(body ? { 'content-type': 'application/json' } : {}),
		},
		body: body ? JSON.stringify(body) : undefined,
	});
	return { status: r.status, json: await r.json().catch(() => null) };
}

function summary(latencies) {
	const s = [...latencies].sort((a, b) => a - b);
	return {
		n: s.length,
		p50: percentile(s, 50),
		p95: percentile(s, 95),
		p99: percentile(s, 99),
		p999: percentile(s, 99.9),
		max: s.at(-1) ?? Number.NaN,
	};
}

/**
 * Open-loop load: request i is due at t0 + i / rate. The loop wakes about every millisecond and sends every request
 * that is due, whatever is still in flight. Latency is measured from the due time (and, for reference, from the
 * actual send).
 */
async function openLoop({ agent, url, bodies, rate, headers, method = 'POST', expect = 201 }) {
	const total = bodies.length;
	const interval = 1000 / rate;
	const fromDue = new Array(total);
	const fromSend = new Array(total);
	const statuses = {};
	const errors = [];
	let lateSends = 0;
	let done = 0;
	let finished;
	const allDone = new Promise((r) => {
		finished = r;
	});
	const t0 = now() + 20;
	let i = 0;
	while (i < total) {
		const t = now();
		while (i < total && t0 + i * interval <= t) {
			const k = i++;
			const due = t0 + k * interval;
			const sentAt = now();
			if (sentAt - due > 5) lateSends++;
			send(agent, url, { method, headers, body: bodies[k] }).then((r) => {
				const end = now();
				fromDue[k] = end - due;
				fromSend[k] = end - sentAt;
				statuses[r.status] = (statuses[r.status] ?? 0) + 1;
				if (r.status !== expect && errors.length < 5) errors.push(`${r.status} ${r.body.slice(0, 200)}`);
				if (++done === total) finished();
			});
		}
		if (i < total) await sleep(Math.max(0, Math.min(interval, t0 + i * interval - now()) - 0.5));
	}
	await allDone;
	return {
		requests: total,
		rate,
		wallSeconds: (now() - t0) / 1000,
		statuses,
		errors,
		notOk: total - (statuses[expect] ?? 0),
		lateSends,
		latency: summary(fromDue),
		serviceTime: summary(fromSend),
	};
}

function subscribeBodies(count, keys, endpointBase, origin, prefix) {
	const bodies = [];
	for (let i = 0; i < count; i++) {
		const k = keys[i % keys.length];
		// What the widget sends (widget/src/beckon.ts): the subscription, permission, page, time zone and locale.
		bodies.push(
			JSON.stringify({
				subscription: { endpoint: `${endpointBase}${prefix}${i}`, keys: { p256dh: k.p256dh, auth: k.auth } },
				permission: 'granted',
				url: `${origin}/products/item-${i % 40}`,
				timezone: 'Europe/Berlin',
				locale: 'en-GB',
			}),
		);
	}
	return bodies;
}

async function statsLatency(agent, base, sites, n) {
	const samples = Object.fromEntries(sites.map((s) => [s.label, []]));
	const active = {};
	for (let i = 0; i < 20 + n; i++) {
		for (const s of sites) {
			const t = now();
			const r = await send(agent, `${base}/v1/sites/${s.siteId}/stats`, {
				headers: { authorization: `Bearer ${s.apiKey}` },
			});
			const ms = now() - t;
			if (r.status !== 200) throw new Error(`GET /stats: ${r.status} ${r.body}`);
			if (i >= 20) samples[s.label].push(ms);
			active[s.label] = JSON.parse(r.body).active;
		}
	}
	return Object.fromEntries(
		sites.map((s) => [s.label, { active: active[s.label], ...summary(samples[s.label]) }]),
	);
}

function cpuByRole(pid) {
	const out = {};
	for (const p of processTree(pid)) {
		const role = roleOf(p);
		if (role.startsWith('workerd')) out[role] = (out[role] ?? 0) + p.cpuMs;
	}
	return out;
}
const perRequest = (c0, c1, n) =>
	Object.fromEntries(Object.entries(c1).map(([r, ms]) => [r, (ms - (c0[r] ?? 0)) / n]));

/** Rows written per table since the audit was installed (the worker must be stopped). */
const readAudit = (stateDir) => {
	const byTable = {};
	for (const [key, n] of Object.entries(readD1Audit(stateDir))) {
		const table = key.split(' ')[0];
		byTable[table] = (byTable[table] ?? 0) + n;
	}
	return byTable;
};

async function runVariant(name, stack, sites, keys, origin) {
	const variant = VARIANTS[name];
	const procs = processTree(stack.pid);
	const workerPid = procs.find((p) => roleOf(p) === 'workerd (worker)')?.pid;
	const base = variant.direct ? await directUrl(workerPid) : stack.url;
	if (!base) throw new Error("could not find the worker's own socket");
	const run = { variant: name, label: variant.label, base };
	const agent = new Agent({ keepAlive: true, maxSockets: 256 });
	const url = `${base}/v1/sites/${sites.load.siteId}/subscribers`;
	const headers = { 'content-type': 'application/json', origin, 'user-agent': FIREFOX_UA };
	const endpoints = 'http://127.0.0.1:9/push/';

	// Warm-up (JIT, D1 statement cache, connections), not measured.
	const warm = subscribeBodies(500, keys, endpoints, origin, `${name}-warm-`);
	const warmRun = await openLoop({ agent, url, bodies: warm, rate: 250, headers });
	if (warmRun.notOk)
		throw new Error(`warm-up failed: ${JSON.stringify(warmRun.statuses)} ${warmRun.errors[0]}`);
	await sleep(300);

	// Baseline: GET /v1/health (no D1, no validation) at the same rate.
	const nHealth = Math.round(RATE * Number(opts['baseline-seconds']));
	let c0 = cpuByRole(stack.pid);
	run.health = await openLoop({
		agent,
		url: `${base}/v1/health`,
		bodies: new Array(nHealth).fill(null),
		rate: RATE,
		headers: {},
		method: 'GET',
		expect: 200,
	});
	run.health.cpuMsPerRequest = perRequest(c0, cpuByRole(stack.pid), nHealth);
	await sleep(300);

	// Capacity: the same open loop at lower rates (direct variant only, before the main run),
	// to find what this machine sustains.
	run.steps = [];
	run.stepCreated = 0;
	if (variant.direct) {
		for (const rate of opts.steps.split(',').filter(Boolean).map(Number)) {
			await sleep(1000);
			const stepBodies = subscribeBodies(rate * 4, keys, endpoints, origin, `${name}-step${rate}-`);
			const c = cpuByRole(stack.pid);
			const step = await openLoop({ agent, url, bodies: stepBodies, rate, headers });
			run.stepCreated += step.statuses[201] ?? 0;
			run.steps.push({
				rate,
				p50: step.latency.p50,
				p99: step.latency.p99,
				max: step.latency.max,
				notOk: step.notOk,
				cpuMsPerRequest: perRequest(c, cpuByRole(stack.pid), stepBodies.length),
			});
			log(`${name}: ${rate}/s → p99 ${step.latency.p99.toFixed(1)} ms`);
		}
	}
	// The measured run.
	const bodies = subscribeBodies(RATE * SECONDS, keys, endpoints, origin, `${name}-load-`);
	const proxyPid = procs.find((p) => roleOf(p) === 'workerd (dev proxy)')?.pid;
	const stopProfile = opts.profile
		? await (await import('../campaign/profile.mjs')).startProfiling(proxyPid)
		: null;
	log(`${name}: ${bodies.length} × POST /subscribers at ${RATE}/s via ${base}`);
	c0 = cpuByRole(stack.pid);
	const own0 = process.cpuUsage();
	const busy0 = machineBusyMs();
	const t0 = now();
	run.load = await openLoop({ agent, url, bodies, rate: RATE, headers });
	const c1 = cpuByRole(stack.pid);
	const own = process.cpuUsage(own0);
	const ours =
		Object.entries(c1).reduce((a, [r, ms]) => a + ms - (c0[r] ?? 0), 0) + (own.user + own.system) / 1000;
	// Other work on the machine during the run (the machine is shared), in cores: all busy CPU time minus ours.
	run.otherCores = Math.max(0, (machineBusyMs() - busy0 - ours) / (now() - t0));
	run.load.cpuMsPerRequest = perRequest(c0, c1, bodies.length);
	if (stopProfile) {
		mkdirSync(join(opts.profile, name), { recursive: true });
		run.profile = await stopProfile(join(opts.profile, name));
	}
	run.memoryPeakMb = Object.fromEntries(
		processTree(stack.pid)
			.filter((p) => roleOf(p).startsWith('workerd'))
			.map((p) => [roleOf(p), memoryOf(p.pid).peakMb]),
	);
	// Repeating a subscription (the widget re-reports on page loads) must update the row, not add one.
	run.resubscribeStatus = (await send(agent, url, { method: 'POST', headers, body: bodies[0] })).status;
	run.subscribes = warm.length + bodies.length + 1 + run.steps.reduce((a, x) => a + x.rate * 4, 0);
	run.created = (warmRun.statuses[201] ?? 0) + (run.load.statuses[201] ?? 0) + run.stepCreated;
	run.loadSiteActive = (
		await json(`${base}/v1/sites/${sites.load.siteId}/stats`, { token: sites.load.apiKey })
	).json?.active;
	run.stats = await statsLatency(agent, base, [sites['1k'], sites['100k']], Number(opts['stats-requests']));
	agent.destroy();
	return run;
}

async function main() {
	const tmp = mkdtempSync(join(tmpdir(), 'beckon-bench-subscribe-'));
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
	let stack = null;
	const cleanup = async () => {
		if (stack) await stack.stop();
		stack = null;
		if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
		else log(`kept ${tmp}`);
	};
	for (const sig of ['SIGINT', 'SIGTERM'])
		process.once(sig, () => cleanup().finally(() => process.exit(130)));
	const result = {
		goalP99Ms: GOAL_P99_MS,
		goalRate: GOAL_RATE,
		rate: RATE,
		seconds: SECONDS,
		date: new Date().toISOString(),
		machine: machine(),
		design: opts.design,
		source: snapshot.source,
		big: Number(opts.big),
		runs: [],
	};
	try {
		const port = await freePort();
		const origin = `http://127.0.0.1:${port}`;
		const skipBuild = existsSync(join(root, 'dist/assets/sw.js'));
		stack = await startLocal({ port, stateDir, secretsFile, vars, skipBuild, ...quiet });
		const sites = {};
		for (const label of ['load', '1k', '100k']) {
			const r = await json(`${stack.url}/v1/sites`, {
				token: stack.adminToken,
				method: 'POST',
				body: { name: `Subscribe bench ${label}`, origins: [origin], platform: 'custom' },
			});
			if (r.status !== 201) throw new Error(`create site: ${r.status} ${JSON.stringify(r.json)}`);
			sites[label] = { label, siteId: r.json.siteId, apiKey: r.json.apiKey };
		}
		await stopFully(stack, port);
		stack = null;

		const keys = makeKeySets(50);
		const t = now();
		const endpoints = 'http://127.0.0.1:9/push/';
		d1Execute(
			stateDir,
			seedSql({ siteId: sites['1k'].siteId, count: 1000, endpointBase: endpoints, keys }) +
				seedSql({ siteId: sites['100k'].siteId, count: Number(opts.big), endpointBase: endpoints, keys }),
		);
		result.seedMs = now() - t;
		log(`seeded 1,000 + ${opts.big} subscribers in ${(result.seedMs / 1000).toFixed(1)} s`);
		// COUNT(*) over the same rows, for contrast with the counters (SQL time as D1 reports it in meta.duration).
		const countStar = (s) => {
			const out = d1Execute(
				stateDir,
				`SELECT count(*) AS n FROM subscribers WHERE site_id = '${s.siteId}' AND status = 'allowed';`,
				{ json: true, meta: true },
			);
			return { n: out.results?.[0]?.n, ms: out.meta?.duration };
		};
		result.countStar = { '1k': countStar(sites['1k']), '100k': countStar(sites['100k']) };

		// First request of each site, before anything is measured: with per-site stores it creates the site's store
		// and copies the site's D1 rows into it (the upgrade path), which must not land in the measured phases.
		stack = await startLocal({ port, stateDir, secretsFile, vars, skipBuild: true, ...quiet });
		result.firstStats = {};
		for (const label of ['load', '1k', '100k']) {
			const t1 = now();
			const r = await json(`${stack.url}/v1/sites/${sites[label].siteId}/stats`, {
				token: sites[label].apiKey,
			});
			const ms = now() - t1;
			if (r.status !== 200)
				throw new Error(`first GET /stats (${label}): ${r.status} ${JSON.stringify(r.json)}`);
			const t2 = now();
			await json(`${stack.url}/v1/sites/${sites[label].siteId}/stats`, { token: sites[label].apiKey });
			result.firstStats[label] = { active: r.json?.active, firstMs: ms, secondMs: now() - t2 };
		}
		await stopFully(stack, port);
		stack = null;
		const big = result.firstStats['100k'];
		// The store's copy of the 100k site's D1 rows (first /stats minus an ordinary one): the upgrade's copy speed.
		result.importMs = opts.design === 'current' ? big.firstMs - big.secondMs : null;
		result.importRowsPerSecond =
			result.importMs === null ? null : (Number(opts.big) * 1000) / Math.max(1, result.importMs);
		if (result.importMs !== null)
			log(
				`store import of ${opts.big} subscribers: ${(result.importMs / 1000).toFixed(1)} s (${Math.round(result.importRowsPerSecond)} rows/s)`,
			);
		installD1Audit(stateDir);
		result.doAudit = await installDoAudit(stateDir, 'SiteStore');
		let store0 = await readDoAudit(stateDir, 'SiteStore');

		let audit0 = {};
		let active = 0;
		for (const name of opts.variants.split(',').filter(Boolean)) {
			if (!VARIANTS[name])
				throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`);
			delete process.env.X_LOCAL_OBSERVABILITY;
			Object.assign(process.env, VARIANTS[name].env);
			stack = await startLocal({ port, stateDir, secretsFile, vars, skipBuild: true, ...quiet });
			const run = await runVariant(name, stack, sites, keys, origin);
			await stopFully(stack, port);
			stack = null;
			const audit1 = readAudit(stateDir);
			run.d1 = Object.fromEntries(Object.entries(audit1).map(([k, n]) => [k, n - (audit0[k] ?? 0)]));
			run.d1RowsPerSubscribe = Object.values(run.d1).reduce((a, b) => a + b, 0) / run.subscribes;
			audit0 = audit1;
			// Rows written to the sites' SiteStore SQLite (per-site design; none in the single-D1 design).
			const store1 = await readDoAudit(stateDir, 'SiteStore');
			const delta = doAuditDelta(store0, store1);
			store0 = store1;
			run.siteStore = {
				objects: delta.objects,
				audited: delta.audited,
				byTable: {},
				rowsWritten: delta.rowsWritten,
			};
			for (const [key, n] of Object.entries(delta.byTable)) {
				const table = key.split(' ')[0];
				run.siteStore.byTable[table] = (run.siteStore.byTable[table] ?? 0) + n;
			}
			run.doRowsPerSubscribe = delta.rowsWritten / run.subscribes;
			run.rowsPerSubscribe = run.d1RowsPerSubscribe + run.doRowsPerSubscribe;
			active += run.created;
			run.expectedActive = active;
			run.met = {
				p99: run.load.latency.p99 <= GOAL_P99_MS && run.load.notOk === 0 && RATE >= GOAL_RATE,
				o1: run.stats['100k'].p50 <= run.stats['1k'].p50 * 1.5 + 1,
				counts: run.loadSiteActive === run.expectedActive && run.stats['100k'].active === Number(opts.big),
			};
			result.runs.push(run);
		}
	} finally {
		await cleanup();
	}
	return result;
}

const yes = (b) => (b ? 'met' : 'NOT met');
const cpu = (m) =>
	Object.entries(m)
		.map(([role, ms]) => `${role.replace('workerd ', '')} ${fmt(ms * 1000, 0)}`)
		.join(' + ');

/** Prints one column per variant. */
export function printSubscribe(r) {
	const rows = [['', ...r.runs.map((x) => x.variant)]];
	const add = (label, f) => rows.push([label, ...r.runs.map((x) => f(x))]);
	add(
		`POST /subscribers at ${r.rate}/s: p50 / p95`,
		(x) => `${fmt(x.load.latency.p50)} / ${fmt(x.load.latency.p95)} ms`,
	);
	add(`  p99 (goal ≤ ${r.goalP99Ms} ms)`, (x) => `${fmt(x.load.latency.p99)} ms ${yes(x.met.p99)}`);
	add('  p99.9 / max', (x) => `${fmt(x.load.latency.p999)} / ${fmt(x.load.latency.max)} ms`);
	add('  responses not 201', (x) => `${x.load.notOk} of ${x.load.requests}`);
	add('  CPU per request, µs', (x) => cpu(x.load.cpuMsPerRequest));
	add(
		`GET /v1/health at ${r.rate}/s: p50 / p99`,
		(x) => `${fmt(x.health.latency.p50)} / ${fmt(x.health.latency.p99)} ms`,
	);
	add('  CPU per request, µs', (x) => cpu(x.health.cpuMsPerRequest));
	add('other load on the machine (cores)', (x) => fmt(x.otherCores, 2));
	add('generator sends > 5 ms late', (x) => String(x.load.lateSends + x.health.lateSends));
	add('same endpoint again', (x) => `HTTP ${x.resubscribeStatus}`);
	add('site active = created', (x) => `${x.loadSiteActive} = ${x.expectedActive} ${yes(x.met.counts)}`);
	add('D1 rows written per subscribe', (x) => fmt(x.d1RowsPerSubscribe, 2));
	add('SiteStore rows written per subscribe', (x) => fmt(x.doRowsPerSubscribe, 2));
	add('CPU worker per subscribe − health, µs', (x) =>
		fmt(
			((x.load.cpuMsPerRequest['workerd (worker)'] ?? 0) -
				(x.health.cpuMsPerRequest['workerd (worker)'] ?? 0)) *
				1000,
			0,
		),
	);
	add(
		'GET /stats, 1k subscribers p50 / p99',
		(x) => `${fmt(x.stats['1k'].p50, 2)} / ${fmt(x.stats['1k'].p99, 1)} ms`,
	);
	add(
		'GET /stats, 100k subscribers p50 / p99',
		(x) => `${fmt(x.stats['100k'].p50, 2)} / ${fmt(x.stats['100k'].p99, 1)} ms`,
	);
	add('  O(1)', (x) => yes(x.met.o1));
	const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
	console.log(
		`\nSubscribe endpoint under load (open loop, ${r.rate}/s for ${r.seconds} s), design ${r.design}: ${r.source}`,
	);
	if (r.importMs !== null && r.importMs !== undefined)
		console.log(
			`  store import on the first GET /stats: ${r.big} subscribers in ${fmt(r.importMs / 1000, 2)} s (${fmt(r.importRowsPerSecond, 0)} rows/s)`,
		);
	for (const row of rows)
		console.log(`  ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`);
	for (const x of r.runs) {
		if (!x.steps?.length) continue;
		const ok = x.steps.filter((st) => st.p99 <= GOAL_P99_MS && st.notOk === 0).map((st) => st.rate);
		console.log(
			`  ${x.variant} at lower rates (4 s each): ${x.steps.map((st) => `${st.rate}/s p99 ${fmt(st.p99)} ms`).join(', ')}; highest with p99 ≤ ${GOAL_P99_MS} ms: ${ok.length ? `${Math.max(...ok)}/s` : 'none'}`,
		);
	}
	console.log(
		`  COUNT(*) instead of the counters: ${fmt(r.countStar['1k'].ms, 1)} ms at 1k, ${fmt(r.countStar['100k'].ms, 1)} ms at 100k (SQLite time alone)`,
	);
	for (const x of r.runs) {
		if (x.load.errors.length) console.log(`  ${x.variant}: first errors`, x.load.errors);
		printProfiles(x);
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const r = await runDesign(main, { design: opts.design, jsonFile: opts.json, tag: 'subscribe' });
	if (r) {
		printSubscribe(r);
		if (opts.json) writeFileSync(opts.json, JSON.stringify(r, null, 2));
		process.exitCode = r.runs.every((x) => x.load.notOk === 0) ? 0 : 1;
	}
}
