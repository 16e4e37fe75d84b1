// `npm run bench`: the performance goals of DESIGN.md, measured on this machine.
//   1. bench/crypto/run.mjs   CPU per prepared push in workerd, side by side with web-push (writes its own section)
//   2. bench/campaign/run.mjs a 100k-recipient notification through the local stack into a local push sink
//   3. bench/subscribe/run.mjs the subscribe endpoint at 500 requests/s, and O(1) subscriber counts
//   4. widget: the built widget's size (gzip and brotli), section "Widget size"
//   5. bench/beacons/run.mjs  a burst of 20,000 subscribe / pageview / shown / clicked requests from many addresses,
//      rate limiter on: no 5xx, 429 with Retry-After, exact counts afterwards (section "Beacon burst (local stack)")
//   6. bench/scale/measure.mjs bytes per subscriber and per event, one store's write rates: the inputs of
//      docs/SCALE.md (section "Storage model inputs")
//   7. bench/lighthouse/run.mjs Lighthouse (mobile) on the Shopify test storefront with and without the app embed,
//      median of 5 runs each (section "Storefront impact (Lighthouse)")
//   8. bench/tenants/run.mjs  many tenants: 1,000 sites × 100 subscribers through the public API, then one send to
//      20 sites at once, every push checked at the sink
//   9. bench/audience/run.mjs event ingestion rows/CPU per event, reach estimates and segment / personalised sends at
//      100k subscribers with 1M events (section "Audience: events, reach estimates, segment sends")
//  10. bench/automations/run.mjs 10k journeys started by events and fired by the site store's alarm: rows and CPU per
//      journey, against one notification per journey (section "Automations: journeys started and fired")
//  11. bench/webhooks/run.mjs a send to 10k, then clicks of 10 % of them with a webhook endpoint taking
//      `notification.clicked`: calls, clicks per call and webhook rows per push, against one call per click (section
//      "Webhooks: batched clicks")
// campaign, subscribe and tenants run twice: on the per-site storage design (the working tree) and on the single-D1
// design (bench/campaign/common.mjs D1_DESIGN_COMMIT, `--designs current,d1`); a design whose commit is not in the
// repository (shallow clone) is reported as skipped.
// Each prints a table; then the sections "100k-recipient campaign (local stack)" and "Subscribe endpoint under
// load" (per-site design) and "Per-site storage vs the single-D1 design" (both) of BENCHMARKS.md are rewritten from
// the results (other sections are left as they are).
// Usage: node scripts/bench.mjs [--only crypto,campaign,subscribe,tenants,widget,beacons,scale,lighthouse,audience,
//        automations,webhooks] [--quick]
//        [--designs current,d1] [--no-write] [--out FILE] [--results DIR [--render-only]]
//   --quick runs smaller versions (20k recipients, 5 s of load and 20k subscribers for /stats, 50 tenants × 20,
//   a 4,000-request burst, 1 Lighthouse run each) and does not touch BENCHMARKS.md.
//   --out writes the sections into FILE instead of BENCHMARKS.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { AUDIENCE_TITLE, audienceSection } from '../bench/audience/section.mjs';
import { AUTOMATIONS_TITLE, automationsSection } from '../bench/automations/section.mjs';
import { BEACONS_TITLE, beaconsSection } from '../bench/beacons/section.mjs';
import { LIGHTHOUSE_TITLE, lighthouseSection } from '../bench/lighthouse/section.mjs';
import { SCALE_TITLE, scaleSection } from '../bench/scale/section.mjs';
import { STORAGE_TITLE, storageSection } from '../bench/tenants/section.mjs';
import { WEBHOOKS_TITLE, webhooksSection } from '../bench/webhooks/section.mjs';
import { buildAssets } from './build.mjs';

