// Beacon burst: 20,000 browser requests against one site of the local stack (wrangler dev, local D1, Dispatcher,
// the per IP × site rate limiter left on), from ~1,800 addresses in `CF-Connecting-IP` (miniflare keeps a client's
// header and only fills it in when absent; wrangler's dev proxy passes it through), a few of them hot.
// The mix (plan.mjs): new subscriptions, repeats of known endpoints, pageviews, and shown / clicked beacons for a
// notification sent beforehand to the subscribers made in a setup phase. The requests go out closed-loop with
// `--concurrency` in flight (a burst: as fast as the stack answers), each timed from its send.
// Afterwards: no 5xx; every 429 carries Retry-After (and CORS); hot addresses limited, cold ones never; the
// subscriber count and the notification's shown / clicked counts equal what the answers said; rows written in D1
// (audit triggers) and in the Dispatcher's SQLite (its tracked-count commits), counted by triggers added to the
// bench's own databases between the setup and the burst.
//
// Usage: node bench/beacons/run.mjs [--requests 20000] [--concurrency 64] [--setup 500] [--hot 4]
//        [--hot-per-ip N] [--via direct|dev] [--json out.json] [--keep] [--verbose]
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import {
	directUrl,
	freePort,
	machine,
	machineBusyMs,
	makeKeySets,
	processTree,
	roleOf,
	root,
	snapshotRepo,
	stopFully,
} from '../campaign/common.mjs';
import { installD1Audit, installDispatcherAudit, readD1Audit, readDispatcherAudit } from './audit.mjs';
import { browserHeaders, ipOf, planBurst, subscribeBody } from './plan.mjs';
import { analyse, printBurst } from './report.mjs';

const { values: opts } = parseArgs({
	options: {
		requests: { type: 'string', default: '20000' },
		concurrency: { type: 'string', default: '64' },
		setup: { type: 'string', default: '500' },
		hot: { type: 'string', default: '4' },
		'hot-per-ip': { type: 'string' },
		// `direct`: the worker's own socket in its workerd; `dev`: wrangler dev's URL (its proxy costs ~0.7 ms of CPU
		// per request on top, which halves the rate this 2-core machine answers at).
		via: { type: 'string', default: 'direct' },
		json: { type: 'string' },
		keep: { type: 'boolean', default: false },
		verbose: { type: 'boolean', default: false },
	},
});
const TOTAL = Number(opts.requests);
const HOT = Number(opts.hot);
// Above 2 × 120: a hot address is limited even when the burst straddles a minute (local windows are wall-clock minutes).
const HOT_PER_IP = Number(opts['hot-per-ip'] ?? Math.max(300, Math.round(TOTAL * 0.03)));
const SETUP = Number(opts.setup);
const CONCURRENCY = Number(opts.concurrency);
const IGNORED = /Scheduled Workers are not|incoming RPC message exceeds size limit/;
const log = (...a) => console.error('[beacons]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

/** One request on a keep-alive agent: { status, headers, body }, status 0 on a network error (never rejects). */
function send(agent, url, { method = 'GET', headers = {}, body } = {}) {
	return new Promise((resolve) => {
		const req = request(url, { method, agent, headers }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () =>
				resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }),
			);
			res.on('error', (error) => resolve({ status: 0, headers: {}, body: error.message }));
		});
		req.on('error', (error) => resolve({ status: 0, headers: {}, body: error.message }));
		req.end(body ?? undefined);
	});
}

async function api(base, path, token, body) {
	const r = await send(undefined, `${base}${path}`, {
		method: body ? 'POST' : 'GET',
		headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined,
	});
	let json = null;
	try {
		json = JSON.parse(r.body);
	} catch {}
	return { status: r.status, json, body: r.body };
}

/** A push service on 127.0.0.1 that accepts every message (201) and counts them. */
function startSink() {
	const sink = { received: 0 };
	const server = createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			sink.received++;
			res.writeHead(201).end();
		});
	});
	sink.ready = new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));
	sink.stop = () => server.close();
	return sink;
}

