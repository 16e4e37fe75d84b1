// What the beacon burst's answers say: status histogram, the limiter's behaviour per address, latency, and
// whether the counts read afterwards equal what was answered.
import { fmt, percentile } from '../campaign/common.mjs';

const LIMIT = 120;
const minute = (ms) => Math.floor(ms / 60_000);
const EXPECTED = { subscribe: [201, 200], resubscribe: [200], pageview: [202], shown: [202], clicked: [202] };

function latency(list) {
	const s = list.map((a) => a.ms).sort((a, b) => a - b);
	return {
		n: s.length,
		p50: percentile(s, 50),
		p95: percentile(s, 95),
		p99: percentile(s, 99),
		max: s.at(-1) ?? Number.NaN,
	};
}

function histogram(list) {
	const out = {};
	for (const a of list) out[a.status] = (out[a.status] ?? 0) + 1;
	return out;
}

/**
 * One hot address's accepted answers by wall-clock minute (the local limiter's window). The limiter decided each
 * request at some moment between its send and its answer, so a request whose send and answer fall in different
 * minutes may belong to either: `fitsLimit` says whether some choice keeps every minute at ≤ 120 (assigning each,
 * earliest deadline first, to the earliest minute with room), `surePerMinute` is the most any minute surely had.
 */
function perMinute(list) {
	const spans = list
		.filter((a) => a.status !== 429)
		.map((a) => [minute(a.sentAt), minute(a.doneAt)])
		.sort((x, y) => x[1] - y[1] || x[0] - y[0]);
	const used = new Map();
	const sure = new Map();
	let fitsLimit = true;
	for (const [from, to] of spans) {
		if (from === to) sure.set(from, (sure.get(from) ?? 0) + 1);
		let m = from;
		while (m <= to && (used.get(m) ?? 0) >= LIMIT) m++;
		if (m > to) fitsLimit = false;
		else used.set(m, (used.get(m) ?? 0) + 1);
	}
	const minutes = new Set(list.flatMap((a) => [minute(a.sentAt), minute(a.doneAt)]));
	return { minutes: minutes.size, fitsLimit, surePerMinute: Math.max(0, ...sure.values()) };
}

/** Everything the report needs from the plan, the answers and the counts read before and after. */
export function analyse({ plan, answers, setup, before, after, probe }) {
	const all = plan.requests.map((q, k) => ({ ...q, ...answers[k] }));
	const byKind = {};
	for (const a of all) {
		byKind[a.kind] ??= [];
		byKind[a.kind].push(a);
	}
	const serverErrors = all.filter((a) => a.status >= 500 || a.status === 0);
	const unexpected = all.filter((a) => a.status !== 429 && !EXPECTED[a.kind].includes(a.status));
	const limited = all.filter((a) => a.status === 429);
	const byIp = new Map();
	for (const a of all) (byIp.get(a.ip) ?? byIp.set(a.ip, []).get(a.ip)).push(a);
	const hot = plan.hotIps.map((ip) => {
		const list = byIp.get(ip) ?? [];
		const n429 = list.filter((a) => a.status === 429).length;
		return { ip, requests: list.length, accepted: list.length - n429, limited: n429, ...perMinute(list) };
	});
	const cold = plan.coldIps.map((ip) => byIp.get(ip) ?? []);
	const count = (kind, status) => (byKind[kind] ?? []).filter((a) => a.status === status).length;
	const created = count('subscribe', 201) + count('resubscribe', 201);
	const setupEndpoints = new Set(setup.map((s) => s.endpoint));
	const newAccepted = new Set(
		all
			.filter((a) => a.endpoint && (a.status === 201 || a.status === 200) && !setupEndpoints.has(a.endpoint))
			.map((a) => a.endpoint),
	);
	const tracked = (type) => {
		const expected = (before.counts?.[type] ?? 0) + count(type, 202);
		return {
			before: before.counts?.[type],
			answered202: count(type, 202),
			expected,
			live: after.counts?.[type],
			saved: after.saved?.[type],
		};
	};
	const exact = {
		active: {
			before: before.active,
			created,
			expected: (before.active ?? 0) + created,
			after: after.active,
			newEndpointsAccepted: newAccepted.size,
		},
		updated: count('subscribe', 200) + count('resubscribe', 200),
		shown: tracked('shown'),
		clicked: tracked('clicked'),
	};
	const checks = {
		no5xx: serverErrors.length === 0,
		expectedStatuses: unexpected.length === 0,
		retryAfter: limited.every((a) => a.retryAfter !== null),
		corsOn429: limited.every((a) => a.cors),
		hotLimited: hot.every((h) => h.limited > 0 && h.fitsLimit),
		coldNotLimited: cold.every((list) => list.every((a) => a.status !== 429)),
		subscribers: exact.active.after === exact.active.expected && newAccepted.size === created,
		headerHonoured: probe.sameIp[200] === LIMIT && probe.sameIp[429] === 5 && probe.otherIp === 200,
		tracked: ['shown', 'clicked'].every(
			(t) => exact[t].live === exact[t].expected && exact[t].saved === exact[t].expected,
		),
	};
	return {
		ok: Object.values(checks).every(Boolean),
		checks,
		statuses: histogram(all),
		byKind: Object.fromEntries(Object.entries(byKind).map(([k, list]) => [k, histogram(list)])),
		serverErrors: serverErrors.length,
		examples: [...serverErrors, ...unexpected]
			.slice(0, 10)
			.map(({ kind, ip, path, status, body }) => ({ kind, ip, path, status, body })),
		limited: {
			count: limited.length,
			withRetryAfter: limited.filter((a) => a.retryAfter !== null).length,
			retryAfterValues: [...new Set(limited.map((a) => a.retryAfter))],
			withCors: limited.filter((a) => a.cors).length,
		},
		hot,
		cold: {
			addresses: cold.length,
			requests: cold.reduce((s, l) => s + l.length, 0),
			maxPerAddress: Math.max(0, ...cold.map((l) => l.length)),
			limitedAddresses: cold.filter((l) => l.some((a) => a.status === 429)).length,
		},
		latency: {
			all: latency(all),
			accepted: latency(all.filter((a) => a.status !== 429)),
			limited: latency(limited),
			...Object.fromEntries(
				Object.entries(byKind).map(([k, l]) => [k, latency(l.filter((a) => a.status !== 429))]),
			),
		},
		exact,
	};
}

