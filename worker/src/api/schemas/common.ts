import * as z from 'zod';

/** Every error response. */
export const apiError = z.object({
	error: z.object({
		code: z.string().describe('Stable, machine-readable, e.g. invalid_request, site_not_found'),
		message: z.string().describe('For people; a 400 starts with the field at fault: `audience.userIds: …`'),
	}),
});

/** GET /v1/health. */
export const health = z.object({ ok: z.literal(true) });
