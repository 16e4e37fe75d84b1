import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../worker/src/http/errors';
import { type Line, readLines } from '../../../worker/src/http/ndjson';

// The NDJSON body reader of the site import: lines as they arrive, whatever the chunking, with bounded memory.

/** A body sent as these chunks. */
function body(...chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	return new ReadableStream({
		start(controller) {
			for (const c of chunks) controller.enqueue(typeof c === 'string' ? encoder.encode(c) : c);
			controller.close();
		},
	});
}

async function all(stream: ReadableStream<Uint8Array>, maxLine = 100, maxTotal = 1_000): Promise<Line[]> {
	const out: Line[] = [];
	for await (const line of readLines(stream, { maxLine, maxTotal })) out.push(line);
	return out;
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
	const error = await promise.then(
		() => null,
		(e: unknown) => e,
	);
	if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
	return { status: error.status, message: error.message };
}

describe('readLines', () => {
	it('yields each line with its number across chunk boundaries, CRLF, blank lines and no final newline', async () => {
		const euro = new TextEncoder().encode('{"p":"€"}\n');
		const lines = await all(
			body('{"a":1}\r\n{"b"', ':2}\n\n', euro.subarray(0, 7), euro.subarray(7), '{"c":3}'),
		);
		expect(lines).toEqual([
			{ text: '{"a":1}', line: 1 },
			{ text: '{"b":2}', line: 2 },
			{ text: '{"p":"€"}', line: 4 },
			{ text: '{"c":3}', line: 5 },
		]);
	});

	it('refuses a line longer than the limit with a 400 naming it, even before its end arrives', async () => {
		expect(await refusal(all(body('{"a":1}\n', 'x'.repeat(60), 'y'.repeat(60))))).toEqual({
			status: 400,
			message: 'line 2: is longer than 100 bytes',
		});
		expect(await refusal(all(body(`${'x'.repeat(101)}\n{}`)))).toMatchObject({ status: 400 });
	});

	it('refuses a body beyond the total with a 413, and bytes that are not UTF-8 with a 400', async () => {
		const big = Array.from({ length: 30 }, () => `${'x'.repeat(50)}\n`);
		expect(await refusal(all(body(...big)))).toMatchObject({ status: 413 });
		expect(await refusal(all(body('{}\n', new Uint8Array([0xff, 0xfe, 0x0a]))))).toEqual({
			status: 400,
			message: 'line 2: is not UTF-8',
		});
	});
});
