import {
	HttpResponseError,
	InvalidJwtError,
	RequestedTokenType,
	type Session,
	type Shopify,
} from '@shopify/shopify-api';
import { config, type Env } from '../env';
import { HttpError } from '../http/errors';
import { invalidSessionToken } from './session-token';
import { deleteSessions, loadSession, saveSession } from './store/sessions';

/** Tokens this close to expiry are refreshed before use. */
const EARLY_MS = 5 * 60_000;

/**
 * The shop's offline (expiring) access token, ready for the Admin API: the stored one while it is valid,
 * else refreshed with its refresh token, else exchanged anew for the session token (managed installation's
 * token exchange). A refresh that Shopify refuses falls back to a fresh exchange.
 */
export async function offlineSession(
	env: Env,
	shopify: Shopify,
	shop: string,
	sessionToken: string,
): Promise<Session> {
	const masterKey = config(env).masterKey;
	const stored = await loadSession(env.DB, masterKey, shopify.session.getOfflineId(shop));
	if (stored && !stored.isScopeChanged(shopify.config.scopes)) {
		if (!stored.isExpired(EARLY_MS)) return stored;
		const refreshable =
			stored.refreshToken &&
			(!stored.refreshTokenExpires || stored.refreshTokenExpires.getTime() > Date.now() + EARLY_MS);
		if (refreshable && stored.refreshToken) {
			try {
				const { session } = await shopify.auth.refreshToken({ shop, refreshToken: stored.refreshToken });
				await saveSession(env.DB, masterKey, session);
				return session;
			} catch (error) {
				if (!(error instanceof HttpResponseError) || error.response.code >= 500) throw shopifyDown(error);
			}
		}
	}
	try {
		const { session } = await shopify.auth.tokenExchange({
			shop,
			sessionToken,
			requestedTokenType: RequestedTokenType.OfflineAccessToken,
			expiring: true,
		});
		await saveSession(env.DB, masterKey, session);
		return session;
	} catch (error) {
		// Shopify answers 400 invalid_subject_token for a session token it no longer accepts.
		if (error instanceof InvalidJwtError)
			throw invalidSessionToken('The session token is invalid or expired');
		if (error instanceof HttpResponseError && error.response.code < 500) {
			throw invalidSessionToken('Shopify refused to exchange the session token');
		}
		throw shopifyDown(error);
	}
}

/**
 * The shop's stored offline token, refreshed if it must be, or null when there is none usable: for requests that
 * carry no session token to exchange (the storefront's app proxy). Never throws.
 */
export async function storedOfflineSession(
	env: Env,
	shopify: Shopify,
	shop: string,
): Promise<Session | null> {
	try {
		const masterKey = config(env).masterKey;
		const stored = await loadSession(env.DB, masterKey, shopify.session.getOfflineId(shop));
		if (!stored || stored.isScopeChanged(shopify.config.scopes)) return null;
		if (!stored.isExpired(EARLY_MS)) return stored;
		if (!stored.refreshToken) return null;
		const { session } = await shopify.auth.refreshToken({ shop, refreshToken: stored.refreshToken });
		await saveSession(env.DB, masterKey, session);
		return session;
	} catch {
		return null;
	}
}

/** Forgets a shop's tokens after the Admin API refused them (revoked), so the next request exchanges anew. */
export async function forgetTokens(env: Env, shop: string): Promise<void> {
	await deleteSessions(env.DB, shop);
}

function shopifyDown(error: unknown): HttpError {
	if (error instanceof HttpError) return error;
	return new HttpError(502, 'shopify_unavailable', 'Shopify did not answer as expected; try again shortly');
}
