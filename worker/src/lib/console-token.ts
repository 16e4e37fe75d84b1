import type { ConsoleToken, Role, Staff } from '#wire';
import { decodeBase64Url, encodeBase64Url } from '../push/base64url';
import { MasterKeyError } from './secrets';

// Console tokens: short-lived, site-scoped bearers the console uses on every host instead of the site API key.
// `bct.<payload>.<mac>`: the payload is base64url JSON, the MAC an HMAC-SHA-256 under a key derived (HKDF) from
// MASTER_KEY, compared in constant time. Nothing is stored; a token dies at its `exp`.

/** What a console token says. */
export interface ConsoleClaims {
	siteId: string;
	staff: Staff;
	role: Role;
	/** Unix seconds. */
	exp: number;
}

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function macKey(masterKey: string | null): Promise<CryptoKey> {
	if (!masterKey) throw new MasterKeyError('MASTER_KEY is not set; see README "Secrets"');
	let key = keys.get(masterKey);
	if (!key) {
		key = (async () => {
			const base = await crypto.subtle.importKey('raw', decodeBase64Url(masterKey), 'HKDF', false, [
				'deriveKey',
			]);
			return crypto.subtle.deriveKey(
				{
					name: 'HKDF',
					hash: 'SHA-256',
					salt: new Uint8Array(0),
					info: encoder.encode('beckon console token v1'),
				},
				base,
				{ name: 'HMAC', hash: 'SHA-256', length: 256 },
				false,
				['sign'],
			);
		})();
		keys.set(masterKey, key);
	}
	return key;
}

async function mac(masterKey: string | null, payload: string): Promise<Uint8Array> {
	return new Uint8Array(await crypto.subtle.sign('HMAC', await macKey(masterKey), encoder.encode(payload)));
}

/** Signs a console token for a site and staff member. */
export async function signConsoleToken(
	masterKey: string | null,
	claims: Omit<ConsoleClaims, 'exp'>,
	ttlSeconds: number,
	now = Date.now(),
): Promise<ConsoleToken> {
	const exp = Math.floor(now / 1000) + ttlSeconds;
	const payload = encodeBase64Url(
		encoder.encode(JSON.stringify({ v: 1, sid: claims.siteId, stf: claims.staff, role: claims.role, exp })),
	);
	const token = `bct.${payload}.${encodeBase64Url(await mac(masterKey, payload))}`;
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
	const parts = token.split('.');
	if (parts.length !== 3 || parts[0] !== 'bct' || !parts[1] || !parts[2]) return { problem: 'malformed' };
	let given: Uint8Array;
	try {
		given = decodeBase64Url(parts[2]);
	} catch {
		return { problem: 'malformed' };
	}
	const expected = await mac(masterKey, parts[1]);
	if (given.byteLength !== expected.byteLength || !crypto.subtle.timingSafeEqual(given, expected)) {
		return { problem: 'bad_signature' };
	}
	let body: { v?: unknown; sid?: unknown; stf?: Staff; role?: unknown; exp?: unknown };
	try {
		body = JSON.parse(new TextDecoder().decode(decodeBase64Url(parts[1])));
	} catch {
		return { problem: 'malformed' };
	}
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
