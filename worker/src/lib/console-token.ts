import type { ConsoleToken, Role, Staff } from '#wire';
import { openToken, signToken } from './signed-token';

// Console tokens: short-lived, site-scoped bearers the console uses on every host instead of the site API key.
// `bct.<payload>.<mac>` (lib/signed-token.ts). Nothing is stored; a token dies at its `exp`.

/** What a console token says. */
export interface ConsoleClaims {
	siteId: string;
	staff: Staff;
	role: Role;
	/** Unix seconds. */
	exp: number;
}

const LABEL = 'beckon console token v1';

/** Signs a console token for a site and staff member. */
export async function signConsoleToken(
	masterKey: string | null,
	claims: Omit<ConsoleClaims, 'exp'>,
	ttlSeconds: number,
	now = Date.now(),
): Promise<ConsoleToken> {
	const exp = Math.floor(now / 1000) + ttlSeconds;
	const token = await signToken(masterKey, LABEL, 'bct', {
		v: 1,
		sid: claims.siteId,
		stf: claims.staff,
		role: claims.role,
		exp,
	});
	return {
		token,
		expiresAt: new Date(exp * 1000).toISOString(),
		siteId: claims.siteId,
		staff: claims.staff,
		role: claims.role,
	};
}

/** Whether a bearer looks like a console token (so callers can tell it from an API key). */
export function isConsoleToken(bearer: string): boolean {
	return bearer.startsWith('bct.');
}

/** Why a console token was refused. */
export type ConsoleTokenProblem = 'malformed' | 'bad_signature' | 'expired';

/** Verifies a console token's MAC (constant time) and expiry; returns its claims or the problem. */
export async function verifyConsoleToken(
	masterKey: string | null,
	token: string,
	now = Date.now(),
): Promise<{ claims: ConsoleClaims } | { problem: ConsoleTokenProblem }> {
	const opened = await openToken(masterKey, LABEL, 'bct', token);
	if ('problem' in opened) return opened;
	const body = opened.body as { v?: unknown; sid?: unknown; stf?: Staff; role?: unknown; exp?: unknown };
	if (
		body.v !== 1 ||
		typeof body.sid !== 'string' ||
		typeof body.exp !== 'number' ||
		!body.stf ||
		typeof body.stf.id !== 'string' ||
		(body.role !== 'viewer' && body.role !== 'editor' && body.role !== 'admin')
	) {
		return { problem: 'malformed' };
	}
	if (body.exp * 1000 <= now) return { problem: 'expired' };
	return {
		claims: {
			siteId: body.sid,
			staff: { id: body.stf.id, name: body.stf.name ?? null, email: body.stf.email ?? null },
			role: body.role,
			exp: body.exp,
		},
	};
}
