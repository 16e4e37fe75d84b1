import { createHmac } from 'node:crypto';

/** Signs an identity token the way a platform plugin does: `<b64url({sub,exp})>.<b64url(HMAC-SHA256)>`. */
export function signIdentityToken(secret: string, userId: string, ttlSeconds = 600): string {
	const payload = Buffer.from(
		JSON.stringify({ sub: userId, exp: Math.floor(Date.now() / 1000) + ttlSeconds }),
	).toString('base64url');
	return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}
