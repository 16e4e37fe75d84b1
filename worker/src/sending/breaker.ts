import type { PushOutcome } from '../push/classify';

/** Retryable answers in a row from one push service, with no other answer between, that mean it is down. */
export const TRIP_AFTER = 12;

/**
 * Notices a push service that stopped answering (429/5xx, resets, hangs) within one queue invocation, so that
 * the invocation's remaining pushes to it are handed back for the next pass instead of being sent into the outage.
 * A hanging service would otherwise hold an invocation for `recipients × PUSH_TIMEOUT_MS / 6`: about 7 minutes
 * for one 250-recipient batch at 10 s, past the batch lease, after which the batch could be handed out twice.
 */
export class OutageBreaker {
	readonly #streaks = new Map<string, number>();

	/** True when pushes to this push service (an endpoint origin) should wait for the next pass. */
	isOpen(origin: string): boolean {
		return (this.#streaks.get(origin) ?? 0) >= TRIP_AFTER;
	}

	/** Notes how a push to this push service ended. */
	record(origin: string, outcome: PushOutcome): void {
		if (outcome.kind === 'retry') this.#streaks.set(origin, (this.#streaks.get(origin) ?? 0) + 1);
		else this.#streaks.delete(origin);
	}
}
