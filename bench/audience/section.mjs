// The "Audience: events, reach estimates, segment sends" section of BENCHMARKS.md, written by scripts/bench.mjs
// from bench/audience/run.mjs's JSON.

export const AUDIENCE_TITLE = '## Audience: events, reach estimates, segment sends';

const fmt = (x, d = 1) =>
	x === null || x === undefined || Number.isNaN(x)
		? 'n/a'
		: Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const n0 = (x) => fmt(x, 0);
const met = (b) => (b === null || b === undefined ? 'n/a' : b ? 'met' : '**not met**');

function machineLine(r) {
	const m = r.machine;
	return `${m.nproc} × ${m.cpu}, ${m.memGb} GB RAM, Node ${m.node}, workerd ${m.workerd.replace(/^workerd\s+/, '')}, wrangler ${m.wrangler}; worker source ${r.source}`;
}

/** A send's row label; later rounds of the plain/campaign pairs say which round. */
function sendLabel(name) {
	const [base, round] = name.split('#');
	if (round) return base === 'all' ? `\`{all: true}\`, round ${round}` : `campaign run, round ${round}`;
	return SEND_LABELS[name] ?? name;
}

const SEND_LABELS = {
	all: '`{all: true}`',
	filter: 'filter (status, attribute and event conditions selecting the same subscribers)',
	personal: '`{all: true}` with a Liquid title (`{{ user.first_name | default: … }}`)',
	campaign:
		'campaign run: that Liquid title, 2 variants, 10 % control group (not sent), frequency cap on (nobody capped)',
};

/** The section's Markdown. */
export function audienceSection(r) {
	const g = r.goals;
	const i = r.ingestion;
	const byTable = (t) =>
		Object.entries(t ?? {})
			.map(([k, n]) => `${k.toLowerCase()} ${n0(n)}`)
			.join(', ') || 'none';
	const ingest = ['mixed', 'repeats', 'lone']
		.map((k) => {
			const x = i[k];
			const label = {
				mixed: `mixed batches of 1,000 (${n0(x.events)} events: pageviews, carts, purchases on ${n0(x.distinctSubjects)} subjects over 30 days)`,
				repeats: `repeats: 1,000 × one user × event × day (${n0(x.events)} events)`,
				lone: `lone events, one per call (${n0(x.events)} calls)`,
			}[k];
			return `| ${label} | ${fmt(x.rowsPerEvent, 3)} | ${n0(x.netCpuUsPerEvent)} µs | ${fmt(x.latencyP50)} ms | ${byTable(x.byTable)} |`;
		})
		.join('\n');
	const estimates = r.estimates
		.map(
			(e) =>
				`| ${e.label} | ${n0(e.reachable)} of ${n0(e.count)} | ${fmt(e.p50)} ms | ${fmt(e.max)} ms | ${met(e.met)} |`,
		)
		.join('\n');
	const sends = r.sends
		.map(
			(s) =>
				`| ${sendLabel(s.name)} | ${fmt(s.doneSeconds)} s | ${fmt(s.sinkSeconds)} s | ${n0(s.coverage.once)} / ${n0(r.sizes.subscribers)} | ${fmt(s.rowsPerPush, 4)} (D1 ${n0(s.d1Rows)}, store ${n0(s.storeRows)}, dispatcher ${n0(s.dispatcherRows)}) | ${n0(s.workerCpuUsPerPush)} µs |`,
		)
		.join('\n');
	return `${AUDIENCE_TITLE}

Measured by \`npm run bench\` (\`bench/audience/run.mjs\`) on ${r.date.slice(0, 10)}: ${machineLine(r)}. The whole local
stack (wrangler dev: workerd with local D1, Durable Objects and Queues) and the local push sink; ${n0(r.sizes.subscribers)}
allowed subscribers, ${n0(r.seed.storeUsers)} users with attributes and ${n0(r.seed.storeEvents)} events over 60 days
(${n0(r.seed.storeEventRows)} \`event_days\` rows) in the site's store. Rows are counted by audit triggers on D1 and on
the store's SQLite (every row written), and by the Dispatcher's own count.

**Event ingestion** (\`POST /v1/sites/:siteId/events\`, admin key; CPU is the worker's workerd CPU from /proc per
event, less the idle rate and a \`GET /v1/health\` per call). Goal ≤ ${g.rowsPerEvent} billed rows per event, fewer
for repeats: ${met(r.met.rowsPerEvent)}.

| batch | rows written per event | CPU per event | p50 per call | rows by table |
|---|---:|---:|---:|---|
${ingest}

\`PUT /users/:id\` with five attributes: ${fmt(i.putUsers.rowsPerCall, 2)} rows and ${fmt(i.putUsers.netCpuMsPerCall, 2)} ms CPU per call.
Events are counted per subject × event × day (one row, the last 10 occurrences kept in it), so repeats on one day
cost almost nothing and "did X at least N times in the last D days" is a sum over at most D rows per subject.

**Reach estimates** (\`POST /v1/sites/:siteId/audience/estimate\`, one warm-up then ${r.estimates[0]?.calls ?? '?'} calls each;
goal ≤ ${g.estimateMs} ms locally): ${met(r.met.estimates)}.

| audience | reachable of selected | p50 | max | goal |
|---|---:|---:|---:|---|
${estimates}

**Sends** (POST to \`done\`, every push at the sink, each endpoint checked once). Goal: the filtered send ≤
${g.sendRatio}× the \`{all: true}\` send (${fmt(r.sendRatio, 2)}×: ${met(r.met.sendRatio)}); ≤ ${g.rowsPerPush} billed rows
per push (${met(r.met.rowsPerPush)}); a personalised send ≤ ${g.personalRatio}× the plain one (${fmt(r.personalRatio, 2)}×:
${met(r.met.personalRatio)}); a personalised A/B campaign run with a control group and the cap on ≤
${g.campaignRatio ?? 1.15}× the plain send (${fmt(r.campaignRatio, 2)}×, the median of ${r.campaignRatios?.length ?? 1} alternating
plain/campaign pairs${r.campaignRatios?.length > 1 ? ` (${r.campaignRatios.map((x) => `${fmt(x, 2)}×`).join(', ')})` : ''}: ${met(r.met.campaignRatio)}).

| send | POST → done | POST → last push at the sink | pushes | billed rows per push | worker CPU per push |
|---|---:|---:|---:|---:|---:|
${sends}

A personalised send pages subscribers with their user's attributes (one join per page of 1,000) and ships with each
recipient only the fields its templates read (liquidjs static analysis), so queue messages stay as full as a plain
send's; each recipient's message is rendered in the queue consumer. Load average before / after:
${r.loadBefore.join(' ')} / ${r.loadAfter.join(' ')}; whole run ${n0(r.wallSeconds)} s.
`;
}
