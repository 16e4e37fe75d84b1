import { decodeBase64Url, encodeBase64Url } from '../push/base64url';
import { importVapidPrivateKey, VapidError } from '../push/vapid';

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A VAPID key pair an import brings, in the form the push code stores (base64url, no padding). */
export interface ImportedKeyPair {
	publicKey: string;
	privateKey: string;
}

/** Why a key pair is refused: the field at fault and what to fix. */
export interface KeyPairProblem {
	field: 'vapidPublicKey' | 'vapidPrivateKey';
	message: string;
}

function canonical(value: string): string | null {
	try {
		return encodeBase64Url(decodeBase64Url(value.trim()));
	} catch {
		return null;
	}
}

/**
 * Checks that two keys form one P-256 key pair by signing with the private key and verifying with the public one
 * (importing `d` beside x and y alone does not prove they belong together). Returns the pair in canonical form,
 * or the problem.
 */
export async function checkKeyPair(
	publicKey: string,
	privateKey: string,
): Promise<ImportedKeyPair | KeyPairProblem> {
	const pub = canonical(publicKey);
	const point = pub === null ? null : decodeBase64Url(pub);
	if (point?.length !== 65 || point[0] !== 4)
		return {
			field: 'vapidPublicKey',
			message: 'must be base64url of a 65-byte uncompressed P-256 point (the applicationServerKey)',
		};
	let verifier: CryptoKey;
	try {
		verifier = await crypto.subtle.importKey('raw', point, ECDSA, false, ['verify']);
	} catch {
		return { field: 'vapidPublicKey', message: 'is not a point on the P-256 curve' };
	}
	const d = canonical(privateKey);
	if (d === null || decodeBase64Url(d).length !== 32)
		return { field: 'vapidPrivateKey', message: 'must be base64url of the 32-byte P-256 private key' };
	const probe = crypto.getRandomValues(new Uint8Array(32));
	try {
		const signer = await importVapidPrivateKey(pub as string, d);
		const signature = await crypto.subtle.sign(SIGN, signer, probe);
		if (await crypto.subtle.verify(SIGN, verifier, signature, probe))
			return { publicKey: pub as string, privateKey: d };
	} catch (error) {
		// importVapidPrivateKey refuses a d that is not a valid scalar: the pair does not match either.
		if (!(error instanceof VapidError)) throw error;
	}
	return {
		field: 'vapidPrivateKey',
		message: 'does not belong to vapidPublicKey (a signature made with it does not verify)',
	};
}
