import type { SiteStats } from '#wire';
import { fmt, locale, sprintf } from '../ui/format';
import { useT, useTn } from '../ui/parts';

const W = 600;
const H = 160;
const MID = 110;

const short = (day: string) =>
	new Date(`${day}T00:00:00Z`).toLocaleDateString(locale(), {
		month: 'short',
		day: 'numeric',
		timeZone: 'UTC',
	});

/**
 * 30-day growth: new subscriptions up, lost ones down (inline SVG with a title and description), and the same
 * figures as a table for screen readers and keyboard users who expand it.
 */
export function GrowthChart({ daily }: { daily: SiteStats['daily'] }) {
	const added = daily.reduce((a, d) => a + d.added, 0);
	const removed = daily.reduce((a, d) => a + d.removed, 0);
	const top = Math.max(1, ...daily.map((d) => d.added));
	const bottom = Math.max(1, ...daily.map((d) => d.removed));
	const step = W / Math.max(1, daily.length);
	const upScale = (MID - 12) / top;
	const downScale = (H - MID - 18) / Math.max(bottom, top / 3);
	const t = useT();
	const tn = useTn();
	const summary = sprintf(
		tn(
			'+%1$s new, −%2$s lost in the last %3$d day',
			'+%1$s new, −%2$s lost in the last %3$d days',
			daily.length,
		),
		fmt(added),
		fmt(removed),
		daily.length,
	);
	return (
		<section class="card" aria-labelledby="growth-title">
			<h2 id="growth-title">{t('Growth, last 30 days')}</h2>
			<p class="muted" data-testid="growth-summary">
				{summary}
			</p>
			<svg
				viewBox={`0 0 ${W} ${H}`}
				class="chart"
				role="img"
				aria-labelledby="growth-svg-title growth-svg-desc"
			>
				<title id="growth-svg-title">{t('Daily new and lost subscribers')}</title>
				<desc id="growth-svg-desc">{sprintf(t('%s. The table below lists every day.'), summary)}</desc>
				<line x1="0" x2={W} y1={MID} y2={MID} class="axis" />
				{daily.map((d, i) => (
					<g key={d.day}>
						{d.added > 0 && (
							<rect
								class="up"
								x={i * step + 2}
								width={Math.max(2, step - 4)}
								y={MID - d.added * upScale}
								height={d.added * upScale}
								rx="2"
							/>
						)}
						{d.removed > 0 && (
							<rect
								class="down"
								x={i * step + 2}
								width={Math.max(2, step - 4)}
								y={MID}
								height={d.removed * downScale}
								rx="2"
							/>
						)}
					</g>
				))}
				{daily.length > 0 && (
					<>
						<text x="0" y={H - 2} class="tick">
							{short(daily[0]?.day ?? '')}
						</text>
						<text x={W} y={H - 2} class="tick" text-anchor="end">
							{short(daily[daily.length - 1]?.day ?? '')}
						</text>
					</>
				)}
			</svg>
			<details class="chart-table">
				<summary>{t('Show as a table')}</summary>
				<div class="table-wrap">
					<table>
						<caption class="sr-only">{t('Daily new and lost subscribers')}</caption>
						<thead>
							<tr>
								<th scope="col">{t('Day')}</th>
								<th scope="col" class="num">
									{t('New')}
								</th>
								<th scope="col" class="num">
									{t('Lost')}
								</th>
							</tr>
						</thead>
						<tbody>
							{daily.map((d) => (
								<tr key={d.day}>
									<th scope="row">{short(d.day)}</th>
									<td class="num">{fmt(d.added)}</td>
									<td class="num">{fmt(d.removed)}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			</details>
		</section>
	);
}
