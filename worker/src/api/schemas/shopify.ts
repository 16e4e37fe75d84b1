import * as z from 'zod';
import { prompt } from './prompt';
import { notificationView } from './send';
import { siteStats, subscriberView } from './subscribers';

// The Shopify embedded admin page's API (/shopify/api/*), authenticated by App Bridge session tokens.

/** Query of GET /shopify/api/links. */
export const linksQuery = z.object({
	q: z.string().max(100, { error: 'must be at most 100 characters' }).optional().describe('Search words'),
});

// The answers.

export const overview = z.object({
	shop: z.object({
		domain: z.string(),
		name: z.string(),
		primaryUrl: z.string(),
		siteId: z.string(),
		installedAt: z.string(),
	}),
	stats: siteStats,
	notifications: z.array(notificationView),
	prompt,
});

export const storeLink = z.object({
	type: z.enum(['product', 'collection']),
	title: z.string(),
	url: z.string(),
	image: z.string().nullable(),
});

export const linkList = z.object({ links: z.array(storeLink) });

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
				generatedAt: z.string(),
			}),
		}),
	),
});
