import type * as z from 'zod';
import type * as Wire from '#wire';
import type { SiteMigration } from '../../routes/storage';
import type { DataRequestRecord } from '../../shopify/store/privacy';
import type * as common from './common';
import type * as dev from './dev';
import type * as prompt from './prompt';
import type * as segments from './segments';
import type * as send from './send';
import type * as shopify from './shopify';
import type * as sites from './sites';
import type * as subscribers from './subscribers';

// Compile-time only (nothing imports this file): each response schema describes exactly its wire type, both ways,
// so the OpenAPI document and the TypeScript the worker, widget and console share cannot drift apart.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;
type Out<S extends z.ZodType> = z.output<S>;

export type WireChecks = [
	Check<Same<Out<typeof segments.segmentView>, Wire.SegmentView>>,
	Check<Same<Out<typeof segments.audienceEstimate>, Wire.AudienceEstimate>>,
	Check<Same<Out<typeof prompt.prompt>, Wire.Prompt>>,
	Check<Same<Out<typeof prompt.category>, Wire.Category>>,
	Check<Same<Out<typeof send.message>, Wire.Message>>,
	Check<Same<Out<typeof send.audience>, Wire.Audience>>,
	Check<Same<Out<typeof send.delivery>, Wire.Delivery>>,
	Check<Same<Out<typeof send.counts>, Wire.Counts>>,
	Check<Same<Out<typeof send.notificationView>, Wire.NotificationView>>,
	Check<Same<Out<typeof send.sendResult>, Wire.SendResult>>,
	Check<Same<Out<typeof send.notificationList>, { notifications: Wire.NotificationView[] }>>,
	Check<Same<Out<typeof sites.siteView>, Wire.SiteView>>,
	Check<Same<Out<typeof dev.outboxMessage>, Wire.OutboxMessage>>,
	Check<Same<Out<typeof sites.siteSummary>, Wire.SiteSummary>>,
	Check<Same<Out<typeof sites.sitePage>, { sites: Wire.SiteSummary[]; next: string | null }>>,
	Check<Same<Out<typeof sites.settingsView>, { settings: Wire.SiteView['settings'] }>>,
	Check<Same<Out<typeof sites.publicConfig>, Wire.PublicConfig>>,
	Check<Same<Out<typeof sites.consoleToken>, Wire.ConsoleToken>>,
	Check<Same<Out<typeof sites.apiKeyView>, Wire.ApiKeyView>>,
	Check<Same<Out<typeof sites.newApiKey>, Wire.NewApiKey>>,
	Check<Same<Out<typeof sites.apiKeyList>, { apiKeys: Wire.ApiKeyView[] }>>,
	Check<Same<Out<typeof sites.migrateResult>['sites'][number], SiteMigration>>,
	Check<Same<Out<typeof subscribers.subscriberView>, Wire.SubscriberView>>,
	Check<Same<Out<typeof subscribers.subscriberPage>, Wire.SubscriberPage>>,
	Check<Same<Out<typeof subscribers.siteStats>, Wire.SiteStats>>,
	Check<Same<Out<typeof subscribers.subscriberStatus>['status'], Wire.SubscriberStatus>>,
	Check<Same<Out<typeof shopify.dataRequestList>['dataRequests'][number], DataRequestRecord>>,
	Check<Same<Out<typeof common.apiError>, Wire.ApiErrorBody>>,
];
