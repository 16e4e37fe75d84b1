import { createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** One subscription (push channel) a browser registered with the server. */
export interface PushChannel {
	channelID: string;
	/** The user-agent id of the browser that registered it. */
	uaid: string;
	/** The application server (VAPID) public key as Firefox sent it (base64url, padded), if any. */
	key: string | null;
	/** `http://127.0.0.1:PORT/wpush/<channelID>` */
	endpoint: string;
	registeredAt: number;
	/** Set once the browser unregistered the channel; POSTs to its endpoint then get 410. */
	unregisteredAt: number | null;
	/** The unregister reason code Firefox sent (200 manual, 201 quota, 202 permission revoked). */
	unregisterCode: number | null;
}

/** An `ack` (or `nack`) a browser sent for one notification. */
export interface PushAck {
	channelID: string;
	version: string;
	/** 100 delivered, 101 decryption failed, 102 not delivered; 301–303 for `nack` (service-worker errors). */
	code: number;
	kind: 'ack' | 'nack';
	at: number;
}

/** One HTTP request the push endpoint side received, and how it was answered. */
export interface ReceivedPush {
	channelID: string;
	method: string;
	/** The status the server answered with (201 accepted). */
	status: number;
	/** Why the request was refused (e.g. `missing TTL`), null when accepted. */
	reason: string | null;
	/** Request headers, lower-cased names. */
	headers: Record<string, string>;
	/** Body length in octets. */
	length: number;
	/** The message version (id) assigned when accepted. */
	version: string | null;
	at: number;
}

/** A notification the server accepted and forwards (or forwarded) to the browser. */
export interface PushMessage {
	channelID: string;
	version: string;
	/** base64url body, null for a push without payload. */
	data: string | null;
	topic: string | null;
	ttl: number;
	receivedAt: number;
	/** Times it was written to a browser connection. */
	sends: number;
	/** When it was first written to a browser connection. */
	sentAt: number | null;
	/** The ack/nack for it, once the browser sent one. */
	ack: PushAck | null;
}

/** Options for {@link startMozillaPushServer}. */
export interface MozillaPushServerOptions {
	/** TCP port on 127.0.0.1; 0 (default) picks a free one. */
	port?: number;
	/**
	 * Verify the VAPID JWT like autopush does (ES256 signature by `k`, `aud` = this server's origin,
	 * `exp` in the future and at most 24 h ahead). Default true. The key match with the channel is always checked.
	 */
	verifyVapidJwt?: boolean;
	/** Largest accepted body in octets (default 4096, as the RFC floor); larger bodies get 413. */
	maxBodyBytes?: number;
}

/** A running fake of Mozilla's push service (autopush) on loopback. */
export interface MozillaPushServer {
	/** WebSocket URL for Firefox's `dom.push.serverURL`, e.g. `ws://127.0.0.1:41234/` */
	readonly url: string;
	/** Origin of the HTTP push endpoints, e.g. `http://127.0.0.1:41234` */
	readonly httpOrigin: string;
	readonly port: number;
	/** Every channel ever registered (including unregistered ones), in registration order. */
	channels(): PushChannel[];
	/** Every ack/nack received, in order. */
	readonly acks: readonly PushAck[];
	/** Every request the HTTP side received, in order. */
	readonly received: readonly ReceivedPush[];
	/** Every accepted message, in order. */
	readonly messages: readonly PushMessage[];
	/** Accepted messages not yet acknowledged (queued or in flight). */
	pending(): PushMessage[];
	/** Number of browser WebSocket connections that completed `hello`. */
	connectedClients(): number;
	/** Resolves with the first ack (already received or future) matching `predicate`. */
	waitForAck(predicate: (ack: PushAck) => boolean, timeoutMs?: number): Promise<PushAck>;
	/** Resolves with the first channel (already registered or future) matching `predicate`. */
	waitForChannel(predicate: (channel: PushChannel) => boolean, timeoutMs?: number): Promise<PushChannel>;
	/** Resolves once at least one browser connection completed `hello`. */
	waitForClient(timeoutMs?: number): Promise<void>;
	/**
	 * Drops every browser connection; Firefox reconnects after `dom.push.retryBaseInterval` (doubling per failed
	 * attempt). With `holdOffMs`, WebSocket upgrades are refused for that long, so pushes sent meanwhile are queued.
	 */
	disconnectClients(opts?: { holdOffMs?: number }): void;
	/** Stops accepting connections, closes browser sockets and the HTTP server. */
	close(): Promise<void>;
}

interface Client {
	ws: WebSocket;
	uaid: string | null;
	/** Versions already written to this connection (not re-sent on it). */
	sent: Set<string>;
}

const NOTIFY_DELAY_AFTER_HELLO_MS = 150;

/**
 * Starts a small stand-in for Mozilla's push service on 127.0.0.1, speaking Firefox's WebSocket push protocol
 * (subprotocol `push-notification`: hello, register, unregister, ack/nack, ping `{}`) and accepting RFC 8030
 * POSTs on `/wpush/<channelID>`. POSTs need a `TTL` header (400), `Content-Encoding: aes128gcm` for a body (400)
 * and `Authorization: vapid t=…, k=…` whose `k` is the key the channel was registered with (401). Accepted
 * messages (201 + Location) are forwarded to the connected browser, queued while it is away and redelivered
 * after a reconnect until acknowledged.
 */
export async function startMozillaPushServer(
	opts: MozillaPushServerOptions = {},
): Promise<MozillaPushServer> {
	const verifyJwt = opts.verifyVapidJwt ?? true;
	const maxBody = opts.maxBodyBytes ?? 4096;
	const channels = new Map<string, PushChannel>();
	const acks: PushAck[] = [];
	const received: ReceivedPush[] = [];
	const messages: PushMessage[] = [];
	const clients = new Set<Client>();
	const waiters = new Set<() => void>();
	let origin = '';
	let refuseUpgradesUntil = 0;

	const notifyWaiters = (): void => {
		for (const w of [...waiters]) w();
	};

	const waitFor = <T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
		const found = find();
		if (found !== undefined) return Promise.resolve(found);
		return new Promise<T>((resolve, reject) => {
			const check = (): void => {
				const value = find();
				if (value === undefined) return;
				waiters.delete(check);
				clearTimeout(timer);
				resolve(value);
			};
			const timer = setTimeout(() => {
				waiters.delete(check);
				reject(new Error(`mozilla-push-server: timed out after ${timeoutMs} ms waiting for ${what}`));
			}, timeoutMs);
			waiters.add(check);
		});
	};

	const sendJson = (client: Client, body: unknown): void => {
		if (client.ws.readyState === client.ws.OPEN) client.ws.send(JSON.stringify(body));
	};

	/** The newest open connection of a browser (an old one may linger until its close is noticed). */
	const clientFor = (uaid: string): Client | undefined => {
		let found: Client | undefined;
		for (const c of clients) if (c.uaid === uaid && c.ws.readyState === c.ws.OPEN) found = c;
		return found;
	};

	const deliver = (client: Client, msg: PushMessage): void => {
		const body: Record<string, unknown> = {
			messageType: 'notification',
			channelID: msg.channelID,
			version: msg.version,
		};
		if (msg.data !== null) {
			body.data = msg.data;
			body.headers = { encoding: 'aes128gcm' };
		}
		msg.sends += 1;
		msg.sentAt ??= Date.now();
		client.sent.add(msg.version);
		sendJson(client, body);
	};

	const expired = (msg: PushMessage): boolean => msg.receivedAt + msg.ttl * 1000 < Date.now();

	const flushPending = (client: Client): void => {
		if (!client.uaid) return;
		for (const msg of messages) {
			if (msg.ack || expired(msg) || client.sent.has(msg.version)) continue;
			const channel = channels.get(msg.channelID);
			if (!channel || channel.unregisteredAt !== null || channel.uaid !== client.uaid) continue;
			deliver(client, msg);
		}
	};

	const onSocketMessage = (client: Client, raw: string): void => {
		let msg: Record<string, unknown>;
		try {
			msg = JSON.parse(raw) as Record<string, unknown>;
		} catch {
			return;
		}
		const type = typeof msg.messageType === 'string' ? msg.messageType.toLowerCase() : undefined;
		if (type === undefined || type === 'ping') {
			sendJson(client, {});
			return;
		}
		switch (type) {
			case 'hello': {
				const asked = typeof msg.uaid === 'string' && /^[0-9a-f]{8,64}$/i.test(msg.uaid) ? msg.uaid : null;
				client.uaid = asked ?? randomBytes(16).toString('hex');
				sendJson(client, {
					messageType: 'hello',
					uaid: client.uaid,
					status: 200,
					use_webpush: true,
					broadcasts: {},
				});
				notifyWaiters();
				// Firefox finishes its handshake asynchronously (it enables data delivery only then): give it a moment
				// before redelivering what was queued.
				setTimeout(() => flushPending(client), NOTIFY_DELAY_AFTER_HELLO_MS);
				return;
			}
			case 'register': {
				const channelID = typeof msg.channelID === 'string' ? msg.channelID : '';
				if (!client.uaid || !/^[0-9a-f-]{16,64}$/i.test(channelID)) {
					sendJson(client, { messageType: 'register', channelID, status: 401 });
					return;
				}
				const endpoint = `${origin}/wpush/${channelID}`;
				channels.set(channelID, {
					channelID,
					uaid: client.uaid,
					key: typeof msg.key === 'string' ? msg.key : null,
					endpoint,
					registeredAt: Date.now(),
					unregisteredAt: null,
					unregisterCode: null,
				});
				sendJson(client, { messageType: 'register', channelID, status: 200, pushEndpoint: endpoint });
				notifyWaiters();
				return;
			}
			case 'unregister': {
				const channelID = typeof msg.channelID === 'string' ? msg.channelID : '';
				const channel = channels.get(channelID);
				if (channel && channel.unregisteredAt === null) {
					channel.unregisteredAt = Date.now();
					channel.unregisterCode = typeof msg.code === 'number' ? msg.code : null;
				}
				sendJson(client, { messageType: 'unregister', channelID, status: 200 });
				notifyWaiters();
				return;
			}
			case 'ack': {
				const updates = Array.isArray(msg.updates) ? (msg.updates as Array<Record<string, unknown>>) : [];
				for (const u of updates) {
					const ack: PushAck = {
						channelID: String(u.channelID),
						version: String(u.version),
						code: typeof u.code === 'number' ? u.code : 100,
						kind: 'ack',
						at: Date.now(),
					};
					acks.push(ack);
					const m = messages.find((x) => x.version === ack.version && x.channelID === ack.channelID);
					if (m) m.ack ??= ack;
				}
				notifyWaiters();
				return;
			}
			case 'nack': {
				const version = String(msg.version);
				const m = messages.find((x) => x.version === version);
				const ack: PushAck = {
					channelID: m?.channelID ?? '',
					version,
					code: typeof msg.code === 'number' ? msg.code : 0,
					kind: 'nack',
					at: Date.now(),
				};
				acks.push(ack);
				notifyWaiters();
				return;
			}
			default:
				// broadcast_subscribe and anything newer: nothing to do for tests.
				return;
		}
	};

	const refuse = (res: ServerResponse, status: number, errno: number, message: string): void => {
		res.statusCode = status;
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify({ code: status, errno, error: message, message }));
	};

	const checkVapid = (header: string | undefined, channel: PushChannel): string | null => {
		if (!header) return channel.key ? 'missing Authorization' : null;
		const match = /^vapid\s+(.+)$/i.exec(header.trim());
		if (!match?.[1]) return 'Authorization is not `vapid t=…, k=…`';
		const params = new Map<string, string>();
		for (const part of match[1].split(',')) {
			const eq = part.indexOf('=');
			if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
		}
		const token = params.get('t');
		const k = params.get('k');
		if (!token || !k) return 'vapid header lacks t or k';
		const keyBytes = Buffer.from(k, 'base64url');
		if (keyBytes.length !== 65 || keyBytes[0] !== 4) return 'k is not an uncompressed P-256 point';
		if (channel.key && !Buffer.from(channel.key, 'base64url').equals(keyBytes)) {
			return 'k does not match the key the subscription was created with';
		}
		if (!verifyJwt) return null;
		const parts = token.split('.');
		if (parts.length !== 3) return 'malformed JWT';
		const [h, p, s] = parts as [string, string, string];
		let header_: { alg?: string };
		let claims: { aud?: string; exp?: number; sub?: string };
		try {
			header_ = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
			claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
		} catch {
			return 'malformed JWT';
		}
		if (header_.alg !== 'ES256') return 'JWT alg is not ES256';
		try {
			const publicKey = createPublicKey({
				key: {
					kty: 'EC',
					crv: 'P-256',
					x: keyBytes.subarray(1, 33).toString('base64url'),
					y: keyBytes.subarray(33, 65).toString('base64url'),
				},
				format: 'jwk',
			});
			const ok = verify(
				'sha256',
				Buffer.from(`${h}.${p}`),
				{ key: publicKey, dsaEncoding: 'ieee-p1363' },
				Buffer.from(s, 'base64url'),
			);
			if (!ok) return 'JWT signature does not verify with k';
		} catch {
			return 'JWT signature does not verify with k';
		}
		if (claims.aud !== origin) return `JWT aud ${String(claims.aud)} is not ${origin}`;
		const now = Math.floor(Date.now() / 1000);
		if (typeof claims.exp !== 'number' || claims.exp <= now) return 'JWT expired or without exp';
		if (claims.exp > now + 24 * 3600 + 60) return 'JWT exp more than 24 h ahead';
		return null;
	};

	const onHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const url = new URL(req.url ?? '/', 'http://push');
		const m = /^\/wpush\/([^/]+)$/.exec(url.pathname);
		if (!m?.[1]) {
			refuse(res, 404, 102, 'Not found');
			return;
		}
		const channelID = decodeURIComponent(m[1]);
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const body = Buffer.concat(chunks);
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(req.headers)) {
			if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
		}
		const record: ReceivedPush = {
			channelID,
			method: req.method ?? '',
			status: 0,
			reason: null,
			headers,
			length: body.length,
			version: null,
			at: Date.now(),
		};
		received.push(record);
		const fail = (status: number, errno: number, reason: string): void => {
			record.status = status;
			record.reason = reason;
			refuse(res, status, errno, reason);
			notifyWaiters();
		};
		if (req.method !== 'POST') return fail(405, 0, 'method not allowed');
		const channel = channels.get(channelID);
		if (!channel) return fail(404, 102, 'unknown subscription');
		if (channel.unregisteredAt !== null) return fail(410, 103, 'subscription unregistered');
		const ttlHeader = headers.ttl;
		if (ttlHeader === undefined) return fail(400, 111, 'missing TTL');
		if (!/^\d+$/.test(ttlHeader.trim())) return fail(400, 112, 'invalid TTL');
		const ttl = Math.min(Number(ttlHeader.trim()), 30 * 24 * 3600);
		if (body.length > 0 && headers['content-encoding']?.trim().toLowerCase() !== 'aes128gcm') {
			return fail(400, 110, 'Content-Encoding must be aes128gcm');
		}
		if (body.length > maxBody) return fail(413, 104, 'payload too large');
		const topic = headers.topic?.trim() ?? null;
		if (topic !== null && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) return fail(400, 113, 'invalid Topic');
		const vapidError = checkVapid(headers.authorization, channel);
		if (vapidError) return fail(401, 109, vapidError);

		const version = randomUUID();
		const msg: PushMessage = {
			channelID,
			version,
			data: body.length > 0 ? body.toString('base64url') : null,
			topic,
			ttl,
			receivedAt: Date.now(),
			sends: 0,
			sentAt: null,
			ack: null,
		};
		if (topic !== null) {
			// RFC 8030 §5.4: a new message replaces an undelivered one with the same topic.
			for (let i = messages.length - 1; i >= 0; i--) {
				const old = messages[i];
				if (old && old.channelID === channelID && old.topic === topic && old.sends === 0 && !old.ack) {
					messages.splice(i, 1);
				}
			}
		}
		const client = clientFor(channel.uaid);
		// autopush does not store TTL=0 messages for absent clients.
		if (client || ttl > 0) messages.push(msg);
		if (client) deliver(client, msg);
		record.status = 201;
		record.version = version;
		res.statusCode = 201;
		res.setHeader('location', `${origin}/m/${version}`);
		res.setHeader('ttl', String(ttl));
		res.end();
		notifyWaiters();
	};

	const server = createServer((req, res) => {
		onHttp(req, res).catch((error: unknown) => {
			if (!res.headersSent) refuse(res, 500, 999, String(error));
		});
	});
	const wss = new WebSocketServer({
		server,
		handleProtocols: (protocols) => (protocols.has('push-notification') ? 'push-notification' : false),
		verifyClient: (_info, done) => {
			if (Date.now() < refuseUpgradesUntil) done(false, 503, 'holding off');
			else done(true);
		},
	});
	wss.on('connection', (ws) => {
		const client: Client = { ws, uaid: null, sent: new Set() };
		clients.add(client);
		ws.on('message', (data) => onSocketMessage(client, data.toString()));
		ws.on('close', () => {
			clients.delete(client);
			notifyWaiters();
		});
		ws.on('error', () => ws.terminate());
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	origin = `http://127.0.0.1:${port}`;

	const helloClients = (): Client[] =>
		[...clients].filter((c) => c.uaid !== null && c.ws.readyState === c.ws.OPEN);

	return {
		url: `ws://127.0.0.1:${port}/`,
		httpOrigin: origin,
		port,
		channels: () => [...channels.values()],
		acks,
		received,
		messages,
		pending: () => messages.filter((m) => !m.ack && !expired(m)),
		connectedClients: () => helloClients().length,
		waitForAck: (predicate, timeoutMs = 10_000) =>
			waitFor(() => acks.find(predicate), timeoutMs, 'a matching ack'),
		waitForChannel: (predicate, timeoutMs = 10_000) =>
			waitFor(() => [...channels.values()].find(predicate), timeoutMs, 'a matching channel registration'),
		waitForClient: async (timeoutMs = 10_000) => {
			await waitFor(() => (helloClients().length > 0 ? true : undefined), timeoutMs, 'a browser hello');
		},
		disconnectClients: (o = {}) => {
			refuseUpgradesUntil = Date.now() + (o.holdOffMs ?? 0);
			for (const c of clients) c.ws.terminate();
		},
		close: async () => {
			for (const c of clients) c.ws.terminate();
			await new Promise<void>((resolve) => wss.close(() => resolve()));
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
