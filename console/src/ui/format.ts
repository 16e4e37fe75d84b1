/** A count with thousands separators. */
export const fmt = (n: number) => n.toLocaleString('en');

/** A date and time, short. */
export const when = (iso: string | null) =>
	iso
		? new Date(iso).toLocaleString('en', {
				year: 'numeric',
				month: 'short',
				day: 'numeric',
				hour: '2-digit',
				minute: '2-digit',
			})
		: '–';

/** A percentage of a whole, or a dash when the whole is zero. */
export const rate = (part: number, whole: number) =>
	whole > 0 ? `${Math.round((part / whole) * 1000) / 10}%` : '–';

/** The value of an input event's target. */
export const value = (e: Event) => (e.target as HTMLInputElement).value;

/** A random idempotency key. */
export const newKey = () => crypto.randomUUID();

/** Waits ms milliseconds. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
