// Storefront impact of the Shopify app embed, measured by Lighthouse itself (performance category, its default
// mobile preset: simulated 4× CPU slowdown and slow 4G, 412×823 screen) in Debian's Chromium. The page is the
// theme-like storefront of test/e2e/shopify-storefront-impact.test.ts (test/node/shopify/storefront.ts) behind a
// local worker set up as the Shopify app; each variant (embed off / on) runs `--runs` times, alternating, after
// one warm-up of each, and the medians are compared. Lighthouse's default throttling is simulated (Lantern
// replays the unthrottled load on a model of the slow device); the same runs are repeated with DevTools throttling
// (the page really loads under 4× CPU slowdown and 150 ms RTT, 1.6 Mbps), which the widget cannot hide from.
// Usage: node --experimental-transform-types bench/lighthouse/run.mjs [--runs 5] [--json FILE]
//   Node 22 (Lighthouse 13); the flag lets it start the stack from the tests' TypeScript. Assets must be built.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { Audit, defaultConfig } from 'lighthouse';
import CLS from 'lighthouse/core/audits/metrics/cumulative-layout-shift.js';
import FCP from 'lighthouse/core/audits/metrics/first-contentful-paint.js';
import LCP from 'lighthouse/core/audits/metrics/largest-contentful-paint.js';
import SI from 'lighthouse/core/audits/metrics/speed-index.js';
import TBT from 'lighthouse/core/audits/metrics/total-blocking-time.js';
import { patchShopPrompt, startShopifyStack } from '../../test/node/shopify/stack.ts';
import { machine } from '../campaign/common.mjs';

