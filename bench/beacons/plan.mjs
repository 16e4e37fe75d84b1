// The beacon burst's requests, decided before it starts: who sends what, in one shuffled order.
// Cold IPs send about 10 requests each (far below the 120/min limit); a few hot IPs send hundreds each.
// Each address sends the same mix: new subscriptions, repeats of known endpoints (200, not a new subscriber),
// pageviews of known subscribers, and shown / clicked beacons for the one notification sent before the burst.

/** Share of each kind of request, per address. */
export const MIX = { subscribe: 0.37, resubscribe: 0.03, pageview: 0.3, shown: 0.2, clicked: 0.1 };

const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

/** A seeded PRNG (mulberry32): the same plan on every run. */
function random(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Address number i of a /8 private range, as a dotted quad. */
export const ipOf = (prefix, i) => `${prefix}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** The body the widget sends for a push subscription (widget/src/beckon.ts). */
export function subscribeBody(endpoint, key, origin, page) {
	return JSON.stringify({
		subscription: { endpoint, keys: { p256dh: key.p256dh, auth: key.auth } },
		permission: 'granted',
		url: `${origin}/products/item-${page}`,
		timezone: 'Europe/Berlin',
		locale: 'en-GB',
	});
}

/** Headers of a browser request from address `ip` on the site's own origin. */
export const browserHeaders = (origin, ip) => ({
	'content-type': 'application/json',
	origin,
	'user-agent': FIREFOX_UA,
	'cf-connecting-ip': ip,
});

/**
 * Plans `total` requests: `hot` addresses send `hotPerIp` each, the rest come from cold addresses, ~10 each.
 * `setup` holds the subscribers made before the burst ({ id, endpoint }); new endpoints start with `endpointBase`.
 * About 2 % of new subscriptions repeat an earlier endpoint of the burst (a browser reporting twice).
 */
export function planBurst({
	total,
	hot,
	hotPerIp,
	siteId,
	notificationId,
	origin,
	endpointBase,
	keys,
	setup,
}) {
	const rnd = random(8);
	const pick = (list) => list[Math.floor(rnd() * list.length)];
	const hotIps = Array.from({ length: hot }, (_, i) => `203.0.113.${i + 1}`);
	const coldRequests = total - hot * hotPerIp;
	if (coldRequests <= 0) throw new Error('the hot addresses would send the whole burst');
	const coldIps = Array.from({ length: Math.ceil(coldRequests / 10) }, (_, i) => ipOf('10', i + 1));
	const ips = [];
	for (const ip of hotIps) for (let i = 0; i < hotPerIp; i++) ips.push(ip);
	for (let i = 0; i < coldRequests; i++) ips.push(coldIps[i % coldIps.length]);
	const kinds = Object.entries(MIX);
	const events = `/v1/sites/${siteId}/subscribers`;
	const fresh = [];
	const requests = ips.map((ip) => {
		const r = rnd();
		let kind = kinds[0][0];
		let upTo = 0;
		for (const [k, share] of kinds) {
			kind = k;
			upTo += share;
			if (r < upTo) break;
		}
		const page = Math.floor(rnd() * 40);
		if (kind === 'subscribe' || kind === 'resubscribe') {
			let endpoint;
			if (kind === 'resubscribe') endpoint = pick(setup).endpoint;
			else if (fresh.length > 0 && rnd() < 0.02) endpoint = pick(fresh);
			else {
				endpoint = `${endpointBase}burst-${fresh.length}`;
				fresh.push(endpoint);
			}
			const body = subscribeBody(endpoint, pick(keys), origin, page);
			return { ip, kind, endpoint, path: events, body };
		}
		const path = `${events}/${pick(setup).id}/events`;
		if (kind === 'pageview')
			return {
				ip,
				kind,
				path,
				body: JSON.stringify({ type: 'pageview', url: `${origin}/products/item-${page}` }),
			};
		return { ip, kind, path, body: JSON.stringify({ type: kind, notificationId }) };
	});
	for (let i = requests.length - 1; i > 0; i--) {
		const j = Math.floor(rnd() * (i + 1));
		[requests[i], requests[j]] = [requests[j], requests[i]];
	}
	return { requests, hotIps, coldIps, newEndpoints: fresh.length };
}
