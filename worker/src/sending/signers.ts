import type { Env } from '../env';
import { config } from '../env';
import { MasterKeyError, openSecret } from '../lib/secrets';
import { importVapidPrivateKey, VapidSigner } from '../push/vapid';
import { findSealedVapidKey } from '../store/sites';
import { findSealedVapidKeyById, type SealedVapidKey } from '../store/vapid-keys';
import { chooseVapidSubject } from './subject';

/**
 * A VAPID key cannot be used, and retrying will not change that (no key, a MASTER_KEY that is missing or is not
 * the one the key was sealed with). For the site's current key, sends of the site fail once with this reason
 * instead of looping; for another key (`unknownKey`: an imported key since deleted), only its subscribers fail.
 */
export class VapidKeyUnavailable extends Error {
	override name = 'VapidKeyUnavailable';
	constructor(
		message: string,
		readonly unknownKey = false,
	) {
		super(message);
	}
}

const signers = new Map<string, Promise<VapidSigner>>();

/**
 * The VAPID signer of a site's key, kept for the life of the isolate so that one JWT per site × key × push-service
 * origin is signed and reused for hours. Without `keyId`, the site's current key; with one, that key of the site
 * (its current one or an imported one).
 */
export function signerFor(env: Env, siteId: string, homeUrl: string, keyId?: string): Promise<VapidSigner> {
	const name = keyId === undefined ? siteId : `${siteId}\u0000${keyId}`;
	const cached = signers.get(name);
	if (cached) return cached;
	// The promise goes into the map before anything is awaited, so concurrent first calls share one signer.
	const cfg = config(env);
	const signer = (async () => {
		// A D1 error here is passing and propagates as is (the batch is retried); what follows is not.
		let row: SealedVapidKey | null;
		if (keyId === undefined) {
			const current = await findSealedVapidKey(env.DB, siteId);
			row = current && { publicKey: current.publicKey, sealed: current.sealed, context: siteId };
			if (!row) throw new VapidKeyUnavailable('The site has no VAPID key (was it deleted?)');
		} else {
			row = await findSealedVapidKeyById(env.DB, siteId, keyId);
			if (!row) throw new VapidKeyUnavailable(`The site has no VAPID key ${keyId} (was it deleted?)`, true);
		}
		let privateKey: CryptoKey;
		try {
			privateKey = await importVapidPrivateKey(
				row.publicKey,
				await openSecret(cfg.masterKey, row.sealed, row.context),
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
	signers.set(name, signer);
	signer.catch(() => signers.delete(name));
	return signer;
}