const CAMPAIGN_TITLE = '## 100k-recipient campaign (local stack)';
const SUBSCRIBE_TITLE = '## Subscribe endpoint under load';
const WIDGET_TITLE = '## Widget size';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
	options: {
		only: {
			type: 'string',
			default:
				'crypto,campaign,subscribe,tenants,widget,beacons,scale,lighthouse,audience,automations,webhooks',
		},
		// Storage designs the campaign, subscribe and tenants benches run on (current = per-site stores).
		designs: { type: 'string', default: 'current,d1' },
		out: { type: 'string' },
		quick: { type: 'boolean', default: false },
		write: { type: 'boolean' },
		// Keep the JSON results in this folder; with --render-only, rewrite BENCHMARKS.md from them without running.
		results: { type: 'string' },
		'render-only': { type: 'boolean', default: false },
	},
	allowNegative: true,
});
const only = new Set(opts.only.split(','));
const write = opts.write ?? !opts.quick;
const designs = opts.designs.split(',').filter(Boolean);
/** The results file of a bench on a design: `campaign.json` for the current design, `campaign-d1.json` for d1. */
const resultName = (name, design) => (design === 'current' ? name : `${name}-${design}`);
// wrangler's launcher runs `node` from PATH: make that the Node running this script (the project's Node 22).
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };

function run(script, args, nodeArgs = []) {
	return new Promise((done) => {
		const started = Date.now();
		console.log(`\n▶ ${script} ${args.join(' ')}`);
		const child = spawn(process.execPath, [...nodeArgs, join(root, script), ...args], {
			cwd: root,
			env,
			stdio: 'inherit',
		});
		const forward = (sig) => child.kill(sig);
		process.on('SIGINT', forward);
		process.on('SIGTERM', forward);
		child.on('exit', (code, signal) => {
			process.off('SIGINT', forward);
			process.off('SIGTERM', forward);
			console.log(
				`◀ ${script}: exit ${code ?? signal} after ${((Date.now() - started) / 1000).toFixed(0)} s`,
			);
			done(code ?? 1);
		});
	});
}

// ---- BENCHMARKS.md ------------------------------------------------------------------------------------------------

