import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from '../../../worker/src/import/csv';
import { csvRows } from '../../../worker/src/import/rows';

describe('parseCsv', () => {
	it('reads quoted fields with commas, doubled quotes and line breaks, CRLF or LF, skipping blank lines', () => {
		const text = 'a,b\r\n"x, y","say ""hi"""\n\n"two\nlines",z';
		expect(parseCsv(text)).toEqual([
			{ line: 1, fields: ['a', 'b'] },
			{ line: 2, fields: ['x, y', 'say "hi"'] },
			{ line: 4, fields: ['two\nlines', 'z'] },
		]);
	});

	it('throws a CsvError naming the line of a quote that is never closed', () => {
		expect(() => parseCsv('a,b\n"open,c')).toThrow(
			new CsvError('a quoted field opened on line 2 is never closed'),
		);
	});
});

describe('csvRows', () => {
	it('keys each row by its header, in any order and case, ignoring unknown columns and a BOM', () => {
		expect(csvRows('\uFEFFAuth,Endpoint,extra,P256DH,external_user_id\nA,https://e/1,x,P,u1\n')).toEqual([
			{ auth: 'A', endpoint: 'https://e/1', p256dh: 'P', externalUserId: 'u1' },
		]);
	});

	it('says which required columns the header lacks', () => {
		expect(() => csvRows('endpoint,key\nx,y')).toThrow(/missing: p256dh, auth/);
	});
});
