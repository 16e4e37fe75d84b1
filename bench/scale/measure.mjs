// Inputs of the storage capacity model (docs/SCALE.md): bytes per subscriber and per event on disk, from the real
// D1 schema (worker/migrations, triggers included) and from the real per-site schema of a SiteStore Durable Object
// (worker/src/store/site-schema.ts, loaded as TypeScript by Node 22's type stripping, triggers included);
// and how many writes per second one SQLite store sustains in process (what a SQLite Durable Object runs on).
// Usage: node bench/scale/measure.mjs [--subscribers 20000] [--events 200000] [--json FILE]
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machine, root } from '../campaign/common.mjs';

const { values: opts } = parseArgs({
	options: {
		subscribers: { type: 'string', default: '20000' },
		events: { type: 'string', default: '200000' },
		json: { type: 'string' },
	},
});
const N = Number(opts.subscribers);
const EVENTS = Number(opts.events);

const emit = process.emitWarning;
process.emitWarning = (w, ...rest) =>
	String(w).includes('SQLite') ? undefined : emit.call(process, w, ...rest);
const { DatabaseSync } = await import('node:sqlite');
process.emitWarning = emit;

const dir = mkdtempSync(join(tmpdir(), 'beckon-scale-'));
const open = (name) => {
	const db = new DatabaseSync(join(dir, name));
	db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
	return db;
};

/** Deterministic pseudo-random numbers, so every run stores the same bytes. */
function rng(seed) {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}
const random = rng(7);
const b64 = (n) => {
	const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	let out = '';
	for (let i = 0; i < n; i++) out += abc[Math.floor(random() * 64)];
	return out;
};

/** A subscriber as browsers send them: the push service mix of a typical store (Chrome-heavy). */
function subscriber(i) {
	const r = random();
	const [service, browser, endpoint] =
		r < 0.7
			? ['fcm', 'chrome', `https://fcm.googleapis.com/fcm/send/${b64(11)}:APA91b${b64(134)}`]
			: r < 0.85
				? ['mozilla', 'firefox', `https://updates.push.services.mozilla.com/wpush/v2/${b64(180)}`]
				: r < 0.97
					? ['apple', 'safari', `https://web.push.apple.com/${b64(120)}`]
					: ['wns', 'edge', `https://wns2-par02p.notify.windows.com/w/?token=${b64(260)}`];
	return {
		id: `sub_${b64(20)}`,
		endpoint,
		p256dh: `B${b64(86)}`,
		auth: b64(22),
		service,
		browser,
		os: random() < 0.6 ? 'android' : 'windows',
		categories: random() < 0.3 ? '["sale","new"]' : '[]',
		user: random() < 0.3 ? `wp_${Math.floor(random() * 1e6)}` : null,
		tz: random() < 0.8 ? 'Europe/Berlin' : 'America/New_York',
		locale: random() < 0.8 ? 'de-DE' : 'en-US',
		url: `https://shop.example/products/${b64(8 + Math.floor(random() * 30))}`,
		at: 1_764_000_000_000 + i * 1000,
	};
}

/** The columns both schemas store after the endpoint, in their order. */
const fieldsAfterEndpoint = (s) => [
	s.p256dh,
	s.auth,
	s.service,
	s.browser,
	s.os,
	s.categories,
	s.user,
	s.tz,
	s.locale,
	s.url,
	s.at,
	s.at,
	s.at,
];

/** The first 53 bits of the endpoint's SHA-256 (what the store's endpoint index holds: endpointHash()). */
function endpointHash(endpoint) {
	const d = createHash('sha256').update(endpoint).digest();
	return (d[0] & 0x1f) * 2 ** 48 + d.readUIntBE(1, 6);
}

/** Bytes on disk per table and index (dbstat: page size × pages, so free space inside pages counts too). */
function sizes(db) {
	return Object.fromEntries(
		db
			.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC')
			.all()
			.map((r) => [r.name, Number(r.bytes)]),
	);
}

