import type { ConsoleToken, SiteSummary } from '#wire';
import { ApiError, readError } from '../api-error';
import { checkHandoff, HandoffError, type HandoffFrom, readHandoffHash } from './handoff';
import { englishPlural, type Host, homeAddress, type NoticeBoard, tokenCache } from './host';

/** What the standalone console remembers for this tab (sessionStorage only, never the URL). */
export interface Session {
	siteId: string;
	/** A site API key, the operator token, or a handed-off console token (used as is). */
	secret: string;
	kind: 'key' | 'operator' | 'token';
	/** kind token: the host that handed it off (null: none this console knows). */
	from?: HandoffFrom | null;
	/** kind token: the console's page in that host's admin, where a staff push's click lands. */
	back?: string | null;
}

const KINDS: ReadonlyArray<Session['kind']> = ['key', 'operator', 'token'];

const KEY = 'beckon.console.session';

/** The session of this tab, if signed in. */
export function loadSession(): Session | null {
	try {
		const raw = sessionStorage.getItem(KEY);
		const s = raw ? (JSON.parse(raw) as Partial<Session>) : null;
		if (s && typeof s.siteId === 'string' && typeof s.secret === 'string') {
			const kind = KINDS.find((k) => k === s.kind) ?? 'key';
			const from = s.from === 'wordpress' || s.from === 'shopify' ? s.from : null;
			const back = homeAddress(s.back);
			return { siteId: s.siteId, secret: s.secret, kind, ...(kind === 'token' ? { from, back } : {}) };
		}
	} catch {
		// A damaged entry is treated as signed out.
	}
	return null;
}

/** Remembers the session for this tab. */
export function saveSession(session: Session): void {
	sessionStorage.setItem(KEY, JSON.stringify(session));
}

/** Forgets the session. */
export function clearSession(): void {
	sessionStorage.removeItem(KEY);
}

/**
 * Accepts the `#site=…&key=…` link `npm start` prints: moves it to sessionStorage and strips it from the address
 * at once, so the key is neither kept in history nor sent as a referrer.
 */
export function adoptHashLink(): void {
	const params = new URLSearchParams(location.hash.replace(/^#\/?/, ''));
	const siteId = params.get('site');
	const secret = params.get('key');
	if (!siteId || !secret) return;
	saveSession({ siteId, secret, kind: 'key' });
	history.replaceState(null, '', `${location.pathname}${location.search}#/overview`);
}

/**
 * Accepts a hand-off (`#handoff=<console token>&site=…&from=…`, hosts/handoff.ts) like the link above: moved to
 * sessionStorage and stripped from the address at once, landing on the devices screen. Whether the token is good
 * is told when the console starts. Returns whether the hash was a hand-off.
 */
export function adoptHandoff(): boolean {
	const link = readHandoffHash(location.hash);
	if (!link) return false;
	saveSession({ siteId: link.siteId, secret: link.token, kind: 'token', from: link.from, back: link.back });
	history.replaceState(null, '', `${location.pathname}${location.search}#/alerts/devices`);
	return true;
}

/** GET /v1/sites with the operator token, page after page (500 a page, 20 pages at most): the sites to pick from. */
export async function listSites(api: string, operatorToken: string): Promise<SiteSummary[]> {
	const sites: SiteSummary[] = [];
	let after = '';
	for (let page = 0; page < 20; page++) {
		const response = await fetch(`${api}/v1/sites?limit=500&after=${encodeURIComponent(after)}`, {
			headers: { authorization: `Bearer ${operatorToken}` },
		});
		if (!response.ok) throw await readError(response);
		const body = (await response.json()) as { sites: SiteSummary[]; next: string | null };
		sites.push(...body.sites);
		if (!body.next) break;
		after = body.next;
	}
	return sites;
}

/** POST /v1/sites/:siteId/console-tokens with a site API key or the operator token. */
export async function mintToken(api: string, session: Session): Promise<ConsoleToken> {
	const staff =
		session.kind === 'operator' ? { id: 'operator', name: 'Operator' } : { id: 'owner', name: 'Site owner' };
	const response = await fetch(`${api}/v1/sites/${encodeURIComponent(session.siteId)}/console-tokens`, {
		method: 'POST',
		headers: { authorization: `Bearer ${session.secret}`, 'content-type': 'application/json' },
		body: JSON.stringify({ staff }),
	});
	if (!response.ok) throw await readError(response);
	return (await response.json()) as ConsoleToken;
}

/**
 * The standalone host: signs in with a site key or the operator token kept in sessionStorage, or uses a
 * handed-off console token as is until it expires (then a HandoffError says where to get a new one).
 */
export function standaloneHost(api: string, notices: NoticeBoard): Host {
	const t = (text: string) => text;
	const minted = tokenCache(() => {
		const session = loadSession();
		if (!session) return Promise.reject(new ApiError(401, 'signed_out', t('Sign in to continue')));
		return mintToken(api, session);
	});
	return {
		kind: 'standalone',
		token: async (force) => {
			const session = loadSession();
			if (session?.kind !== 'token') return minted(force);
			const from = session.from ?? null;
			const checked = checkHandoff({ token: session.secret, siteId: session.siteId, from });
			if (!checked.ok) throw new HandoffError(checked.reason, from, t);
			return checked.token;
		},
		toast: (message, isError) => notices.push(message, isError),
		consoleHome: () => loadSession()?.back ?? null,
		t,
		tn: englishPlural,
	};
}
