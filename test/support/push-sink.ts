import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the sink received, as the test sees it. */
export interface SinkRecord {
	status: number | 'hang' | 'reset';
	at: number;
	headers: Record<string, string>;
	body: string;
}

/** A running sink: `url` is its base, e.g. http://127.0.0.1:41234 */
export interface PushSink {
	url: string;
	records: Map<string, SinkRecord[]>;
	close(): Promise<void>;
}

/**
 * A local stand-in for push services. Endpoints are `/push/<behaviour>/<id>` where behaviour is a status
 * (`201`, `404`, `410`, `413`, `429`, `500`, `503`), `hang` (never answers), or `<first>-then-201`
 * (answers `<first>` once, then 201). 429 and 503 carry `Retry-After: 1`.
 *
 * Outages hit a whole group of endpoints, `/push/outage-<mode>-<ms>/<group>/<id>`: for `<ms>` milliseconds from
 * the group's first request every request of the group answers `<mode>`, then 201. `<mode>` is a status (429 and
 * 503 carry `Retry-After: 1`), `reset` (the socket is destroyed without an answer) or `hang` (never answers).
 *
 * Every request is recorded with its arrival time. `GET /_log/<behaviour>/<id>` returns one endpoint's records,
 * `GET /_log?prefix=<behaviour>/<group>/` those of every endpoint whose key starts so, `GET /_count` the total of 201s.
 */
export async function startPushSink(port = 0): Promise<PushSink> {
	const records = new Map<string, SinkRecord[]>();
	const hanging = new Set<ServerResponse>();
	const outageStarts = new Map<string, number>();
	let accepted = 0;

	const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
		const url = new URL(req.url ?? '/', 'http://sink');
		const parts = url.pathname.split('/').filter(Boolean);
		if (req.method === 'GET' && parts[0] === '_log') {
			const key = parts.slice(1).join('/');
			const prefix = url.searchParams.get('prefix');
			const all = prefix === null ? [...records] : [...records].filter(([k]) => k.startsWith(prefix));
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify(key ? (records.get(key) ?? []) : Object.fromEntries(all)));
			return;
		}
		if (req.method === 'GET' && parts[0] === '_count') {
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ accepted }));
			return;
		}
		if (req.method !== 'POST' || parts[0] !== 'push' || parts.length < 3) {
			res.statusCode = 404;
			res.end();
			return;
		}
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const behaviour = parts[1] as string;
		const key = `${behaviour}/${parts.slice(2).join('/')}`;
		const list = records.get(key) ?? [];
		records.set(key, list);
		const at = Date.now();
		const outage = /^outage-(\d{3}|reset|hang)-(\d+)$/.exec(behaviour);
		let status: SinkRecord['status'];
		if (outage) {
			const group = `${behaviour}/${parts[2]}`;
			const since = outageStarts.get(group) ?? at;
			outageStarts.set(group, since);
			const mode = outage[1] as string;
			const during = mode === 'reset' || mode === 'hang' ? mode : Number(mode);
			status = at - since < Number(outage[2]) ? during : 201;
		} else {
			const [first, , then] = behaviour.split('-');
			status = list.length > 0 && then ? Number(then) : first === 'hang' ? 'hang' : Number(first);
		}
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
		list.push({ status, at, headers, body: Buffer.concat(chunks).toString('base64url') });
		if (status === 'reset') {
			req.socket.destroy();
			return;
		}
		if (status === 'hang') {
			hanging.add(res);
			res.on('close', () => hanging.delete(res));
			return;
		}
		if (status === 429 || status === 503) res.setHeader('retry-after', '1');
		if (status === 201) {
			accepted++;
			res.setHeader('location', `${url.origin}/msg/${accepted}`);
		}
		res.statusCode = status;
		res.end();
	});
	server.keepAliveTimeout = 30_000;
	// Never keeps the test runner alive on its own.
	server.unref();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const { port: bound } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${bound}`,
		records,
		close: () =>
			new Promise<void>((resolve) => {
				for (const res of hanging) res.destroy();
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
