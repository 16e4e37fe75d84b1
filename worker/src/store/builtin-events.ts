import type { BuiltinEvent } from '../api/schemas/audience';
import { type EventInput, recordEvents } from './events';
import type { SubscriberStatus } from './subscribers';

// Events Beckon records itself (names: BUILTIN_EVENTS), on the subscriber ('s:<id>'), into the same event days as
// custom events.

/** A built-in event of a subscriber. */
export function builtinEvent(
	subscriberId: string,
	name: BuiltinEvent,
	time: number,
	properties: Record<string, string> | null = null,
): EventInput {
	return { subject: `s:${subscriberId}`, name, time, id: null, properties };
}

/**
 * Records `subscribed` when a subscriber became `allowed` (new, or from another state) and `unsubscribed` when it
 * left `allowed`. Run inside the transaction that changed the status. Returns the event recorded, if any.
 */
export function recordStatusChange(
	sql: SqlStorage,
	subscriberId: string,
	before: SubscriberStatus | null,
	after: SubscriberStatus | null,
	now: number,
): EventInput | null {
	if (before === after || (before !== 'allowed' && after !== 'allowed')) return null;
	const event = builtinEvent(subscriberId, after === 'allowed' ? 'subscribed' : 'unsubscribed', now);
	recordEvents(sql, [event]);
	return event;
}
