import { type IRequest, Router } from 'itty-router';
import { runHousekeeping } from './cron';
import { config, type Env } from './env';
import { bearer } from './http/auth';
import { errorResponse, HttpError } from './http/errors';
import { adminPreflight, preflight, withCors } from './http/public';
import { consumePushBatches } from './queue/consumer';
import type { PushBatch } from './queue/messages';
import {
	createApiKeyRoute,
	createConsoleToken,
	listApiKeysRoute,
	listDataRequestsRoute,
	revokeApiKeyRoute,
	rotateApiKeyRoute,
} from './routes/access';
import {
	automationReportRoute,
	automationSwitchRoute,
	automationTemplatesRoute,
	createAutomationRoute,
	deleteAutomationRoute,
	getAutomationRoute,
	listAutomationsRoute,
	patchAutomationRoute,
} from './routes/automations';
import {
	campaignActionRoute,
	campaignCalendarRoute,
	campaignRunReportRoute,
	createCampaignRoute,
	deleteCampaignRoute,
	getCampaignRoute,
	listCampaignsRoute,
	patchCampaignRoute,
	testCampaignRoute,
} from './routes/campaigns';
import { demoSite, serviceWorkerStub } from './routes/demo';
import { devOutbox, siteDevOutbox } from './routes/dev-outbox';
import { postEvent, postPixelEvents } from './routes/events';
import { identify, patchSubscriber } from './routes/identify';
import { createNotification, getNotification, listNotifications } from './routes/notifications';
import { getOpenApi } from './routes/openapi';
import { getPublicConfig, getServiceWorker } from './routes/public-config';
import {
	createResourceRoute,
	deleteResourceRoute,
	getResourceRoute,
	getResourceVersionRoute,
	listResourcesRoute,
	patchResourceRoute,
} from './routes/resources';
import {
	adminPatchSubscriber,
	createSegmentRoute,
	deleteSegmentRoute,
	estimateRoute,
	getSegmentRoute,
	listSegmentsRoute,
	patchSegmentRoute,
} from './routes/segments';
import { exportSiteRoute, importSiteRoute } from './routes/site-export';
import { createSite, getSite, listSitesRoute, patchSettings, rotateIdentitySecret } from './routes/sites';
import {
	addDeviceRoute,
	createStaffRoute,
	createTeamRoute,
	deleteDeviceRoute,
	deleteStaffRoute,
	deleteTeamRoute,
	getPreferencesRoute,
	getStaffRoute,
	inboxReadRoute,
	inboxRoute,
	listDevicesRoute,
	listStaffRoute,
	listTeamsRoute,
	patchStaffRoute,
	patchTeamRoute,
	presenceRoute,
	putPreferencesRoute,
	staffEventsRoute,
} from './routes/staff';
import { getStats } from './routes/stats';
import { migrateStorage } from './routes/storage';
import {
	exportSubscribers,
	getSubscriber,
	listSubscribers,
	postSubscriber,
	removeSubscriber,
} from './routes/subscribers';
import { claimTesterRoute, testerLinkRoute } from './routes/testers';
import { deleteUserRoute, getUserRoute, postEventsRoute, putUserRoute } from './routes/users';
import { listVapidKeys, postImport, removeVapidKey } from './routes/vapid-keys';
import {
	createWebhookRoute,
	deleteWebhookRoute,
	getWebhookRoute,
	listDeliveriesRoute,
	listWebhooksRoute,
	patchWebhookRoute,
	rotateWebhookSecretRoute,
	testWebhookRoute,
} from './routes/webhooks';
import { shopifyRouter } from './shopify/router';
import { consumeWebhookCalls, type WebhookMessage } from './webhooks/deliver';

export { Dispatcher } from './objects/dispatcher';
export { SiteStore } from './objects/site-store';

type Args = [Env, ExecutionContext];

const demoOnly = (_req: IRequest, env: Env) => {
	if (!config(env).demo) throw new HttpError(404, 'not_found', 'Not found');
};