/** Replaces the section that starts with `title` (up to the next `## ` heading) or appends it. */
function replaceSection(file, title, section) {
	const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
	const start = old.indexOf(`${title}\n`);
	let updated;
	if (start < 0) updated = `${old.trimEnd()}\n\n${section.trim()}\n`;
	else {
		const after = old.slice(start + title.length).search(/^## /m);
		const end = after < 0 ? old.length : start + title.length + after;
		updated = `${old.slice(0, start)}${section.trim()}\n${end < old.length ? `\n${old.slice(end)}` : ''}`;
	}
	writeFileSync(file, `${updated.trimEnd()}\n`);
}

function fmt(x, d = 1) {
	if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
	return Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}
const met = (b) => (b ? 'met' : '**not met**');
const day = (iso) => iso.slice(0, 10);

/** A warning when other processes kept the (shared) machine busy during the runs. */
function disturbed(runs) {
	const other = Math.max(...runs.map((x) => x.otherCores ?? 0));
	if (other < 0.25) return '';
	return `
**Other processes used up to ${fmt(other, 2)} of the machine's cores during these runs**, so wall times and latencies are worse
than on a quiet machine; CPU time per push or request is the steadier figure (the worker's workerd runs on one thread).
`;
}

function machineLine(r) {
	const m = r.machine;
	return `${m.nproc} × ${m.cpu}, ${m.memGb} GB RAM, Node ${m.node}, workerd ${m.workerd.replace(/^workerd\s+/, '')}, wrangler ${m.wrangler}; worker source ${r.source}`;
}

function campaignSection(r) {
	const runs = r.runs;
	const a = runs.find((x) => x.variant === 'default') ?? runs[0];
	const b = runs.find((x) => x.variant === 'no-tracing');
	const N = r.recipients;
	const cols = runs.map((x) =>
		x.variant === 'default' ? 'as `npm start` runs it' : "wrangler's local tracing off",
	);
	const row = (label, f, goal = '') => `| ${label} | ${runs.map(f).join(' | ')} | ${goal} |`;
	const cpuRoles = ['workerd (worker)', 'workerd (dev proxy)', 'wrangler (node)', 'push sink (node)'];
	const perMessage = N / Math.max(1, a.queueMessages);
	const msgKb = (bytes) => (perMessage * bytes + 120) / 1024;
	const units = (kb) => Math.max(1, Math.ceil(kb / 64));
	const prices = { queueOp: 0.4, d1Row: 1, d1Read: 0.001, doRow: 1 };
	const qLocal = (a.queueMessages / N) * 3 * units(msgKb(r.recipientJsonBytes));
	const fcmPerMessage = Math.min(250, Math.floor(100_000 / (r.recipientJsonBytesFcm + 60)));
	const qFcm = (1 / fcmPerMessage) * 3 * units((fcmPerMessage * r.recipientJsonBytesFcm + 120) / 1024);
	const costRows = [
		['Queue operations (write + read + delete per 64 KB of message)', qLocal, prices.queueOp],
		['D1 rows written', a.d1.rowsPerPush, prices.d1Row],
		['SiteStore (Durable Object SQLite) rows written', (a.siteStore?.rowsWritten ?? 0) / N, prices.doRow],
		['Dispatcher (Durable Object SQLite) rows written', a.doRows / N, prices.doRow],
		['D1 rows read (audience pages)', 1, prices.d1Read],
	];
	const total = costRows.reduce((s, [, per, price]) => s + per * price, 0);
	const totalFcm = total - qLocal * prices.queueOp + qFcm * prices.queueOp;
	const tracingCost = b ? a.workerdCpuUsPerPush - b.workerdCpuUsPerPush : null;
	const billed = (x) => (x.d1.rowsWritten + (x.siteStore?.rowsWritten ?? 0) + x.doRows) / N;
	const d1Detail = Object.entries(a.d1.byTable)
		.map(([k, n]) => `${k.toLowerCase()} ${n}`)
		.join(', ');
	const storeDetail = Object.entries(a.siteStore?.byTable ?? {})
		.map(([k, n]) => `${k.toLowerCase()} ${n}`)
		.join(', ');
	return `${CAMPAIGN_TITLE}

Measured by \`npm run bench\` (\`bench/campaign/run.mjs\`) on ${day(r.date)}: ${machineLine(r)}.
${disturbed(runs)}
One notification to \`{all:true}\` of a site with ${fmt(N, 0)} allowed subscribers, through \`wrangler dev\` (workerd
with local D1, the Dispatcher Durable Object and the local Queue) into a push sink on 127.0.0.1 (a child process).
The sink checks every request — \`Content-Encoding: aes128gcm\` and its header (65-byte key id), \`TTL\`, a
\`vapid t=…, k=…\` Authorization whose ES256 JWT it verifies (aud = the sink's origin, exp ≤ 24 h) — counts
duplicates per endpoint, and decrypts every 100th payload with the \`http_ece\` package. The subscribers are seeded
with one \`INSERT … SELECT\` through the real table (the counting triggers run; \`GET /stats\` said ${fmt(a.activeBefore, 0)}
active before the send); D1 rows written during the send are counted by audit triggers added to the bench's own
database. The worker runs from a copy of the sources taken at the start (wrangler dev reloads on every edit, and a
reload loses the local queue's messages). Times are from the \`POST\` to the first poll (every 0.5 s) that saw \`done\`.

| | ${cols.join(' | ')} | goal |
|---|${runs.map(() => '---:|').join('')}---|
${row('POST → status `done`', (x) => `${fmt(x.doneSeconds)} s`, `≤ 60 s: ${runs.map((x) => met(x.met.time)).join(' / ')}`)}
${row('POST → last push at the sink', (x) => `${fmt(x.sinkSeconds)} s`)}
${row('POST → first push at the sink', (x) => `${fmt(x.firstPushSeconds, 2)} s`)}
${row('throughput', (x) => `${fmt(x.pushesPerSecond, 0)} pushes/s`)}
${row('counts: sent / failed / gone / retried', (x) => `${x.counts?.sent} / ${x.counts?.failed} / ${x.counts?.gone} / ${x.counts?.retried}`, `all sent once, valid: ${runs.map((x) => met(x.met.delivered)).join(' / ')}`)}
${row('sink: valid / invalid / duplicate requests', (x) => `${x.sink.ok} / ${x.sink.bad} / ${x.sink.duplicates}`)}
${row('sink: sampled payloads decrypted', (x) => `${x.sink.decrypted} of ${x.sink.decrypted + x.sink.decryptFailed}`)}
${row('push body (plaintext)', (x) => `${fmt(x.sink.avgBodyBytes, 0)} B (${x.sink.plaintextBytes} B)`)}
${row('D1 rows written per push', (x) => `${fmt(x.d1.rowsPerPush, 5)} (${x.d1.rowsWritten} rows)`, `≤ 0.02: ${runs.map((x) => met(x.met.d1)).join(' / ')}`)}
${row('queue messages per push', (x) => `${fmt(x.queueMessages / N, 4)} (${x.queueMessages})`)}
${row('Dispatcher SQLite rows written per push (see below)', (x) => `${fmt(x.doRows / N, 4)} (${x.doRows})`)}
${row("the site's SiteStore SQLite rows written per push", (x) => (x.siteStore ? `${fmt(x.siteStore.rowsWritten / N, 5)} (${x.siteStore.rowsWritten})` : 'n/a'))}
${row('billed rows per push: D1 + SiteStore + Dispatcher', (x) => fmt(billed(x), 4), `≤ 0.02: ${runs.map((x) => met(billed(x) <= 0.02)).join(' / ')}`)}
${row("workerd CPU per push (the worker's workerd process)", (x) => `${fmt(x.workerdCpuUsPerPush, 0)} µs`)}
${row('CPU: workerd / dev proxy / wrangler / sink', (x) => `${cpuRoles.map((k) => fmt((x.cpuMs[k] ?? 0) / 1000, 1)).join(' / ')} s`)}
${row("peak RSS of the worker's workerd", (x) => `${fmt(x.memory['workerd (worker)']?.peakMb, 0)} MB`)}
${row('other load on the (shared) machine', (x) => `${fmt(x.otherCores, 2)} cores`)}

- D1 rows written during the send: ${d1Detail || 'none'}${a.siteStore ? `; the site's SiteStore: ${storeDetail || 'none'}` : ''} — the
  notification row and its progress saves (every 2 s); nothing per recipient.
- The Dispatcher's SQLite rows are counted by the Dispatcher itself (\`SqlStorageCursor.rowsWritten\` of every write,
  what SQLite Durable Objects bill), reported as the notification's \`storageRowsWritten\`: per queue message the
  \`INSERT\` of its batch, the \`UPDATE\` to done and the \`meta\` state upsert in \`complete()\` (3); one state upsert
  per audience page of 1,000; a few at start and finish. (Until schema v3 a \`batches_queued\` index added 2 per
  message: 0.026 rows per push.)
- The local stack is CPU-bound in one thread: the worker's workerd used ${fmt((a.cpuMs['workerd (worker)'] ?? 0) / 1000, 1)} s of CPU in
  ${fmt(a.doneSeconds)} s. Miniflare's local queue hands the consumer one batch (≤ 10 messages × 250 recipients) at a time;
  each invocation sends with ≤ 6 fetches in flight. In production, batches fan out over up to 250 consumer invocations.${
		tracingCost !== null
			? `
- wrangler dev's local tracing (\`X_LOCAL_OBSERVABILITY\`, on by default: a streaming tail that stores a span for every
  subrequest in a local SQLite trace store) costs ${fmt(tracingCost, 0)} µs of workerd CPU per push; it does not exist in production.`
			: ''
	}
- The crypto alone is ~0.1 ms per push (section above); the rest of the per-push CPU here is the local plumbing
  (miniflare routes every outbound \`fetch\` through an interceptor worker), \`fetch\` itself, the payload JSON, the
  queue, Durable Object and D1 calls. \`node bench/campaign/run.mjs --profile DIR\` writes a V8 CPU profile of the worker.

### Cost per million notifications (on paper)

From the run above (prices from DESIGN.md; Queues bill one operation per 64 KB written, read or deleted). Here a
queue message holds ${fmt(perMessage, 0)} recipients, ${fmt(msgKb(r.recipientJsonBytes), 0)} KB with the sink's short endpoints.

| item | per push | price per million | $ per million pushes |
|---|---:|---:|---:|
${costRows.map(([label, per, price]) => `| ${label} | ${fmt(per, 5)} | $${fmt(price, 3)} | $${fmt(per * price, 5)} |`).join('\n')}
| **total** | | | **$${fmt(total, 4)}** (goal ≤ $0.10: ${met(total <= 0.1)}) |

- With real FCM endpoints (~${fmt(r.recipientJsonBytesFcm, 0)} B per recipient) the 100 KB message budget holds ~${fmt(fcmPerMessage, 0)} recipients
  and each message is two 64 KB units: ${fmt(qFcm, 4)} queue operations per push, total ≈ $${fmt(totalFcm, 4)} per million.
- Not in DESIGN.md's price list, so not in the total: 2 Durable Object calls per queue message (claim, complete), one
  consumer invocation per ≤ 10 messages, and CPU time (≤ ${fmt(a.workerdCpuUsPerPush, 0)} µs per push measured here, an upper
  bound that includes the local plumbing).
`;
}