const { values: opts } = parseArgs({
	options: { runs: { type: 'string', default: '5' }, json: { type: 'string' } },
});
const RUNS = Number(opts.runs);
const STORE = 'lighthouse-shop';
const FLAGS = [
	'--headless=new',
	'--no-sandbox',
	'--disable-gpu',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const METRICS = {
	fcpMs: 'first-contentful-paint',
	lcpMs: 'largest-contentful-paint',
	tbtMs: 'total-blocking-time',
	cls: 'cumulative-layout-shift',
	siMs: 'speed-index',
};

/**
 * An assumed typical mobile Shopify theme page (not measured; the substitute test's assumption plus a Speed
 * Index): the small test page scores 100 with or without the embed, so the measured metric deltas are also added to
 * this page and scored with Lighthouse's own curves and weights.
 */
const TYPICAL = { fcpMs: 2500, lcpMs: 4000, tbtMs: 500, cls: 0.05, siMs: 4500 };
const AUDITS = { fcpMs: FCP, lcpMs: LCP, tbtMs: TBT, cls: CLS, siMs: SI };

/** Lighthouse's mobile performance score (unrounded, 0–100) of these metric values. */
function score(m) {
	const refs = defaultConfig.categories.performance.auditRefs;
	let sum = 0;
	let weights = 0;
	for (const [key, audit] of Object.entries(AUDITS)) {
		const weight = refs.find((r) => r.id === METRICS[key])?.weight ?? 0;
		const options = audit.defaultOptions; // CLS has one set of control points, the others one per form factor
		sum += weight * Audit.computeLogNormalScore(options.mobile?.scoring ?? options, m[key]);
		weights += weight;
	}
	return (sum / weights) * 100;
}

/** Points a typical page would lose to the measured (non-negative) metric deltas. */
function modelledLoss(without, withEmbed) {
	const after = Object.fromEntries(
		Object.keys(TYPICAL).map((k) => [k, TYPICAL[k] + Math.max(0, withEmbed[k] - without[k])]),
	);
	return Math.round((score(TYPICAL) - score(after)) * 10) / 10;
}

const median = (values) => {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
};

/** The first DOM node an audit's details point at (its CSS selector). */
function nodeOf(details) {
	if (!details || typeof details !== 'object') return null;
	if (details.type === 'node') return details.selector ?? null;
	for (const value of Object.values(details)) {
		const found = nodeOf(value);
		if (found) return found;
	}
	return null;
}

/** One Lighthouse run: score, metrics, and which origins and widget files the page requested. */
async function measure(port, url, throttlingMethod) {
	const started = Date.now();
	const { lhr } = await lighthouse(url, {
		port,
		output: 'json',
		logLevel: 'error',
		onlyCategories: ['performance'],
		throttlingMethod,
	});
	if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
	const requests = lhr.audits['network-requests']?.details?.items ?? [];
	const run = {
		score: Math.round((lhr.categories.performance.score ?? 0) * 100),
		seconds: (Date.now() - started) / 1000,
		origins: [...new Set(requests.map((r) => new URL(r.url).origin))],
		widgetFiles: requests.map((r) => new URL(r.url).pathname).filter((p) => /beckon[^/]*\.js$/.test(p)),
		lcpElement: nodeOf(lhr.audits['lcp-breakdown-insight']?.details),
		transferKb: requests.reduce((sum, r) => sum + (r.transferSize ?? 0), 0) / 1024,
		warnings: lhr.runWarnings,
		lighthouse: lhr.lighthouseVersion,
		chrome: lhr.environment.hostUserAgent.match(/Chrome\/[\d.]+/)?.[0] ?? lhr.environment.hostUserAgent,
	};
	for (const [key, audit] of Object.entries(METRICS)) run[key] = lhr.audits[audit]?.numericValue ?? null;
	return run;
}

/** Medians of each number over the runs of one variant. */
function summarise(runs) {
	const out = { runs: runs.length };
	for (const key of ['score', ...Object.keys(METRICS), 'transferKb', 'seconds'])
		out[key] = median(runs.map((r) => r[key]));
	out.scores = runs.map((r) => r.score);
	out.widgetFiles = [...new Set(runs.flatMap((r) => r.widgetFiles))];
	out.lcpElements = [...new Set(runs.map((r) => r.lcpElement))];
	return out;
}

async function main() {
	const started = Date.now();
	const stack = await startShopifyStack(STORE);
	const chrome = await chromeLauncher.launch({ chromePath: '/usr/bin/chromium', chromeFlags: FLAGS });
	try {
		// The same settings as the substitute test: the prompt is due 2 s after the page is idle.
		await patchShopPrompt(stack.worker.url, STORE, { trigger: { type: 'seconds', value: 2 } });
		const url = `${stack.storefront.origin}/`;
		const all = [];
		const retries = [];
		const once = async (embed, throttling) => {
			stack.storefront.embed = embed;
			let run;
			// The storefront renders the embed from the live theme extension: a run that caught someone's
			// half-saved edit (HTTP 500) is retried rather than ending the bench.
			for (let attempt = 1; !run; attempt++) {
				try {
					run = await measure(chrome.port, url, throttling);
				} catch (error) {
					if (attempt >= 3) throw error;
					retries.push(error.message);
					console.log(`retrying after: ${error.message}`);
					await new Promise((resolve) => setTimeout(resolve, 5000));
				}
			}
			all.push(run);
			console.log(
				`${throttling} ${embed ? 'with   ' : 'without'}  score ${run.score}  FCP ${Math.round(run.fcpMs)} ms  LCP ${Math.round(run.lcpMs)} ms  TBT ${Math.round(run.tbtMs)} ms  CLS ${run.cls.toFixed(3)}  (${run.seconds.toFixed(1)} s; ${run.widgetFiles.join(', ') || 'no widget'})`,
			);
			return run;
		};
		// Warm the worker, the storefront and Chromium; Lighthouse clears the cache and storage before each run.
		await once(false, 'simulate');
		await once(true, 'simulate');
		const variants = {};
		for (const throttling of ['simulate', 'devtools']) {
			const runs = { without: [], with: [] };
			for (let i = 0; i < RUNS; i++) {
				runs.without.push(await once(false, throttling));
				runs.with.push(await once(true, throttling));
			}
			const without = summarise(runs.without);
			const withEmbed = summarise(runs.with);
			variants[throttling] = {
				without,
				with: withEmbed,
				pointsLost: without.score - withEmbed.score,
				typicalPagePointsLost: modelledLoss(without, withEmbed),
			};
		}
		const foreign = [...new Set(all.flatMap((r) => r.origins))].filter(
			(o) => !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(o),
		);
		const result = {
			date: new Date().toISOString(),
			machine: machine(),
			lighthouse: all[0].lighthouse,
			chrome: all[0].chrome,
			flags: FLAGS,
			runsPerVariant: RUNS,
			typicalPage: { ...TYPICAL, score: Math.round(score(TYPICAL)) },
			...variants,
			foreignOrigins: foreign,
			warnings: [...new Set(all.flatMap((r) => r.warnings))],
			retries,
			totalSeconds: (Date.now() - started) / 1000,
		};
		console.log(JSON.stringify({ ...result, machine: undefined }, null, 2));
		if (opts.json) writeFileSync(opts.json, JSON.stringify(result, null, 2));
		if (foreign.length) throw new Error(`the page requested other origins: ${foreign.join(', ')}`);
		if (!variants.simulate.with.widgetFiles.length || !variants.devtools.with.widgetFiles.length)
			throw new Error('the widget never loaded in the runs with the embed');
	} finally {
		chrome.kill();
		await stack.close();
	}
}

await main();
