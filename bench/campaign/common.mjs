// Helpers shared by the campaign and subscribe benchmarks: free ports, D1 seeding through wrangler, /proc readings.
import { fork, spawnSync } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const wrangler = join(root, 'node_modules/.bin/wrangler');

// wrangler's launcher runs `node` from PATH: make that the project's Node 22, the one running this script.
process.env.PATH = `${dirname(process.execPath)}:${process.env.PATH}`;

/** A TCP port nobody listens on right now. */
export function freePort() {
	return new Promise((done, fail) => {
		const server = createServer();
		server.once('error', fail);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => done(port));
		});
	});
}

/** `count` subscription key sets: real P-256 public keys (with their private keys, to decrypt samples) and auth secrets. */
export function makeKeySets(count) {
	const sets = [];
	for (let i = 0; i < count; i++) {
		const ecdh = createECDH('prime256v1');
		ecdh.generateKeys();
		sets.push({
			p256dh: ecdh.getPublicKey().toString('base64url'),
			privateKey: ecdh.getPrivateKey().toString('base64url'),
			auth: randomBytes(16).toString('base64url'),
		});
	}
	return sets;
}

const quote = (s) => `'${String(s).replaceAll("'", "''")}'`;

/**
 * SQL that inserts `count` allowed subscribers into the real `subscribers` table (so the counting triggers run),
 * generated inside SQLite by a recursive CTE: subscriber n has endpoint `${endpointBase}${n}` and key set
 * n % keys.length. Ids are random like the worker's (`sub_` + 20 characters), so pages come in random endpoint order.
 */
export function seedSql({ siteId, count, endpointBase, keys, browser = 'firefox', offset = 0 }) {
	const now = Date.now();
	const values = keys.map((k, i) => `(${i}, ${quote(k.p256dh)}, ${quote(k.auth)})`).join(',\n');
	return `INSERT INTO subscribers (id, site_id, status, endpoint, p256dh, auth, vapid_key_id, push_service, browser, os,
	categories, last_url, last_seen_at, created_at, updated_at)
WITH RECURSIVE n(i) AS (SELECT ${offset} UNION ALL SELECT i + 1 FROM n WHERE i < ${offset + count - 1}),
keys(k, p256dh, auth) AS (VALUES
${values})
SELECT 'sub_' || lower(hex(randomblob(10))), ${quote(siteId)}, 'allowed', ${quote(endpointBase)} || n.i, keys.p256dh, keys.auth,
	NULL, 'loopback', ${quote(browser)}, 'linux', '[]', NULL, ${now}, ${now}, ${now}
FROM n JOIN keys ON keys.k = n.i % ${keys.length};
`;
}

/**
 * Runs SQL (a string) against the local D1 of a state folder with `wrangler d1 execute --local` (the worker must
 * not be running). With `json`, returns the rows of the last statement; with `meta` too, { results, meta }.
 */
