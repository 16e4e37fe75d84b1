import * as z from 'zod';
import type { Audience } from '#wire';
import { optText, reqText } from '../fields';
import { filter, filterOut } from './filter';
import { audienceRequest } from './send';

// Saved segments and reach estimates (docs/SEGMENTS.md).

/** Body of POST /v1/sites/{siteId}/segments. */
export const segmentCreate = z.strictObject({
	name: reqText(100, 'is required: a name people will recognise'),
	description: optText(500),
	filter,
});

/** Body of PATCH /v1/sites/{siteId}/segments/{segmentId}: any of the fields. */
export const segmentPatch = z.strictObject({
	name: optText(100),
	description: optText(500),
	filter: filter.optional(),
});

/** Body of POST /v1/sites/{siteId}/audience/estimate. */
export const estimateRequest = z.strictObject({ audience: audienceRequest as z.ZodType<Audience> });

// The answers.

export const segmentView = z.object({
	segmentId: z.string(),
	name: z.string(),
	description: z.string(),
	filter: filterOut,
	createdAt: z.string(),
	updatedAt: z.string(),
});

export const segmentList = z.object({ segments: z.array(segmentView) });

export const audienceEstimate = z.object({
	count: z.number().describe('Subscribers the audience selects, whatever their permission state'),
	reachable: z.number().describe('Of those, the ones a send would go to (permission allowed)'),
	byBrowser: z.record(z.string(), z.number()).describe('Reachable subscribers by browser'),
});