/** Runs `count` tasks with `concurrency` in flight. */
async function pool(count, concurrency, task) {
	let next = 0;
	const worker = async () => {
		while (next < count) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Subscribers made before the burst (one address each) and one notification sent to all of them. */
async function setupSite(stack, site, origin, sinkBase, keys, sink) {
	const agent = new Agent({ keepAlive: true, maxSockets: 32 });
	const setup = new Array(SETUP);
	await pool(SETUP, 32, async (i) => {
		const endpoint = `${sinkBase}setup-${i}`;
		const r = await send(agent, `${stack.url}/v1/sites/${site.siteId}/subscribers`, {
			method: 'POST',
			headers: browserHeaders(origin, ipOf('198', i + 1)),
			body: subscribeBody(endpoint, keys[i % keys.length], origin, i % 40),
		});
		if (r.status !== 201) throw new Error(`setup subscribe: ${r.status} ${r.body}`);
		setup[i] = { id: JSON.parse(r.body).subscriberId, endpoint };
	});
	agent.destroy();
	const post = await api(stack.url, `/v1/sites/${site.siteId}/notifications`, site.apiKey, {
		title: 'Flash sale',
		body: '20% off everything until midnight',
		url: `${origin}/products/sale`,
		audience: { all: true },
	});
	if (post.status !== 202) throw new Error(`send: ${post.status} ${post.body}`);
	const id = post.json.notificationId;
	const deadline = Date.now() + 60_000;
	for (;;) {
		const n = await api(stack.url, `/v1/sites/${site.siteId}/notifications/${id}`, site.apiKey);
		if (n.json?.status === 'done' && sink.received >= SETUP)
			return { setup, notificationId: id, sent: n.json.counts };
		if (Date.now() > deadline) throw new Error(`notification not done in 60 s: ${n.body}`);
		await sleep(250);
	}
}

/**
 * Does `CF-Connecting-IP` reach the limiter through wrangler dev's proxy? 125 GET /config (no writes) from one new
 * address, then one from another: the first should see 429 after 120, the second 200. Tried again with new
 * addresses if a minute boundary fell inside.
 */
async function probeHeader(base, siteId, origin) {
	for (let attempt = 1; ; attempt++) {
		const get = (ip) =>
			send(undefined, `${base}/v1/sites/${siteId}/config`, { headers: browserHeaders(origin, ip) });
		const first = minute();
		const sameIp = {};
		for (let i = 0; i < 125; i++) {
			const { status } = await get(`192.0.2.${attempt}`);
			sameIp[status] = (sameIp[status] ?? 0) + 1;
		}
		const otherIp = (await get(`192.0.2.${100 + attempt}`)).status;
		if (minute() === first || attempt === 3) return { base, sameIp, otherIp, attempt };
	}
}
const minute = () => Math.floor(Date.now() / 60_000);

function cpuByRole(pid) {
	const out = {};
	for (const p of processTree(pid)) out[roleOf(p)] = (out[roleOf(p)] ?? 0) + p.cpuMs;
	return out;
}

/** The burst itself: every planned request, `CONCURRENCY` in flight. */
async function burst(base, plan, origin) {
	const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
	const answers = new Array(plan.requests.length);
	const t0 = now();
	await pool(plan.requests.length, CONCURRENCY, async (k) => {
		const q = plan.requests[k];
		const sentAt = Date.now();
		const t = now();
		const r = await send(agent, `${base}${q.path}`, {
			method: 'POST',
			headers: browserHeaders(origin, q.ip),
			body: q.body,
		});
		answers[k] = {
			status: r.status,
			ms: now() - t,
			sentAt,
			doneAt: Date.now(),
			retryAfter: r.headers['retry-after'] ?? null,
			cors: r.headers['access-control-allow-origin'] === origin,
			body: r.status >= 300 && r.status !== 429 ? r.body.slice(0, 300) : undefined,
		};
	});
	const seconds = (now() - t0) / 1000;
	agent.destroy();
	return { answers, seconds };
}

async function main() {
	const tmp = mkdtempSync(join(tmpdir(), 'beckon-bench-beacons-'));
	const stateDir = join(tmp, 'state');
	const secretsFile = join(tmp, 'secrets.env');
	const vars = { RATE_LIMIT_PUBLIC: 'true', PUSH_TIMEOUT_MS: '10000' };
	// wrangler's output (warnings and errors), each chunk with the phase and second it arrived in. Left out: the
	// scheduled-workers notice, and workerd's "incoming RPC message exceeds size limit" when directUrl's HTTP probe
	// happens to try its Cap'n Proto socket first.
	const output = [];
	const started = Date.now();
	let phase = 'setup';
	const capture = {
		write: (chunk) => output.push({ phase, at: (Date.now() - started) / 1000, text: chunk.toString() }),
	};
	const quiet = { logLevel: opts.verbose ? 'info' : 'warn', log: opts.verbose ? process.stderr : capture };
	const snapshot = await snapshotRepo(join(tmp, 'src'));
	const { startLocal } = snapshot.local;
	const sink = startSink();
	let stack = null;
	const cleanup = async () => {
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
		source: snapshot.source,
		requests: TOTAL,
		concurrency: CONCURRENCY,
		hot: HOT,
		hotPerIp: HOT_PER_IP,
		setup: SETUP,
		via: opts.via,
	};
	try {
		const port = await freePort();
		const origin = `http://127.0.0.1:${port}`;
		const sinkBase = `http://127.0.0.1:${await sink.ready}/push/`;
		const keys = makeKeySets(50);
		const skipBuild = existsSync(join(root, 'dist/assets/sw.js'));
		const t = now();
		stack = await startLocal({ port, stateDir, secretsFile, vars, skipBuild, ...quiet });
		const created = await api(stack.url, '/v1/sites', stack.adminToken, {
			name: 'Beacon burst bench',
			origins: [origin],
			platform: 'custom',
		});
		if (created.status !== 201) throw new Error(`create site: ${created.status} ${created.body}`);
		const site = created.json;
		const { setup, notificationId, sent } = await setupSite(stack, site, origin, sinkBase, keys, sink);
		result.setupSent = sent.sent;
		phase = 'stop after setup';
		await stopFully(stack, port);
		stack = null;
		installD1Audit(stateDir);
		result.dispatchers = await installDispatcherAudit(stateDir);
		if (result.dispatchers !== 1)
			throw new Error(`expected 1 Dispatcher SQLite file, found ${result.dispatchers}`);
		log(
			`setup: ${SETUP} subscribers, notification sent to ${sent.sent}, in ${((now() - t) / 1000).toFixed(1)} s`,
		);

		phase = 'restart';
		stack = await startLocal({ port, stateDir, secretsFile, vars, skipBuild: true, ...quiet });
		const workerPid = processTree(stack.pid).find((p) => roleOf(p) === 'workerd (worker)')?.pid;
		const base = opts.via === 'direct' ? await directUrl(workerPid) : stack.url;
		if (!base) throw new Error("could not find the worker's own socket");
		const plan = planBurst({
			total: TOTAL,
			hot: HOT,
			hotPerIp: HOT_PER_IP,
			siteId: site.siteId,
			notificationId,
			origin,
			endpointBase: sinkBase,
			keys,
			setup,
		});
		result.probe = await probeHeader(stack.url, site.siteId, origin);
		const stats0 = await api(stack.url, `/v1/sites/${site.siteId}/stats`, site.apiKey);
		const ntf0 = await api(
			stack.url,
			`/v1/sites/${site.siteId}/notifications/${notificationId}`,
			site.apiKey,
		);
		const do0 = await readDispatcherAudit(stateDir);
		log(
			`burst: ${TOTAL} requests from ${plan.coldIps.length + HOT} addresses, ${CONCURRENCY} in flight, via ${base}`,
		);
		phase = 'burst';
		const cpu0 = cpuByRole(stack.pid);
		const own0 = process.cpuUsage();
		const busy0 = machineBusyMs();
		const t1 = now();
		const { answers, seconds } = await burst(base, plan, origin);
		const cpu1 = cpuByRole(stack.pid);
		const own = process.cpuUsage(own0);
		const ours =
			Object.entries(cpu1).reduce((a, [r, ms]) => a + ms - (cpu0[r] ?? 0), 0) +
			(own.user + own.system) / 1000;
		result.otherCores = Math.max(0, (machineBusyMs() - busy0 - ours) / (now() - t1));
		result.cpuMsPerRequest = Object.fromEntries(
			Object.entries(cpu1).map(([r, ms]) => [r, (ms - (cpu0[r] ?? 0)) / TOTAL]),
		);
		result.seconds = seconds;
		phase = 'after the burst';
		// The Dispatcher copies its counts to D1 by an alarm ≤ 2 s after a commit: wait for it, then read.
		await sleep(3000);
		const stats1 = await api(stack.url, `/v1/sites/${site.siteId}/stats`, site.apiKey);
		const ntf1 = await api(
			stack.url,
			`/v1/sites/${site.siteId}/notifications/${notificationId}`,
			site.apiKey,
		);
		const list = await api(stack.url, `/v1/sites/${site.siteId}/notifications?limit=5`, site.apiKey);
		const saved = list.json?.notifications?.find((n) => n.notificationId === notificationId);
		const do1 = await readDispatcherAudit(stateDir);
		phase = 'final stop';
		await stopFully(stack, port);
		stack = null;
		result.d1 = readD1Audit(stateDir);
		result.dispatcherRows = Object.fromEntries(Object.entries(do1).map(([k, n]) => [k, n - (do0[k] ?? 0)]));
		result.workerLog = output.flatMap(({ phase, at, text }) =>
			stripVTControlCharacters(text)
				.split('\n')
				.filter((l) => /error|exception|✘|uncaught|warning/i.test(l) && !IGNORED.test(l))
				.map((l) => `[${phase} +${at.toFixed(1)} s] ${l.trim()}`),
		);
		Object.assign(
			result,
			analyse({
				plan,
				answers,
				setup,
				probe: result.probe,
				before: { active: stats0.json?.active, counts: ntf0.json?.counts },
				after: { active: stats1.json?.active, counts: ntf1.json?.counts, saved: saved?.counts },
			}),
		);
	} finally {
		await cleanup();
	}
	return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const r = await main();
	printBurst(r);
	if (opts.json) writeFileSync(opts.json, JSON.stringify(r, null, 2));
	process.exitCode = r.ok ? 0 : 1;
}
