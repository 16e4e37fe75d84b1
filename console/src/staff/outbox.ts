import type { OutboxMessage } from '#wire';
import { type Api, isStatus } from '../api';

// The local outbox (`npm start` only): the mail a local SMTP sink caught, e.g. staff reminders, through
// GET …/dev/outbox. A deployment answers 404 there; so does a worker that is not in local development.

/** The outbox as the console shows it: the caught messages newest first, or why there are none to show. */
export type OutboxState =
	| { kind: 'messages'; messages: OutboxMessage[] }
	/** Not local development: this deployment sends real email and has no outbox. */
	| { kind: 'absent' }
	/** Local development, but the sink is not reachable (the error says why). */
	| { kind: 'down'; error: unknown };

/** Reads the outbox; a 404 means there is none here, any other failure that the sink is down. */
export async function loadOutbox(api: Api): Promise<OutboxState> {
	try {
		const messages = await api.call<OutboxMessage[]>('/dev/outbox');
		return { kind: 'messages', messages: [...messages].reverse() };
	} catch (error) {
		if (isStatus(error, 404)) return { kind: 'absent' };
		return { kind: 'down', error };
	}
}

const probes = new WeakMap<Api, Promise<boolean>>();

/** Whether this worker has an outbox (asked once per console session, for the staff screens' Outbox link). */
export function hasOutbox(api: Api): Promise<boolean> {
	let probe = probes.get(api);
	if (!probe) {
		probe = loadOutbox(api).then((state) => state.kind !== 'absent');
		probes.set(api, probe);
	}
	return probe;
}
