import { encryptPayload } from '../../worker/src/push/ece';

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
const s = crypto.subtle;
let fx: Promise<any> | undefined;
async function setup() {
	const ua = (await s.generateKey(ECDH, true, ['deriveBits'])) as CryptoKeyPair;
	const p256dh = new Uint8Array((await s.exportKey('raw', ua.publicKey)) as ArrayBuffer);
	const auth = crypto.getRandomValues(new Uint8Array(16));
	const local = (await s.generateKey(ECDH, false, ['deriveBits'])) as CryptoKeyPair;
	const uaKey = await s.importKey('raw', p256dh, ECDH, false, []);
	const secret = new Uint8Array(32).fill(7);
	const hkdfKey = await s.importKey('raw', secret, 'HKDF', false, ['deriveBits', 'deriveKey']);
	const aes = await s.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']);
	const hmacKey = await s.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
	const payload = new Uint8Array(200);
	const info = new Uint8Array(144);
	const jwk = await s.exportKey('jwk', ua.publicKey);
	const prefix = new Uint8Array((await s.exportKey('spki', ua.publicKey)) as ArrayBuffer).slice(0, 26);
	return { prefix, jwk, ua, p256dh, auth, local, uaKey, secret, hkdfKey, aes, payload, info, hmacKey };
}
async function op(name: string, f: any): Promise<number> {
	switch (name) {
		case 'encrypt':
			return (await encryptPayload(f.payload, f.p256dh, f.auth)).length;
		case 'importUa':
			return (await s.importKey('raw', f.p256dh, ECDH, false, [])) ? 1 : 0;
		case 'exportPub':
			return ((await s.exportKey('raw', f.local.publicKey)) as ArrayBuffer).byteLength;
		case 'exportJwk':
			return ((await s.exportKey('jwk', f.local.publicKey)) as JsonWebKey).x?.length ?? 0;
		case 'exportSpki':
			return ((await s.exportKey('spki', f.local.publicKey)) as ArrayBuffer).byteLength;
		case 'importUaJwk':
			return (await s.importKey('jwk', f.jwk, ECDH, false, [])) ? 1 : 0;
		case 'importUaSpki': {
			const b = new Uint8Array(91);
			b.set(f.prefix);
			b.set(f.p256dh, 26);
			return (await s.importKey('spki', b, ECDH, false, [])) ? 1 : 0;
		}
		case 'genRaw': {
			const k = (await s.generateKey(ECDH, false, ['deriveBits'])) as CryptoKeyPair;
			return ((await s.exportKey('raw', k.publicKey)) as ArrayBuffer).byteLength;
		}
		case 'genSpki': {
			const k = (await s.generateKey(ECDH, false, ['deriveBits'])) as CryptoKeyPair;
			return ((await s.exportKey('spki', k.publicKey)) as ArrayBuffer).byteLength;
		}
		case 'seq':
			return (await encSeq(f.payload, f.p256dh, f.auth, false)).length;
		case 'seqBits':
			return (await encSeq(f.payload, f.p256dh, f.auth, true)).length;
		case 'keygen':
			return (await s.generateKey(ECDH, false, ['deriveBits'])) ? 1 : 0;
		case 'keygenExt':
			return (await s.generateKey(ECDH, true, ['deriveBits'])) ? 1 : 0;
		case 'ecdh': {
			const p = { name: 'ECDH', public: f.uaKey };
			return (await s.deriveBits(p, f.local.privateKey, 256)).byteLength;
		}
		case 'ecdhToHkdfErr': {
			const p = { name: 'ECDH', public: f.uaKey };
			try { await s.deriveKey(p, f.local.privateKey, 'HKDF', false, ['deriveBits']); } catch (e) { return (e as Error).message.length; }
			return 1;
		}
		case 'ecdhToHkdf': {
			const p = { name: 'ECDH', public: f.uaKey };
			return (await s.deriveKey(p, f.local.privateKey, 'HKDF', false, ['deriveBits'])) ? 1 : 0;
		}
		case 'importHkdf':
			return (await s.importKey('raw', f.secret, 'HKDF', false, ['deriveBits'])) ? 1 : 0;
		case 'importHmac':
			return (await s.importKey('raw', f.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])) ? 1 : 0;
		case 'hmacSign':
			return (await s.sign('HMAC', f.hmacKey, f.info)).byteLength;
		case 'hkdfBits':
			return (await s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: f.auth, info: f.info }, f.hkdfKey, 256))
				.byteLength;
		case 'hkdfKey':
			return (await s.deriveKey(
				{ name: 'HKDF', hash: 'SHA-256', salt: f.auth, info: f.info },
				f.hkdfKey,
				{ name: 'AES-GCM', length: 128 },
				false,
				['encrypt'],
			))
				? 1
				: 0;
		case 'aes':
			return (await s.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, f.aes, f.payload)).byteLength;
		case 'importAes':
			return (await s.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt'])) ? 1 : 0;
		case 'random':
			return crypto.getRandomValues(new Uint8Array(16)).length;
		case 'digest':
			return (await s.digest('SHA-256', f.info)).byteLength;
		case 'noop':
			return 1;
	}
	throw new Error(name);
}
export default {
	async fetch(request: Request): Promise<Response> {
		const url = new URL(request.url);
		const n = Number(url.searchParams.get('n'));
		const name = url.searchParams.get('op') ?? 'noop';
		fx ??= setup();
		const f = await fx;
		let b = 0;
		for (let i = 0; i < n; i++) b += await op(name, f);
		return Response.json({ n, b });
	},
};

const enc = new TextEncoder();
const KP = enc.encode('WebPush: info\0');
const CI = enc.encode('Content-Encoding: aes128gcm\0');
const NI = enc.encode('Content-Encoding: nonce\0');
async function encSeq(plaintext: Uint8Array, ua: Uint8Array, auth: Uint8Array, bits: boolean) {
	const salt = crypto.getRandomValues(new Uint8Array(16));
	const local = (await s.generateKey(ECDH, false, ['deriveBits'])) as CryptoKeyPair;
	const uaKey = await s.importKey('raw', ua, ECDH, false, []);
	const p = { name: 'ECDH', public: uaKey };
	const secret = await s.deriveBits(p, local.privateKey, 256);
	const asPub = new Uint8Array((await s.exportKey('spki', local.publicKey)) as ArrayBuffer).subarray(26);
	const info = new Uint8Array(144);
	info.set(KP); info.set(ua, 14); info.set(asPub, 79);
	const k1 = await s.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
	const ikm = await s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: auth, info }, k1, 256);
	const k2 = await s.importKey('raw', ikm, 'HKDF', false, ['deriveBits', 'deriveKey']);
	let cek: CryptoKey;
	if (bits) {
		const c = await s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: CI }, k2, 128);
		cek = await s.importKey('raw', c, 'AES-GCM', false, ['encrypt']);
	} else {
		cek = await s.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info: CI }, k2, { name: 'AES-GCM', length: 128 }, false, ['encrypt']);
	}
	const nonce = await s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: NI }, k2, 96);
	const rec = new Uint8Array(plaintext.length + 1);
	rec.set(plaintext); rec[plaintext.length] = 2;
	const ct = await s.encrypt({ name: 'AES-GCM', iv: nonce }, cek, rec);
	const body = new Uint8Array(86 + ct.byteLength);
	body.set(salt); body[18] = 16; body[20] = 65; body.set(asPub, 21); body.set(new Uint8Array(ct), 86);
	return body;
}
