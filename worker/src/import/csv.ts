/** Thrown when CSV text cannot be read as rows (an unclosed quote). */
export class CsvError extends Error {
	override name = 'CsvError';
}

/**
 * Splits CSV text (RFC 4180: quoted fields with "" for a quote, CRLF or LF line ends) into rows of fields. Blank
 * lines are skipped. Each row carries the line it started on (1-based) so a report can point at it.
 */
export function parseCsv(text: string): Array<{ line: number; fields: string[] }> {
	const rows: Array<{ line: number; fields: string[] }> = [];
	let fields: string[] = [];
	let field = '';
	let quoted = false;
	let line = 1;
	let start = 1;
	const endRow = () => {
		fields.push(field);
		if (fields.length > 1 || fields[0] !== '') rows.push({ line: start, fields });
		fields = [];
		field = '';
	};
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') quoted = false;
			else {
				if (c === '\n') line++;
				field += c;
			}
		} else if (c === '"' && field === '') quoted = true;
		else if (c === ',') {
			fields.push(field);
			field = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			endRow();
			line++;
			start = line;
		} else field += c;
	}
	if (quoted) throw new CsvError(`a quoted field opened on line ${start} is never closed`);
	endRow();
	return rows;
}