export function d1Execute(stateDir, sql, { json = false, meta = false } = {}) {
	const file = join(stateDir, `bench-${process.pid}-${Date.now()}.sql`);
	writeFileSync(file, sql);
	const args = ['d1', 'execute', 'DB', '--local', '--persist-to', stateDir, '--file', file, '--yes'];
	if (json) args.push('--json');
	const r = spawnSync(wrangler, args, {
		cwd: root,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
		env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
	});
	if (r.status !== 0) throw new Error(`wrangler d1 execute failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
	if (!json) return null;
	const out = JSON.parse(r.stdout);
	if (meta) return out.at(-1) ?? { results: [], meta: {} };
	return out.at(-1)?.results ?? [];
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function stat(pid) {
	const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
	const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
	return { pid, name, ppid: Number(f[1]), cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK };
}

/** The process `pid` and all its descendants: { pid, name, ppid, cpuMs, args }. */
export function processTree(pid) {
	const all = [];
	for (const d of readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			all.push(stat(Number(d)));
		} catch {}
	}
	const out = [];
	const want = new Set([pid]);
	let grew = true;
	while (grew) {
		grew = false;
		for (const p of all) {
			if (!want.has(p.pid) && want.has(p.ppid)) {
				want.add(p.pid);
				grew = true;
			}
		}
	}
	for (const p of all) {
		if (!want.has(p.pid)) continue;
		let args = '';
		try {
			args = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
		} catch {}
		out.push({ ...p, args });
	}
	return out;
}

/** Peak and current resident memory of a process, in MB (VmHWM / VmRSS). */
export function memoryOf(pid) {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
		return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
	} catch {
		return { peakMb: 0, rssMb: 0 };
	}
}

/** Classifies wrangler dev's children: the workerd serving the worker (has --inspector-addr), the proxy workerd, node. */
export function roleOf(p) {
	if (p.name === 'workerd')
		return p.args.includes('--inspector-addr') ? 'workerd (worker)' : 'workerd (dev proxy)';
	if (p.name === 'esbuild') return 'esbuild';
	return 'wrangler (node)';
}

/** Percentile of a sorted array (nearest rank). */
export function percentile(sorted, p) {
	if (sorted.length === 0) return Number.NaN;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[i];
}

/** Machine facts for the report. */
export function machine() {
	const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
	const memKb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
	const workerd = spawnSync(join(root, 'node_modules/.bin/workerd'), ['--version'], {
		encoding: 'utf8',
	}).stdout?.trim();
	const wranglerVersion = JSON.parse(
		readFileSync(join(root, 'node_modules/wrangler/package.json'), 'utf8'),
	).version;
	return {
		nproc: Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()),
		cpu,
		memGb: Math.round(memKb / 1024 / 1024),
		node: process.version,
		workerd: workerd || 'unknown',
		wrangler: wranglerVersion,
	};
}

/** The design the previous storage layout ran on: everything (subscribers, counters, notifications) in one D1. */
export const D1_DESIGN_COMMIT = 'c840caaf8107f83d45c09b2616a8cde4d232b4c5';

/** The last commit before the console's admin API: hand-written validation instead of zod schemas, no OpenAPI. */
export const HAND_VALIDATION_COMMIT = '6acd9a1f83ce617e8c94be40501998609b94a0e9';

/** `--design current|d1|hand`: the working tree, the single-D1 design's commit, or hand-written validation's. */
export function designCommit(design) {
	if (design === 'current') return undefined;
	if (design === 'd1') return D1_DESIGN_COMMIT;
	if (design === 'hand') return HAND_VALIDATION_COMMIT;
	throw new Error(`unknown design ${design}; known: current, d1, hand`);
}

const SNAPSHOT_PATHS = ['worker', 'scripts', 'widget', 'demo', 'wrangler.toml', 'package.json'];

/**
 * Copies the worker's sources (worker/, scripts/, widget/, demo/, dist/, wrangler.toml, package.json, tsconfig*)
 * into `dir`, with node_modules linked, and returns the copy's scripts/local.mjs module. `wrangler dev` watches
 * its sources and reloads workerd when one changes; a reload drops the local queue's in-memory messages, so a run
 * against the live tree is ruined by anyone editing it meanwhile. The copy freezes the code at the start.
 * With `commit`, the sources come from that commit (`git archive`) instead of the working tree; dist/ (built
 * assets, not in git) still comes from the working tree. Throws if the commit is not in the repository (a shallow
 * clone): callers report that design as skipped.
 */
export async function snapshotRepo(dir, { commit } = {}) {
	const { cpSync, mkdirSync, readdirSync: ls, symlinkSync } = await import('node:fs');
	const git = (...args) =>
		spawnSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	const out = (...args) => git(...args).stdout?.trim() ?? '';
	if (commit && git('cat-file', '-e', `${commit}^{commit}`).status !== 0) {
		const error = new Error(
			`commit ${commit} is not in this repository (shallow clone?): fetch it (git fetch --unshallow) to measure that design`,
		);
		error.code = 'DESIGN_MISSING';
		throw error;
	}
	mkdirSync(dir, { recursive: true });
	if (commit) {
		const inCommit = out('ls-tree', '--name-only', commit).split('\n');
		const paths = inCommit.filter((name) => SNAPSHOT_PATHS.includes(name) || /^tsconfig.*\.json$/.test(name));
		const archive = spawnSync('git', ['archive', '--format=tar', commit, ...paths], {
			cwd: root,
			maxBuffer: 512 * 1024 * 1024,
		});
		if (archive.status !== 0) throw new Error(`git archive ${commit} failed: ${archive.stderr}`);
		const tar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
		if (tar.status !== 0) throw new Error(`tar -x failed: ${tar.stderr}`);
		cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
	} else {
		for (const name of [...SNAPSHOT_PATHS, 'dist']) {
			try {
				cpSync(join(root, name), join(dir, name), { recursive: true });
			} catch (error) {
				if (error.code !== 'ENOENT') throw error;
			}
		}
		for (const name of ls(root))
			if (/^tsconfig.*\.json$/.test(name)) cpSync(join(root, name), join(dir, name));
	}
	symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
	let source;
	if (commit) source = `${out('rev-parse', '--short', commit)} (single-D1 design commit)`;
	else {
		const dirty = out('status', '--porcelain', '--', 'worker', 'wrangler.toml')
			.split('\n')
			.filter(Boolean).length;
		source = `${out('rev-parse', '--short', 'HEAD') || 'unknown'}${dirty ? ` + ${dirty} uncommitted file(s) in worker/ or wrangler.toml` : ''}`;
	}
	return { local: await import(join(dir, 'scripts/local.mjs')), source, commit: commit ?? null };
}

/**
 * Runs a bench's main(); when its design's commit is missing (DESIGN_MISSING), writes `{design, skipped}` to
 * `jsonFile` instead of results and returns null, so `npm run bench` reports the design as skipped.
 */
export async function runDesign(main, { design, jsonFile, tag }) {
	try {
		return await main();
	} catch (error) {
		if (error.code !== 'DESIGN_MISSING') throw error;
		console.error(`[${tag}] design ${design} skipped: ${error.message}`);
		if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ design, skipped: error.message }, null, 2));
		return null;
	}
}

/** TCP ports a process listens on (from /proc/net/tcp and its socket fds). */
export function listeningPorts(pid) {
	const inodes = new Set();
	for (const fd of readdirSync(`/proc/${pid}/fd`)) {
		try {
			const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
			if (m) inodes.add(m[1]);
		} catch {}
	}
	const ports = [];
	for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text = '';
		try {
			text = readFileSync(file, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			const f = line.trim().split(/\s+/);
			if (f.length > 9 && f[3] === '0A' && inodes.has(f[9]))
				ports.push(Number.parseInt(f[1].split(':')[1], 16));
		}
	}
	return ports;
}

/**
 * The worker's own HTTP socket inside the workerd that runs it, bypassing wrangler dev's proxy (a second workerd
 * that forwards every request and costs CPU of its own): the listening port of `workerPid` that answers `probe`.
 */
export async function directUrl(workerPid, probe = '/v1/health') {
	for (const port of listeningPorts(workerPid)) {
		try {
			const r = await fetch(`http://127.0.0.1:${port}${probe}`, { signal: AbortSignal.timeout(1000) });
			const text = await r.text();
			if (r.ok && text.includes('"ok":true')) return `http://127.0.0.1:${port}`;
		} catch {}
	}
	return null;
}

