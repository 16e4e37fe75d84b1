// The "Storage model inputs" section of BENCHMARKS.md, from bench/scale/measure.mjs's JSON (see docs/SCALE.md).
export const SCALE_TITLE = '## Storage model inputs';

const f = (x, d = 0) =>
	Number(x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** Renders the section. */
export function scaleSection(r) {
	const m = r.machine;
	const rows = (byObject) =>
		Object.entries(byObject)
			.map(([name, bytes]) => `\`${name}\` ${f(bytes)}`)
			.join(', ');
	return `${SCALE_TITLE}

Measured by \`npm run bench\` (\`bench/scale/measure.mjs\`) on ${r.date}: ${m.nproc} × ${m.cpu}, Node ${m.node}, SQLite ${r.sqlite}
(Node's built-in \`node:sqlite\`, WAL, \`synchronous = NORMAL\`). Inputs of the capacity model in
[docs/SCALE.md](docs/SCALE.md): ${f(r.subscribers)} subscribers with today's push-service mix (70 % FCM, 15 % Mozilla, 12 % Apple,
3 % WNS; 30 % signed-in users) and ${f(r.events)} events of ${f(r.subscribers / 10)} active subscribers over 30 days. Bytes are
pages on disk (\`dbstat\`), so the free space B-trees keep inside pages counts.

| | measured |
|---|---:|
| bytes per subscriber, today's D1 schema (row + 4 indexes, counters by triggers) | **${f(r.bytesPerSubscriber.d1)} B** |
| bytes per subscriber, per-site schema (no \`site_id\`; endpoint unique on an 8-byte hash) | **${f(r.bytesPerSubscriber.perSite)} B** |
| bytes per event, raw log row + its index | ${f(r.bytesPerEvent.rawLog)} B |
| bytes per event, subscriber × event × day counters | ${f(r.bytesPerEvent.dayCounters)} B (${f(r.bytesPerEvent.eventDayRows)} counter rows) |
| subscribes per second in one process, a transaction each (row + 2 counters) | ${f(r.inProcess.subscribesPerSecond)} |
| pageviews per second in one process (update of one row) | ${f(r.inProcess.pageviewsPerSecond)} |
| audience rows per second, keyset pages of 1,000 | ${f(r.inProcess.audienceRowsPerSecond)} |

- By object, D1 schema: ${rows(r.bytesPerSubscriber.d1ByObject)} B.
- By object, per-site schema: ${rows(r.bytesPerSubscriber.perSiteByObject)} B.
- In-process rates are SQLite's own ceiling for one store on this machine (a SQLite Durable Object runs the same engine
  in its own thread); requests into a Worker and a Durable Object add their own CPU (see "Subscribe endpoint under load").
`;
}
