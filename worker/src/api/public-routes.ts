import type { Auth, ErrorStatus, RouteSpec } from './route-spec';
import { publicConfig } from './schemas/sites';
import {
	eventRequest,
	identifyRequest,
	subscriberCategories,
	subscriberPatch,
	subscriberReport,
	subscriberStatus,
} from './schemas/subscribers';

// The browser-facing routes: called by the widget and the service worker from the site's own origins (CORS for
// those only), without credentials, rate-limited per IP × site.

const PUBLIC: readonly Auth[] = ['none'];
/** Another origin (403), no site (404), the per IP × site limit (429). */
const PUBLIC_ERRORS: readonly ErrorStatus[] = [403, 404, 429];

/** The documented public routes. */
export const publicRoutes: readonly RouteSpec[] = [
	{
		method: 'get',
		path: '/v1/sites/{siteId}/config',
		operationId: 'getPublicConfig',
		summary: 'What the page script and widget need',
		tag: 'Public',
		auth: PUBLIC,
		responses: { 200: { description: 'The public config (no secrets)', schema: publicConfig } },
		errors: PUBLIC_ERRORS,
	},
	{
		method: 'get',
		path: '/v1/sites/{siteId}/sw.js',
		operationId: 'getServiceWorker',
		summary: 'The service worker with the site baked in',
		description: "A platform's same-origin stub is `importScripts('<worker>/v1/sites/<siteId>/sw.js')`.",
		tag: 'Public',
		auth: PUBLIC,
		responses: { 200: { description: 'JavaScript', mediaType: 'text/javascript' } },
		errors: [404, 429],
	},
	{
		method: 'post',
		path: '/v1/sites/{siteId}/subscribers',
		operationId: 'reportSubscriber',
		summary: "Report a browser's permission and push subscription",
		description: 'Upsert by endpoint: 201 when new, 200 when it updated the same browser.',
		tag: 'Public',
		auth: PUBLIC,
		body: subscriberReport,
		responses: {
			200: { description: 'Updated', schema: subscriberStatus },
			201: { description: 'Created', schema: subscriberStatus },
		},
		errors: [400, ...PUBLIC_ERRORS, 413],
	},
	{
		method: 'patch',
		path: '/v1/sites/{siteId}/subscribers/{subscriberId}',
		operationId: 'setSubscriberCategories',
		summary: 'Set the topics this browser wants',
		tag: 'Public',
		auth: PUBLIC,
		body: subscriberPatch,
		responses: { 200: { description: 'The categories kept', schema: subscriberCategories } },
		errors: [400, ...PUBLIC_ERRORS, 413],
	},
	{
		method: 'post',
		path: '/v1/sites/{siteId}/subscribers/{subscriberId}/identify',
		operationId: 'identifySubscriber',
		summary: 'Tie a signed-in user to this browser',
		description: 'The token is signed by the platform with the site identity secret (README "Identity").',
		tag: 'Public',
		auth: PUBLIC,
		body: identifyRequest,
		responses: { 200: { description: 'The subscriber now speaks for the user', schema: subscriberStatus } },
		errors: [400, 401, ...PUBLIC_ERRORS, 409, 413],
	},
	{
		method: 'post',
		path: '/v1/sites/{siteId}/subscribers/{subscriberId}/events',
		operationId: 'postEvent',
		summary: 'A pageview, a permission change, or a notification shown / clicked / closed',
		description: 'Any content type, so `navigator.sendBeacon` works.',
		tag: 'Public',
		auth: PUBLIC,
		body: eventRequest,
		responses: { 202: { description: 'Recorded' } },
		errors: [400, ...PUBLIC_ERRORS, 413],
	},
];
