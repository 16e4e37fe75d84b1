import * as z from 'zod';
import type { Filter } from '#wire';
import { checkFilter, FilterError } from '../../audience/filter';

/** A filter tree: checked by hand (filter.ts) so every problem is named by the path of its node. */
export const filter = z
	.unknown()
	.transform((value, ctx): Filter => {
		if (value === undefined) {
			ctx.issues.push({
				code: 'custom',
				input: value,
				message: 'is required: a filter tree (docs/SEGMENTS.md)',
			});
			return z.NEVER;
		}
		try {
			return checkFilter(value);
		} catch (error) {
			if (!(error instanceof FilterError)) throw error;
			ctx.issues.push({ code: 'custom', input: value, path: error.path, message: error.message });
			return z.NEVER;
		}
	})
	.meta({
		type: 'object',
		description:
			'A filter tree: {all:[…]}, {any:[…]}, {not:…} over leaves such as {status:[…]}, {attribute, op, value}, {event, count, within, where} (docs/SEGMENTS.md)',
	});

/** A filter tree in an answer (already checked when it was stored). */
export const filterOut = z
	.custom<Filter>(() => true)
	.meta({ type: 'object', description: 'A filter tree (docs/SEGMENTS.md)' });