const router = Router<IRequest, Args>({
	catch: (error) => errorResponse(error),
	finally: [withCors],
})
	.options('/v1/sites/:siteId/*', (req, env) => preflight(req, env, req.params.siteId as string))
	.get('/v1/health', () => Response.json({ ok: true }))
	.get('/v1/openapi.json', () => getOpenApi())
	.get('/v1/dev/outbox', (req, env) => devOutbox(req, env))
	.options('/v1/sites', (req) => adminPreflight(req))
	.post('/v1/sites', (req, env) => createSite(req, env))
	.get('/v1/sites', (req, env) => listSitesRoute(req, env))
	.options('/v1/sites/import', (req) => adminPreflight(req))
	.post('/v1/sites/import', (req, env) => importSiteRoute(req, env))
	.post('/v1/admin/storage/migrate', (req, env) => migrateStorage(req, env))
	.get('/v1/sites/:siteId', (req, env) => getSite(req, env, req.params.siteId as string))
	.patch('/v1/sites/:siteId/settings', (req, env) => patchSettings(req, env, req.params.siteId as string))
	.post('/v1/sites/:siteId/identity-secret', (req, env) =>
		rotateIdentitySecret(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/dev/outbox', (req, env) => siteDevOutbox(req, env, req.params.siteId as string))
	.get('/v1/sites/:siteId/export', (req, env) => exportSiteRoute(req, env, req.params.siteId as string))
	.get('/v1/sites/:siteId/config', (req, env) => getPublicConfig(req, env, req.params.siteId as string))
	.get('/v1/sites/:siteId/sw.js', (req, env) => getServiceWorker(req, env, req.params.siteId as string))
	.get('/v1/sites/:siteId/stats', (req, env) => getStats(req, env, req.params.siteId as string))
	.post('/v1/sites/:siteId/console-tokens', (req, env) =>
		createConsoleToken(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/data-requests', (req, env) =>
		listDataRequestsRoute(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/api-keys', (req, env) => listApiKeysRoute(req, env, req.params.siteId as string))
	.post('/v1/sites/:siteId/api-keys', (req, env) => createApiKeyRoute(req, env, req.params.siteId as string))
	.delete('/v1/sites/:siteId/api-keys/:keyId', (req, env) =>
		revokeApiKeyRoute(req, env, req.params.siteId as string, req.params.keyId as string),
	)
	.post('/v1/sites/:siteId/api-keys/:keyId/rotate', (req, env) =>
		rotateApiKeyRoute(req, env, req.params.siteId as string, req.params.keyId as string),
	)
	.get('/v1/sites/:siteId/staff', (req, env) => listStaffRoute(req, env, req.params.siteId as string))
	.post('/v1/sites/:siteId/staff', (req, env) => createStaffRoute(req, env, req.params.siteId as string))
	.get('/v1/sites/:siteId/staff/:staffId', (req, env) =>
		getStaffRoute(req, env, req.params.siteId as string, req.params.staffId as string),
	)
	.patch('/v1/sites/:siteId/staff/:staffId', (req, env) =>
		patchStaffRoute(req, env, req.params.siteId as string, req.params.staffId as string),
	)
	.delete('/v1/sites/:siteId/staff/:staffId', (req, env) =>
		deleteStaffRoute(req, env, req.params.siteId as string, req.params.staffId as string),
	)
	.get('/v1/sites/:siteId/staff/:staffId/preferences', (req, env) =>
		getPreferencesRoute(req, env, req.params.siteId as string, req.params.staffId as string),
	)
	.put('/v1/sites/:siteId/staff/:staffId/preferences', (req, env) =>
		putPreferencesRoute(req, env, req.params.siteId as string, req.params.staffId as string),
	)
	.post('/v1/sites/:siteId/staff/:staffId/presence', (req, env) =>
		presenceRoute(req, env, req.params.siteId as string, req.params.staffId as string),
	)
	.get('/v1/sites/:siteId/staff/:staffId/devices', (req, env) =>
		listDevicesRoute(req, env, req.params.siteId as string, req.params.staffId as string),
	)
	.post('/v1/sites/:siteId/staff/:staffId/devices', (req, env) =>
		addDeviceRoute(req, env, req.params.siteId as string, req.params.staffId as string),
	)
	.delete('/v1/sites/:siteId/staff/:staffId/devices/:deviceId', (req, env) =>
		deleteDeviceRoute(
			req,
			env,
			req.params.siteId as string,
			req.params.staffId as string,
			req.params.deviceId as string,
		),
	)
	.get('/v1/sites/:siteId/staff/:staffId/notifications', (req, env) =>
		inboxRoute(req, env, req.params.siteId as string, req.params.staffId as string),
	)
	.post('/v1/sites/:siteId/staff/:staffId/notifications/read', (req, env) =>
		inboxReadRoute(req, env, req.params.siteId as string, req.params.staffId as string),
	)
	.get('/v1/sites/:siteId/teams', (req, env) => listTeamsRoute(req, env, req.params.siteId as string))
	.post('/v1/sites/:siteId/teams', (req, env) => createTeamRoute(req, env, req.params.siteId as string))
	.patch('/v1/sites/:siteId/teams/:teamId', (req, env) =>
		patchTeamRoute(req, env, req.params.siteId as string, req.params.teamId as string),
	)
	.delete('/v1/sites/:siteId/teams/:teamId', (req, env) =>
		deleteTeamRoute(req, env, req.params.siteId as string, req.params.teamId as string),
	)
	.post('/v1/sites/:siteId/staff-events', (req, env) =>
		staffEventsRoute(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/webhooks', (req, env) => listWebhooksRoute(req, env, req.params.siteId as string))
	.post('/v1/sites/:siteId/webhooks', (req, env) => createWebhookRoute(req, env, req.params.siteId as string))
	.get('/v1/sites/:siteId/webhooks/:webhookId', (req, env) =>
		getWebhookRoute(req, env, req.params.siteId as string, req.params.webhookId as string),
	)
	.patch('/v1/sites/:siteId/webhooks/:webhookId', (req, env) =>
		patchWebhookRoute(req, env, req.params.siteId as string, req.params.webhookId as string),
	)
	.delete('/v1/sites/:siteId/webhooks/:webhookId', (req, env) =>
		deleteWebhookRoute(req, env, req.params.siteId as string, req.params.webhookId as string),
	)
	.post('/v1/sites/:siteId/webhooks/:webhookId/rotate-secret', (req, env) =>
		rotateWebhookSecretRoute(req, env, req.params.siteId as string, req.params.webhookId as string),
	)
	.post('/v1/sites/:siteId/webhooks/:webhookId/test', (req, env) =>
		testWebhookRoute(req, env, req.params.siteId as string, req.params.webhookId as string),
	)
	.get('/v1/sites/:siteId/webhooks/:webhookId/deliveries', (req, env) =>
		listDeliveriesRoute(req, env, req.params.siteId as string, req.params.webhookId as string),
	)
	.get('/v1/sites/:siteId/subscribers', (req, env) => listSubscribers(req, env, req.params.siteId as string))
	.get('/v1/sites/:siteId/subscribers/export.csv', (req, env) =>
		exportSubscribers(req, env, req.params.siteId as string),
	)
	.post('/v1/sites/:siteId/subscribers', (req, env) => postSubscriber(req, env, req.params.siteId as string))
	.post('/v1/sites/:siteId/subscribers/import', (req, env) =>
		postImport(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/vapid-keys', (req, env) => listVapidKeys(req, env, req.params.siteId as string))
	.delete('/v1/sites/:siteId/vapid-keys/:vapidKeyId', (req, env) =>
		removeVapidKey(req, env, req.params.siteId as string, req.params.vapidKeyId as string),
	)
	.get('/v1/sites/:siteId/subscribers/:subscriberId', (req, env) =>
		getSubscriber(req, env, req.params.siteId as string, req.params.subscriberId as string),
	)
	.delete('/v1/sites/:siteId/subscribers/:subscriberId', (req, env) =>
		removeSubscriber(req, env, req.params.siteId as string, req.params.subscriberId as string),
	)
	.patch('/v1/sites/:siteId/subscribers/:subscriberId', (req, env) =>
		// With a token: an admin marking a tester; from the browser: its topics.
		(bearer(req) === null ? patchSubscriber : adminPatchSubscriber)(
			req,
			env,
			req.params.siteId as string,
			req.params.subscriberId as string,
		),
	)
	.post('/v1/sites/:siteId/subscribers/:subscriberId/identify', (req, env) =>
		identify(req, env, req.params.siteId as string, req.params.subscriberId as string),
	)
	.post('/v1/sites/:siteId/subscribers/:subscriberId/tester', (req, env) =>
		claimTesterRoute(req, env, req.params.siteId as string, req.params.subscriberId as string),
	)
	.post('/v1/sites/:siteId/testers/link', (req, env) =>
		testerLinkRoute(req, env, req.params.siteId as string),
	)
	.post('/v1/sites/:siteId/subscribers/:subscriberId/events', (req, env) =>
		postEvent(req, env, req.params.siteId as string, req.params.subscriberId as string),
	)
	.post('/v1/sites/:siteId/subscribers/:subscriberId/pixel-events', (req, env) =>
		postPixelEvents(req, env, req.params.siteId as string, req.params.subscriberId as string),
	)
	.put('/v1/sites/:siteId/users/:userId', (req, env) =>
		putUserRoute(req, env, req.params.siteId as string, req.params.userId as string),
	)
	.get('/v1/sites/:siteId/users/:userId', (req, env) =>
		getUserRoute(req, env, req.params.siteId as string, req.params.userId as string),
	)
	.delete('/v1/sites/:siteId/users/:userId', (req, env) =>
		deleteUserRoute(req, env, req.params.siteId as string, req.params.userId as string),
	)
	.post('/v1/sites/:siteId/events', (req, env) => postEventsRoute(req, env, req.params.siteId as string))
	.get('/v1/sites/:siteId/segments', (req, env) => listSegmentsRoute(req, env, req.params.siteId as string))
	.post('/v1/sites/:siteId/segments', (req, env) => createSegmentRoute(req, env, req.params.siteId as string))
	.get('/v1/sites/:siteId/segments/:segmentId', (req, env) =>
		getSegmentRoute(req, env, req.params.siteId as string, req.params.segmentId as string),
	)
	.patch('/v1/sites/:siteId/segments/:segmentId', (req, env) =>
		patchSegmentRoute(req, env, req.params.siteId as string, req.params.segmentId as string),
	)
	.delete('/v1/sites/:siteId/segments/:segmentId', (req, env) =>
		deleteSegmentRoute(req, env, req.params.siteId as string, req.params.segmentId as string),
	)
	.get('/v1/sites/:siteId/automations', (req, env) =>
		listAutomationsRoute(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/automation-templates', (req, env) =>
		automationTemplatesRoute(req, env, req.params.siteId as string),
	)
	.post('/v1/sites/:siteId/automations', (req, env) =>
		createAutomationRoute(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/automations/:automationId', (req, env) =>
		getAutomationRoute(req, env, req.params.siteId as string, req.params.automationId as string),
	)
	.patch('/v1/sites/:siteId/automations/:automationId', (req, env) =>
		patchAutomationRoute(req, env, req.params.siteId as string, req.params.automationId as string),
	)
	.delete('/v1/sites/:siteId/automations/:automationId', (req, env) =>
		deleteAutomationRoute(req, env, req.params.siteId as string, req.params.automationId as string),
	)
	.post('/v1/sites/:siteId/automations/:automationId/enable', (req, env) =>
		automationSwitchRoute(req, env, req.params.siteId as string, req.params.automationId as string, true),
	)
	.post('/v1/sites/:siteId/automations/:automationId/disable', (req, env) =>
		automationSwitchRoute(req, env, req.params.siteId as string, req.params.automationId as string, false),
	)
	.get('/v1/sites/:siteId/automations/:automationId/report', (req, env) =>
		automationReportRoute(req, env, req.params.siteId as string, req.params.automationId as string),
	)
	.get('/v1/sites/:siteId/resources', (req, env) => listResourcesRoute(req, env, req.params.siteId as string))
	.post('/v1/sites/:siteId/resources', (req, env) =>
		createResourceRoute(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/resources/:resourceId', (req, env) =>
		getResourceRoute(req, env, req.params.siteId as string, req.params.resourceId as string),
	)
	.patch('/v1/sites/:siteId/resources/:resourceId', (req, env) =>
		patchResourceRoute(req, env, req.params.siteId as string, req.params.resourceId as string),
	)
	.delete('/v1/sites/:siteId/resources/:resourceId', (req, env) =>
		deleteResourceRoute(req, env, req.params.siteId as string, req.params.resourceId as string),
	)
	.get('/v1/sites/:siteId/resources/:resourceId/versions/:version', (req, env) =>
		getResourceVersionRoute(
			req,
			env,
			req.params.siteId as string,
			req.params.resourceId as string,
			req.params.version as string,
		),
	)
	.post('/v1/sites/:siteId/audience/estimate', (req, env) =>
		estimateRoute(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/campaigns', (req, env) => listCampaignsRoute(req, env, req.params.siteId as string))
	.post('/v1/sites/:siteId/campaigns', (req, env) =>
		createCampaignRoute(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/campaigns/calendar', (req, env) =>
		campaignCalendarRoute(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/campaigns/:campaignId', (req, env) =>
		getCampaignRoute(req, env, req.params.siteId as string, req.params.campaignId as string),
	)
	.patch('/v1/sites/:siteId/campaigns/:campaignId', (req, env) =>
		patchCampaignRoute(req, env, req.params.siteId as string, req.params.campaignId as string),
	)
	.delete('/v1/sites/:siteId/campaigns/:campaignId', (req, env) =>
		deleteCampaignRoute(req, env, req.params.siteId as string, req.params.campaignId as string),
	)
	.get('/v1/sites/:siteId/campaigns/:campaignId/runs/:run/report', (req, env) =>
		campaignRunReportRoute(
			req,
			env,
			req.params.siteId as string,
			req.params.campaignId as string,
			req.params.run as string,
		),
	)
	.post('/v1/sites/:siteId/campaigns/:campaignId/test', (req, env) =>
		testCampaignRoute(req, env, req.params.siteId as string, req.params.campaignId as string),
	)
	.post('/v1/sites/:siteId/campaigns/:campaignId/schedule', (req, env) =>
		campaignActionRoute(req, env, req.params.siteId as string, req.params.campaignId as string, 'schedule'),
	)
	.post('/v1/sites/:siteId/campaigns/:campaignId/pause', (req, env) =>
		campaignActionRoute(req, env, req.params.siteId as string, req.params.campaignId as string, 'pause'),
	)
	.post('/v1/sites/:siteId/campaigns/:campaignId/resume', (req, env) =>
		campaignActionRoute(req, env, req.params.siteId as string, req.params.campaignId as string, 'resume'),
	)
	.post('/v1/sites/:siteId/campaigns/:campaignId/cancel', (req, env) =>
		campaignActionRoute(req, env, req.params.siteId as string, req.params.campaignId as string, 'cancel'),
	)
	.post('/v1/sites/:siteId/notifications', (req, env) =>
		createNotification(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/notifications', (req, env) =>
		listNotifications(req, env, req.params.siteId as string),
	)
	.get('/v1/sites/:siteId/notifications/:id', (req, env) =>
		getNotification(req, env, req.params.siteId as string, req.params.id as string),
	)
	.all('/v1/*', () => {
		throw new HttpError(404, 'not_found', 'No such API route; see the API reference in README.md');
	})
	.all('/shopify/*', (req, env, ctx) => shopifyRouter.fetch(req, env, ctx))
	.get('/demo/site.json', demoOnly, (req, env) => demoSite(req, env))
	.get('/beckon-sw.js', demoOnly, (req) => serviceWorkerStub(req))
	.get('/', demoOnly)
	// The old demo console's address: the one console lives at /console/ (the #site=…&key=… fragment carries over).
	.get('/admin', (req) => Response.redirect(new URL('/console/', req.url).href, 301))
	.get('/products/*', demoOnly)
	.all('*', (req, env) => env.ASSETS.fetch(req));

export default {
	fetch: (request, env, ctx) => router.fetch(request, env, ctx),
	// Two queues (their names are the operator's to choose): a batch is of webhook calls when its messages name one.
	queue: (batch, env) =>
		batch.messages.some((m) => 'deliveryId' in m.body)
			? consumeWebhookCalls(batch as MessageBatch<WebhookMessage>, env)
			: consumePushBatches(batch as MessageBatch<PushBatch>, env),
	scheduled: async (controller, env) => {
		await runHousekeeping(env, controller.scheduledTime);
	},
} satisfies ExportedHandler<Env, PushBatch | WebhookMessage>;
