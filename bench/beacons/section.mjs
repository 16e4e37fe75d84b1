// The "Beacon burst (local stack)" section of BENCHMARKS.md, written by scripts/bench.mjs from run.mjs's JSON.
import { rows } from './report.mjs';

export const BEACONS_TITLE = '## Beacon burst (local stack)';

const fmt = (x, d = 1) =>
	x === null || x === undefined || Number.isNaN(x)
		? 'n/a'
		: Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const n0 = (x) => fmt(x, 0);
const met = (b) => (b ? 'met' : '**not met**');
const lat = (l) => `${fmt(l.p50, 0)} / ${fmt(l.p95, 0)} / ${fmt(l.p99, 0)} / ${fmt(l.max, 0)} ms`;
const KINDS = {
	subscribe: 'subscribe, new endpoint (2 % repeat one of the burst)',
	resubscribe: 'subscribe, endpoint of a setup subscriber',
	pageview: 'pageview event',
	shown: '`shown` event',
	clicked: '`clicked` event',
};

function machineLine(r) {
	const m = r.machine;
	return `${m.nproc} × ${m.cpu}, ${m.memGb} GB RAM, Node ${m.node}, workerd ${m.workerd.replace(/^workerd\s+/, '')}, wrangler ${m.wrangler}; worker source ${r.source}`;
}

