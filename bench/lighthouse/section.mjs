// The "Storefront impact (Lighthouse)" section of BENCHMARKS.md, written by scripts/bench.mjs from run.mjs's JSON.

export const LIGHTHOUSE_TITLE = '## Storefront impact (Lighthouse)';

const fmt = (x, d = 0) =>
	x === null || x === undefined || Number.isNaN(x)
		? 'n/a'
		: Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const met = (b) => (b ? 'met' : '**not met**');
const ms = (x) => `${fmt(x)} ms`;

/** The section's Markdown. */
export function lighthouseSection(r) {
	const m = r.machine;
	const s = r.simulate;
	const d = r.devtools;
	const t = r.typicalPage;
	const row = (label, f) => `| ${label} | ${f(s.without)} | ${f(s.with)} | ${f(d.without)} | ${f(d.with)} |`;
	return `${LIGHTHOUSE_TITLE}

Measured by \`npm run bench\` (\`bench/lighthouse/run.mjs\`, \`--only lighthouse\`) on ${r.date.slice(0, 10)}: ${m.nproc} × ${m.cpu},
${m.memGb} GB RAM, Node ${m.node}; Lighthouse ${r.lighthouse} (npm package, performance category, default mobile
preset) driving Debian's Chromium (${r.chrome}) through chrome-launcher, \`${r.flags.join(' ')}\`.

The page is the theme-like storefront of the Shopify tests (\`test/node/shopify/storefront.ts\`: a Dawn-style
home page, all inline) behind a local worker set up as the app, once without and once with the app embed, whose
prompt is due 2 s after the page is idle. ${r.runsPerVariant} runs of each, alternating, after a warm-up of each; medians.
Lighthouse clears cache and storage before every run. Every request of every run went to 127.0.0.1
(${r.foreignOrigins.length ? `**except ${r.foreignOrigins.join(', ')}**` : 'nothing external'}); Lighthouse reported ${r.warnings.length ? `these warnings: ${r.warnings.join('; ')}` : 'no run warnings'}.${r.retries?.length ? ` ${r.retries.length} run(s) failed and were repeated: ${r.retries.join('; ')}.` : ''}

| median of ${r.runsPerVariant} | simulated throttling (Lighthouse's default): without | with embed | DevTools throttling: without | with embed |
|---|---:|---:|---:|---:|
${row('**performance score**', (v) => `**${v.score}** (${v.scores.join(', ')})`)}
${row('First Contentful Paint', (v) => ms(v.fcpMs))}
${row('Largest Contentful Paint', (v) => ms(v.lcpMs))}
${row('Total Blocking Time', (v) => ms(v.tbtMs))}
${row('Cumulative Layout Shift', (v) => fmt(v.cls, 3))}
${row('Speed Index', (v) => ms(v.siMs))}
${row('transferred', (v) => `${fmt(v.transferKb, 1)} KB`)}
${row('LCP element', (v) => v.lcpElements.map((e) => `\`${e}\``).join(', '))}
${row('widget files loaded', (v) => v.widgetFiles.map((f) => `\`${f.replace(/^.*\//, '')}\``).join(', ') || '—')}

- **Score loss: ${s.pointsLost} points** with Lighthouse's default (simulated) throttling, ${d.pointsLost} with DevTools throttling
  (goal ≤ 1 point: ${met(s.pointsLost <= 1 && d.pointsLost <= 1)} on this page; Shopify's limit is 10).
- The test page is light and scores ${s.without.score} either way, so the loss above cannot show a cost below its ceiling. Added to
  an assumed typical mobile theme page (FCP ${fmt(t.fcpMs)} ms, LCP ${fmt(t.lcpMs)} ms, TBT ${fmt(t.tbtMs)} ms, CLS ${t.cls}, SI ${fmt(t.siMs)} ms: score ${t.score}; not measured),
  the measured metric increases cost it ${s.typicalPagePointsLost} points (simulated) / ${d.typicalPagePointsLost} points (DevTools), scored with Lighthouse's
  own curves and weights (goal ≤ 1: ${met(s.typicalPagePointsLost <= 1)} / ${met(d.typicalPagePointsLost <= 1)}). The model adds each median increase whole, although
  on a heavier page the widget (which waits for \`load\` and idle) would overlap less of the page's own work.
- Simulated throttling loads the page unthrottled and replays it on a model of a slow phone; DevTools throttling
  really loads it under 4× CPU slowdown, 150 ms RTT and 1.6 Mbps, so a script that the model placed off the
  critical path cannot hide there. The LCP element is the same with and without the embed (row above), so a rise
  in simulated LCP is Lantern's estimate for a page with the widget's requests in its graph, not a later, larger paint
  by the widget; the DevTools-throttled LCP, where the page really loads slowly, shows none.
- \`npm test\` keeps its Lighthouse *substitute* (test/e2e/shopify-storefront-impact.test.ts: Chromium under
  Lighthouse's throttling, scored with Lighthouse's curves): the real runs take ${fmt(r.totalSeconds)} s here, too long to add to every
  \`npm test\`; this section is the real gate, the substitute a quick guard of the same limit.
`;
}