/** CPU time all CPUs of the machine spent busy (not idle or iowait) since boot, in ms, from /proc/stat. */
export function machineBusyMs() {
	const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
	const [user, nice, system, , , irq, softirq, steal] = f;
	return ((user + nice + system + irq + softirq + (steal ?? 0)) * 1000) / CLK_TCK;
}

/**
 * Stops a stack from startLocal and waits until every process of its tree has exited and its port is free again:
 * stop() resolves when wrangler's launcher exits, and a workerd still closing its socket makes the next start fail.
 */
export async function stopFully(stack, port) {
	const pids = processTree(stack.pid).map((p) => p.pid);
	await stack.stop();
	const deadline = Date.now() + 15_000;
	const alive = (pid) => {
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	};
	while (Date.now() < deadline && pids.some(alive)) await new Promise((r) => setTimeout(r, 100));
	while (Date.now() < deadline && !(await portFree(port))) await new Promise((r) => setTimeout(r, 100));
}

function portFree(port) {
	return new Promise((done) => {
		const server = createServer();
		server.once('error', () => done(false));
		server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
	});
}

/** `n` with `d` decimals, or n/a. */
export const fmt = (x, d = 1) =>
	x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Number(x).toFixed(d);

/** Prints the CPU profiles a run collected (`--profile`): the worker isolate's busiest functions. */
export function printProfiles(run) {
	for (const p of run.profile ?? []) {
		console.log(
			`  ${run.variant}: CPU profile of the worker isolate, ${fmt(p.busyMs / 1000, 2)} s busy; top self time:`,
		);
		for (const t of p.top.slice(0, 12)) console.log(`    ${fmt(t.ms, 0).padStart(7)} ms  ${t.fn}`);
	}
}

