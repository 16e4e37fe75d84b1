import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf, inHoldout } from '../../../worker/src/campaigns/experiment';

// Holdout membership: deterministic, evenly spread, independent between campaigns. No storage involved.

const ids = Array.from(
	{ length: 20_000 },
	(_, i) => `sub_${i.toString(36).padStart(8, '0')}x${(i * 7919) % 1000}`,
);

describe('control groups by hash', () => {
	it('holds out the asked share within statistical tolerance (3 σ) for several percentages', () => {
		for (const percent of [1, 10, 25, 50]) {
			const held = ids.filter((id) => inHoldout('cmp_spring', id, percent)).length;
			const p = percent / 100;
			const sigma = Math.sqrt(ids.length * p * (1 - p));
			expect(Math.abs(held - ids.length * p), `${percent} %`).toBeLessThan(3 * sigma);
		}
	});

	it('is the same every time, and differs between campaigns', () => {
		const a = ids.filter((id) => inHoldout('cmp_a', id, 10));
		expect(ids.filter((id) => inHoldout('cmp_a', id, 10))).toEqual(a);
		const b = new Set(ids.filter((id) => inHoldout('cmp_b', id, 10)));
		const both = a.filter((id) => b.has(id)).length;
		// Independent: about 1 % of all ids are in both 10 % groups.
		expect(Math.abs(both - ids.length * 0.01)).toBeLessThan(3 * Math.sqrt(ids.length * 0.01 * 0.99));
	});

	it('spreads buckets evenly (chi-square over 20 bins)', () => {
		const bins = new Array(20).fill(0);
		for (const id of ids) bins[Math.floor((bucketOf('cmp_x', id) / BUCKETS) * 20)]++;
		const expected = ids.length / 20;
		const chi = bins.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
		// 19 degrees of freedom: p = 0.001 at 43.8.
		expect(chi).toBeLessThan(43.8);
	});
});
