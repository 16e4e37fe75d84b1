// A 100k-recipient notification through the local stack (wrangler dev: workerd + local D1, Durable Objects and
// Queues) into a local push sink. Goals (DESIGN.md): done in ≤ 60 s on the 2-core machine; D1 ≤ 0.02 rows
// written per push.
//
// 1. Freezes a copy of the worker's sources (wrangler dev reloads on every edit, and a reload loses the local
//    queue's in-memory messages) and starts a push sink (child process) that checks every request is real Web Push
//    and decrypts samples with the `http_ece` package.
// 2. Starts the worker, creates a site, stops it, seeds N allowed subscribers straight into D1 with one
//    INSERT … SELECT (through the real table, so the counting triggers run) and adds audit triggers that count
//    every row written to every table from then on.
// 3. For each variant: starts the worker, sends one notification to {all:true}, polls until `done` and until the
//    sink has N pushes; reads CPU time and peak RSS from /proc; counts D1 rows written (audit triggers) and the
//    Dispatcher's SQLite rows. Variants: `default` runs wrangler dev as `npm start` does; `no-tracing` turns off
//    wrangler's local tracing (X_LOCAL_OBSERVABILITY=false), a dev-only streaming tail that records every
//    subrequest and does not exist in production.
//
// Designs (`--design`): `current` = the working tree (per-site SiteStore Durable Objects: the seeded D1 rows are
// copied into the site's store by its first request, a GET /stats made and timed before any send: `importMs`);
// `d1` = the single-D1 design (commit D1_DESIGN_COMMIT). Rows written per push are counted in D1 (audit
// triggers), in the site's SiteStore SQLite (audit triggers added while the worker is stopped, after the import)
// and in the Dispatcher (its own count, `storageRowsWritten`).
//
// Usage: node bench/campaign/run.mjs [--count 100000] [--variants default,no-tracing] [--json out.json]
//        [--design current|d1] [--profile DIR] [--keep] [--verbose]
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
	d1Execute,
	designCommit,
	doAuditDelta,
	fmt,
	freePort,
	installD1Audit,
	installDoAudit,
	machine,
	machineBusyMs,
	makeKeySets,
	memoryOf,
	printProfiles,
	processTree,
	readD1Audit,
	readDoAudit,
	roleOf,
	root,
	runDesign,
	seedSql,
	snapshotRepo,
	startSink,
	stopFully,
} from './common.mjs';

const { values: opts } = parseArgs({
	options: {
		count: { type: 'string', default: '100000' },
		variants: { type: 'string', default: 'default,no-tracing' },
		json: { type: 'string' },
		keep: { type: 'boolean', default: false },
		'sample-every': { type: 'string', default: '100' },
		'timeout-s': { type: 'string', default: '150' },
		profile: { type: 'string' },
		verbose: { type: 'boolean', default: false },
		design: { type: 'string', default: 'current' },
	},
});
const N = Number(opts.count);
const TIMEOUT_MS = Number(opts['timeout-s']) * 1000;
const GOAL_SECONDS = 60;
const GOAL_D1_ROWS_PER_PUSH = 0.02;
const VARIANTS = {
	default: { label: 'as npm start runs it', env: {} },
	'no-tracing': { label: 'wrangler local tracing off', env: { X_LOCAL_OBSERVABILITY: 'false' } },
};

