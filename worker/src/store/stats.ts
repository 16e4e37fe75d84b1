import type { SiteStats } from '#wire';

export type { SiteStats } from '#wire';

/** Reads a site store's counters and the last `days` days of growth (zero-filled, oldest first). */
export function readStats(sql: SqlStorage, now: number, days = 30): SiteStats {
	const since = new Date(now - (days - 1) * 86_400_000).toISOString().slice(0, 10);
	const counts = sql.exec<{ key: string; n: number }>('SELECT key, n FROM counts').toArray();
	const daily = sql
		.exec<{ day: string; added: number; removed: number }>(
			'SELECT day, added, removed FROM daily WHERE day >= ?',
			since,
		)
		.toArray();
	const byStatus = { ask: 0, allowed: 0, blocked: 0, unsupported: 0, suspended: 0 };
	const byBrowser: Record<string, number> = {};
	for (const row of counts) {
		const [kind, value] = row.key.split(':') as [string, string];
		if (kind === 'status' && value in byStatus) byStatus[value as keyof typeof byStatus] = row.n;
		else if (kind === 'browser' && row.n > 0) byBrowser[value] = row.n;
	}
	const found = new Map(daily.map((d) => [d.day, d]));
	const series: SiteStats['daily'] = [];
	for (let i = days - 1; i >= 0; i--) {
		const day = new Date(now - i * 86_400_000).toISOString().slice(0, 10);
		const d = found.get(day);
		series.push({ day, added: d?.added ?? 0, removed: d?.removed ?? 0 });
	}
	return { byStatus, active: byStatus.allowed, byBrowser, daily: series };
}
