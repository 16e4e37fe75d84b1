// The "Automations: journeys started and fired" section of BENCHMARKS.md, written by scripts/bench.mjs from
// bench/automations/run.mjs's JSON.

export const AUTOMATIONS_TITLE = '## Automations: journeys started and fired (local stack)';

const fmt = (x, d = 1) =>
	x === null || x === undefined || Number.isNaN(x)
		? 'n/a'
		: Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const n0 = (x) => fmt(x, 0);

const byTable = (t) =>
	Object.entries(t ?? {})
		.map(([k, n]) => `${k.toLowerCase()} ${n0(n)}`)
		.join(', ') || 'none';

/** The section's Markdown. */
export function automationsSection(r) {
	const m = r.machine;
	const e = r.entry;
	const f = r.fire;
	const p = r.peer;
	const journeyRows = (e.byTable?.['journeys INSERT'] ?? 0) / r.journeys + f.rowsPerJourney;
	return `${AUTOMATIONS_TITLE}

\`node bench/automations/run.mjs\`${r.quick ? ' --quick' : ''} (\`npm run bench -- --only automations\`), ${r.date.slice(0, 10)}: ${m.nproc} × ${m.cpu}, ${m.memGb} GB RAM, Node ${m.node}, ${m.workerd}, wrangler ${m.wrangler}; worker source ${r.source}. ${n0(r.journeys)} subscribers each send one \`viewed_product\` event (POST /events, batches of 1,000); an automation waits ${r.waitSeconds} s and pushes "Still thinking about {{ event.product }}?" with the event's URL. The site store's own alarm fires the journeys; every push is checked at the local push sink (RFC 8291 body, VAPID JWT), every 100th decrypted. Rows are counted by audit triggers on the store's SQLite plus each notification's dispatcher rows. The peer is the design without batching: the same push to ${n0(r.peer.pushes)} of them as one-to-one notifications (POST /notifications {subscriberIds: [id]}), measured in the same run.

| | value |
|---|---|
| journeys started / pushes delivered | ${n0(e.entered)} / ${n0(f.pushes)} (${n0(f.bad)} bad, ${n0(f.decryptFailed)} failed to decrypt) |
| rows written per event, entry (event row + journey row) | ${fmt(e.rowsPerJourney, 3)} (${byTable(e.byTable)}) |
| rows written per journey, firing (journey update, shared notifications, dispatchers) | ${fmt(f.rowsPerJourney, 3)} (store: ${byTable(f.byTable)}; dispatchers ${n0(f.dispatcherRows)}) |
| **rows written per journey** (journey row in, step out; the event row is the event's own) | **${fmt(journeyRows, 2)}** |
| notifications for ${n0(r.journeys)} journeys due together | ${n0(f.notifications)} (one per 1,000 people at a step) |
| worker CPU per journey started (net of idle and request plumbing) | ${fmt(e.netCpuUsPerJourney, 0)} µs |
| worker CPU per journey fired (push prepared, encrypted, sent) | ${fmt(f.netCpuUsPerJourney, 0)} µs |
| last push after the journeys were due | ${fmt(f.lastPushAfterDueSeconds, 1)} s |
| peer: one notification per journey — rows per push / CPU per push | ${fmt(p.rowsPerPush, 2)} / ${fmt(p.netCpuUsPerPush, 0)} µs |
| **ratio to the peer** — rows per push / CPU per push | **${fmt(r.ratio.rowsPerPush, 3)}×** / ${fmt(r.ratio.cpuPerPush, 3)}× |

A journey costs its own row (written when it enters, updated at each step and when it ends) and a share of its
step's notification; nothing is written per recipient when the step's push goes out beyond the journey's own update.
The peer writes a notification row, its progress updates and a dispatcher of its own for every push.
`;
}
