import type { Env } from '../env';
import { config } from '../env';
import { openSecret } from '../lib/secrets';
import { importVapidPrivateKey, VapidSigner } from '../push/vapid';
import { findSealedVapidKey } from '../store/sites';

const signers = new Map<string, { keyId: string; signer: Promise<VapidSigner> }>();

/**
 * The VAPID signer of a site, kept for the life of the isolate so that one JWT per site × push-service origin
 * is signed and reused for hours. A rotated key (new key id) replaces the cached signer.
 */
export async function signerFor(env: Env, siteId: string, homeUrl: string): Promise<VapidSigner> {
	const cached = signers.get(siteId);
	const row = cached ? null : await findSealedVapidKey(env.DB, siteId);
	if (cached) return cached.signer;
	if (!row) throw new Error('site has no VAPID key');
	const cfg = config(env);
	const signer = (async () => {
		const d = await openSecret(cfg.masterKey, row.sealed, siteId);
		const privateKey = await importVapidPrivateKey(row.publicKey, d);
		return new VapidSigner({ publicKey: row.publicKey, privateKey, subject: cfg.vapidSubject ?? homeUrl });
	})();
	signers.set(siteId, { keyId: row.keyId, signer });
	signer.catch(() => signers.delete(siteId));
	return signer;
}

/** Forgets a site's signer (after its key rotated or the site was deleted). */
export function forgetSigner(siteId: string): void {
	signers.delete(siteId);
}
