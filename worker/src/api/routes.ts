import { publicRoutes } from './public-routes';
import type { Auth, ErrorStatus, RouteSpec } from './route-spec';
import { health } from './schemas/common';
import { settingsPatch } from './schemas/prompt';
import { notificationList, notificationView, sendRequest, sendResult } from './schemas/send';
import {
	apiKeyList,
	apiKeyRequest,
	consoleToken,
	consoleTokenRequest,
	createdSite,
	createSiteRequest,
	identitySecret,
	listSitesQuery,
	migrateRequest,
	migrateResult,
	newApiKey,
	settingsView,
	sitePage,
	siteView,
} from './schemas/sites';
import {
	notificationListQuery,
	siteStats,
	subscriberFilter,
	subscriberListQuery,
	subscriberPage,
	subscriberView,
} from './schemas/subscribers';
import { shopifyRoutes } from './shopify-routes';

// The route registry: every /v1 route of worker/src/index.ts (the public ones in public-routes.ts) and the Shopify
// admin page's JSON routes, as the OpenAPI document describes them. test/worker/api/openapi.test.ts fails when the
// router answers a route that is missing here.

const ADMIN: readonly Auth[] = ['siteApiKey', 'consoleToken'];
const PUBLIC: readonly Auth[] = ['none'];
const OPERATOR: readonly Auth[] = ['operatorToken'];
/** Errors of a site admin route before its own: bad token, token of another site or too small a role, no site. */
const ADMIN_ERRORS: readonly ErrorStatus[] = [401, 403, 404];
/** Errors of a browser-facing route: another origin (403), no site (404), the per IP × site limit (429). */
const PUBLIC_ERRORS: readonly ErrorStatus[] = [403, 404, 429];

const role = (need: string) => `Console tokens need the ${need} role; the site API key may always.`;

const idempotencyKey = {
	'Idempotency-Key': {
		description:
			'The same key on a site returns the first notification (200, duplicate) instead of sending twice',
		schema: { type: 'string', minLength: 1, maxLength: 128 },
	},
};