// ---- D1 audit: a counter per table and operation, kept by triggers added to the bench's own local database ----
/** SQL for a trigger that counts `what` (INSERT, UPDATE, DELETE) on table `on` into the audit table. */
export const auditTrigger = (
	table,
	name,
	on,
	what,
) => `CREATE TRIGGER IF NOT EXISTS bench_audit_${name} AFTER ${what} ON ${on} BEGIN
	INSERT INTO ${table} (tbl, op, n) VALUES ('${on}', '${what}', 1) ON CONFLICT (tbl, op) DO UPDATE SET n = n + 1;
END;\n`;
/** SQL creating the audit table: rows written per table and operation. */
export const AUDIT_TABLE = `CREATE TABLE IF NOT EXISTS bench_audit (tbl TEXT NOT NULL, op TEXT NOT NULL,
	n INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (tbl, op));\n`;

/** Adds a counter per table and operation (INSERT, UPDATE, DELETE) to the local D1 database. */
export function installD1Audit(stateDir) {
	const tables = d1Execute(
		stateDir,
		`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'
			AND name NOT IN ('d1_migrations', 'bench_audit')`,
		{ json: true },
	).map((r) => r.name);
	let sql = AUDIT_TABLE;
	for (const t of tables)
		for (const op of ['INSERT', 'UPDATE', 'DELETE']) sql += auditTrigger('bench_audit', `${t}_${op}`, t, op);
	d1Execute(stateDir, sql);
	return tables;
}

/** { 'table OP': rows } written since the audit was installed (the worker must be stopped). */
export const readD1Audit = (stateDir) =>
	Object.fromEntries(
		d1Execute(stateDir, 'SELECT tbl, op, n FROM bench_audit ORDER BY tbl, op', { json: true }).map((r) => [
			`${r.tbl} ${r.op}`,
			r.n,
		]),
	);

// ---- Durable Object SQLite audit: the same counters inside each object's own SQLite file ------------------------
// Local Durable Objects (wrangler dev / miniflare) keep one SQLite file per object in
// <stateDir>/v3/do/<script>-<Class>/<object id hash>.sqlite (plus metadata.sqlite, miniflare's own). The triggers
// are added while the worker is stopped, to the objects that exist then: an object created later (a new site's
// store, a new notification's Dispatcher) has no triggers, so its writes are not counted here. Benches count those
// another way (the Dispatcher's own rowsWritten, or rowsInFiles below) or make the objects exist before installing.
// Not audited: `_schema` (migration steps), and miniflare's own `__miniflare_do_name` (it records the object's name
// each time the object starts locally; nothing the worker writes or production bills).

let DatabaseSyncClass = null;
/** node:sqlite's DatabaseSync, without Node 22's experimental warning. */
export async function sqlite() {
	if (DatabaseSyncClass) return DatabaseSyncClass;
	const emit = process.emitWarning;
	process.emitWarning = (w, ...rest) =>
		String(w).includes('SQLite') ? undefined : emit.call(process, w, ...rest);
	try {
		DatabaseSyncClass = (await import('node:sqlite')).DatabaseSync;
	} finally {
		process.emitWarning = emit;
	}
	return DatabaseSyncClass;
}

/** The SQLite files of every local object of Durable Object class `className` (all scripts). */
export function doFiles(stateDir, className) {
	const dir = join(stateDir, 'v3/do');
	let namespaces = [];
	try {
		namespaces = readdirSync(dir).filter((d) => d.endsWith(`-${className}`));
	} catch (error) {
		if (error.code !== 'ENOENT') throw error;
	}
	const files = [];
	for (const ns of namespaces)
		for (const f of readdirSync(join(dir, ns)))
			if (f.endsWith('.sqlite') && f !== 'metadata.sqlite') files.push(join(dir, ns, f));
	return files;
}

