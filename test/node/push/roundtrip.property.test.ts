import { createECDH } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64Url, encryptPayload, MAX_PLAINTEXT } from '../../../worker/src/push/index';
import { MAX_PAYLOAD_BYTES } from '../../../worker/src/sending/message';
import { ece } from '../../support/http-ece';

/** Fixed so runs are reproducible; `VITE_FUZZ_SEED=<n>` overrides it (the same variable as the worker fuzz tests). */
const SEED = Number(process.env.VITE_FUZZ_SEED ?? 20_260_801);

/** A P-256 key pair from a 32-byte scalar (fast-check makes the bytes, so a failing case replays exactly). */
function keyPair(scalar: Uint8Array) {
	const ecdh = createECDH('prime256v1');
	ecdh.setPrivateKey(Buffer.from(scalar));
	return ecdh;
}

/** The same key pair as WebCrypto keys, to inject as the encrypter's ephemeral (application server) key. */
async function webCryptoPair(ecdh: ReturnType<typeof createECDH>): Promise<CryptoKeyPair> {
	const point = ecdh.getPublicKey();
	const jwk = {
		kty: 'EC',
		crv: 'P-256',
		x: encodeBase64Url(point.subarray(1, 33)),
		y: encodeBase64Url(point.subarray(33)),
	};
	const algorithm = { name: 'ECDH', namedCurve: 'P-256' };
	return {
		privateKey: await crypto.subtle.importKey(
			'jwk',
			{ ...jwk, d: encodeBase64Url(ecdh.getPrivateKey()) },
			algorithm,
			false,
			['deriveBits'],
		),
		publicKey: await crypto.subtle.importKey('jwk', jwk, algorithm, true, []),
	};
}

/** Plaintext lengths over the whole accepted range, with the edges (0, the 2,900-byte send limit, the maximum). */
const length = fc.oneof(
	{ weight: 6, arbitrary: fc.integer({ min: 0, max: MAX_PLAINTEXT }) },
	{ weight: 1, arbitrary: fc.constantFrom(0, 1, MAX_PAYLOAD_BYTES, MAX_PLAINTEXT - 1, MAX_PLAINTEXT) },
);

const scalar = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((b) => b.some((x) => x !== 0));

const roundTrip = fc.record({
	plaintext: length.chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
	subscriber: scalar,
	auth: fc.uint8Array({ minLength: 16, maxLength: 16 }),
	// Half the cases fix the salt and ephemeral key too (fully replayable); the others take the production path.
	injected: fc.option(fc.record({ salt: fc.uint8Array({ minLength: 16, maxLength: 16 }), local: scalar })),
});

describe('encryptPayload (property)', () => {
	it('is decrypted by http_ece to the same bytes for any payload size and any subscriber keys', async () => {
		expect(MAX_PAYLOAD_BYTES).toBeLessThanOrEqual(MAX_PLAINTEXT);
		await fc.assert(
			fc.asyncProperty(roundTrip, async ({ plaintext, subscriber, auth, injected }) => {
				const ua = keyPair(subscriber);
				const options = injected
					? { salt: injected.salt, localKeyPair: await webCryptoPair(keyPair(injected.local)) }
					: {};
				const body = await encryptPayload(plaintext, new Uint8Array(ua.getPublicKey()), auth, options);
				expect(body.length).toBe(plaintext.length + 103);
				expect(body.length).toBeLessThanOrEqual(4096);
				const opened = ece.decrypt(Buffer.from(body), {
					version: 'aes128gcm',
					privateKey: ua,
					authSecret: encodeBase64Url(auth),
				});
				expect(opened.equals(Buffer.from(plaintext))).toBe(true);
			}),
			{ numRuns: 1000, seed: SEED },
		);
	});

	it('refuses one byte more than the maximum with a RangeError that says how much fits', async () => {
		const ua = keyPair(new Uint8Array(32).fill(7));
		await expect(
			encryptPayload(
				new Uint8Array(MAX_PLAINTEXT + 1),
				new Uint8Array(ua.getPublicKey()),
				new Uint8Array(16),
			),
		).rejects.toThrow(
			new RangeError(
				`Push payload too large: ${MAX_PLAINTEXT + 1} bytes, at most ${MAX_PLAINTEXT} fit in one 4,096-byte body`,
			),
		);
	});
});
