// A local push service for the campaign benchmark, run as a child process (fork) so that its work does not share
// the orchestrator's event loop. It answers 201 to every POST /push/<n> and checks that each request is a real
// Web Push message (RFC 8030 headers, RFC 8291 aes128gcm body, RFC 8292 VAPID JWT with a valid ES256 signature);
// every `sampleEvery`-th subscriber's payload is decrypted with the `http_ece` package as an independent judge.
// The parent talks to it over IPC: {type:'config', keys, total, sampleEvery} → {type:'ready', port};
// {type:'stats'} → {type:'stats', ...}; {type:'reset'} zeroes the counters between runs.
import { createECDH, createPublicKey, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const ece = createRequire(import.meta.url)('http_ece');

let keys = [];
let total = 0;
let sampleEvery = 100;
let perEndpoint = new Uint8Array(0);
let origin = '';

const fresh = () => ({
	requests: 0,
	ok: 0,
	bad: 0,
	badReasons: {},
	duplicates: 0,
	distinct: 0,
	decrypted: 0,
	decryptFailed: 0,
	bodyBytes: 0,
	jwts: 0,
	jwtLog: [],
	firstAt: 0,
	lastAt: 0,
	connections: 0,
	maxConnections: 0,
	headers: null,
	samplePayload: null,
});
let stats = fresh();
const goodJwts = new Map();

function bad(reason) {
	stats.bad++;
	stats.badReasons[reason] = (stats.badReasons[reason] ?? 0) + 1;
	return reason;
}

/** Checks `vapid t=<JWT>, k=<key>` (RFC 8292): ES256 over header.claims, aud = this origin, exp within 24 h. */
function checkVapid(value) {
	const m = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+),\s*k=([A-Za-z0-9_-]+)$/.exec(
		value ?? '',
	);
	if (!m) return 'authorization is not "vapid t=…, k=…"';
	const cached = goodJwts.get(value);
	if (cached !== undefined && cached > Date.now() / 1000) return null;
	const [token, k] = [m[1], m[2]];
	const [h, c, s] = token.split('.');
	let header;
	let claims;
	try {
		header = JSON.parse(Buffer.from(h, 'base64url').toString());
		claims = JSON.parse(Buffer.from(c, 'base64url').toString());
	} catch {
		return 'JWT is not JSON';
	}
	if (header.alg !== 'ES256') return 'JWT alg is not ES256';
	if (claims.aud !== origin) return `JWT aud ${claims.aud} is not ${origin}`;
	const now = Date.now() / 1000;
	if (!(claims.exp > now && claims.exp <= now + 86_400 + 60)) return 'JWT exp is not within 24 h';
	if (typeof claims.sub !== 'string' || !/^(mailto:|https?:)/.test(claims.sub))
		return 'JWT sub is not mailto: or https:';
	const point = Buffer.from(k, 'base64url');
	if (point.length !== 65 || point[0] !== 4) return 'VAPID k is not an uncompressed P-256 point';
	const key = createPublicKey({
		key: {
			kty: 'EC',
			crv: 'P-256',
			x: point.subarray(1, 33).toString('base64url'),
			y: point.subarray(33).toString('base64url'),
		},
		format: 'jwk',
	});
	const valid = verify(
		'sha256',
		Buffer.from(`${h}.${c}`),
		{ key, dsaEncoding: 'ieee-p1363' },
		Buffer.from(s, 'base64url'),
	);
	if (!valid) return 'JWT signature does not verify';
	goodJwts.set(value, claims.exp);
	stats.jwts++;
	if (stats.jwtLog.length < 50)
		stats.jwtLog.push({ at: performance.timeOrigin + performance.now(), exp: claims.exp, k: k.slice(0, 12) });
	return null;
}

