const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const ENCODE = Array.from(ALPHABET);

/** Maps a char code to its 6-bit value, or 255 when the char is not base64 (either alphabet). */
const DECODE = (() => {
	const table = new Uint8Array(128).fill(255);
	for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
	table['+'.charCodeAt(0)] = 62;
	table['/'.charCodeAt(0)] = 63;
	return table;
})();

/** Encodes bytes as unpadded base64url (RFC 4648 §5), the form push subscriptions and JWTs use. */
export function encodeBase64Url(bytes: Uint8Array | ArrayBuffer): string {
	const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
	let out = '';
	let i = 0;
	for (; i + 2 < b.length; i += 3) {
		const n = ((b[i] as number) << 16) | ((b[i + 1] as number) << 8) | (b[i + 2] as number);
		out += `${ENCODE[n >>> 18]}${ENCODE[(n >>> 12) & 63]}${ENCODE[(n >>> 6) & 63]}${ENCODE[n & 63]}`;
	}
	const rest = b.length - i;
	if (rest === 1) {
		const n = b[i] as number;
		out += `${ENCODE[n >>> 2]}${ENCODE[(n & 3) << 4]}`;
	} else if (rest === 2) {
		const n = ((b[i] as number) << 8) | (b[i + 1] as number);
		out += `${ENCODE[n >>> 10]}${ENCODE[(n >>> 4) & 63]}${ENCODE[(n & 15) << 2]}`;
	}
	return out;
}

/**
 * Decodes base64url or standard base64, with or without `=` padding.
 * @throws {TypeError} when the text is not base64 (bad character, misplaced padding or impossible length).
 */
export function decodeBase64Url(s: string): Uint8Array<ArrayBuffer> {
	let end = s.length;
	while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
	if (s.length - end > 2 || (s.length !== end && s.length % 4 !== 0)) {
		throw new TypeError('Invalid base64url: misplaced "=" padding');
	}
	if (end % 4 === 1) throw new TypeError(`Invalid base64url: ${end} characters cannot encode whole bytes`);
	const out = new Uint8Array((end * 3) >>> 2);
	let bits = 0;
	let acc = 0;
	let o = 0;
	for (let i = 0; i < end; i++) {
		const c = s.charCodeAt(i);
		const v = c < 128 ? (DECODE[c] as number) : 255;
		if (v === 255) throw new TypeError(`Invalid base64url: unexpected character at position ${i}`);
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (acc >>> bits) & 255;
		}
	}
	return out;
}
