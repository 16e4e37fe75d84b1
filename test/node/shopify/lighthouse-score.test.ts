import { describe, expect, it } from 'vitest';
import { metricScore, performanceScore } from './lighthouse-score.ts';

describe('lighthouse-style score', () => {
	it('scores 0.9 at the p10 control point and 0.5 at the median, like Lighthouse', () => {
		expect(metricScore(1800, 1800, 3000)).toBeCloseTo(0.9, 4);
		expect(metricScore(3000, 1800, 3000)).toBeCloseTo(0.5, 6);
		expect(metricScore(0, 1800, 3000)).toBe(1);
		expect(metricScore(20_000, 1800, 3000)).toBeLessThan(0.01);
	});

	it('gives 100 to an instant page and loses points as metrics grow', () => {
		expect(performanceScore({ fcpMs: 300, lcpMs: 400, tbtMs: 0, cls: 0 })).toBe(100);
		expect(performanceScore({ fcpMs: 3000, lcpMs: 4000, tbtMs: 600, cls: 0.25 })).toBe(50);
	});
});