// ---- today's D1 schema, with its triggers --------------------------------------------------------------------------
const d1 = open('d1.sqlite');
for (const file of readdirSync(join(root, 'worker/migrations')).sort()) {
	d1.exec(readFileSync(join(root, 'worker/migrations', file), 'utf8'));
}
d1.prepare(
	`INSERT INTO sites (id, name, platform, origins, home_url, vapid_public_key, vapid_private_key, vapid_key_id, created_at)
	VALUES ('site_scale', 'Scale shop', 'custom', '["https://shop.example"]', 'https://shop.example/', 'k', 'k', 'k', 0)`,
).run();
const d1Empty = sizes(d1);
const d1Insert = d1.prepare(
	`INSERT INTO subscribers (id, site_id, status, endpoint, p256dh, auth, vapid_key_id, push_service, browser, os, categories,
		external_user_id, timezone, locale, last_url, last_seen_at, created_at, updated_at)
	VALUES (?, 'site_scale', 'allowed', ?, ?, ?, 'BNcRdreALRFXTkOOUHK1', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const subs = Array.from({ length: N }, (_, i) => subscriber(i));
d1.exec('BEGIN');
for (const s of subs) {
	d1Insert.run(s.id, s.endpoint, ...fieldsAfterEndpoint(s));
}
d1.exec('COMMIT');
const d1Full = sizes(d1);
const perSubscriber = (full, empty, names) =>
	names.reduce((sum, n) => sum + ((full[n] ?? 0) - (empty[n] ?? 0)), 0) / N;
const subscriberObjects = [
	'subscribers',
	'subscribers_endpoint',
	'subscribers_audience',
	'subscribers_user',
	'sqlite_autoindex_subscribers_1',
];

// ---- the per-site schema of a SiteStore: the same rows without site_id (a store holds one site), and the endpoint
// indexed by a 53-bit hash of it instead of the whole URL (a 150–280 character bearer token) -------------------------
const { SITE_STORE_MIGRATIONS } = await import(join(root, 'worker/src/store/site-schema.ts'));
const site = open('site.sqlite');
for (const m of SITE_STORE_MIGRATIONS) site.exec(m.up);
const siteEmpty = sizes(site);
const siteInsert = site.prepare(
	`INSERT INTO subscribers (id, status, endpoint, endpoint_hash, p256dh, auth, vapid_key_id, push_service, browser, os,
		categories, external_user_id, timezone, locale, last_url, last_seen_at, created_at, updated_at)
	VALUES (?, 'allowed', ?, ?, ?, ?, 'BNcRdreALRFXTkOOUHK1', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
let siteWrites = 0;
const t0 = process.hrtime.bigint();
for (const s of subs) {
	// One transaction per subscribe, as a Durable Object commits each request: the row and, by the store's
	// triggers, its counters and the day's growth.
	site.exec('BEGIN');
	siteInsert.run(s.id, s.endpoint, endpointHash(s.endpoint), ...fieldsAfterEndpoint(s));
	site.exec('COMMIT');
	siteWrites++;
}
const subscribeSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
const siteFull = sizes(site);
const siteObjects = [
	'subscribers',
	'subscribers_endpoint',
	'subscribers_audience',
	'subscribers_user',
	'subscribers_suspended_from',
	'sqlite_autoindex_subscribers_1',
];

// Pageviews: the hot write (last_url, last_seen_at of one subscriber).
const pageview = site.prepare('UPDATE subscribers SET last_url = ?, last_seen_at = ? WHERE id = ?');
const t1 = process.hrtime.bigint();
const PAGEVIEWS = Math.min(N, 20_000);
for (let i = 0; i < PAGEVIEWS; i++)
	pageview.run(`https://shop.example/p/${i}`, 1_765_000_000_000 + i, subs[i].id);
const pageviewSeconds = Number(process.hrtime.bigint() - t1) / 1e9;

// Audience paging: keyset pages of 1,000 allowed subscribers, as a send reads them.
const page = site.prepare(
	"SELECT id, endpoint, p256dh, auth, last_url FROM subscribers WHERE status = 'allowed' AND id > ? ORDER BY id LIMIT 1000",
);
const t2 = process.hrtime.bigint();
let cursor = '';
let paged = 0;
for (;;) {
	const rows = page.all(cursor);
	paged += rows.length;
	if (rows.length < 1000) break;
	cursor = rows.at(-1).id;
}
const pagingSeconds = Number(process.hrtime.bigint() - t2) / 1e9;

// ---- events: a bounded raw log plus per subscriber × event × day counters (DESIGN.md's audience note) ---------------
site.exec(`CREATE TABLE events (id INTEGER PRIMARY KEY, subscriber_id TEXT NOT NULL, name TEXT NOT NULL,
		at INTEGER NOT NULL, properties TEXT);
	CREATE INDEX events_by_subscriber ON events (subscriber_id, name, at);
	CREATE TABLE event_days (subscriber_id TEXT NOT NULL, name TEXT NOT NULL, day INTEGER NOT NULL,
		n INTEGER NOT NULL, PRIMARY KEY (subscriber_id, name, day)) WITHOUT ROWID;`);
const beforeEvents = sizes(site);
const insertEvent = site.prepare(
	'INSERT INTO events (subscriber_id, name, at, properties) VALUES (?, ?, ?, ?)',
);
const countEvent = site.prepare(
	'INSERT INTO event_days (subscriber_id, name, day, n) VALUES (?, ?, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1',
);
const names = ['pageview', 'pageview', 'pageview', 'added_to_cart', 'clicked', 'purchase'];
const active = subs.slice(0, Math.max(1, Math.floor(N / 10)));
site.exec('BEGIN');
for (let i = 0; i < EVENTS; i++) {
	const s = active[Math.floor(random() * active.length)];
	const name = names[Math.floor(random() * names.length)];
	const at = 1_765_000_000_000 + Math.floor(random() * 30) * 86_400_000 + Math.floor(random() * 86_400_000);
	const props =
		name === 'pageview'
			? `{"url":"https://shop.example/products/${b64(12)}"}`
			: name === 'purchase'
				? `{"order":"${b64(8)}","value":${Math.floor(random() * 20000) / 100},"currency":"EUR"}`
				: `{"product":"${b64(10)}"}`;
	insertEvent.run(s.id, name, at, props);
	countEvent.run(s.id, name, Math.floor(at / 86_400_000));
}
site.exec('COMMIT');
const afterEvents = sizes(site);
const perEvent = (names) =>
	names.reduce((sum, n) => sum + ((afterEvents[n] ?? 0) - (beforeEvents[n] ?? 0)), 0) / EVENTS;

const result = {
	subscribers: N,
	events: EVENTS,
	bytesPerSubscriber: {
		d1: perSubscriber(d1Full, d1Empty, subscriberObjects),
		d1ByObject: Object.fromEntries(
			subscriberObjects.map((n) => [n, ((d1Full[n] ?? 0) - (d1Empty[n] ?? 0)) / N]),
		),
		perSite: perSubscriber(siteFull, siteEmpty, siteObjects),
		perSiteByObject: Object.fromEntries(
			siteObjects.map((n) => [n, ((siteFull[n] ?? 0) - (siteEmpty[n] ?? 0)) / N]),
		),
	},
	bytesPerEvent: {
		rawLog: perEvent(['events', 'events_by_subscriber']),
		dayCounters: perEvent(['event_days']),
		eventDayRows: site.prepare('SELECT count(*) AS n FROM event_days').get().n,
	},
	inProcess: {
		subscribesPerSecond: siteWrites / subscribeSeconds,
		pageviewsPerSecond: PAGEVIEWS / pageviewSeconds,
		audienceRowsPerSecond: paged / pagingSeconds,
	},
	sqlite: site.prepare('SELECT sqlite_version() AS v').get().v,
	machine: machine(),
	date: new Date().toISOString().slice(0, 10),
};
d1.close();
site.close();
rmSync(dir, { recursive: true, force: true });

const f = (x, d = 0) =>
	Number(x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(
	`bytes per subscriber: D1 ${f(result.bytesPerSubscriber.d1)} B, per-site store ${f(result.bytesPerSubscriber.perSite)} B`,
);
console.log(
	`bytes per event: raw log ${f(result.bytesPerEvent.rawLog)} B, day counters ${f(result.bytesPerEvent.dayCounters)} B`,
);
console.log(
	`in process (SQLite ${result.sqlite}): ${f(result.inProcess.subscribesPerSecond)} subscribes/s, ${f(result.inProcess.pageviewsPerSecond)} pageviews/s, ${f(result.inProcess.audienceRowsPerSecond)} audience rows/s`,
);
if (opts.json) writeFileSync(opts.json, JSON.stringify(result, null, 2));
