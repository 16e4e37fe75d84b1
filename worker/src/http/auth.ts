import type { ApiKeyScope, Role, Staff } from '#wire';
import { config, type Env } from '../env';
import { isConsoleToken, verifyConsoleToken } from '../lib/console-token';
import { secretsEqual, sha256Hex } from '../lib/secrets';
import { findApiKeyByHash, touchApiKey } from '../store/sites';
import { HttpError } from './errors';
import { allowAnyOrigin } from './public';

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearer(request: Request): string | null {
	const header = request.headers.get('authorization') ?? '';
	const match = /^Bearer\s+(\S+)$/i.exec(header);
	return match?.[1] ?? null;
}

/** Whether this request carries the operator token (ADMIN_TOKEN), compared in constant time. */
export async function isOperator(request: Request, env: Env): Promise<boolean> {
	const expected = config(env).adminToken;
	const token = bearer(request);
	return expected !== null && token !== null && (await secretsEqual(token, expected));
}

/** Allows only the operator (ADMIN_TOKEN), compared in constant time. */
export async function requireOperator(request: Request, env: Env): Promise<void> {
	if (!config(env).adminToken) {
		throw new HttpError(
			503,
			'not_configured',
			'ADMIN_TOKEN is not set on this deployment; see README "Secrets"',
		);
	}
	if (!(await isOperator(request, env))) {
		throw new HttpError(
			401,
			'unauthorized',
			'Send the operator token as "Authorization: Bearer <ADMIN_TOKEN>"',
			{
				'www-authenticate': 'Bearer',
			},
		);
	}
}

/** Who is calling a site's admin API. */
export interface Principal {
	/** A site API key (servers, plugins) or a console token (a staff member in the console). */
	kind: 'api_key' | 'console';
	role: Role;
	/** The staff member a console token speaks for; null for an API key. */
	staff: Staff | null;
	/** An API key's scope; null for a console token (its role says what it may do). */
	scope?: ApiKeyScope | null;
}

/** Each scope's role, before the scope's own limits (a send key writes only what sending needs). */
const SCOPE_ROLE: Record<ApiKeyScope, Role> = { full: 'admin', send: 'editor', read: 'viewer' };

/** What a `send` key may write besides reading: sends, events, user attributes and staff events. */
const SEND_ROUTES: ReadonlyArray<[string, RegExp]> = [
	['POST', /^\/v1\/sites\/[^/]+\/notifications$/],
	['POST', /^\/v1\/sites\/[^/]+\/events$/],
	['PUT', /^\/v1\/sites\/[^/]+\/users\/[^/]+$/],
	['POST', /^\/v1\/sites\/[^/]+\/staff-events$/],
];

/** Whether an API key's scope allows this request (reading is always allowed; the role decides the rest). */
function scopeAllows(scope: ApiKeyScope, request: Request): boolean {
	if (scope === 'full' || request.method === 'GET' || request.method === 'HEAD') return true;
	if (scope === 'read') return false;
	const path = new URL(request.url).pathname;
	return SEND_ROUTES.some(([method, re]) => method === request.method && re.test(path));
}

/** A key's last use is written when it is older than this: a busy key costs a write now and then. */
const TOUCH_EVERY_MS = 5 * 60_000;

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/**
 * Allows a site API key (role admin) or a console token of this site whose role is at least `need`. Admin routes
 * take bearer tokens only (no cookies), so any origin may call them: the CORS headers are owed from here on.
 */
export async function requireSiteAdmin(
	request: Request,
	env: Env,
	siteId: string,
	need: Role = 'viewer',
): Promise<Principal> {
	allowAnyOrigin(request);
	const token = bearer(request);
	if (!token) {
		throw new HttpError(
			401,
			'unauthorized',
			'Send a console token or the site API key as "Authorization: Bearer <token>"',
			{ 'www-authenticate': 'Bearer' },
		);
	}
	let principal: Principal;
	if (isConsoleToken(token)) {
		const checked = await verifyConsoleToken(config(env).masterKey, token);
		if ('problem' in checked) {
			if (checked.problem === 'expired') {
				throw new HttpError(401, 'token_expired', 'This console token has expired; get a new one', {
					'www-authenticate': 'Bearer error="invalid_token"',
				});
			}
			throw new HttpError(401, 'unauthorized', 'This console token is not valid', {
				'www-authenticate': 'Bearer error="invalid_token"',
			});
		}
		if (checked.claims.siteId !== siteId) {
			throw new HttpError(403, 'forbidden', 'This console token belongs to another site');
		}
		principal = { kind: 'console', role: checked.claims.role, staff: checked.claims.staff };
	} else {
		const hash = await sha256Hex(token);
		const key = await findApiKeyByHash(env.DB, hash);
		if (key === null) {
			throw new HttpError(401, 'unauthorized', 'This API key is not valid', { 'www-authenticate': 'Bearer' });
		}
		if (key.siteId !== siteId)
			throw new HttpError(403, 'forbidden', 'This API key does not belong to this site');
		if (!scopeAllows(key.scope, request)) {
			throw new HttpError(
				403,
				'forbidden',
				key.scope === 'read'
					? 'This API key is read-only (scope read); use a key with the send or full scope'
					: 'This API key may only read, send notifications and record events and user attributes (scope send); use a full key',
			);
		}
		const now = Date.now();
		if (key.lastUsedAt === null || key.lastUsedAt < now - TOUCH_EVERY_MS)
			await touchApiKey(env.DB, hash, now);
		principal = { kind: 'api_key', role: SCOPE_ROLE[key.scope], staff: null, scope: key.scope };
	}
	if (RANK[principal.role] < RANK[need]) {
		throw new HttpError(
			403,
			'forbidden',
			principal.kind === 'api_key'
				? `This needs a full API key; this one has the ${principal.scope} scope`
				: `This needs the ${need} role; this console token has the ${principal.role} role`,
		);
	}
	return principal;
}