function subscribeSection(r) {
	const runs = r.runs;
	const cols = runs.map((x) =>
		x.variant === 'default'
			? "`wrangler dev`'s URL, local tracing on (as `npm start`)"
			: "the worker's own socket in workerd, no dev proxy, local tracing off",
	);
	const row = (label, f, goal = '') => `| ${label} | ${runs.map(f).join(' | ')} | ${goal} |`;
	const cpu = (m) =>
		Object.entries(m)
			.map(([role, ms]) => `${fmt(ms * 1000, 0)} µs ${role.replace('workerd ', '')}`)
			.join(' + ');
	const lat = (l) => `${fmt(l.p50)} / ${fmt(l.p95)} / ${fmt(l.p99)} / ${fmt(l.max)} ms`;
	const d1 = runs[0]?.d1 ?? {};
	const store = runs[0]?.siteStore?.byTable ?? {};
	const perTable = (m) =>
		Object.entries(m)
			.map(([t, n]) => `${t} ${n}`)
			.join(', ') || 'none';
	const direct = runs.find((x) => x.steps?.length);
	const sustained =
		direct?.steps.filter((st) => st.p99 <= r.goalP99Ms && st.notOk === 0).map((st) => st.rate) ?? [];
	return `${SUBSCRIBE_TITLE}

Measured by \`npm run bench\` (\`bench/subscribe/run.mjs\`) on ${day(r.date)}: ${machineLine(r)}.
${disturbed(runs)}
\`POST /v1/sites/:siteId/subscribers\` with what the widget sends (subscription with valid P-256 keys, permission,
page URL, time zone, locale; \`Origin\` of the site; a Firefox User-Agent), each request a new endpoint, at a fixed
${r.rate} requests/s for ${r.seconds} s over keep-alive connections. Open loop: request *i* is due at start + *i* / rate and is
sent then whatever is still in flight; latency is measured from the due time, so stalls are not hidden
(no coordinated omission). After 500 warm-up requests, the same open loop on \`GET /v1/health\` gives the local
plumbing's own cost. Local D1 (SQLite) runs inside the same workerd process as the worker.

| | ${cols.join(' | ')} | goal |
|---|${runs.map(() => '---:|').join('')}---|
${row(`POST /subscribers p50 / p95 / p99 / max`, (x) => lat(x.load.latency), `p99 ≤ ${r.goalP99Ms} ms at ${r.goalRate}/s: ${runs.map((x) => met(x.met.p99)).join(' / ')}`)}
${row('responses other than 201', (x) => `${x.load.notOk} of ${x.load.requests}`)}
${row('CPU per subscribe', (x) => cpu(x.load.cpuMsPerRequest))}
${row(`baseline GET /v1/health at ${r.rate}/s: p50 / p95 / p99 / max`, (x) => lat(x.health.latency))}
${row('CPU per health check', (x) => cpu(x.health.cpuMsPerRequest))}
${row('site active afterwards = subscribers created', (x) => `${x.loadSiteActive} = ${x.expectedActive}`, `counts exact: ${runs.map((x) => met(x.met.counts)).join(' / ')}`)}
${row('same endpoint again', (x) => `HTTP ${x.resubscribeStatus} (update)`)}
${row('D1 rows written per subscribe', (x) => fmt(x.d1RowsPerSubscribe, 2))}
${row("the site's SiteStore SQLite rows written per subscribe", (x) => fmt(x.doRowsPerSubscribe, 2))}
${row('`GET /stats`, 1,000 subscribers: p50 / p99', (x) => `${fmt(x.stats['1k'].p50, 2)} / ${fmt(x.stats['1k'].p99, 1)} ms`)}
${row('`GET /stats`, 100,000 subscribers: p50 / p99', (x) => `${fmt(x.stats['100k'].p50, 2)} / ${fmt(x.stats['100k'].p99, 1)} ms`, `O(1): ${runs.map((x) => met(x.met.o1)).join(' / ')}`)}
${row('other load on the (shared) machine', (x) => `${fmt(x.otherCores, 2)} cores`)}

${
	direct
		? `- Lower rates, ${direct.variant} variant, 4 s each: ${direct.steps.map((st) => `${st.rate}/s → p99 ${fmt(st.p99)} ms (${fmt((st.cpuMsPerRequest['workerd (worker)'] ?? 0) * 1000, 0)} µs CPU)`).join('; ')}. Highest rate with p99 ≤ ${r.goalP99Ms} ms here: ${sustained.length ? `${Math.max(...sustained)}/s` : 'none of them'}.
`
		: ''
}- \`GET /stats\` reads the trigger-kept counters (${runs.map((x) => `${x.stats['100k'].active}`)[0]} active at 100k, exact); the same count
  with \`COUNT(*)\` takes ${fmt(r.countStar['1k'].ms, 0)} ms of SQLite time at 1,000 rows and ${fmt(r.countStar['100k'].ms, 0)} ms at 100,000 (D1's \`meta.duration\`).
- Rows written: D1 ${perTable(d1)}${runs[0]?.siteStore ? `; the site's SiteStore ${perTable(store)}` : ''} over ${runs[0]?.subscribes ?? 0} requests — the row and its
  counters (status, browser, daily growth). D1 and SQLite Durable Objects also bill each index entry written as a row:
  a new subscriber enters \`subscribers_endpoint\` and \`subscribers_audience\`, so about 6 billed rows per new subscriber
  (~$6 per million sign-ups).
- Every request costs CPU in two workerd processes locally: wrangler's dev proxy (only on its URL) and the worker's
  workerd, which also runs miniflare's entry worker and the local D1 object. The machine has ${r.machine.nproc} cores and the worker's
  workerd runs its isolates on one thread, so ${r.rate}/s needs < ${fmt(1000 / r.rate, 1)} ms of CPU per request there to keep up at all.
`;
}

