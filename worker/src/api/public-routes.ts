import * as z from 'zod';
import type { Auth, ErrorStatus, RouteSpec } from './route-spec';
import { pixelEventBatch, subscriberEventBatch } from './schemas/audience';
import { publicConfig } from './schemas/sites';
import {
	eventRequest,
	identifyRequest,
	subscriberAdminPatch,
	subscriberCategories,
	subscriberPatch,
	subscriberReport,
	subscriberStatus,
	subscriberView,
	testerClaim,
	testerClaimed,
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
		operationId: 'patchSubscriber',
		summary: 'Set the topics this browser wants (browser), or mark a tester (admin)',
		description:
			"From the browser (no Authorization, the site's origin): `{categories}`, answered with the categories kept. With a token (editor role): `{test}`, answered with the subscriber.",
		tag: 'Public',
		auth: ['none', 'siteApiKey', 'consoleToken'],
		body: z.union([subscriberPatch, subscriberAdminPatch]),
		responses: {
			200: {
				description: 'The categories kept, or the subscriber',
				schema: z.union([subscriberCategories, subscriberView]),
			},
		},
		errors: [400, 401, ...PUBLIC_ERRORS, 413],
	},
	{
		method: 'post',
		path: '/v1/sites/{siteId}/subscribers/{subscriberId}/tester',
		operationId: 'claimTester',
		summary: 'Mark this browser as a tester with the token of a tester link',
		description:
			'The widget calls it when its page was opened with `#beckon-tester=<token>` (POST …/testers/link). ' +
			'A token of another site, forged or older than 15 minutes is a 401.',
		tag: 'Public',
		auth: PUBLIC,
		body: testerClaim,
		responses: { 200: { description: 'The subscriber is a tester', schema: testerClaimed } },
		errors: [400, 401, ...PUBLIC_ERRORS, 413],
	},
	{
		method: 'post',
		path: '/v1/sites/{siteId}/subscribers/{subscriberId}/identify',
		operationId: 'identifySubscriber',
		summary: 'Tie a signed-in user to this browser',
		description:
			'The token is signed by the platform with the site identity secret (README "Identity"); its optional ' +
			"`attrs` claim is merged into the user's attributes like PUT …/users/{userId} (400 `attrs.<name>`).",
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
		summary:
			"A pageview, a permission change, a notification shown / clicked / closed, or the page's own events",
		description:
			'Any content type, so `navigator.sendBeacon` works. `{events: [...]}` (1 to 20, `Beckon.track`) records ' +
			'custom events on this subscriber, all or none: 404 when the site has no such subscriber; an `id` seen ' +
			'that day is counted once; the built-in names (subscribed, unsubscribed, pageview, clicked) are refused.',
		tag: 'Public',
		auth: PUBLIC,
		body: z.union([eventRequest, subscriberEventBatch]),
		responses: { 202: { description: 'Recorded' } },
		errors: [400, ...PUBLIC_ERRORS, 413],
	},
	{
		method: 'post',
		path: '/v1/sites/{siteId}/subscribers/{subscriberId}/pixel-events',
		operationId: 'postPixelEvents',
		summary: "Storefront events from Beckon's Shopify web pixel (product_viewed, product_added_to_cart)",
		description:
			"Recorded on the subscriber like `Beckon.track`'s (404 when the site has no such subscriber; an `id` seen that " +
			"day counts once). The pixel runs in Shopify's sandbox, so any origin may call; any content type (the pixel " +
			'sends text/plain, no preflight).',
		tag: 'Public',
		auth: PUBLIC,
		body: pixelEventBatch,
		responses: { 202: { description: 'Recorded' } },
		errors: [400, ...PUBLIC_ERRORS, 413],
	},
];
