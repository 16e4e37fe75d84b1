import * as z from 'zod';
import { attributeValueOut, eventDayExport } from './audience';
import { subscriberView } from './subscribers';

// Shopify shapes. The embedded admin page's only JSON route (POST /shopify/api/console-token) answers a
// console token (sites.ts); the console then uses the public admin API.

/** GET /v1/sites/:siteId/data-requests: exports made for customers/data_request, newest first. */
export const dataRequestList = z.object({
	dataRequests: z.array(
		z.object({
			id: z.string(),
			customerId: z.string(),
			createdAt: z.string(),
			export: z.object({
				shop: z.string(),
				customerId: z.string(),
				subscribers: z.array(subscriberView),
				notificationsTargetingCustomer: z.array(z.string()),
				attributes: z.record(z.string(), attributeValueOut).optional(),
				events: z.array(eventDayExport).optional(),
				generatedAt: z.string(),
			}),
		}),
	),
});