/** Builds the widget and measures what a page downloads (zlib gzip -9 and brotli -11). */
async function widgetSizes() {
	await buildAssets();
	const sizes = {};
	for (const file of ['beckon.js', 'beckon-ui.js', 'sw.js']) {
		const bytes = readFileSync(join(root, 'dist/assets', file));
		sizes[file] = {
			raw: bytes.length,
			gzip: gzipSync(bytes, { level: 9 }).length,
			brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
		};
	}
	return sizes;
}

function widgetSection(sizes) {
	const row = (name, file, goal) =>
		`| ${name} | ${fmt(sizes[file].raw, 0)} | ${fmt(sizes[file].gzip, 0)} | ${fmt(sizes[file].brotli, 0)} | ${goal} |`;
	const ui = sizes['beckon-ui.js'].gzip;
	return `${WIDGET_TITLE}

Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} from the built files (\`npm run build\`); bytes. \`npm test\`
enforces the same budgets (test/node/widget/size.test.ts).

| file | raw | gzip -9 | brotli -11 | goal |
|---|---:|---:|---:|---|
${row('`beckon.js`: core (JS API, states, triggers), on every page', 'beckon.js', '≤ 4 KB gzip: met')}
${row('`beckon-ui.js`: prompt, categories, bell, iOS hint, **preact included**', 'beckon-ui.js', `≤ 6 KB gzip: ${met(ui <= 6144)}`)}
${row('`sw.js`: service worker', 'sw.js', '≤ 2 KB gzip')}

- preact alone is ~4.5 KB of the UI chunk, so the widget is cut in two: the core decides whether anything must be
  shown, and loads the UI chunk only then (a prompt that is due, or the bell). A page whose visitor is already
  subscribed, said "maybe later" or blocked downloads the core only.
- Both are loaded \`async\` and start after the page's \`load\` event, when the browser is idle; the UI is
  \`position: fixed\` in a shadow root (no layout shift: the Chromium tests measure CLS = 0).
- preact 10 rather than 11 (~180 B smaller), esbuild with preact's \`__\` internals mangled, then one terser pass
  (~80 B).
`;
}

