import { HttpError } from './errors';

/** One line of an NDJSON body and its number (from 1). */
export interface Line {
	text: string;
	line: number;
}

/**
 * The lines of an NDJSON body as it arrives, never more than one line held: a 400 names a line longer than
 * `maxLine` bytes, a 413 a body longer than `maxTotal`. Blank lines are skipped (they still count).
 */
export async function* readLines(
	body: ReadableStream<Uint8Array>,
	{ maxLine, maxTotal }: { maxLine: number; maxTotal: number },
): AsyncGenerator<Line, void, undefined> {
	const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
	let pending: Uint8Array[] = [];
	let pendingBytes = 0;
	let total = 0;
	let number = 0;
	const take = (last: Uint8Array): Line | null => {
		number++;
		const parts = [...pending, last];
		pending = [];
		pendingBytes = 0;
		const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
		let at = 0;
		for (const p of parts) {
			bytes.set(p, at);
			at += p.byteLength;
		}
		let text: string;
		try {
			text = decoder.decode(bytes).replace(/\r$/, '');
		} catch {
			throw new HttpError(400, 'invalid_import', `line ${number}: is not UTF-8`);
		}
		return text.trim() === '' ? null : { text, line: number };
	};
	const reader = body.getReader();
	for (;;) {
		let chunk: ReadableStreamReadResult<Uint8Array>;
		try {
			chunk = await reader.read();
		} catch {
			// A body said to be gzip that is not (DecompressionStream fails), or a connection cut mid-body.
			throw new HttpError(
				400,
				'invalid_import',
				`line ${number + 1}: the body could not be read (not valid gzip?)`,
			);
		}
		const { done, value } = chunk;
		if (done) break;
		total += value.byteLength;
		if (total > maxTotal) {
			await reader.cancel();
			throw new HttpError(413, 'body_too_large', `The import is larger than ${maxTotal} bytes`);
		}
		let start = 0;
		for (let nl = value.indexOf(10, start); nl !== -1; nl = value.indexOf(10, start)) {
			const piece = value.subarray(start, nl);
			if (pendingBytes + piece.byteLength > maxLine) throw lineTooLong(number + 1, maxLine);
			const line = take(piece);
			if (line) yield line;
			start = nl + 1;
		}
		const rest = value.subarray(start);
		if (pendingBytes + rest.byteLength > maxLine) {
			await reader.cancel();
			throw lineTooLong(number + 1, maxLine);
		}
		if (rest.byteLength > 0) {
			pending.push(rest.slice());
			pendingBytes += rest.byteLength;
		}
	}
	if (pendingBytes > 0) {
		const line = take(new Uint8Array(0));
		if (line) yield line;
	}
}

function lineTooLong(line: number, max: number): HttpError {
	return new HttpError(400, 'invalid_import', `line ${line}: is longer than ${max} bytes`);
}
