import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { signerFor } from '../../../worker/src/sending/signers';
import { createSite } from '../helpers';

describe('signerFor', () => {
	it('gives concurrent first callers one signer, so a batch signs one VAPID JWT per push service', async () => {
		const site = await createSite();
		const calls = Array.from({ length: 10 }, () => signerFor(env, site.siteId, `${site.origin}/`));
		expect(new Set(calls).size).toBe(1);
		const signers = await Promise.all(calls);
		const headers = await Promise.all(
			signers.map((s) => s.authorization('https://fcm.googleapis.com/fcm/send/x')),
		);
		expect(new Set(headers).size).toBe(1);
		expect(headers[0]).toContain(`k=${site.vapidPublicKey}`);
	});

	it('forgets a failed lookup so the next call can succeed', async () => {
		await expect(signerFor(env, 'site_missing', 'https://x.example/')).rejects.toThrow('no VAPID key');
		await expect(signerFor(env, 'site_missing', 'https://x.example/')).rejects.toThrow('no VAPID key');
	});
});