const appTables = (db) =>
	db
		.prepare(
			`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'
				AND name NOT LIKE '__miniflare%' AND name NOT IN ('bench_audit', '_schema')`,
		)
		.all()
		.map((r) => r.name);

/**
 * Adds the audit table and a trigger per app table and operation to every existing object of `className` (the
 * worker must be stopped). Returns { objects, tables }.
 */
export async function installDoAudit(stateDir, className) {
	const DatabaseSync = await sqlite();
	const tables = new Set();
	const files = doFiles(stateDir, className);
	for (const file of files) {
		const db = new DatabaseSync(file);
		try {
			let sql = AUDIT_TABLE;
			for (const t of appTables(db)) {
				tables.add(t);
				for (const op of ['INSERT', 'UPDATE', 'DELETE'])
					sql += auditTrigger('bench_audit', `${t}_${op}`, t, op);
			}
			db.exec(sql);
		} finally {
			db.close();
		}
	}
	return { objects: files.length, tables: [...tables].sort() };
}

/**
 * Rows written to the audited objects of `className` since installDoAudit, summed over objects (the worker must
 * be stopped): { objects, audited, byTable: { 'table OP': n }, rowsWritten }. `objects` counts all files, `audited`
 * those with the audit table (the others were created after the install and are not counted).
 */
export async function readDoAudit(stateDir, className) {
	const DatabaseSync = await sqlite();
	const out = { objects: 0, audited: 0, byTable: {}, rowsWritten: 0 };
	for (const file of doFiles(stateDir, className)) {
		out.objects++;
		const db = new DatabaseSync(file, { readOnly: true });
		try {
			const has = db
				.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bench_audit'")
				.get();
			if (!has) continue;
			out.audited++;
			for (const r of db.prepare('SELECT tbl, op, n FROM bench_audit').all()) {
				const k = `${r.tbl} ${r.op}`;
				out.byTable[k] = (out.byTable[k] ?? 0) + r.n;
				out.rowsWritten += r.n;
			}
		} finally {
			db.close();
		}
	}
	return out;
}

/** Difference of two readDoAudit results (rows written between them). */
export function doAuditDelta(a, b) {
	const byTable = {};
	for (const [k, n] of Object.entries(b.byTable)) {
		const d = n - (a?.byTable?.[k] ?? 0);
		if (d) byTable[k] = d;
	}
	return {
		objects: b.objects,
		audited: b.audited,
		byTable,
		rowsWritten: b.rowsWritten - (a?.rowsWritten ?? 0),
	};
}

/**
 * Rows now in the app tables of every object of `className` (for objects created during a run, which have no
 * audit triggers: a lower bound of the rows they wrote). { objects, byTable: { table: rows }, rows }.
 */
export async function rowsInFiles(stateDir, className) {
	const DatabaseSync = await sqlite();
	const out = { objects: 0, byTable: {}, rows: 0 };
	for (const file of doFiles(stateDir, className)) {
		out.objects++;
		const db = new DatabaseSync(file, { readOnly: true });
		try {
			for (const t of appTables(db)) {
				const n = db.prepare(`SELECT count(*) AS n FROM "${t}"`).get().n;
				out.byTable[t] = (out.byTable[t] ?? 0) + n;
				out.rows += n;
			}
		} finally {
			db.close();
		}
	}
	return out;
}

/**
 * Starts the push sink (bench/campaign/sink.mjs) in a child process: it checks every request is real Web Push for
 * one of `keys` and decrypts every `sampleEvery`-th payload. Returns its controls; `ready` resolves with its port.
 */
export function startSink({ keys, total, sampleEvery }) {
	const child = fork(new URL('./sink.mjs', import.meta.url), [], {
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const waiting = [];
	child.on('message', (msg) => waiting.shift()?.(msg));
	const ask = (msg) =>
		new Promise((resolve) => {
			waiting.push(resolve);
			child.send(msg);
		});
	return {
		ready: ask({ type: 'config', keys, total, sampleEvery }),
		stats: () => ask({ type: 'stats' }),
		reset: () => ask({ type: 'reset' }),
		coverage: (ranges) => ask({ type: 'coverage', ranges }),
		stop: () => {
			if (child.connected) child.send({ type: 'stop' });
			child.kill();
		},
	};
}
