import type { Stats } from './types';

const W = 600;
const H = 160;
const MID = 110;

const short = (day: string) =>
	new Date(`${day}T00:00:00Z`).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** 30-day growth: new subscriptions up, lost ones down, one bar pair per day (inline SVG, no library). */
export function GrowthChart({ daily }: { daily: Stats['daily'] }) {
	const added = daily.reduce((a, d) => a + d.added, 0);
	const removed = daily.reduce((a, d) => a + d.removed, 0);
	const top = Math.max(1, ...daily.map((d) => d.added));
	const bottom = Math.max(1, ...daily.map((d) => d.removed));
	const step = W / Math.max(1, daily.length);
	const upScale = (MID - 12) / top;
	const downScale = (H - MID - 18) / Math.max(bottom, top / 3);
	return (
		<section class="card" aria-labelledby="growth-title">
			<h2 id="growth-title">Growth, last 30 days</h2>
			<p class="muted" data-testid="growth-summary">
				+{added.toLocaleString('en')} new, −{removed.toLocaleString('en')} lost
			</p>
			<svg viewBox={`0 0 ${W} ${H}`} class="chart" role="img" aria-label="Daily new and lost subscribers">
				<line x1="0" x2={W} y1={MID} y2={MID} class="axis" />
				{daily.map((d, i) => (
					<g key={d.day}>
						<title>{`${short(d.day)}: +${d.added} / −${d.removed}`}</title>
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
		</section>
	);
}
