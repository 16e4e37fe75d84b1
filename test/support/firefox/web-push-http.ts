import { Agent, type RequestOptions } from 'node:https';
import { connect, type Socket } from 'node:net';

/**
 * An `https.Agent` whose connections are plain TCP, so the `web-push` library (which always calls
 * `https.request`) can send to a loopback `http://127.0.0.1:PORT/...` endpoint such as the local push server's.
 * Pass it as `sendNotification(subscription, payload, { agent: plainHttpAgent(), ... })`.
 * Only for tests against loopback servers.
 */
export function plainHttpAgent(): Agent {
	return new PlainHttpAgent({ keepAlive: false });
}

class PlainHttpAgent extends Agent {
	override createConnection(options: RequestOptions): Socket {
		const host = options.host ?? '127.0.0.1';
		if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
			throw new Error(`plainHttpAgent only connects to loopback, not ${host}`);
		}
		return connect({ host, port: Number(options.port ?? 80) });
	}
}
