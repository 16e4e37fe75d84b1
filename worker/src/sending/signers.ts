import type { Env } from '../env';
import { config } from '../env';
import { openSecret } from '../lib/secrets';
import { importVapidPrivateKey, VapidSigner } from '../push/vapid';
import { findSealedVapidKey } from '../store/sites';

const signers = new Map<string, Promise<VapidSigner>>();

/**
 * The VAPID signer of a site, kept for the life of the isolate so that one JWT per site × push-service origin
 * is signed and reused for hours.
 */
export function signerFor(env: Env, siteId: string, homeUrl: string): Promise<VapidSigner> {
	const cached = signers.get(siteId);
	if (cached) return cached;
	// The promise goes into the map before anything is awaited, so concurrent first calls share one signer.
	const cfg = config(env);
	const signer = (async () => {
		const row = await findSealedVapidKey(env.DB, siteId);
		if (!row) throw new Error('site has no VAPID key');
		const d = await openSecret(cfg.masterKey, row.sealed, siteId);
		const privateKey = await importVapidPrivateKey(row.publicKey, d);
		return new VapidSigner({ publicKey: row.publicKey, privateKey, subject: cfg.vapidSubject ?? homeUrl });
	})();
	signers.set(siteId, signer);
	signer.catch(() => signers.delete(siteId));
	return signer;
}