/** The documented routes, in the order the document lists them. */
export const ROUTES: readonly RouteSpec[] = [
	{
		method: 'get',
		path: '/v1/health',
		operationId: 'getHealth',
		summary: 'Liveness check',
		tag: 'Meta',
		auth: PUBLIC,
		responses: { 200: { description: 'The worker answers', schema: health } },
		errors: [],
	},
	{
		method: 'get',
		path: '/v1/openapi.json',
		operationId: 'getOpenApi',
		summary: 'This document',
		tag: 'Meta',
		auth: PUBLIC,
		responses: {
			200: { description: 'The OpenAPI 3.1 description of the API', mediaType: 'application/json' },
		},
		errors: [],
	},
	{
		method: 'post',
		path: '/v1/sites',
		operationId: 'createSite',
		summary: 'Create a site',
		description:
			'Makes its VAPID key pair, identity secret and first API key; the secrets are shown only here.',
		tag: 'Operator',
		auth: OPERATOR,
		body: createSiteRequest,
		responses: { 201: { description: 'The new site with its secrets', schema: createdSite } },
		errors: [400, 401, 413, 503],
	},
	{
		method: 'get',
		path: '/v1/sites',
		operationId: 'listSites',
		summary: 'List every site, by id',
		tag: 'Operator',
		auth: OPERATOR,
		query: listSitesQuery,
		responses: {
			200: { description: 'One page of sites; `next` is the `after` of the next page', schema: sitePage },
		},
		errors: [400, 401, 503],
	},
	{
		method: 'post',
		path: '/v1/admin/storage/migrate',
		operationId: 'migrateStorage',
		summary: "Copy the next sites' rows out of D1 into their own stores",
		description: 'Idempotent. Call again with `after = next` until `next` is null.',
		tag: 'Operator',
		auth: OPERATOR,
		body: migrateRequest,
		bodyOptional: true,
		responses: { 200: { description: 'What each site holds now', schema: migrateResult } },
		errors: [400, 401, 413, 503],
	},
	{
		method: 'get',
		path: '/v1/sites/{siteId}',
		operationId: 'getSite',
		summary: 'Get a site (no secrets)',
		tag: 'Sites',
		auth: ADMIN,
		responses: { 200: { description: 'The site', schema: siteView } },
		errors: ADMIN_ERRORS,
	},
	{
		method: 'patch',
		path: '/v1/sites/{siteId}/settings',
		operationId: 'patchSettings',
		summary: 'Change prompt settings',
		description: `A partial update: only the settings given change. ${role('editor')}`,
		tag: 'Sites',
		auth: ADMIN,
		body: settingsPatch,
		responses: { 200: { description: 'The whole settings', schema: settingsView } },
		errors: [400, ...ADMIN_ERRORS, 413],
	},
	{
		method: 'post',
		path: '/v1/sites/{siteId}/identity-secret',
		operationId: 'rotateIdentitySecret',
		summary: 'Make a new identity secret',
		description: `Shown this once; identity tokens signed with the old one stop working. ${role('admin')}`,
		tag: 'Sites',
		auth: ADMIN,
		responses: { 201: { description: 'The new secret', schema: identitySecret } },
		errors: ADMIN_ERRORS,
	},
	{
		method: 'get',
		path: '/v1/sites/{siteId}/stats',
		operationId: 'getStats',
		summary: 'Subscribers by status and browser, and 30 days of growth',
		tag: 'Sites',
		auth: ADMIN,
		responses: { 200: { description: 'The counters', schema: siteStats } },
		errors: ADMIN_ERRORS,
	},
	{
		method: 'post',
		path: '/v1/sites/{siteId}/console-tokens',
		operationId: 'createConsoleToken',
		summary: 'Mint a short-lived console token for a staff member',
		description: 'Takes the site API key or the operator token; a console token cannot mint another (403).',
		tag: 'Access',
		auth: ['siteApiKey', 'operatorToken'],
		body: consoleTokenRequest,
		bodyOptional: true,
		responses: { 201: { description: 'The token', schema: consoleToken } },
		errors: [400, ...ADMIN_ERRORS, 413, 503],
	},
	{
		method: 'get',
		path: '/v1/sites/{siteId}/api-keys',
		operationId: 'listApiKeys',
		summary: "List the site's API keys (never the keys themselves)",
		description: role('admin'),
		tag: 'Access',
		auth: ADMIN,
		responses: { 200: { description: 'The keys by name and prefix', schema: apiKeyList } },
		errors: ADMIN_ERRORS,
	},
	{
		method: 'post',
		path: '/v1/sites/{siteId}/api-keys',
		operationId: 'createApiKey',
		summary: 'Make a new API key',
		description: `The key is in the answer this once. ${role('admin')}`,
		tag: 'Access',
		auth: ADMIN,
		body: apiKeyRequest,
		responses: { 201: { description: 'The new key', schema: newApiKey } },
		errors: [400, ...ADMIN_ERRORS, 413],
	},
	{
		method: 'delete',
		path: '/v1/sites/{siteId}/api-keys/{keyId}',
		operationId: 'revokeApiKey',
		summary: 'Revoke an API key at once',
		description: `A site's last key cannot be revoked (409). ${role('admin')}`,
		tag: 'Access',
		auth: ADMIN,
		responses: { 204: { description: 'Revoked' } },
		errors: [...ADMIN_ERRORS, 409],
	},
	{
		method: 'get',
		path: '/v1/sites/{siteId}/subscribers',
		operationId: 'listSubscribers',
		summary: 'Search and filter subscribers, newest first',
		tag: 'Subscribers',
		auth: ADMIN,
		query: subscriberListQuery,
		responses: { 200: { description: 'One page', schema: subscriberPage } },
		errors: [400, ...ADMIN_ERRORS],
	},
	{
		method: 'get',
		path: '/v1/sites/{siteId}/subscribers/export.csv',
		operationId: 'exportSubscribers',
		summary: 'Every matching subscriber as CSV',
		tag: 'Subscribers',
		auth: ADMIN,
		query: subscriberFilter,
		responses: { 200: { description: 'CSV with a header row', mediaType: 'text/csv' } },
		errors: [400, ...ADMIN_ERRORS],
	},
	{
		method: 'get',
		path: '/v1/sites/{siteId}/subscribers/{subscriberId}',
		operationId: 'getSubscriber',
		summary: 'Get a subscriber (no endpoint or keys)',
		tag: 'Subscribers',
		auth: ADMIN,
		responses: { 200: { description: 'The subscriber', schema: subscriberView } },
		errors: ADMIN_ERRORS,
	},
	{
		method: 'delete',
		path: '/v1/sites/{siteId}/subscribers/{subscriberId}',
		operationId: 'deleteSubscriber',
		summary: 'Unsubscribe (browser) or erase (admin)',
		description: `From the browser (no Authorization, the site's origin): unsubscribe. With a token: erase (GDPR), from any origin. ${role('editor')}`,
		tag: 'Subscribers',
		auth: ['none', 'siteApiKey', 'consoleToken'],
		responses: { 204: { description: 'Gone' } },
		errors: [401, ...PUBLIC_ERRORS],
	},
	{
		method: 'post',
		path: '/v1/sites/{siteId}/notifications',
		operationId: 'sendNotification',
		summary: 'Send a notification',
		description: `Validated, stored and handed to a dispatcher. The whole message must fit 2,900 bytes of JSON (else 413). ${role('editor')}`,
		tag: 'Notifications',
		auth: ADMIN,
		headers: idempotencyKey,
		body: sendRequest,
		responses: {
			200: { description: 'A repeated idempotency key: the first notification', schema: sendResult },
			202: { description: 'Queued', schema: sendResult },
		},
		errors: [400, ...ADMIN_ERRORS, 413],
	},
	{
		method: 'get',
		path: '/v1/sites/{siteId}/notifications',
		operationId: 'listNotifications',
		summary: 'Recent notifications, newest first',
		tag: 'Notifications',
		auth: ADMIN,
		query: notificationListQuery,
		responses: { 200: { description: 'With their last saved counts', schema: notificationList } },
		errors: [400, ...ADMIN_ERRORS],
	},
	{
		method: 'get',
		path: '/v1/sites/{siteId}/notifications/{notificationId}',
		operationId: 'getNotification',
		summary: 'Live status and counts of a notification',
		tag: 'Notifications',
		auth: ADMIN,
		responses: { 200: { description: 'The notification', schema: notificationView } },
		errors: ADMIN_ERRORS,
	},
	...publicRoutes,
	...shopifyRoutes,
];
