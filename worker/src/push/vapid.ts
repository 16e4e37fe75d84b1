import { decodeBase64Url, encodeBase64Url } from './base64url';

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
const JWT_HEADER = encodeBase64Url(new TextEncoder().encode('{"typ":"JWT","alg":"ES256"}'));

/** Lifetime of each JWT; RFC 8292 allows up to 24 h and Apple rejects anything longer. */
export const VAPID_TTL_SECONDS = 12 * 60 * 60;

/** A cached header is replaced this long before its JWT expires, so no request carries a nearly dead token. */
export const VAPID_RENEW_BEFORE_SECONDS = 60 * 60;

/** A VAPID key pair as base64url strings: `publicKey` is the 65-byte uncompressed point, `privateKey` the 32-byte `d`. */
export interface VapidKeys {
	publicKey: string;
	privateKey: string;
}

/** Thrown when a VAPID key or subject cannot be used; the message says what to fix. */
export class VapidError extends Error {
	override name = 'VapidError';
}

/** Generates a fresh VAPID (ECDSA P-256) key pair in the encoding browsers' `applicationServerKey` expects. */
export async function generateVapidKeys(): Promise<VapidKeys> {
	const pair = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
	const [raw, jwk] = await Promise.all([
		crypto.subtle.exportKey('raw', pair.publicKey) as Promise<ArrayBuffer>,
		crypto.subtle.exportKey('jwk', pair.privateKey) as Promise<JsonWebKey>,
	]);
	if (!jwk.d) throw new VapidError('The runtime exported a private key without "d"');
	return { publicKey: encodeBase64Url(raw), privateKey: jwk.d };
}

/**
 * Imports a VAPID private key for signing, pairing `d` with the x and y of its public key.
 * @throws {VapidError} when the keys are malformed or do not belong together
 */
export async function importVapidPrivateKey(publicKey: string, privateKey: string): Promise<CryptoKey> {
	let point: Uint8Array;
	let d: Uint8Array;
	try {
		point = decodeBase64Url(publicKey);
		d = decodeBase64Url(privateKey);
	} catch (error) {
		throw new VapidError(`VAPID key is not base64url: ${(error as Error).message}`);
	}
	if (point.length !== 65 || point[0] !== 4) {
		throw new VapidError('VAPID public key must be a 65-byte uncompressed P-256 point (base64url)');
	}
	if (d.length !== 32) throw new VapidError('VAPID private key must be 32 bytes (base64url)');
	const jwk: JsonWebKey = {
		kty: 'EC',
		crv: 'P-256',
		x: encodeBase64Url(point.subarray(1, 33)),
		y: encodeBase64Url(point.subarray(33)),
		d: encodeBase64Url(d),
		ext: false,
	};
	try {
		return await crypto.subtle.importKey('jwk', jwk, ECDSA_P256, false, ['sign']);
	} catch (error) {
		throw new VapidError(`VAPID private key does not match its public key: ${(error as Error).message}`);
	}
}

/**
 * Checks a VAPID `sub` contact: `mailto:` with an address or an `https:` URL, at a public host. Returns a
 * message to show, or null when it is usable. Apple rejects anything else with 403 BadJwtToken.
 */
export function validateVapidSubject(subject: string): string | null {
	if (subject.startsWith('mailto:')) {
		const address = /^mailto:[^\s@<>]+@([^\s@<>]+)$/.exec(subject);
		if (!address) return 'VAPID subject must look like mailto:name@example.com (no spaces or angle brackets)';
		return publicHost(address[1] as string)
			? null
			: 'VAPID subject must be a mailto: address at a public domain (Apple rejects localhost and .invalid)';
	}
	let url: URL;
	try {
		url = new URL(subject);
	} catch {
		return 'VAPID subject must be a mailto: address or an https: URL';
	}
	if (url.protocol !== 'https:') return 'VAPID subject must be a mailto: address or an https: URL';
	return publicHost(url.hostname)
		? null
		: 'VAPID subject must name a public host (Apple rejects localhost, IP addresses and .invalid)';
}

/** A DNS name a push service accepts in a contact: dotted, not loopback, not an IP literal, not reserved-invalid. */
function publicHost(host: string): boolean {
	const h = host.toLowerCase().replace(/\.$/, '');
	if (!h.includes('.') || h.startsWith('[') || /^[\d.]+$/.test(h)) return false;
	return !/(^|\.)(localhost|invalid|local|internal)$/.test(h);
}

/** What {@link VapidSigner} needs: the base64url public key, its imported private key and the contact. */
export interface VapidSignerOptions {
	publicKey: string;
	privateKey: CryptoKey;
	subject: string;
}

/** Push services spread over a few dozen hosts at most (WNS has regional ones); past this, stale entries go. */
const MAX_CACHED_ORIGINS = 256;

interface CachedHeader {
	renewAt: number;
	header: Promise<string>;
}

/**
 * Produces `Authorization: vapid t=…, k=…` headers (RFC 8292). One JWT is signed per push-service origin and
 * reused until an hour before it expires, so a fan-out to thousands of subscribers signs a handful of times.
 */
export class VapidSigner {
	readonly #publicKey: string;
	readonly #privateKey: CryptoKey;
	readonly #claimsTail: string;
	readonly #cache = new Map<string, CachedHeader>();

	/** @throws {VapidError} when the subject is not a usable contact */
	constructor(options: VapidSignerOptions) {
		const problem = validateVapidSubject(options.subject);
		if (problem) throw new VapidError(problem);
		this.#publicKey = options.publicKey;
		this.#privateKey = options.privateKey;
		this.#claimsTail = `,"sub":${JSON.stringify(options.subject)}}`;
	}

	/**
	 * The Authorization header value for a push to `endpoint`, cached per endpoint origin.
	 * @param now current time in milliseconds (injectable for tests)
	 * @throws {TypeError} when the endpoint is not a URL
	 */
	authorization(endpoint: string, now: number = Date.now()): Promise<string> {
		const audience = new URL(endpoint).origin;
		const cached = this.#cache.get(audience);
		if (cached && now < cached.renewAt) return cached.header;
		const exp = Math.floor(now / 1000) + VAPID_TTL_SECONDS;
		const header = this.#sign(audience, exp);
		const entry = { renewAt: (exp - VAPID_RENEW_BEFORE_SECONDS) * 1000, header };
		if (this.#cache.size >= MAX_CACHED_ORIGINS) this.#forgetStale(now);
		this.#cache.set(audience, entry);
		header.catch(() => {
			if (this.#cache.get(audience) === entry) this.#cache.delete(audience);
		});
		return header;
	}

	#forgetStale(now: number): void {
		for (const [audience, entry] of this.#cache) if (now >= entry.renewAt) this.#cache.delete(audience);
		if (this.#cache.size >= MAX_CACHED_ORIGINS) this.#cache.clear();
	}

	async #sign(audience: string, exp: number): Promise<string> {
		const claims = `{"aud":${JSON.stringify(audience)},"exp":${exp}${this.#claimsTail}`;
		const unsigned = `${JWT_HEADER}.${encodeBase64Url(new TextEncoder().encode(claims))}`;
		const signature = await crypto.subtle.sign(ES256, this.#privateKey, new TextEncoder().encode(unsigned));
		return `vapid t=${unsigned}.${encodeBase64Url(signature)}, k=${this.#publicKey}`;
	}
}
