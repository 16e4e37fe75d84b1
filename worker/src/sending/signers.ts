import type { Env } from '../env';
import { config } from '../env';
import { MasterKeyError, openSecret } from '../lib/secrets';
import { importVapidPrivateKey, VapidSigner } from '../push/vapid';
import { findSealedVapidKey } from '../store/sites';
import { chooseVapidSubject } from './subject';

/**
 * The site's VAPID key cannot be used, and retrying will not change that (no key, a MASTER_KEY that is missing
 * or is not the one the key was sealed with). Sends of the site fail once with this reason instead of looping.
 */
export class VapidKeyUnavailable extends Error {
	override name = 'VapidKeyUnavailable';
}

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
		// A D1 error here is passing and propagates as is (the batch is retried); what follows is not.
		const row = await findSealedVapidKey(env.DB, siteId);
		if (!row) throw new VapidKeyUnavailable('The site has no VAPID key (was it deleted?)');
		let privateKey: CryptoKey;
		try {
			privateKey = await importVapidPrivateKey(
				row.publicKey,
				await openSecret(cfg.masterKey, row.sealed, siteId),
			);
		} catch (error) {
			throw new VapidKeyUnavailable(
				error instanceof MasterKeyError
					? error.message
					: "The site's VAPID private key does not open with this MASTER_KEY (was MASTER_KEY changed?)",
			);
		}
		const { subject } = chooseVapidSubject(cfg.vapidSubject, homeUrl);
		return new VapidSigner({ publicKey: row.publicKey, privateKey, subject });
	})();
	signers.set(siteId, signer);
	signer.catch(() => signers.delete(siteId));
	return signer;
}
