// Deterministic membership for a campaign's experiments: a subscriber's bucket is a hash of (campaign, subscriber),
// so holdout (control group) and, later, variant membership are recomputed wherever needed and never stored.

/** Buckets per campaign: a percentage is honoured to 0.01 %. */
export const BUCKETS = 10_000;

/** FNV-1a (32 bit) of `campaignId:subscriberId`, folded into [0, BUCKETS). */
export function bucketOf(campaignId: string, subscriberId: string): number {
	let h = 0x811c9dc5;
	const text = `${campaignId}:${subscriberId}`;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	// One more round of mixing (murmur3's finaliser), so ids that differ only at the end spread evenly.
	h = (h ^ (h >>> 16)) >>> 0;
	h = Math.imul(h, 0x85ebca6b) >>> 0;
	h = (h ^ (h >>> 13)) >>> 0;
	h = Math.imul(h, 0xc2b2ae35) >>> 0;
	h = (h ^ (h >>> 16)) >>> 0;
	return h % BUCKETS;
}

/** Whether a subscriber is in a campaign's control group of `percent` % (not sent to; conversions still measured). */
export function inHoldout(campaignId: string, subscriberId: string, percent: number): boolean {
	return bucketOf(campaignId, subscriberId) < Math.round(percent * (BUCKETS / 100));
}

/**
 * The variant (index into `weights`) of a subscriber: a bucket of (campaign, subscriber) under its own seed, so it
 * is independent of the control group, spread over the weights' cumulative shares.
 */
export function variantOf(campaignId: string, subscriberId: string, weights: readonly number[]): number {
	const total = weights.reduce((sum, w) => sum + w, 0);
	const bucket = bucketOf(`${campaignId}#variant`, subscriberId);
	let edge = 0;
	for (let i = 0; i < weights.length; i++) {
		edge += ((weights[i] ?? 0) / total) * BUCKETS;
		if (bucket < edge) return i;
	}
	return weights.length - 1;
}