/** Rows written: D1 total, the Dispatcher's tracked-count commits, and accepted beacons per row. */
export function rows(r) {
	const d1Total = Object.values(r.d1 ?? {}).reduce((a, b) => a + b, 0);
	const commits = Object.values(r.dispatcherRows ?? {}).reduce((a, b) => a + b, 0);
	const trackedAccepted = r.exact.shown.answered202 + r.exact.clicked.answered202;
	const accepted = r.requests - r.limited.count;
	return {
		d1Total,
		commits,
		trackedAccepted,
		accepted,
		beaconsPerCommit: trackedAccepted / Math.max(1, commits),
	};
}

const yes = (b) => (b ? 'ok' : 'FAILED');

/** Prints the burst's results. */
export function printBurst(r) {
	const l = (x) => `${fmt(x.p50)} / ${fmt(x.p95)} / ${fmt(x.p99)} / ${fmt(x.max)} ms (n=${x.n})`;
	const w = rows(r);
	console.log(
		`\nBeacon burst: ${r.requests} requests, ${r.concurrency} in flight, via ${r.via} (${fmt(r.seconds)} s, ${fmt(r.requests / r.seconds, 0)} req/s)`,
	);
	const p = r.probe;
	console.log(
		`  CF-Connecting-IP through wrangler dev's proxy: 125 from one address ${JSON.stringify(p.sameIp)}, then another ${p.otherIp} ${yes(r.checks.headerHonoured)}`,
	);
	console.log(
		`  statuses ${JSON.stringify(r.statuses)}; 5xx or network errors: ${r.serverErrors} ${yes(r.checks.no5xx)}`,
	);
	for (const [k, h] of Object.entries(r.byKind)) console.log(`    ${k.padEnd(12)} ${JSON.stringify(h)}`);
	console.log(
		`  429: ${r.limited.count}, with Retry-After ${r.limited.withRetryAfter} (${r.limited.retryAfterValues.join(', ')}) ${yes(r.checks.retryAfter)}, with CORS ${r.limited.withCors} ${yes(r.checks.corsOn429)}`,
	);
	for (const h of r.hot)
		console.log(
			`  hot ${h.ip}: ${h.requests} sent, ${h.accepted} accepted, ${h.limited} limited, over ${h.minutes} minute(s), ≥ ${h.surePerMinute} surely in one, ≤ ${LIMIT} a minute possible: ${yes(h.fitsLimit)}`,
		);
	console.log(
		`  cold: ${r.cold.addresses} addresses, ≤ ${r.cold.maxPerAddress} requests each, ${r.cold.limitedAddresses} limited ${yes(r.checks.coldNotLimited)}`,
	);
	console.log(
		`  latency all ${l(r.latency.all)}; accepted ${l(r.latency.accepted)}; 429 ${l(r.latency.limited)}`,
	);
	for (const k of ['subscribe', 'resubscribe', 'pageview', 'shown', 'clicked'])
		if (r.latency[k]) console.log(`    ${k.padEnd(12)} ${l(r.latency[k])}`);
	const a = r.exact.active;
	console.log(
		`  active ${a.before} + ${a.created} created = ${a.expected}; GET /stats: ${a.after}; new endpoints accepted ${a.newEndpointsAccepted} ${yes(r.checks.subscribers)}`,
	);
	for (const t of ['shown', 'clicked']) {
		const x = r.exact[t];
		console.log(
			`  ${t}: ${x.before} + ${x.answered202} answered 202 = ${x.expected}; live ${x.live}, saved in D1 ${x.saved} ${yes(r.checks.tracked)}`,
		);
	}
	console.log(`  D1 rows written ${w.d1Total}: ${JSON.stringify(r.d1)}`);
	console.log(
		`  Dispatcher meta rows (tracked-count commits) ${w.commits} for ${w.trackedAccepted} beacons: ${fmt(w.beaconsPerCommit, 1)} per row`,
	);
	console.log(
		`  other load on the machine ${fmt(r.otherCores, 2)} cores; CPU per request ${JSON.stringify(Object.fromEntries(Object.entries(r.cpuMsPerRequest).map(([k, v]) => [k, fmt(v * 1000, 0)])))} µs`,
	);
	if (r.examples.length) console.log('  first unexpected answers', r.examples);
	if (r.workerLog.length) console.log('  worker log (errors)', r.workerLog.slice(0, 20));
	console.log(
		`  ${
			r.ok
				? 'all checks passed'
				: `FAILED: ${Object.entries(r.checks)
						.filter(([, v]) => !v)
						.map(([k]) => k)
						.join(', ')}`
		}`,
	);
}
