import { openToken, signToken } from './signed-token';

// Tester links: "add this browser as a tester" from the console. The console asks for a link to a page of the site
// whose fragment carries `beckon-tester=btl.<payload>.<mac>`; the widget on that page, once the browser has a
// subscriber id, hands the token back with its id and the subscriber is marked as a tester. A signed token
// (lib/signed-token.ts) of payload {v, sid, exp} under its own label, so a tester link is never a console token and
// the reverse. Nothing is stored; a link dies at its `exp` (15 minutes).

/** How long a tester link works. */
export const TESTER_LINK_TTL_SECONDS = 15 * 60;

const LABEL = 'beckon tester link v1';

/** Signs a tester token for a site; returns it and its expiry (ISO). */
export async function signTesterToken(
	masterKey: string | null,
	siteId: string,
	now = Date.now(),
): Promise<{ token: string; expiresAt: string }> {
	const exp = Math.floor(now / 1000) + TESTER_LINK_TTL_SECONDS;
	return {
		token: await signToken(masterKey, LABEL, 'btl', { v: 1, sid: siteId, exp }),
		expiresAt: new Date(exp * 1000).toISOString(),
	};
}

/** Why a tester token was refused. */
export type TesterTokenProblem = 'malformed' | 'bad_signature' | 'expired' | 'other_site';

/** Verifies a tester token for a site: MAC in constant time, expiry, site. */
export async function verifyTesterToken(
	masterKey: string | null,
	siteId: string,
	token: string,
	now = Date.now(),
): Promise<TesterTokenProblem | null> {
	const opened = await openToken(masterKey, LABEL, 'btl', token);
	if ('problem' in opened) return opened.problem;
	const body = opened.body;
	if (body.v !== 1 || typeof body.exp !== 'number') {
		return 'malformed';
	}
	if (body.sid !== siteId) return 'other_site';
	if (body.exp * 1000 <= now) return 'expired';
	return null;
}
