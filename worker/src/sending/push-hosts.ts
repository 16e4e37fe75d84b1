/** Which push service an endpoint belongs to, or null if it is not one we send to. */
export type PushService = 'fcm' | 'mozilla' | 'apple' | 'wns' | 'loopback';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Classifies an endpoint URL. Only https endpoints on the known push services are accepted (no open relay, no
 * SSRF); http(s) loopback endpoints only when `allowLoopback` (local development and tests).
 */
export function pushServiceOf(endpoint: URL, allowLoopback: boolean): PushService | null {
	const host = endpoint.hostname.toLowerCase();
	if (LOOPBACK.has(host)) {
		return allowLoopback && (endpoint.protocol === 'http:' || endpoint.protocol === 'https:')
			? 'loopback'
			: null;
	}
	if (endpoint.protocol !== 'https:' || endpoint.username || endpoint.password) return null;
	if (host === 'fcm.googleapis.com' || host === 'android.googleapis.com') return 'fcm';
	if (host === 'updates.push.services.mozilla.com' || host.endsWith('.push.services.mozilla.com'))
		return 'mozilla';
	if (host === 'web.push.apple.com' || host.endsWith('.push.apple.com')) return 'apple';
	if (host.endsWith('.notify.windows.com')) return 'wns';
	return null;
}
