import type { Auth, ErrorStatus, RouteSpec } from './route-spec';
import { consoleToken } from './schemas/sites';

// The Shopify embedded admin page's JSON API (worker/src/shopify/router.ts): one route, carrying the App Bridge
// session token, whose first call after install also creates the shop's site. With the console token it
// answers, the page (the one console) uses the public admin API (/v1/sites/:siteId/...) like every host.

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
];