const log = (...a) => console.error('[campaign]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

/** Totals over the Dispatchers' own SQLite files: batches (= queue messages), retried batches, open batches. */
async function readDispatchers(stateDir) {
	const emit = process.emitWarning;
	process.emitWarning = (w, ...rest) =>
		String(w).includes('SQLite') ? undefined : emit.call(process, w, ...rest);
	const { DatabaseSync } = await import('node:sqlite');
	process.emitWarning = emit;
	const dir = join(stateDir, 'v3/do');
	const out = { objects: 0, batches: 0, retryBatches: 0, open: 0 };
	if (!existsSync(dir)) return out;
	for (const ns of readdirSync(dir).filter((d) => d.includes('Dispatcher'))) {
		for (const f of readdirSync(join(dir, ns)).filter(
			(f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite',
		)) {
			const db = new DatabaseSync(join(dir, ns, f), { readOnly: true });
			try {
				const one = (q) => Object.values(db.prepare(q).get())[0];
				out.objects++;
				out.batches += one('SELECT count(*) FROM batches');
				out.retryBatches += one('SELECT count(*) FROM batches WHERE attempt > 0');
				out.open += one("SELECT count(*) FROM batches WHERE state <> 'done'");
			} finally {
				db.close();
			}
		}
	}
	return out;
}

async function api(base, path, { token, method = 'GET', body } = {}) {
	const t = now();
	const r = await fetch(`${base}${path}`, {
		method,
		headers: {
			...(token ? { authorization: `Bearer ${token}` } : {}),
			...(body ? { 'content-type': 'application/json' } : {}),
		},
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await r.text();
	let json = null;
	try {
		json = JSON.parse(text);
	} catch {}
	return { status: r.status, json, text, ms: now() - t };
}

function byRole(pid) {
	const by = {};
	for (const p of processTree(pid)) {
		const role = roleOf(p);
		by[role] ??= { cpuMs: 0, pids: [] };
		by[role].cpuMs += p.cpuMs;
		by[role].pids.push(p.pid);
	}
	return by;
}

/** One notification to all N subscribers on a running stack; returns its measurements. */
async function sendOnce(stack, sink, site, origin) {
	const { siteId, apiKey } = site;
	const stats = await api(stack.url, `/v1/sites/${siteId}/stats`, { token: apiKey });
	if (stats.json?.active !== N)
		throw new Error(`GET /stats says ${stats.json?.active} active, expected ${N}`);
	const run = { activeBefore: stats.json.active, statsMs: stats.ms };
	await sink.reset();
	const procs0 = byRole(stack.pid);
	const workerPid = procs0['workerd (worker)']?.pids[0];
	const stopProfile = opts.profile
		? await (await import('./profile.mjs')).startProfiling(procs0['workerd (dev proxy)']?.pids[0])
		: null;
	const sink0 = await sink.stats();
	const own0 = process.cpuUsage();
	const busy0 = machineBusyMs();
	const t0 = now();
	const post = await api(stack.url, `/v1/sites/${siteId}/notifications`, {
		token: apiKey,
		method: 'POST',
		body: {
			title: 'Flash sale',
			body: '20% off everything until midnight',
			url: `${origin}/products/sale`,
			audience: { all: true },
		},
	});
	if (post.status !== 202) throw new Error(`send: ${post.status} ${post.text}`);
	const id = post.json.notificationId;
	const timeline = [];
	let doneAt = null;
	let last = null;
	let s = sink0;
	let nextPoll = 0;
	while (now() - t0 < TIMEOUT_MS) {
		await sleep(250);
		s = await sink.stats();
		if (doneAt === null && now() >= nextPoll) {
			nextPoll = now() + 500;
			last = (await api(stack.url, `/v1/sites/${siteId}/notifications/${id}`, { token: apiKey })).json;
			if (last?.status === 'done') doneAt = now();
		}
		const elapsed = (now() - t0) / 1000;
		if (timeline.length === 0 || elapsed - timeline.at(-1).t >= 1) {
			const c = last?.counts ?? {};
			timeline.push({ t: elapsed, sink: s.ok, sent: c.sent ?? 0, targeted: c.targeted ?? 0 });
			if (opts.verbose) log(JSON.stringify(timeline.at(-1)));
		}
		if (doneAt !== null && s.ok >= (last?.counts?.sent ?? N)) break;
	}
	const procs1 = byRole(stack.pid);
	const busy1 = machineBusyMs();
	const wallMs = now() - t0;
	const own1 = process.cpuUsage(own0);
	run.reloaded = procs1['workerd (worker)']?.pids[0] !== workerPid;
	if (run.reloaded) log('workerd restarted during the run (a wrangler reload?): this run is not valid');
	if (stopProfile) {
		mkdirSync(opts.profile, { recursive: true });
		run.profile = await stopProfile(opts.profile);
	}
	const final = await api(stack.url, `/v1/sites/${siteId}/notifications/${id}`, { token: apiKey });
	s = await sink.stats();
	run.status = final.json?.status;
	run.counts = final.json?.counts;
	run.storageRowsWritten = final.json?.storageRowsWritten ?? null;
	run.doneSeconds = doneAt === null ? null : (doneAt - t0) / 1000;
	run.sinkSeconds = s.ok >= N ? (s.lastAt - t0) / 1000 : null;
	run.firstPushSeconds = s.firstAt ? (s.firstAt - t0) / 1000 : null;
	run.sink = {
		received: s.requests,
		ok: s.ok,
		bad: s.bad,
		badReasons: s.badReasons,
		distinct: s.distinct,
		duplicates: s.duplicates,
		decrypted: s.decrypted,
		decryptFailed: s.decryptFailed,
		avgBodyBytes: s.ok ? s.bodyBytes / s.ok : 0,
		plaintextBytes: s.samplePayload?.plaintextBytes,
		samplePayload: s.samplePayload?.payload,
		distinctJwts: s.jwts,
		jwtLog: s.jwtLog.map((j) => ({ ...j, at: (j.at - t0) / 1000 })),
		maxConnections: s.maxConnections,
		headers: s.headers,
	};
	run.cpuMs = {};
	for (const [role, v] of Object.entries(procs1)) run.cpuMs[role] = v.cpuMs - (procs0[role]?.cpuMs ?? 0);
	run.cpuMs['push sink (node)'] = s.cpuMs - sink0.cpuMs;
	run.cpuMs['bench (node)'] = (own1.user + own1.system) / 1000;
	const ours = Object.values(run.cpuMs).reduce((a, b) => a + b, 0);
	// Other work on the machine during the run (the machine is shared), in cores: all busy CPU time minus ours.
	run.otherCores = Math.max(0, (busy1 - busy0 - ours) / wallMs);
	run.machineBusyCores = (busy1 - busy0) / wallMs;
	run.memory = {};
	for (const [role, v] of Object.entries(procs1)) {
		run.memory[role] = v.pids
			.map(memoryOf)
			.reduce((a, m) => ({ peakMb: a.peakMb + m.peakMb }), { peakMb: 0 });
	}
	run.pushesPerSecond = s.ok / Math.max(run.sinkSeconds ?? (now() - t0) / 1000, 1e-9);
	run.workerdCpuUsPerPush = ((run.cpuMs['workerd (worker)'] ?? 0) * 1000) / Math.max(1, s.ok);
	run.timeline = timeline;
	return run;
}

// ---- main ---------------------------------------------------------------------------------------------------------
async function main() {
	const tmp = mkdtempSync(join(tmpdir(), 'beckon-bench-campaign-'));
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
	const keys = makeKeySets(50);
	const sink = startSink({ keys, total: N, sampleEvery: Number(opts['sample-every']) });
	let stack = null;
	const cleanup = async () => {
		if (stack) await stack.stop();
		stack = null;
		sink.stop();
		if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
		else log(`kept ${tmp}`);
	};
	for (const sig of ['SIGINT', 'SIGTERM']) {
		process.once(sig, () => cleanup().finally(() => process.exit(130)));
	}
	const result = {
		goalSeconds: GOAL_SECONDS,
		goalD1RowsPerPush: GOAL_D1_ROWS_PER_PUSH,
		recipients: N,
		date: new Date().toISOString(),
		machine: machine(),
		design: opts.design,
		source: snapshot.source,
		runs: [],
	};
	try {
		const { port: sinkPort } = await sink.ready;
		const port = await freePort();
		const origin = `http://127.0.0.1:${port}`;
		log(`sink on :${sinkPort}; worker on :${port}; state in ${stateDir}`);
		const skipBuild = existsSync(join(root, 'dist/assets/sw.js'));
		stack = await startLocal({ port, stateDir, secretsFile, vars, skipBuild, ...quiet });
		const created = await api(stack.url, '/v1/sites', {
			token: stack.adminToken,
			method: 'POST',
			body: { name: 'Campaign bench', origins: [origin], platform: 'custom' },
		});
		if (created.status !== 201) throw new Error(`create site: ${created.status} ${created.text}`);
		const site = created.json;
		await stopFully(stack, port);
		stack = null;

		const t = now();
		d1Execute(
			stateDir,
			seedSql({ siteId: site.siteId, count: N, endpointBase: `http://127.0.0.1:${sinkPort}/push/`, keys }),
		);
		result.seedMs = now() - t;
		log(
			`seeded ${N} subscribers in ${(result.seedMs / 1000).toFixed(1)} s (one INSERT … SELECT, triggers on)`,
		);
		// The site's first request, before any send: with per-site stores it creates the store and copies the
		// site's D1 rows into it (the upgrade path); timed, and kept out of the measured sends.
		stack = await startLocal({ port, stateDir, secretsFile, vars, skipBuild: true, ...quiet });
		const first = await api(stack.url, `/v1/sites/${site.siteId}/stats`, { token: site.apiKey });
		if (first.json?.active !== N)
			throw new Error(
				`first GET /stats: ${first.status} ${first.json?.active} active, expected ${N}: ${first.text}`,
			);
		const second = await api(stack.url, `/v1/sites/${site.siteId}/stats`, { token: site.apiKey });
		await stopFully(stack, port);
		stack = null;
		result.firstStatsMs = first.ms;
		result.importMs = opts.design === 'current' ? first.ms - second.ms : null;
		result.importRowsPerSecond = result.importMs === null ? null : (N * 1000) / Math.max(1, result.importMs);
		if (result.importMs !== null)
			log(
				`store import of ${N} subscribers: ${(result.importMs / 1000).toFixed(1)} s (${Math.round(result.importRowsPerSecond)} rows/s)`,
			);
		result.auditedTables = installD1Audit(stateDir);
		result.doAudit = await installDoAudit(stateDir, 'SiteStore');
		let store0 = await readDoAudit(stateDir, 'SiteStore');
		// Size of one recipient in a queue message (worker/src/queue/messages.ts Recipient), here and with an FCM
		// endpoint (~190 characters), for the Queues bill (one operation per 64 KB written, read or deleted).
		const recipient = (endpoint) =>
			JSON.stringify({
				id: `sub_${'x'.repeat(20)}`,
				endpoint,
				p256dh: keys[0].p256dh,
				auth: keys[0].auth,
				url: `${origin}/products/sale`,
			}).length + 1;
		result.recipientJsonBytes = recipient(`http://127.0.0.1:${sinkPort}/push/${N - 1}`);
		result.recipientJsonBytesFcm = recipient(`https://fcm.googleapis.com/fcm/send/${'x'.repeat(152)}`);

		let audit0 = {};
		let do0 = await readDispatchers(stateDir);
		for (const name of opts.variants.split(',').filter(Boolean)) {
			const variant = VARIANTS[name];
			if (!variant) throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`);
			delete process.env.X_LOCAL_OBSERVABILITY;
			Object.assign(process.env, variant.env);
			stack = await startLocal({ port, stateDir, secretsFile, vars, skipBuild: true, ...quiet });
			log(`${name}: sending to ${N} subscribers…`);
			const run = { variant: name, label: variant.label, ...(await sendOnce(stack, sink, site, origin)) };
			await stopFully(stack, port);
			stack = null;

			const audit1 = readD1Audit(stateDir);
			run.d1 = { byTable: {}, rowsWritten: 0 };
			for (const [k, n] of Object.entries(audit1)) {
				const d = n - (audit0[k] ?? 0);
				if (d) run.d1.byTable[k] = d;
				run.d1.rowsWritten += d;
			}
			run.d1.rowsPerPush = run.d1.rowsWritten / Math.max(1, run.sink.ok);
			audit0 = audit1;
			// Rows written to the site's SiteStore (its notification row and progress saves; none in the D1 design).
			const store1 = await readDoAudit(stateDir, 'SiteStore');
			run.siteStore = doAuditDelta(store0, store1);
			run.siteStore.rowsPerPush = run.siteStore.rowsWritten / Math.max(1, run.sink.ok);
			store0 = store1;
			const do1 = await readDispatchers(stateDir);
			run.dispatcher = {
				batches: do1.batches - do0.batches,
				retryBatches: do1.retryBatches - do0.retryBatches,
				open: do1.open,
			};
			do0 = do1;
			// Rows the Dispatcher wrote to its SQLite, as it counts them itself (SqlStorageCursor.rowsWritten, what SQLite
			// Durable Objects bill; `storageRowsWritten` of the notification). Its schema set-up is not included.
			run.doRows = run.storageRowsWritten;
			run.queueMessages = run.dispatcher.batches;
			// Billed rows per push: D1 + SiteStore + Dispatcher.
			run.rowsPerPush =
				(run.d1.rowsWritten + run.siteStore.rowsWritten + (run.doRows ?? 0)) / Math.max(1, run.sink.ok);
			run.met = {
				time: run.doneSeconds !== null && run.doneSeconds <= GOAL_SECONDS && run.sinkSeconds !== null,
				delivered:
					!run.reloaded &&
					run.counts?.sent === N &&
					run.counts?.failed === 0 &&
					run.sink.ok === N &&
					run.sink.bad === 0 &&
					run.sink.duplicates === 0 &&
					run.sink.decryptFailed === 0,
				d1: run.d1.rowsPerPush <= GOAL_D1_ROWS_PER_PUSH,
			};
			result.runs.push(run);
			log(`${name}: done in ${run.doneSeconds?.toFixed(1) ?? 'n/a'} s`);
		}
	} finally {
		await cleanup();
	}
	return result;
}

const yes = (b) => (b ? 'met' : 'NOT met');

/** Prints one column per run. */
export function printCampaign(r) {
	const rows = [['', ...r.runs.map((x) => x.variant)]];
	const add = (label, f) => rows.push([label, ...r.runs.map((x) => f(x))]);
	add('recipients (GET /stats active)', (x) => String(x.activeBefore));
	add(`POST → status done (goal ≤ ${r.goalSeconds} s)`, (x) => `${fmt(x.doneSeconds)} s ${yes(x.met.time)}`);
	add('POST → last push at the sink', (x) => `${fmt(x.sinkSeconds)} s`);
	add('POST → first push at the sink', (x) => `${fmt(x.firstPushSeconds, 2)} s`);
	add('throughput', (x) => `${fmt(x.pushesPerSecond, 0)}/s`);
	add(
		'sent / failed / gone / retried',
		(x) => `${x.counts?.sent}/${x.counts?.failed}/${x.counts?.gone}/${x.counts?.retried}`,
	);
	add(
		'sink ok / bad / duplicate',
		(x) => `${x.sink.ok}/${x.sink.bad}/${x.sink.duplicates} ${yes(x.met.delivered)}`,
	);
	add('sink: samples decrypted (http_ece)', (x) => `${x.sink.decrypted} ok, ${x.sink.decryptFailed} failed`);
	add('push body (avg) / plaintext', (x) => `${fmt(x.sink.avgBodyBytes, 0)} B / ${x.sink.plaintextBytes} B`);
	add(
		`D1 rows written per push (goal ≤ ${r.goalD1RowsPerPush})`,
		(x) => `${fmt(x.d1.rowsPerPush, 5)} ${yes(x.met.d1)}`,
	);
	add('D1 rows written', (x) => String(x.d1.rowsWritten));
	add('SiteStore SQLite rows written', (x) => String(x.siteStore?.rowsWritten ?? 'n/a'));
	add('rows per push: D1 + SiteStore + Dispatcher', (x) => fmt(x.rowsPerPush, 5));
	add('queue messages (per push)', (x) => `${x.queueMessages} (${fmt(x.queueMessages / N, 4)})`);
	add('Dispatcher SQLite rows (per push)', (x) => `${x.doRows} (${fmt(x.doRows / N, 4)})`);
	add('CPU workerd (worker) per push', (x) => `${fmt(x.workerdCpuUsPerPush, 0)} µs`);
	for (const role of ['workerd (worker)', 'workerd (dev proxy)', 'wrangler (node)', 'push sink (node)']) {
		add(`CPU ${role}`, (x) => `${fmt((x.cpuMs[role] ?? 0) / 1000, 1)} s`);
	}
	add('peak RSS workerd (worker)', (x) => `${fmt(x.memory['workerd (worker)']?.peakMb, 0)} MB`);
	add('distinct VAPID JWTs seen', (x) => String(x.sink.distinctJwts));
	add('other load on the machine (cores)', (x) => fmt(x.otherCores, 2));
	const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
	console.log(
		`\n100k-recipient campaign (local stack): ${r.recipients} recipients, seeded in ${fmt(r.seedMs / 1000)} s; design ${r.design}: ${r.source}`,
	);
	if (r.importMs !== null && r.importMs !== undefined)
		console.log(
			`  store import on the first GET /stats: ${fmt(r.importMs / 1000, 2)} s (${fmt(r.importRowsPerSecond, 0)} rows/s)`,
		);
	for (const row of rows)
		console.log(`  ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`);
	for (const x of r.runs) {
		if (x.sink.bad) console.log(`  ${x.variant}: sink bad reasons`, x.sink.badReasons);
		printProfiles(x);
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const r = await runDesign(main, { design: opts.design, jsonFile: opts.json, tag: 'campaign' });
	if (r) {
		printCampaign(r);
		if (opts.json) writeFileSync(opts.json, JSON.stringify(r, null, 2));
		process.exitCode = r.runs.every((x) => x.met.delivered) ? 0 : 1;
	}
}