function check(req, body, n) {
	const h = req.headers;
	if (req.method !== 'POST') return bad('method is not POST');
	if (!(n >= 0 && n < total)) return bad('path is not /push/<n> of a seeded subscriber');
	if (h['content-encoding'] !== 'aes128gcm') return bad('Content-Encoding is not aes128gcm');
	if (!/^\d+$/.test(h.ttl ?? '')) return bad('TTL header missing or not a number');
	if (h['content-type'] !== undefined && h['content-type'] !== 'application/octet-stream')
		return bad('Content-Type');
	if (h.urgency !== undefined && !['very-low', 'low', 'normal', 'high'].includes(h.urgency))
		return bad('Urgency');
	const vapid = checkVapid(h.authorization);
	if (vapid) return bad(vapid);
	// aes128gcm header: salt(16) rs(4) idlen(1) keyid(idlen = 65, the sender's ephemeral public key); then ≥1 record.
	if (body.length < 86 + 17) return bad('body shorter than an aes128gcm header + one record');
	if (body[20] !== 65 || body[21] !== 4) return bad('aes128gcm keyid is not a 65-byte P-256 point');
	if (body.readUInt32BE(16) < 18) return bad('aes128gcm record size < 18');
	if (h['content-length'] !== undefined && Number(h['content-length']) !== body.length)
		return bad('Content-Length mismatch');
	if (n % sampleEvery === 0) {
		const k = keys[n % keys.length];
		try {
			const ecdh = createECDH('prime256v1');
			ecdh.setPrivateKey(Buffer.from(k.privateKey, 'base64url'));
			const plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: k.auth });
			const payload = JSON.parse(plain.toString('utf8'));
			if (
				typeof payload.title !== 'string' ||
				typeof payload.nid !== 'string' ||
				typeof payload.sid !== 'string'
			) {
				throw new Error('payload lacks title/nid/sid');
			}
			stats.decrypted++;
			stats.samplePayload ??= { plaintextBytes: plain.length, bodyBytes: body.length, payload };
		} catch {
			stats.decryptFailed++;
			return bad('sample payload does not decrypt to the notification JSON');
		}
	}
	return null;
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		stats.requests++;
		const now = performance.timeOrigin + performance.now();
		if (stats.firstAt === 0) stats.firstAt = now;
		stats.headers ??= req.headers;
		const body = Buffer.concat(chunks);
		const m = /^\/push\/(\d+)$/.exec(req.url ?? '');
		const n = m ? Number(m[1]) : -1;
		const problem = check(req, body, n);
		if (!problem) {
			stats.ok++;
			stats.bodyBytes += body.length;
			stats.lastAt = now;
			if (perEndpoint[n] === 0) stats.distinct++;
			else stats.duplicates++;
			if (perEndpoint[n] < 255) perEndpoint[n]++;
			res.writeHead(201, { location: `/msg/${n}-${stats.requests}` });
		} else {
			res.writeHead(400, { 'content-type': 'text/plain' });
		}
		res.end(problem ?? '');
	});
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.on('connection', (socket) => {
	stats.connections++;
	if (stats.connections > stats.maxConnections) stats.maxConnections = stats.connections;
	socket.on('close', () => stats.connections--);
});

process.on('message', (msg) => {
	if (msg.type === 'config') {
		keys = msg.keys;
		total = msg.total;
		sampleEvery = msg.sampleEvery ?? 100;
		perEndpoint = new Uint8Array(total);
		server.listen(msg.port ?? 0, '127.0.0.1', () => {
			origin = `http://127.0.0.1:${server.address().port}`;
			process.send({ type: 'ready', port: server.address().port });
		});
	} else if (msg.type === 'reset') {
		// Keeps the open-connection count (connections outlive a run), forgets everything else.
		stats = { ...fresh(), connections: stats.connections };
		perEndpoint.fill(0);
		goodJwts.clear();
		process.send({ type: 'reset' });
	} else if (msg.type === 'stats') {
		const cpu = process.cpuUsage();
		process.send({ type: 'stats', ...stats, cpuMs: (cpu.user + cpu.system) / 1000, headers: stats.headers });
	} else if (msg.type === 'coverage') {
		// Per-endpoint check against the expected endpoints (`ranges`: [[from, to)…]): how many got exactly one push,
		// none, more than one, and pushes to endpoints outside the ranges.
		const inRange = new Uint8Array(total);
		for (const [from, to] of msg.ranges) inRange.fill(1, from, to);
		const out = { type: 'coverage', expected: 0, once: 0, missing: 0, duplicated: 0, outside: 0 };
		for (let n = 0; n < total; n++) {
			const c = perEndpoint[n];
			if (inRange[n]) {
				out.expected++;
				if (c === 0) out.missing++;
				else if (c === 1) out.once++;
				else out.duplicated++;
			} else if (c > 0) out.outside++;
		}
		process.send(out);
	} else if (msg.type === 'stop') {
		server.close();
		process.exit(0);
	}
});
process.on('disconnect', () => process.exit(0));
