import type { Auth, ErrorStatus, RouteSpec } from './route-spec';
import { settingsPatch } from './schemas/prompt';
import { notificationView, sendRequest, sendResult } from './schemas/send';
import { dataRequestList, linkList, linksQuery, overview } from './schemas/shopify';
import { consoleToken, settingsView } from './schemas/sites';

// The Shopify embedded admin page's JSON API (worker/src/shopify/router.ts). Every call carries the App Bridge
// session token; the first after install also creates the shop's site.

const SHOPIFY: readonly Auth[] = ['shopifySessionToken'];
/** A missing, forged or expired session token (401); the app is not configured on this deployment (404). */
const ERRORS: readonly ErrorStatus[] = [401, 404];

/** The documented Shopify admin routes. */
export const shopifyRoutes: readonly RouteSpec[] = [
	{
		method: 'post',
		path: '/shopify/api/console-token',
		operationId: 'shopifyConsoleToken',
		summary: "Exchange the session token for a console token of the shop's site",
		tag: 'Shopify',
		auth: SHOPIFY,
		responses: { 201: { description: 'A console token with the admin role', schema: consoleToken } },
		errors: ERRORS,
	},
	{
		method: 'get',
		path: '/shopify/api/overview',
		operationId: 'shopifyOverview',
		summary: 'The shop, subscriber stats, recent notifications and prompt settings',
		tag: 'Shopify',
		auth: SHOPIFY,
		responses: { 200: { description: 'The overview', schema: overview } },
		errors: ERRORS,
	},
	{
		method: 'post',
		path: '/shopify/api/notifications',
		operationId: 'shopifySend',
		summary: 'Send a notification (validated as the site API does)',
		tag: 'Shopify',
		auth: SHOPIFY,
		body: sendRequest,
		responses: {
			200: { description: 'A repeated idempotency key: the first notification', schema: sendResult },
			202: { description: 'Queued', schema: sendResult },
		},
		errors: [400, ...ERRORS, 413],
	},
	{
		method: 'get',
		path: '/shopify/api/notifications/{notificationId}',
		operationId: 'shopifyProgress',
		summary: 'Live progress of one send',
		tag: 'Shopify',
		auth: SHOPIFY,
		responses: { 200: { description: 'The notification', schema: notificationView } },
		errors: ERRORS,
	},
	{
		method: 'patch',
		path: '/shopify/api/settings',
		operationId: 'shopifySettings',
		summary: 'Change prompt settings',
		tag: 'Shopify',
		auth: SHOPIFY,
		body: settingsPatch,
		responses: { 200: { description: 'The whole settings', schema: settingsView } },
		errors: [400, ...ERRORS, 413],
	},
	{
		method: 'get',
		path: '/shopify/api/links',
		operationId: 'shopifyLinks',
		summary: 'Products and collections to link a notification to',
		tag: 'Shopify',
		auth: SHOPIFY,
		query: linksQuery,
		responses: { 200: { description: 'Matching pages', schema: linkList } },
		errors: [400, ...ERRORS],
	},
	{
		method: 'get',
		path: '/shopify/api/data-requests',
		operationId: 'shopifyDataRequests',
		summary: 'Exports made for customers/data_request, for the owner to hand over',
		tag: 'Shopify',
		auth: SHOPIFY,
		responses: { 200: { description: 'Newest first', schema: dataRequestList } },
		errors: ERRORS,
	},
];
