import { describe, expect, it } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from '../../../worker/src/push/base64url';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('encodeBase64Url', () => {
	it('encodes the RFC 4648 vectors without padding', () => {
		const cases: [string, string][] = [
			['', ''],
			['f', 'Zg'],
			['fo', 'Zm8'],
			['foo', 'Zm9v'],
			['foob', 'Zm9vYg'],
			['fooba', 'Zm9vYmE'],
			['foobar', 'Zm9vYmFy'],
		];
		for (const [plain, encoded] of cases)
			expect(encodeBase64Url(new TextEncoder().encode(plain))).toBe(encoded);
	});

	it('uses the URL-safe alphabet when bytes map to + and /', () => {
		expect(encodeBase64Url(bytes(0xfb, 0xff, 0xbf))).toBe('-_-_');
	});

	it('accepts an ArrayBuffer', () => {
		expect(encodeBase64Url(bytes(1, 2, 3).buffer)).toBe('AQID');
	});
});

describe('decodeBase64Url', () => {
	it('round-trips every length up to 70 bytes', () => {
		for (let n = 0; n <= 70; n++) {
			const data = crypto.getRandomValues(new Uint8Array(n));
			expect(decodeBase64Url(encodeBase64Url(data))).toEqual(data);
		}
	});

	it('accepts padding and the standard alphabet', () => {
		expect(decodeBase64Url('Zm8=')).toEqual(new TextEncoder().encode('fo'));
		expect(decodeBase64Url('Zg==')).toEqual(new TextEncoder().encode('f'));
		expect(decodeBase64Url('+/+/')).toEqual(bytes(0xfb, 0xff, 0xbf));
	});

	it('throws a TypeError when the text is not base64', () => {
		expect(() => decodeBase64Url('ab$d')).toThrow(TypeError);
		expect(() => decodeBase64Url('ab$d')).toThrow(/position 2/);
		expect(() => decodeBase64Url('abcde')).toThrow(/5 characters/);
		expect(() => decodeBase64Url('Zg=')).toThrow(/padding/);
		expect(() => decodeBase64Url('Z===')).toThrow(/padding/);
		expect(() => decodeBase64Url('Zg==Zg==')).toThrow(TypeError);
		expect(() => decodeBase64Url('Zé')).toThrow(TypeError);
	});
});
