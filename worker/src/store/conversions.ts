import type { ConversionGoal, ConversionReport } from '#wire';
import { variantOf } from '../campaigns/experiment';
import { dayOf } from './events';
import { runMembers } from './sent-sets';

// A campaign run's conversions, computed when asked from what is already stored: the run's sent sets (whom it went
// to, whom its control group held out), the recipients' `clicked` events naming the run, and the goal event's
// days. A person is a signed user (all their devices) or an anonymous subscriber; each counts once.

interface Occurrence {
	t: number;
	p?: Record<string, string | number | boolean>;
}

/** Kept occurrences of one event name per subject, between two times (at most 10 per subject and day are kept). */
function occurrences(sql: SqlStorage, name: string, from: number, to: number): Map<string, Occurrence[]> {
	const bySubject = new Map<string, Occurrence[]>();
	for (const row of sql.exec<{ subject: string; recent: string }>(
		'SELECT subject, recent FROM event_days WHERE name = ? AND day BETWEEN ? AND ?',
		name,
		dayOf(from),
		dayOf(to),
	)) {
		const kept = (JSON.parse(row.recent) as Occurrence[]).filter((o) => o.t >= from && o.t <= to);
		if (kept.length === 0) continue;
		const list = bySubject.get(row.subject);
		if (list) list.push(...kept);
		else bySubject.set(row.subject, kept);
	}
	return bySubject;
}

/** Members grouped into people: key `u:<userId>` or `s:<subscriberId>` → their subscriber ids. */
function people(sql: SqlStorage, ids: readonly string[]): Map<string, string[]> {
	const users = new Map<string, string | null>();
	for (let i = 0; i < ids.length; i += 5000) {
		for (const row of sql.exec<{ id: string; external_user_id: string | null }>(
			'SELECT id, external_user_id FROM subscribers WHERE id IN (SELECT value FROM json_each(?))',
			JSON.stringify(ids.slice(i, i + 5000)),
		)) {
			users.set(row.id, row.external_user_id);
		}
	}
	const byPerson = new Map<string, string[]>();
	for (const id of ids) {
		const user = users.get(id);
		const key = user ? `u:${user}` : `s:${id}`;
		const list = byPerson.get(key);
		if (list) list.push(id);
		else byPerson.set(key, [id]);
	}
	return byPerson;
}

interface Tally {
	people: number;
	converted: number;
	direct: number;
	revenue: number;
}

const rate = (t: Tally) => (t.people === 0 ? 0 : t.converted / t.people);

/**
 * The conversion report of a run started at `startedAt` for its goal, at `now`: conversions are goal events within
 * the window after the run started (influenced) — direct when the person had clicked the run's notification first.
 */
export function conversionReport(
	sql: SqlStorage,
	run: {
		notificationId: string;
		startedAt: number;
		/** The automatic winner's notification: its recipients all got variant `variant`. */
		rest?: { notificationId: string; variant: number };
	},
	goal: ConversionGoal,
	variants: { seed: string; names: string[]; weights: number[] } | null,
	now: number,
): ConversionReport {
	const windowEnds = run.startedAt + goal.windowHours * 3_600_000;
	const to = Math.min(now, windowEnds);
	const members = runMembers(sql, run.notificationId);
	const rest = run.rest ? runMembers(sql, run.rest.notificationId) : { sent: [], held: [] };
	const restIds = new Set(rest.sent);
	const ours = new Set([run.notificationId, ...(run.rest ? [run.rest.notificationId] : [])]);
	const goals = occurrences(sql, goal.event, run.startedAt, to);
	const clicks = occurrences(sql, 'clicked', run.startedAt, to);
	const clickedAt = (subscriberId: string): number | null => {
		const mine = clicks.get(`s:${subscriberId}`)?.filter((o) => ours.has(String(o.p?.notificationId))) ?? [];
		return mine.length === 0 ? null : Math.min(...mine.map((o) => o.t));
	};
	const tally = (): Tally => ({ people: 0, converted: 0, direct: 0, revenue: 0 });
	const count = (into: Tally[], key: string, devices: string[], withClicks: boolean) => {
		for (const t of into) t.people++;
		const subjects = key.startsWith('u:') ? [key, ...devices.map((id) => `s:${id}`)] : [key];
		const events = subjects.flatMap((s) => goals.get(s) ?? []);
		if (events.length === 0) return;
		const revenue = goal.revenueProperty
			? events.reduce((sum, e) => {
					const value = Number(e.p?.[goal.revenueProperty as string]);
					return Number.isFinite(value) ? sum + value : sum;
				}, 0)
			: 0;
		const firstClick = withClicks
			? Math.min(...devices.map((id) => clickedAt(id) ?? Number.POSITIVE_INFINITY))
			: Number.POSITIVE_INFINITY;
		const direct = events.some((e) => e.t >= firstClick && e.t <= firstClick + goal.windowHours * 3_600_000);
		for (const t of into) {
			t.converted++;
			t.revenue += revenue;
			if (direct) t.direct++;
		}
	};
	const all = tally();
	const byVariant = variants ? variants.names.map(() => tally()) : null;
	for (const [key, devices] of people(sql, [...members.sent, ...rest.sent])) {
		const first = devices[0] as string;
		const v =
			run.rest && restIds.has(first)
				? run.rest.variant
				: variants
					? variantOf(variants.seed, first, variants.weights)
					: 0;
		count(byVariant ? [all, byVariant[v] as Tally] : [all], key, devices, true);
	}
	const control = tally();
	for (const [key, devices] of people(sql, [...members.held, ...rest.held]))
		count([control], key, devices, false);
	const round = (x: number) => Math.round(x * 100) / 100;
	const hasControl = members.held.length > 0;
	return {
		goal,
		windowEndsAt: new Date(windowEnds).toISOString(),
		final: now >= windowEnds,
		recipients: all.people,
		converted: all.converted,
		direct: all.direct,
		influenced: all.converted - all.direct,
		revenue: round(all.revenue),
		rate: rate(all),
		control: hasControl
			? {
					members: control.people,
					converted: control.converted,
					revenue: round(control.revenue),
					rate: rate(control),
				}
			: null,
		lift: hasControl && rate(control) > 0 ? (rate(all) - rate(control)) / rate(control) : null,
		...(byVariant && variants
			? {
					variants: byVariant.map((t, i) => ({
						name: variants.names[i] as string,
						recipients: t.people,
						converted: t.converted,
						direct: t.direct,
						revenue: round(t.revenue),
						rate: rate(t),
					})),
				}
			: {}),
	};
}
