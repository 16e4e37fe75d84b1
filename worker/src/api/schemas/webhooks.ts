import * as z from 'zod';
import { WEBHOOK_EVENT_TYPES } from '#wire';
import { httpUrl, optBool, optText, queryInt } from '../fields';

// Outbound webhooks (README "Webhooks"): endpoints, their calls, and what each call's body looks like.

const events = z
	.array(z.enum(WEBHOOK_EVENT_TYPES, { error: `must each be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }), {
		error: 'must be an array of event types',
	})
	.min(1, { error: `must name at least one of ${WEBHOOK_EVENT_TYPES.join(', ')}` })
	.transform((list) => [...new Set(list)]);

/** Body of POST /v1/sites/{siteId}/webhooks. */
export const webhookCreate = z.strictObject({
	url: httpUrl(2048, 'is required: the https URL Beckon posts events to'),
	description: optText(200),
	events,
});

/** Body of PATCH /v1/sites/{siteId}/webhooks/{webhookId}: any of the fields. */
export const webhookPatch = z.strictObject({
	url: httpUrl(2048).optional(),
	description: optText(200),
	events: events.optional(),
	enabled: optBool().describe(
		'false turns the endpoint off; true turns it on again and clears why it was off',
	),
});

export const deliveriesQuery = z.object({ limit: queryInt(1, 200).optional() });

// The answers.

export const webhookView = z.object({
	webhookId: z.string(),
	url: z.string(),
	description: z.string(),
	events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
	status: z.enum(['enabled', 'disabled']),
	disabledReason: z.string().nullable().describe('Why it is off: its owner, or 24 hours of failed retries'),
	disabledAt: z.string().nullable(),
	createdAt: z.string(),
	updatedAt: z.string(),
	recent: z
		.object({ delivered: z.number(), failed: z.number(), pending: z.number() })
		.describe('Calls of the last 24 hours'),
});

export const newWebhook = webhookView.extend({
	secret: z.string().describe('The signing secret (whsec_…), shown this once'),
});

export const webhookList = z.object({ webhooks: z.array(webhookView) });

export const webhookDelivery = z.object({
	deliveryId: z.string().describe('The webhook-id header, the same on every retry'),
	type: z.enum([...WEBHOOK_EVENT_TYPES, 'webhook.test']),
	events: z.number().describe('Events the call carries (batched types carry many)'),
	status: z.enum(['pending', 'delivered', 'failed']),
	attempts: z.number(),
	httpStatus: z.number().nullable(),
	latencyMs: z.number().nullable(),
	lastError: z.string().nullable(),
	createdAt: z.string(),
	lastAttemptAt: z.string().nullable(),
	nextAttemptAt: z.string().nullable(),
});

export const webhookDeliveryList = z.object({ deliveries: z.array(webhookDelivery) });

export const webhookTestResult = z.object({ deliveryId: z.string() });