/** The section's Markdown. */
export function beaconsSection(r) {
	const w = rows(r);
	const c = r.checks;
	const a = r.exact.active;
	const hot = r.hot;
	const hotAccepted = hot.map((h) => h.accepted).join(' / ');
	const minutes = Math.max(...hot.map((h) => h.minutes));
	const d1 = r.d1 ?? {};
	const d1Detail = Object.entries(d1)
		.map(([k, n]) => `${k.toLowerCase()} ${n0(n)}`)
		.join(', ');
	const kindRows = Object.entries(KINDS)
		.filter(([k]) => r.byKind[k])
		.map(([k, label]) => {
			const h = r.byKind[k];
			const sent = Object.values(h).reduce((s, n) => s + n, 0);
			const other = sent - (h[201] ?? 0) - (h[200] ?? 0) - (h[202] ?? 0) - (h[429] ?? 0);
			return `| ${label} | ${n0(sent)} | ${n0(h[201] ?? 0)} | ${n0(h[200] ?? 0)} | ${n0(h[202] ?? 0)} | ${n0(h[429] ?? 0)} | ${other} | ${lat(r.latency[k])} |`;
		})
		.join('\n');
	const tracked = (t) => {
		const x = r.exact[t];
		return `${n0(x.before)} + ${n0(x.answered202)} answered 202 = ${n0(x.expected)}; live ${n0(x.live)}, D1 copy ${n0(x.saved)}`;
	};
	const busy =
		r.otherCores >= 0.25
			? `
**Other processes used ${fmt(r.otherCores, 2)} of the machine's ${r.machine.nproc} cores during the burst** (a shared machine: other agents' tests), so
throughput and latencies are worse than on a quiet machine; the counts and the limiter's answers do not depend on it.
`
			: '';
	return `${BEACONS_TITLE}

Measured by \`npm run bench\` (\`bench/beacons/run.mjs\`) on ${r.date.slice(0, 10)}: ${machineLine(r)}.
${busy}
One site on the local stack (\`wrangler dev\`: workerd, local D1, the Dispatcher, miniflare's rate limiter) with
\`RATE_LIMIT_PUBLIC\` on: \`PUBLIC_RATE_LIMIT\`, 120 requests a minute per address × site. Setup: ${n0(r.setup)} subscribers
subscribe through the API and one notification goes to all of them (a push sink on 127.0.0.1 accepts it:
${n0(r.setupSent)} sent); the worker is stopped, counting triggers are added to D1 and to the notification's Dispatcher
SQLite, and it starts again. Then the burst: ${n0(r.requests)} browser requests (\`Origin\` of the site, a Firefox
User-Agent, the widget's bodies) in a fixed shuffled order, ${r.concurrency} in flight (closed loop: each answer
releases the next request), ${r.via === 'direct' ? "to the worker's own socket in its workerd (wrangler dev's proxy, a second workerd, costs ~0.7 ms of CPU per request more and cut the rate about in half in a trial)" : "through wrangler dev's URL"}.
Latencies are from each request's send. The address is \`CF-Connecting-IP\`: miniflare fills it in from the socket
only when a request has none, and wrangler dev's proxy passes it through (checked before each burst through the
proxy: 125 requests from one address got ${Object.entries(r.probe.sameIp)
		.map(([st, n]) => `${n} × ${st}`)
		.join(' and ')}, the next address ${r.probe.otherIp}: ${met(c.headerHonoured)}).

| | measured | check |
|---|---:|---|
| requests, wall time, throughput | ${n0(r.requests)} in ${fmt(r.seconds)} s: **${n0(r.requests / r.seconds)} requests/s** | |
| answers | ${Object.entries(r.statuses)
		.map(([s, n]) => `${s} × ${n0(n)}`)
		.join(', ')} | no 5xx, none lost: ${met(c.no5xx && c.expectedStatuses)} |
| 429 answers with \`Retry-After\` | ${n0(r.limited.withRetryAfter)} of ${n0(r.limited.count)} (\`Retry-After: ${r.limited.retryAfterValues.join(', ')}\`); with CORS ${n0(r.limited.withCors)} | ${met(c.retryAfter && c.corsOn429)} |
| ${hot.length} hot addresses, ${n0(r.hotPerIp)} requests each | accepted ${hotAccepted} of ${n0(r.hotPerIp)} each, over ${minutes} wall-clock minute${minutes > 1 ? 's' : ''} (the limiter's windows) | limited, ≤ 120 in each minute: ${met(c.hotLimited)} |
| ${n0(r.cold.addresses)} cold addresses, ≤ ${r.cold.maxPerAddress} requests each (${n0(r.cold.requests)} in all) | ${r.cold.limitedAddresses} limited | never limited: ${met(c.coldNotLimited)} |
| latency p50 / p95 / p99 / max, answers other than 429 | ${lat(r.latency.accepted)} | |
| latency p50 / p95 / p99 / max, 429 | ${lat(r.latency.limited)} | |
| subscribers: active before + 201 answers = \`GET /stats\` after | ${n0(a.before)} + ${n0(a.created)} = ${n0(a.expected)}; \`GET /stats\`: ${n0(a.after)} (new endpoints answered 201/200: ${n0(a.newEndpointsAccepted)}) | exact: ${met(c.subscribers)} |
| \`shown\` of the notification (\`GET /notifications/:id\`) | ${tracked('shown')} | exact: ${met(c.tracked)} |
| \`clicked\` | ${tracked('clicked')} | exact: ${met(c.tracked)} |
| D1 rows written during the burst | ${n0(w.d1Total)} (${fmt(w.d1Total / w.accepted, 2)} per accepted request) | |
| Dispatcher SQLite rows written (tracked-count commits) | ${n0(w.commits)} for ${n0(w.trackedAccepted)} beacons: **${fmt(w.beaconsPerCommit, 1)} beacons per row** | |
| CPU per request, the worker's workerd | ${n0((r.cpuMsPerRequest['workerd (worker)'] ?? 0) * 1000)} µs | |

| request | sent | 201 | 200 | 202 | 429 | other | p50 / p95 / p99 / max (not 429) |
|---|---:|---:|---:|---:|---:|---:|---:|
${kindRows}

- D1 rows (audit triggers on every table): ${d1Detail || 'none'}. A new subscriber is its row plus the
  trigger-kept counters (2 \`site_counts\` rows, 1 \`site_daily\` row) = 4 rows; a repeated subscription or a pageview
  to another page updates the subscriber row (a pageview to the same page within the hour writes nothing); \`shown\`
  and \`clicked\` write no D1 row: the Dispatcher copies its counts to the notification's row at most every 2 s
  (the \`notifications\` updates). A 429 writes nothing.
- The Dispatcher answers a beacon once its count is stored and stores every beacon of a 250 ms window with one
  upsert of its \`state\` row (counted by a trigger on its \`meta\` table), so a burst of ${fmt(r.seconds, 0)} s can cost at most
  ~${n0(r.seconds * 4)} rows, however many beacons arrive; \`shown\` / \`clicked\` latencies include that wait.
- Locally the limiter counts exactly, in windows aligned to wall-clock minutes (a hot address gets 120 more when
  a minute turns). In production Cloudflare applies the limit per location, so it is a brake, not an exact quota.
- wrangler's output (warnings and errors) during the run: ${
		r.workerLog.length
			? `${r.workerLog.length} line${r.workerLog.length > 1 ? 's' : ''}:\n${r.workerLog
					.slice(0, 5)
					.map((l) => `  \`${l.slice(0, 300).replaceAll('`', "'")}\``)
					.join('\n')}`
			: 'none'
	}.
- \`node bench/beacons/run.mjs --via dev\` sends the burst through wrangler dev's URL instead; \`--requests\`,
  \`--concurrency\`, \`--hot\`, \`--hot-per-ip\` and \`--setup\` change its shape.
`;
}
