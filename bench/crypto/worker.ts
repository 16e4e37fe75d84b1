/**
 * Benchmark worker: `GET /run?n=N&op=push` prepares N pushes in a row and answers when done, so the caller
 * can time it from outside (inside workerd the clocks stand still while JavaScript runs).
 * `op` = push (encrypt + headers with a cached VAPID header), encrypt, keygen, ecdh, sign.
 */
import {
	buildPushRequest,
	encodeBase64Url,
	encryptPayload,
	generateVapidKeys,
	importVapidPrivateKey,
	type PushTarget,
	VapidSigner,
} from '../../worker/src/push/index';
import notification from './payload.json';

interface Fixture {
	signer: VapidSigner;
	signKey: CryptoKey;
	targets: PushTarget[];
	raw: { p256dh: Uint8Array; auth: Uint8Array }[];
	peer: CryptoKeyPair;
	payload: Uint8Array;
}

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;

/** A typical notification: ~200 bytes of JSON (the runner feeds the same text to web-push). */
const PAYLOAD = JSON.stringify(notification);

let fixture: Promise<Fixture> | undefined;

async function setup(): Promise<Fixture> {
	const keys = await generateVapidKeys();
	const signKey = await importVapidPrivateKey(keys.publicKey, keys.privateKey);
	const signer = new VapidSigner({
		publicKey: keys.publicKey,
		privateKey: signKey,
		subject: 'mailto:bench@shop.example',
	});
	const targets: PushTarget[] = [];
	const raw: Fixture['raw'] = [];
	for (let i = 0; i < 64; i++) {
		const ua = (await crypto.subtle.generateKey(ECDH, true, ['deriveBits'])) as CryptoKeyPair;
		const p256dh = new Uint8Array((await crypto.subtle.exportKey('raw', ua.publicKey)) as ArrayBuffer);
		const auth = crypto.getRandomValues(new Uint8Array(16));
		raw.push({ p256dh, auth });
		targets.push({
			endpoint: `https://fcm.googleapis.com/fcm/send/bench-${i}:APA91b${'x'.repeat(140)}`,
			p256dh: encodeBase64Url(p256dh),
			auth: encodeBase64Url(auth),
		});
	}
	const peer = (await crypto.subtle.generateKey(ECDH, false, ['deriveBits'])) as CryptoKeyPair;
	return { signer, signKey, targets, raw, peer, payload: new TextEncoder().encode(PAYLOAD) };
}

async function once(op: string, f: Fixture, i: number): Promise<number> {
	const target = f.targets[i % f.targets.length] as PushTarget;
	switch (op) {
		case 'push': {
			const authorization = await f.signer.authorization(target.endpoint);
			const request = await buildPushRequest(
				target,
				f.payload,
				{ ttl: 86_400, urgency: 'normal' },
				authorization,
			);
			return request.init.body.length;
		}
		case 'encrypt': {
			const keys = f.raw[i % f.raw.length] as Fixture['raw'][number];
			return (await encryptPayload(f.payload, keys.p256dh, keys.auth)).length;
		}
		case 'keygen':
			return ((await crypto.subtle.generateKey(ECDH, false, ['deriveBits'])) as CryptoKeyPair) ? 1 : 0;
		case 'ecdh': {
			const params = { name: 'ECDH', public: f.peer.publicKey };
			return (await crypto.subtle.deriveBits(params, f.peer.privateKey, 256)).byteLength;
		}
		case 'sign':
			return (await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, f.signKey, f.payload)).byteLength;
		default:
			throw new Error(`unknown op ${op}`);
	}
}

export default {
	async fetch(request: Request): Promise<Response> {
		const url = new URL(request.url);
		const n = Number(url.searchParams.get('n') ?? '0');
		const op = url.searchParams.get('op') ?? 'push';
		fixture ??= setup();
		const f = await fixture;
		let bytes = 0;
		for (let i = 0; i < n; i++) bytes += await once(op, f, i);
		return Response.json({ n, op, bytes });
	},
};
