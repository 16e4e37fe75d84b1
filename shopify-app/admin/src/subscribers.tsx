import type { Stats } from './types';

const STATUS_LABELS: Array<[keyof Stats['byStatus'], string]> = [
	['allowed', 'Subscribed'],
	['ask', 'Not decided'],
	['blocked', 'Blocked'],
	['unsupported', 'Unsupported'],
	['suspended', 'Signed out'],
];

const fmt = (n: number) => n.toLocaleString('en');

/** Subscriber counts: active, everyone seen, by permission state and by browser. */
export function SubscriberCounts({ stats }: { stats: Stats }) {
	const total = Object.values(stats.byStatus).reduce((a, b) => a + b, 0);
	const browsers = Object.entries(stats.byBrowser)
		.filter(([, n]) => n > 0)
		.sort((a, b) => b[1] - a[1]);
	const top = Math.max(1, ...browsers.map(([, n]) => n));
	return (
		<section class="card" aria-labelledby="counts-title">
			<h2 id="counts-title">Subscribers</h2>
			<div class="figures">
				<div class="figure big" data-testid="active">
					<b class="figure-n">{fmt(stats.active)}</b>
					<span class="figure-label">active subscribers</span>
				</div>
				<div class="figure" data-testid="total">
					<b class="figure-n">{fmt(total)}</b>
					<span class="figure-label">browsers seen</span>
				</div>
			</div>
			<ul class="statuses" data-testid="by-status">
				{STATUS_LABELS.map(([key, label]) => (
					<li key={key} class={`status-${key}`}>
						<span class="status-label">{label}</span>
						<b class="status-n">{fmt(stats.byStatus[key] ?? 0)}</b>
					</li>
				))}
			</ul>
			<h3>By browser</h3>
			{browsers.length === 0 ? (
				<p class="muted">No subscribers yet. Switch on the Beckon app embed in your theme editor.</p>
			) : (
				<ul class="bars" data-testid="by-browser">
					{browsers.map(([name, n]) => (
						<li key={name}>
							<span class="bar-label">{name}</span>
							<span class="bar">
								<i style={{ width: `${(n / top) * 100}%` }} />
							</span>
							<b class="bar-n">{fmt(n)}</b>
						</li>
					))}
				</ul>
			)}
		</section>
	);
}
