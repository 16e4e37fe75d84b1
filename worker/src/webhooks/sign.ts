// Standard Webhooks signing (https://www.standardwebhooks.com): the secret is `whsec_` + base64 of random bytes,
// and each call carries `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
// (`v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<body>` under the secret's bytes).

const encoder = new TextEncoder();

function base64(bytes: Uint8Array): string {
	let binary = '';
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary);
}

function unbase64(text: string): Uint8Array {
	const binary = atob(text);
	const out = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
	return out;
}

/** A fresh signing secret: `whsec_` and 32 random bytes in base64, as receivers' libraries expect. */
export function newWebhookSecret(): string {
	return `whsec_${base64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
	let key = keys.get(secret);
	if (!key) {
		key = crypto.subtle.importKey(
			'raw',
			unbase64(secret.replace(/^whsec_/, '')),
			{ name: 'HMAC', hash: 'SHA-256' },
			false,
			['sign'],
		);
		if (keys.size > 100) keys.clear();
		keys.set(secret, key);
	}
	return key;
}

/** The three Standard Webhooks headers of one attempt (the id stays the same on retries, the timestamp does not). */
export async function signWebhook(
	secret: string,
	id: string,
	timestampSeconds: number,
	body: string,
): Promise<Record<string, string>> {
	const mac = await crypto.subtle.sign(
		'HMAC',
		await hmacKey(secret),
		encoder.encode(`${id}.${timestampSeconds}.${body}`),
	);
	return {
		'webhook-id': id,
		'webhook-timestamp': String(timestampSeconds),
		'webhook-signature': `v1,${base64(new Uint8Array(mac))}`,
	};
}
