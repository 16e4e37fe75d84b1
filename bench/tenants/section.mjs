// The "Per-site storage vs the single-D1 design" section of BENCHMARKS.md: the campaign, subscribe and tenants
// benches run on both designs in the same `npm run bench`, side by side.
export const STORAGE_TITLE = '## Per-site storage vs the single-D1 design';

function fmt(x, d = 1) {
	if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
	return Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

const ok = (r) => r && !r.skipped;

/** The run of `variant` (else the first) of a campaign or subscribe result. */
const runOf = (r, variant) => (ok(r) ? (r.runs.find((x) => x.variant === variant) ?? r.runs[0]) : null);

/** Worker workerd CPU per subscribe minus the health-check baseline of the same run, in µs. */
const subscribeCpu = (run) =>
	run
		? ((run.load.cpuMsPerRequest['workerd (worker)'] ?? 0) -
				(run.health.cpuMsPerRequest['workerd (worker)'] ?? 0)) *
			1000
		: null;

/** Billed rows per push of a campaign run: D1 + SiteStore + Dispatcher (older results lack the SiteStore). */
const rowsPerPush = (run, n) =>
	run
		? (run.rowsPerPush ?? (run.d1.rowsWritten + (run.siteStore?.rowsWritten ?? 0) + (run.doRows ?? 0)) / n)
		: null;

/**
 * `results`: { campaign, campaignD1, subscribe, subscribeD1, tenants, tenantsD1 } (any may be missing, or
 * `{ skipped }` when that design could not be measured).
 */
export function storageSection(results) {
	const { campaign: c, campaignD1: cd, subscribe: s, subscribeD1: sd, tenants: t, tenantsD1: td } = results;
	const cr = runOf(c, 'no-tracing');
	const cdr = runOf(cd, 'no-tracing');
	const sr = runOf(s, 'direct');
	const sdr = runOf(sd, 'direct');
	const tr = ok(t) ? t : null;
	const tdr = ok(td) ? td : null;
	const rows = [];
	// lower: true when a lower number is better (the ratio is per-site ÷ single D1 either way).
	const add = (label, a, b, d = 1, unit = '') => {
		const cell = (x) =>
			typeof x === 'string' ? x : x === null || x === undefined ? 'n/a' : `${fmt(x, d)}${unit}`;
		const ratio =
			typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b) && b !== 0
				? `${fmt(a / b, 2)}×`
				: 'n/a';
		rows.push(`| ${label} | ${cell(a)} | ${cell(b)} | ${typeof a === 'string' ? '' : ratio} |`);
	};
	add(
		'worker CPU per subscribe − `/v1/health` baseline (direct)',
		subscribeCpu(sr),
		subscribeCpu(sdr),
		0,
		' µs',
	);
	add(
		`\`POST /subscribers\` p99 at ${s?.rate ?? sd?.rate ?? '?'}/s (direct)`,
		sr?.load.latency.p99,
		sdr?.load.latency.p99,
		1,
		' ms',
	);
	add(
		'rows written per subscribe: D1 + SiteStore (subscribe bench)',
		sr?.rowsPerSubscribe ?? sr?.d1RowsPerSubscribe,
		sdr?.rowsPerSubscribe ?? sdr?.d1RowsPerSubscribe,
		2,
	);
	add('`GET /stats` p50, 1,000 subscribers', sr?.stats['1k'].p50, sdr?.stats['1k'].p50, 2, ' ms');
	add(
		`\`GET /stats\` p50, ${fmt(s?.big ?? sd?.big ?? 100_000, 0)} subscribers`,
		sr?.stats['100k'].p50,
		sdr?.stats['100k'].p50,
		2,
		' ms',
	);
	const n = c?.recipients ?? cd?.recipients;
	add(
		`${fmt(n, 0)}-recipient campaign: POST → \`done\` (tracing off)`,
		cr?.doneSeconds,
		cdr?.doneSeconds,
		1,
		' s',
	);
	add('campaign throughput', cr?.pushesPerSecond, cdr?.pushesPerSecond, 0, ' pushes/s');
	add('campaign worker CPU per push', cr?.workerdCpuUsPerPush, cdr?.workerdCpuUsPerPush, 0, ' µs');
	add(
		'campaign rows written per push: D1 + SiteStore + Dispatcher',
		rowsPerPush(cr, c?.recipients),
		rowsPerPush(cdr, cd?.recipients),
		5,
	);
	add(
		'campaign rows per push, split D1 / SiteStore / Dispatcher',
		cr ? `${cr.d1.rowsWritten} / ${cr.siteStore?.rowsWritten ?? 'n/a'} / ${cr.doRows}` : 'n/a',
		cdr ? `${cdr.d1.rowsWritten} / ${cdr.siteStore?.rowsWritten ?? 'n/a'} / ${cdr.doRows}` : 'n/a',
	);
	const sites = tr ?? tdr;
	const tl = sites ? `many tenants (${fmt(sites.sites, 0)} sites × ${sites.perSite})` : 'many tenants';
	add(
		`${tl}: subscribes/s (${sites?.concurrency ?? '?'} in flight)`,
		tr?.subscribe.perSecond,
		tdr?.subscribe.perSecond,
		0,
		'/s',
	);
	add(
		`${tl}: worker CPU per subscribe`,
		tr?.subscribe.workerCpuUsPerSubscribe,
		tdr?.subscribe.workerCpuUsPerSubscribe,
		0,
		' µs',
	);
	add(
		`${tl}: rows written per subscribe (D1 + SiteStore)`,
		tr?.subscribe.rowsPerSubscribe,
		tdr?.subscribe.rowsPerSubscribe,
		2,
	);
	add(
		`${tl}: ${sites?.sendSites ?? 20} concurrent sends, POST → all delivered`,
		tr?.send.allDeliveredSeconds,
		tdr?.send.allDeliveredSeconds,
		1,
		' s',
	);
	const cov = (x) =>
		x
			? `${x.send.coverage.once} / ${x.send.coverage.duplicated + x.send.sink.duplicates} / ${x.send.coverage.missing} of ${x.send.expected}`
			: 'n/a';
	add(`${tl}: delivered once / duplicates / missing`, cov(tr), cov(tdr));
	add(
		`${tl}: rows written per push (D1 + SiteStore + Dispatcher)`,
		tr?.send.rowsPerPush,
		tdr?.send.rowsPerPush,
		4,
	);

	const skipped = Object.entries({ campaign: cd, subscribe: sd, tenants: td })
		.filter(([, r]) => r?.skipped)
		.map(([name, r]) => `- single-D1 ${name} bench skipped: ${r.skipped}`);
	const missing = Object.entries({ campaign: cd, subscribe: sd, tenants: td })
		.filter(([, r]) => !r)
		.map(([name]) => name);
	const dates = [c, cd, s, sd, t, td].filter(ok).map((r) => r.date.slice(0, 10));
	const m = [c, s, t].find(ok)?.machine;
	const other = Math.max(
		0,
		...[cr, cdr, sr, sdr].filter(Boolean).map((x) => x.otherCores ?? 0),
		...[tr, tdr].filter(Boolean).map((x) => x.subscribe.otherCores ?? 0),
	);
	const imports = [
		ok(s) && s.importMs != null
			? `${fmt(s.big, 0)} subscribers in ${fmt(s.importMs / 1000, 1)} s (${fmt(s.importRowsPerSecond, 0)} rows/s, subscribe bench)`
			: null,
		ok(c) && c.importMs != null
			? `${fmt(c.recipients, 0)} in ${fmt(c.importMs / 1000, 1)} s (${fmt(c.importRowsPerSecond, 0)} rows/s, campaign bench)`
			: null,
	].filter(Boolean);
	const tenantDetail = (x, label) =>
		x
			? `- ${label}: ${fmt(x.sites, 0)} sites created in ${fmt(x.createSitesMs / 1000, 1)} s, first \`GET /stats\` of every site ${fmt(x.storeInitMs / 1000, 1)} s; subscribes p50 / p99 ${fmt(x.subscribe.latency.p50)} / ${fmt(x.subscribe.latency.p99)} ms, ${x.subscribe.notOk} not 201; ${x.countsExact} of ${fmt(x.sites, 0)} sites counted exactly; ${x.sendSites} sends: all \`done\` in ${fmt(x.send.allDoneSeconds, 1)} s, ${fmt(x.send.pushesPerSecond, 0)} pushes/s, sink invalid ${x.send.sink.bad}, samples decrypted ${x.send.sink.decrypted}, outside the ${x.sendSites} sites ${x.send.coverage.outside}: ${x.met.delivered ? 'all delivered once' : '**not all delivered exactly once**'}.`
			: null;
	return `${STORAGE_TITLE}

Measured by \`npm run bench\` on ${[...new Set(dates)].join(', ') || 'n/a'}${m ? ` (${m.nproc} × ${m.cpu}, Node ${m.node})` : ''}: the same benches on the
per-site design (${[c, s, t].find(ok)?.source ?? 'n/a'}: one SiteStore Durable Object per site, D1 keeps the catalogue) and
on the single-D1 design (${[cd, sd, td].find(ok)?.source ?? 'n/a'}), one after the other. Ratio = per-site ÷ single D1.
Rows written are what the stores bill: D1 and SiteStore rows counted by audit triggers added while the worker is
stopped, the Dispatcher's as it counts them itself (\`storageRowsWritten\`); index entries are not counted.
${other >= 0.25 ? `\n**Other processes used up to ${fmt(other, 2)} cores of the machine during these runs**: latencies and wall times are noisy.\n` : ''}
| metric | per-site stores | single D1 | ratio |
|---|---:|---:|---:|
${rows.join('\n')}

${[
	...skipped,
	missing.length ? `- not run on the single-D1 design: ${missing.join(', ')}` : null,
	imports.length
		? `- Upgrade path: a site's store copies its D1 rows on its first request; timed before the measured phases: ${imports.join('; ')}.`
		: null,
	tenantDetail(tr, 'Many tenants, per-site stores'),
	tenantDetail(tdr, 'Many tenants, single D1'),
]
	.filter(Boolean)
	.join('\n')}
`;
}