async function main() {
	const tmp = opts.results ? resolve(opts.results) : mkdtempSync(join(tmpdir(), 'beckon-bench-'));
	mkdirSync(tmp, { recursive: true });
	const failures = [];
	const results = {};
	if (opts['render-only']) {
		for (const name of [
			'campaign',
			'subscribe',
			'tenants',
			'beacons',
			'scale',
			'lighthouse',
			'audience',
			'automations',
			'webhooks',
		]) {
			for (const design of ['current', 'd1']) {
				const key = resultName(name, design);
				const file = join(tmp, `${key}.json`);
				if (only.has(name) && existsSync(file)) results[key] = JSON.parse(readFileSync(file, 'utf8'));
			}
		}
		only.clear();
	}
	try {
		if (only.has('crypto')) {
			const script = 'bench/crypto/run.mjs';
			if (existsSync(join(root, script))) {
				// (--out only redirects the sections this script writes: the crypto bench then writes nothing.)
				const args = [...(opts.quick ? ['--quick'] : []), ...(write && !opts.out ? [] : ['--no-write'])];
				if ((await run(script, args)) !== 0) failures.push(script);
			} else console.log(`(${script} not found: skipped)`);
		}
		/** Runs a bench on every design of --designs; results[name] (current), results[`${name}-d1`]. */
		const onDesigns = async (name, script, args) => {
			for (const design of designs) {
				const key = resultName(name, design);
				const out = join(tmp, `${key}.json`);
				rmSync(out, { force: true });
				const code = await run(script, ['--json', out, '--design', design, ...args]);
				if (code !== 0) failures.push(`${script} --design ${design}`);
				if (existsSync(out)) results[key] = JSON.parse(readFileSync(out, 'utf8'));
			}
		};
		if (only.has('campaign'))
			await onDesigns('campaign', 'bench/campaign/run.mjs', opts.quick ? ['--count', '20000'] : []);
		if (only.has('widget')) results.widget = await widgetSizes();
		if (only.has('subscribe'))
			await onDesigns(
				'subscribe',
				'bench/subscribe/run.mjs',
				opts.quick ? ['--seconds', '5', '--big', '20000'] : [],
			);
		if (only.has('tenants'))
			await onDesigns(
				'tenants',
				'bench/tenants/run.mjs',
				opts.quick ? ['--sites', '50', '--per-site', '20', '--send-sites', '20'] : [],
			);
		if (only.has('beacons')) {
			const out = join(tmp, 'beacons.json');
			const code = await run('bench/beacons/run.mjs', [
				'--json',
				out,
				...(opts.quick ? ['--requests', '4000', '--setup', '200'] : []),
			]);
			if (code !== 0) failures.push('bench/beacons/run.mjs');
			if (existsSync(out)) results.beacons = JSON.parse(readFileSync(out, 'utf8'));
		}
		if (only.has('scale')) {
			const out = join(tmp, 'scale.json');
			const code = await run('bench/scale/measure.mjs', [
				'--json',
				out,
				...(opts.quick ? ['--subscribers', '5000', '--events', '50000'] : []),
			]);
			if (code !== 0) failures.push('bench/scale/measure.mjs');
			if (existsSync(out)) results.scale = JSON.parse(readFileSync(out, 'utf8'));
		}
		if (only.has('audience')) {
			const out = join(tmp, 'audience.json');
			const code = await run('bench/audience/run.mjs', ['--json', out, ...(opts.quick ? ['--quick'] : [])]);
			if (code !== 0) failures.push('bench/audience/run.mjs');
			if (existsSync(out)) results.audience = JSON.parse(readFileSync(out, 'utf8'));
		}
		if (only.has('automations')) {
			const out = join(tmp, 'automations.json');
			const code = await run('bench/automations/run.mjs', [
				'--json',
				out,
				...(opts.quick ? ['--quick'] : []),
			]);
			if (code !== 0) failures.push('bench/automations/run.mjs');
			if (existsSync(out)) results.automations = JSON.parse(readFileSync(out, 'utf8'));
		}
		if (only.has('webhooks')) {
			const out = join(tmp, 'webhooks.json');
			const code = await run('bench/webhooks/run.mjs', ['--json', out, ...(opts.quick ? ['--quick'] : [])]);
			if (code !== 0) failures.push('bench/webhooks/run.mjs');
			if (existsSync(out)) results.webhooks = JSON.parse(readFileSync(out, 'utf8'));
		}
		if (only.has('lighthouse')) {
			if (!only.has('widget')) await buildAssets();
			const out = join(tmp, 'lighthouse.json');
			// The script starts the Shopify test stack from its TypeScript sources.
			const code = await run(
				'bench/lighthouse/run.mjs',
				['--json', out, ...(opts.quick ? ['--runs', '1'] : [])],
				['--experimental-transform-types', '--disable-warning=ExperimentalWarning'],
			);
			if (code !== 0) failures.push('bench/lighthouse/run.mjs');
			if (existsSync(out)) results.lighthouse = JSON.parse(readFileSync(out, 'utf8'));
		}
	} finally {
		if (!opts.results) rmSync(tmp, { recursive: true, force: true });
	}

	if (write) {
		const file = opts.out ? resolve(opts.out) : join(root, 'BENCHMARKS.md');
		const measured = (r) => r && !r.skipped;
		if (measured(results.campaign)) replaceSection(file, CAMPAIGN_TITLE, campaignSection(results.campaign));
		if (measured(results.subscribe))
			replaceSection(file, SUBSCRIBE_TITLE, subscribeSection(results.subscribe));
		const storage = {
			campaign: results.campaign,
			campaignD1: results['campaign-d1'],
			subscribe: results.subscribe,
			subscribeD1: results['subscribe-d1'],
			tenants: results.tenants,
			tenantsD1: results['tenants-d1'],
		};
		if (Object.values(storage).some(Boolean)) replaceSection(file, STORAGE_TITLE, storageSection(storage));
		if (results.widget) replaceSection(file, WIDGET_TITLE, widgetSection(results.widget));
		if (results.beacons) replaceSection(file, BEACONS_TITLE, beaconsSection(results.beacons));
		if (results.scale) replaceSection(file, SCALE_TITLE, scaleSection(results.scale));
		if (results.lighthouse) replaceSection(file, LIGHTHOUSE_TITLE, lighthouseSection(results.lighthouse));
		if (results.audience) replaceSection(file, AUDIENCE_TITLE, audienceSection(results.audience));
		if (results.automations) replaceSection(file, AUTOMATIONS_TITLE, automationsSection(results.automations));
		if (results.webhooks) replaceSection(file, WEBHOOKS_TITLE, webhooksSection(results.webhooks));
		if (Object.keys(results).some((k) => k !== 'widget')) console.log(`\nupdated ${file}`);
	}
	if (failures.length) {
		console.error(`\nfailed: ${failures.join(', ')}`);
		process.exitCode = 1;
	}
}

await main();
