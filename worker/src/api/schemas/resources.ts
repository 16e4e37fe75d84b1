import * as z from 'zod';
import { opt, optText, optTextList, queryInt, reqText } from '../fields';
import { message } from './send';

// Push resources (issue 17): saved, named messages. The message fields are checked exactly as a send's after the
// shape (services/resources.ts): Liquid, image origins, the push size limit.

/** The fields of a message as a body gives them (checked as a send's afterwards). */
const messageFields = z
	.record(z.string(), z.unknown(), { error: 'must be an object of message fields' })
	.meta({
		description:
			'Message fields as a send takes them: title, body, url, icon, image, badge, actions, requireInteraction, tag (Liquid allowed)',
	});

const locales = z
	.record(z.string(), messageFields, {
		error: 'must be an object: language tag → the message fields it changes',
	})
	.meta({
		description:
			'Language tag (de, pt-br; lower case) → the fields its variant changes; a subscriber whose browser language matches the tag, or its language, gets it',
	});

const name = reqText(100, 'is required: a name that says what it is for');
const labels = optTextList(10, 32).describe('Up to 10 labels (promotions, alerts…) to find it by');

/** Body of POST /v1/sites/{siteId}/resources. */
export const resourceCreate = z.strictObject({
	name,
	labels,
	message: messageFields,
	locales: opt(locales),
});

/** Body of PATCH /v1/sites/{siteId}/resources/{resourceId}: any of the fields; message and locales are replaced whole. */
export const resourcePatch = z.strictObject({
	name: optText(100),
	labels,
	message: opt(messageFields),
	locales: opt(locales),
});

/** Query of GET /v1/sites/{siteId}/resources. */
export const resourceListQuery = z.object({
	q: optText(100).describe('Part of the name (case-insensitive)'),
	label: optText(32).describe('Only resources with this label'),
	limit: opt(queryInt(1, 200)).describe('At most this many (default 50)'),
});

// The answers.

const partialMessage = message.partial();

const resourceUse = z.object({
	type: z.enum(['campaign', 'automation']),
	id: z.string(),
	name: z.string(),
	state: z.string(),
});

export const resourceView = z.object({
	resourceId: z.string(),
	name: z.string(),
	labels: z.array(z.string()),
	message,
	locales: z.record(z.string(), partialMessage),
	version: z.number().describe('1 when created; each change adds one'),
	usedBy: z.array(resourceUse).describe('Scheduled, running or paused campaigns that send it'),
	createdAt: z.string(),
	updatedAt: z.string(),
});

export const resourceList = z.object({ resources: z.array(resourceView) });

export const resourceVersionView = z.object({
	resourceId: z.string(),
	version: z.number(),
	name: z.string(),
	message,
	locales: z.record(z.string(), partialMessage),
	createdAt: z.string(),
});

export const resourceRef = z
	.object({ resourceId: z.string(), name: z.string(), version: z.number() })
	.describe('The push resource the send used, at the version it used');
