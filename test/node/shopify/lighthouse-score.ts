// Lighthouse's performance scoring (v10+, mobile) applied to metrics measured in Chromium. Lighthouse itself
// cannot be installed here; this reproduces its scoring curves so a page's measured metrics map to points.

/** The metrics a Lighthouse performance score is made of (Speed Index excluded: it needs a filmstrip). */
export interface PageMetrics {
	fcpMs: number;
	lcpMs: number;
	tbtMs: number;
	cls: number;
}

/** Lighthouse v10+ mobile control points (p10 = score 0.9, median = score 0.5) and weights. */
const CURVES: Record<keyof PageMetrics, { p10: number; median: number; weight: number }> = {
	fcpMs: { p10: 1800, median: 3000, weight: 0.1 },
	lcpMs: { p10: 2500, median: 4000, weight: 0.25 },
	tbtMs: { p10: 200, median: 600, weight: 0.3 },
	cls: { p10: 0.1, median: 0.25, weight: 0.25 },
};

/** Complementary error function (Abramowitz–Stegun 7.1.26; |error| < 1.5e-7). */
function erfc(x: number): number {
	const z = Math.abs(x);
	const t = 1 / (1 + 0.3275911 * z);
	const poly =
		t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
	const r = poly * Math.exp(-z * z);
	return x >= 0 ? r : 2 - r;
}

/** Lighthouse's log-normal score of one metric value: 1 at 0, 0.9 at p10, 0.5 at the median. */
export function metricScore(value: number, p10: number, median: number): number {
	if (value <= 0) return 1;
	const sigma = (Math.log(median) - Math.log(p10)) / 1.2815515655446004; // Φ⁻¹(0.9)
	return 0.5 * erfc((Math.log(value) - Math.log(median)) / (sigma * Math.SQRT2));
}

/**
 * Performance score 0–100 from FCP, LCP, TBT and CLS, Lighthouse's weights renormalised without Speed Index;
 * rounded like Lighthouse unless `exact`.
 */
export function performanceScore(m: PageMetrics, exact = false): number {
	let sum = 0;
	let weights = 0;
	for (const key of Object.keys(CURVES) as Array<keyof PageMetrics>) {
		const c = CURVES[key];
		sum += c.weight * metricScore(m[key], c.p10, c.median);
		weights += c.weight;
	}
	const score = (sum / weights) * 100;
	return exact ? score : Math.round(score);
}
