// The month the campaign calendar shows, in the browser's time zone: its bounds for the calendar API, its weeks
// (Monday first, as the schedule's weekdays) and the day a run falls on.

/** A month: its year and its index (0 = January). */
export interface Month {
	year: number;
	month: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The month of a `?month=2030-01` parameter; the current month when it is missing or not a month. */
export function monthOf(param: string | null, now = new Date()): Month {
	const m = /^(\d{4})-(\d{2})$/.exec(param ?? '');
	const month = m ? Number(m[2]) - 1 : -1;
	return m && month >= 0 && month < 12
		? { year: Number(m[1]), month }
		: { year: now.getFullYear(), month: now.getMonth() };
}

/** The parameter of a month (`2030-01`). */
export const monthParam = ({ year, month }: Month) => `${year}-${pad(month + 1)}`;

/** The month `by` months later (earlier when negative). */
export function shift({ year, month }: Month, by: number): Month {
	const d = new Date(year, month + by, 1);
	return { year: d.getFullYear(), month: d.getMonth() };
}

/** The month's first instant and the next month's first instant, as ISO (the calendar API's `from` and `to`). */
export function bounds({ year, month }: Month): { from: string; to: string } {
	return {
		from: new Date(year, month, 1).toISOString(),
		to: new Date(year, month + 1, 1).toISOString(),
	};
}

/** The weeks that show the month: rows of seven days from Monday, days of the months around it included. */
export function weeks({ year, month }: Month): Date[][] {
	const offset = (new Date(year, month, 1).getDay() + 6) % 7;
	const days = new Date(year, month + 1, 0).getDate();
	return Array.from({ length: Math.ceil((offset + days) / 7) }, (_, w) =>
		Array.from({ length: 7 }, (_, i) => new Date(year, month, 1 - offset + w * 7 + i)),
	);
}

/** A day's key in the browser's zone (`2030-01-07`). */
export const dayKey = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
