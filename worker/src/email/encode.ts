// RFC 2045 quoted-printable and RFC 2047 encoded words, over UTF-8.

const utf8 = new TextEncoder();
const hex = (b: number) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Quoted-printable body with CRLF line ends and encoded lines of at most 76 characters. A line that starts with "."
 * stays as it is: SMTP's dot-stuffing (smtp.ts) protects it, so the same text can go out through any transport.
 */
export function quotedPrintable(text: string): string {
	const out: string[] = [];
	for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
		const bytes = utf8.encode(line);
		let current = '';
		for (let i = 0; i < bytes.length; i++) {
			const b = bytes[i] as number;
			const last = i === bytes.length - 1;
			const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
			const piece = literal ? String.fromCharCode(b) : hex(b);
			// Room for the soft break "=" at the end of a 76-character line.
			if (current.length + piece.length > 75) {
				out.push(`${current}=`);
				current = '';
			}
			current += piece;
		}
		out.push(current);
	}
	return out.join('\r\n');
}

/** True when a header value can go out as it is (printable ASCII, short enough to need no encoding). */
function plainHeader(value: string): boolean {
	return /^[\x20-\x7e]*$/.test(value) && value.length <= 900 && !/=\?/.test(value);
}

/**
 * RFC 2047 `=?UTF-8?B?…?=` words of at most 75 characters, each holding whole code points, joined by a folding
 * CRLF + space (which a reader drops between encoded words). Plain ASCII comes back unchanged.
 */
export function encodeWords(value: string): string {
	if (plainHeader(value)) return value;
	const words: string[] = [];
	let chunk: number[] = [];
	const flush = () => {
		if (chunk.length) words.push(`=?UTF-8?B?${btoa(String.fromCharCode(...chunk))}?=`);
		chunk = [];
	};
	for (const char of value) {
		const bytes = utf8.encode(char);
		// 42 bytes are 56 base64 characters: 68 with the =?UTF-8?B? ?= frame, so "Subject: " + a word fits 78.
		if (chunk.length + bytes.length > 42) flush();
		chunk.push(...bytes);
	}
	flush();
	return words.join('\r\n ');
}

/** A display name as a header phrase: a quoted string when ASCII, encoded words otherwise. */
export function encodePhrase(name: string): string {
	if (/^[\x20-\x7e]*$/.test(name) && name.length <= 200) return `"${name.replace(/(["\\])/g, '\\$1')}"`;
	return encodeWords(name);
}
