import type { ConsoleToken, Role, Staff } from '#wire';
import { sprintf } from '../ui/format';
import { type HostKind, homeAddress } from './host';

// The hand-off from a console on another origin (wp-admin) or in a frame (Shopify admin) to the console on the
// worker's own origin, where staff pushes live (their service worker is the worker origin's). The host mints a
// fresh console token for the same signed-in member and opens `/console/#handoff=<token>&site=…&from=…`; the
// worker-origin console moves it to sessionStorage at once and uses the token as is until it expires (it cannot
// mint another: a console token never mints console tokens). No API key ever goes into an address.

/** The hosts that hand off: their console is not on the worker's origin, or not in a top-level page. */
export type HandoffFrom = Exclude<HostKind, 'standalone'>;

/** A hand-off as the address carries it. */
export interface HandoffLink {
	token: string;
	siteId: string;
	/** null when the link names no host this console knows. */
	from: HandoffFrom | null;
	/** The console's page in the host's admin, where a staff push's click lands (null: none given). */
	back: string | null;
}

/** Why a hand-off does not sign in: each has its own message ({@link handoffMessage}). */
export type HandoffProblem = 'expired' | 'damaged';

/** A hand-off's token, readable and current, or why not. */
export type HandoffCheck = { ok: true; token: ConsoleToken } | { ok: false; reason: HandoffProblem };

/** The worker-origin console's address that signs in with `token` (it lands on the devices screen). */
export function handoffUrl(
	workerOrigin: string,
	token: ConsoleToken,
	from: HandoffFrom,
	back: string | null = null,
): string {
	const params = new URLSearchParams({ handoff: token.token, site: token.siteId, from });
	const home = homeAddress(back);
	if (home) params.set('back', home);
	return `${workerOrigin.replace(/\/+$/, '')}/console/#${params}`;
}

const asFrom = (value: string | null): HandoffFrom | null =>
	value === 'wordpress' || value === 'shopify' ? value : null;

/** Reads `#handoff=…&site=…&from=…`; null when the hash is not a hand-off (a damaged one is still returned). */
export function readHandoffHash(hash: string): HandoffLink | null {
	const params = new URLSearchParams(hash.replace(/^#\/?/, ''));
	const token = params.get('handoff');
	if (token === null) return null;
	return {
		token,
		siteId: params.get('site') ?? '',
		from: asFrom(params.get('from')),
		back: homeAddress(params.get('back')),
	};
}

function decodeJson(b64url: string): unknown {
	const binary = atob(b64url.replace(/-/g, '+').replace(/_/g, '/'));
	return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];
const text = (v: unknown) => (typeof v === 'string' ? v : null);

/**
 * The ConsoleToken a hand-off carries, read from the token's payload (`bct.<base64url JSON>.<mac>`, see the
 * worker's lib/console-token.ts). The worker checks the MAC on every call, so this reading only names the member,
 * the role and the expiry for the screens; a token for another site than the link says counts as damaged.
 */
export function checkHandoff(link: Omit<HandoffLink, 'back'>, now = Date.now()): HandoffCheck {
	const damaged = { ok: false, reason: 'damaged' } as const;
	const parts = link.token.split('.');
	if (parts.length !== 3 || parts[0] !== 'bct' || !parts[1] || !parts[2] || link.from === null)
		return damaged;
	let body: Record<string, unknown>;
	try {
		body = decodeJson(parts[1]) as Record<string, unknown>;
	} catch {
		return damaged;
	}
	const stf = body?.stf as Partial<Staff> | undefined;
	const role = body?.role as Role;
	if (
		typeof body !== 'object' ||
		body === null ||
		body.sid !== link.siteId ||
		typeof body.exp !== 'number' ||
		typeof stf?.id !== 'string' ||
		!ROLES.includes(role)
	)
		return damaged;
	if (body.exp * 1000 <= now) return { ok: false, reason: 'expired' };
	return {
		ok: true,
		token: {
			token: link.token,
			expiresAt: new Date(body.exp * 1000).toISOString(),
			siteId: link.siteId,
			staff: { id: stf.id, name: text(stf.name), email: text(stf.email) },
			role,
		},
	};
}

/** The host's name as people know it. */
export const hostName = (from: HandoffFrom | null, t: (text: string) => string) =>
	from === 'wordpress' ? 'WordPress' : from === 'shopify' ? 'Shopify' : t('your admin');

/** What the console says when a hand-off cannot sign in (or no longer does). */
export function handoffMessage(
	reason: HandoffProblem,
	from: HandoffFrom | null,
	t: (text: string) => string,
): string {
	const where = hostName(from, t);
	return reason === 'expired'
		? sprintf(t('This sign-in from %1$s has expired; open the console again from %2$s.'), where, where)
		: sprintf(
				t('This sign-in link from %1$s is damaged or not valid; open the console again from %2$s.'),
				where,
				where,
			);
}

/** A hand-off that does not sign in (any more): thrown by the host's token(), shown by the app. */
export class HandoffError extends Error {
	override name = 'HandoffError';
	constructor(
		readonly reason: HandoffProblem,
		readonly from: HandoffFrom | null,
		t: (text: string) => string,
	) {
		super(handoffMessage(reason, from, t));
	}
}
