import { DurableObject } from 'cloudflare:workers';
import type {
	AudienceEstimate,
	AutomationReport,
	AutomationView,
	CampaignDetail,
	CampaignRunView,
	CampaignState,
	CampaignView,
	ConversionReport,
	EventOccurrence,
	Filter,
	FrequencyCap,
	QuietHoursRule,
	ResourceVersionView,
	ResourceView,
	SegmentView,
	Staff,
	StaffInboxItem,
	StaffPreferences,
	StaffView,
	TeamView,
	UserDetail,
	WebhookDeliveryView,
	WebhookEventType,
	WebhookView,
} from '#wire';
import { SqlParams } from '../audience/compile';
import { listensTo } from '../automations/rules';
import { EmailError, type EmailProvider, emailProvider } from '../email';
import { config, type Env } from '../env';
import { newId } from '../lib/ids';
import { describeError } from '../lib/redact';
import { openSecret, sealSecret } from '../lib/secrets';
import type { Audience } from '../sending/message';
import { isReminderMinutes } from '../settings/staff';
import { composeReminder } from '../staff/digest';
import { pushToStaff } from '../staff/push';
import { DEFAULT_REMINDER_MINUTES } from '../staff/rules';
import {
	type AudiencePage,
	audiencePredicate,
	audienceZones,
	CheckError,
	type Checked,
	checked,
	compileContext,
	compileFilterIn,
	estimateAudience,
	pageAudience,
	resolveAudience,
} from '../store/audience';
import {
	type AutomationInput,
	type AutomationRecord,
	allAutomations,
	applyDateAttributes,
	applyEvents,
	automationReport,
	automationsUsingSegment,
	automationView,
	type BroadcastSend,
	broadcastSends,
	createAutomation,
	deleteAutomation,
	findAutomation,
	findOrder,
	forgetJourneysOf,
	type JourneyConversion,
	type JourneyOutcome,
	markAutomationSendStarted,
	nextJourneyDue,
	pendingAutomationSends,
	purgeJourneys,
	rememberOrder,
	runDueJourneys,
	type ShopOrder,
	updateAutomation,
} from '../store/automations';
import { builtinEvent, recordStatusChange } from '../store/builtin-events';
import {
	type CalendarEntry,
	type CampaignAction,
	type CampaignInput,
	calendar,
	campaignAction,
	createCampaign,
	pickWinner,
	settle,
	startRun,
	updateCampaign,
} from '../store/campaign-ops';
import {
	campaignRun,
	campaignRuns,
	campaignsUsingSegment,
	campaignView,
	deleteCampaign,
	dueCampaigns,
	dueWinners,
	findCampaign,
	listCampaigns,
	markRunDispatched,
	markWinnerDispatched,
	nextDue,
	nextWinnerDue,
	pendingRuns,
	pendingWinners,
} from '../store/campaigns';
import { conversionReport } from '../store/conversions';
import {
	DEFAULT_EVENT_RETENTION_DAYS,
	dayOf,
	deleteEventsOf,
	deleteSubscriberEventsOfUser,
	type EventInput,
	eventDays,
	existingSubscribers,
	purgeEvents,
	recentEvents,
	recordEvents,
	SITE_SUBJECT,
} from '../store/events';
import { countByKey, deleteByKey, insertImported, type StoredImportRow } from '../store/imported';
import {
	countLegacyRows,
	type LegacyCounts,
	legacyDaily,
	legacyNotificationPage,
	legacySubscriberPage,
} from '../store/legacy';
import {
	type Counts,
	findNotification,
	forgetUserInAudiences,
	insertNotification,
	listNotifications,
	type NotificationRecord,
	notificationIds,
	notificationsNamingUser,
	openNotificationIds,
	saveProgress,
} from '../store/notifications';
import { awayAudience } from '../store/presence';
import { type ProductUpdate, productChanged } from '../store/products';
import {
	createResource,
	deleteResource,
	findResource,
	listResources,
	type ResourceContent,
	resourceVersion,
	updateResource,
} from '../store/resources';
import {
	deleteSegment,
	findSegment,
	listSegments,
	MAX_SEGMENTS,
	saveSegment,
	segmentCount,
	segmentIdByName,
	segmentsReferring,
} from '../store/segments';
import { CAP_LOOKBACK_MS, purgeSentSets, recordPage, SentIndex, type SentPage } from '../store/sent-sets';
import { type ExportCursor, exportPage, insertStoreRow } from '../store/site-export';
import { SITE_STORE_MIGRATIONS } from '../store/site-schema';
import { findSite } from '../store/sites';
import {
	addDevice,
	deleteDevice,
	deleteStaff,
	deleteTeam,
	devicesOf,
	dueReminders,
	handleStaffEvents,
	inbox,
	markInboxRead,
	markReminded,
	preferences,
	pruneDevices,
	remindersPossible,
	type StaffEvent,
	savePreferences,
	saveTeam,
	setPresence,
	setStaffTeams,
	staffRow,
	staffViews,
	teamViews,
	trimStaff,
	unknownStaff,
	unknownTeams,
	upsertStaff,
} from '../store/staff';
import { readStats, type SiteStats } from '../store/stats';
import {
	deleteSubscriber,
	deleteUser,
	endpointHash,
	findSubscriberView,
	identifySubscriber,
	pageAllowed,
	pageAllowedInCategories,
	pruneGone,
	pruneStaleApple,
	recordPageview,
	type SubscriberFilter,
	type SubscriberReport,
	type SubscriberStatus,
	type SubscriberView,
	searchSubscribers,
	setCategories,
	setTester,
	subscriberStatus,
	subscribersOfUser,
	updateStatus,
	upsertSubscriber as upsertSubscriberIn,
} from '../store/subscribers';
import { deleteUserRow, findUser, type MergeResult, mergeUser, type StoredValue } from '../store/users';
import {
	type AttemptOutcome,
	beginAttempt,
	deleteWebhook,
	deliveryViews,
	finishAttempt,
	insertWebhook,
	MAX_WEBHOOKS,
	overdueCalls,
	recordCalls,
	trimDeliveries,
	updateWebhook,
	type WebhookCall,
	webhookRow,
	webhookRows,
	webhookViews,
} from '../store/webhooks';
import type { WebhookMessage } from '../webhooks/deliver';
import { newWebhookSecret } from '../webhooks/sign';
import type { DispatchInput } from './dispatcher';
import { migrate } from './schema';

/** Safari never answers 410 after permission is revoked: Apple subscriptions unseen this long are pruned. */
export const APPLE_STALE_MS = 120 * 86_400_000;
/** Growth rows older than this are trimmed. */
export const DAILY_KEEP_DAYS = 400;
/** While a notification is unfinished, its dispatcher is checked this often (the backstop to its own alarm). */
const RESUME_EVERY_MS = 10 * 60_000;
/** Housekeeping of an idle store (stale Apple subscriptions, old growth rows) runs this often. */
const HOUSEKEEPING_EVERY_MS = 24 * 3_600_000;
/** A notification older than this is no longer resumed (its TTL is long past). */
const RESUME_WITHIN_MS = 30 * 86_400_000;
/** Rows per page when an upgrade copies a site's rows out of D1. */
const IMPORT_PAGE = 1000;
/**
 * D1 pages one call copies at most (each is a subrequest, and an invocation may make ~1,000): a larger site is
 * copied over several calls, the store's alarm carrying on between them.
 */
const IMPORT_PAGES_PER_CALL = 900;
/** A webhook call still pending this long after its attempt was due lost its queue message: it is queued again. */
const WEBHOOK_OVERDUE_MS = 15 * 60_000;

/** The store of one site. Call it only after the request was authorised for `siteId`. */
export function siteStore(env: Env, siteId: string): DurableObjectStub<SiteStore> {
	return env.SITE_STORE.get(env.SITE_STORE.idFromName(siteId));
}

/** Where a store stands with the one-off copy of its site's rows out of the shared D1 database (upgrade). */
export interface ImportState {
	siteId: string;
	/** When the copy finished and was verified (a store answers nothing before). */
	importedAt: number;
	/** Rows found in D1 for the site and rows the store holds after the copy (equal once verified). */
	d1: LegacyCounts;
	copied: LegacyCounts;
}

export type { AudiencePage, Checked } from '../store/audience';

/** Whom a journey or conversion is of, as webhooks tell it: a signed user, or an anonymous subscriber. */
function personData(subject: string): { externalUserId: string } | { subscriberId: string } {
	return subject.startsWith('u:') ? { externalUserId: subject.slice(2) } : { subscriberId: subject.slice(2) };
}

/**
 * One per site (named by its id): the site's subscribers, exact counters, daily growth and notification history
 * in the object's own SQLite, each request one transaction. Only the worker reaches it, through
 * `idFromName(siteId)` after the request was checked for that site, and every call names the site, which the
 * store compares with the one it holds: a store can never answer for another site. On first use after an upgrade
 * it copies its site's rows out of the shared D1 database (see {@link SiteStore.importState}) before it answers
 * anything.
 */
export class SiteStore extends DurableObject<Env> {
	private readonly sql: SqlStorage;
	private siteId: string | null = null;
	private preparing: Promise<void> | null = null;
	private ready = false;
	private alarmAt: number | null = null;
	/** The frequency cap's index of recent campaign pushes (built on first use). */
	private sentIndex: SentIndex | null = null;
	/** The site's automations and the event names the enabled ones listen to (read on first use, dropped on change). */
	private automationCache: { all: AutomationRecord[]; names: Set<string> } | null = null;
	/** The enabled webhook endpoints by the event types they take (read on first use, dropped on change). */
	private webhookCache: Map<string, string[]> | null = null;
	/** Webhook calls recorded by transactions of this request, queued once they committed. */
	private outgoing: WebhookCall[] = [];

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
	}

	// ---- subscribers (public API) ------------------------------------------------------------------------------

	/** Upserts a browser's report; see {@link upsertSubscriber}. */
	async upsertSubscriber(
		siteId: string,
		newId: string,
		report: SubscriberReport,
		now: number,
	): Promise<{ id: string; created: boolean }> {
		await this.open(siteId);
		const hashes = {
			endpoint: report.push ? await endpointHash(report.push.endpoint) : null,
			oldEndpoint: report.oldEndpoint ? await endpointHash(report.oldEndpoint) : null,
		};
		const result = this.ctx.storage.transactionSync(() => {
			const upserted = upsertSubscriberIn(this.sql, newId, report, now, hashes);
			const event = recordStatusChange(this.sql, upserted.id, upserted.previous, report.status, now);
			this.statusChanged(event, now);
			const journeys = event ? this.journeys([event], now) : null;
			return { id: upserted.id, created: upserted.created, journeys };
		});
		if (result.created) await this.armAlarm(now + HOUSEKEEPING_EVERY_MS);
		await this.armJourneys(result.journeys);
		await this.post();
		return { id: result.id, created: result.created };
	}

	/**
	 * Records a pageview: the `pageview` event (every one) and the last visited page (at most hourly for the same
	 * page). The rows SQLite wrote, or null when there is no such subscriber.
	 */
	async recordPageview(siteId: string, id: string, url: string, now: number): Promise<number | null> {
		await this.open(siteId);
		const result = this.ctx.storage.transactionSync(() => {
			const written = recordPageview(this.sql, id, url, now);
			if (written === null) return null;
			const recorded = recordEvents(this.sql, [builtinEvent(id, 'pageview', now, { url })]);
			const journeys = this.journeys(recorded.fresh, now);
			return { written: written + recorded.rowsWritten + (journeys?.rowsWritten ?? 0), journeys };
		});
		if (result === null) return null;
		await this.armJourneys(result.journeys);
		await this.post();
		return result.written;
	}

	/** Sets a subscriber's permission state, recording `subscribed` / `unsubscribed` when it enters or leaves `allowed`. */
	async updateStatus(siteId: string, id: string, status: SubscriberStatus, now: number): Promise<boolean> {
		await this.open(siteId);
		const result = this.ctx.storage.transactionSync(() => {
			const before = subscriberStatus(this.sql, id);
			if (!updateStatus(this.sql, id, status, now)) return null;
			const event = recordStatusChange(this.sql, id, before, subscriberStatus(this.sql, id), now);
			this.statusChanged(event, now);
			return { journeys: event ? this.journeys([event], now) : null };
		});
		if (result === null) return false;
		await this.armJourneys(result.journeys);
		await this.post();
		return true;
	}

	/**
	 * Deletes a subscriber and its events. `unsubscribe` (the browser's own, not an erasure) records `unsubscribed`
	 * on its user when it was allowed and had one: the subscriber's own events go with it.
	 */
	async deleteSubscriber(siteId: string, id: string, unsubscribe = false): Promise<boolean> {
		await this.open(siteId);
		const deleted = this.ctx.storage.transactionSync(() => {
			if (unsubscribe) {
				const now = Date.now();
				this.emit('subscriber.unsubscribed', now, () => {
					const data = this.subscriberData(id);
					return data.browser === null ? null : { ...data, reason: 'unsubscribed' };
				});
			}
			const row = this.sql
				.exec<{ status: SubscriberStatus; external_user_id: string | null }>(
					'SELECT status, external_user_id FROM subscribers WHERE id = ?',
					id,
				)
				.toArray()[0];
			deleteEventsOf(this.sql, `s:${id}`);
			this.sql.exec('DELETE FROM journeys WHERE subject = ?', `s:${id}`);
			this.sql.exec('DELETE FROM shop_orders WHERE subject = ?', `s:${id}`);
			if (!deleteSubscriber(this.sql, id)) return false;
			if (unsubscribe && row?.status === 'allowed' && row.external_user_id !== null) {
				recordEvents(this.sql, [
					{
						...builtinEvent(id, 'unsubscribed', Date.now(), { subscriberId: id }),
						subject: `u:${row.external_user_id}`,
					},
				]);
			}
			return true;
		});
		await this.post();
		return deleted;
	}

	/**
	 * Ties a user to a subscriber (see {@link identifySubscriber}), first merging `changes` into the user's
	 * attributes (a token's `attrs`): all or nothing, null when there is no such subscriber.
	 */
	async identify(
		siteId: string,
		id: string,
		userId: string,
		suspendedId: string,
		now: number,
		changes: Record<string, StoredValue> | null = null,
	): Promise<SubscriberStatus | { path: string; message: string } | null> {
		await this.open(siteId);
		return this.ctx.storage.transactionSync(() => {
			if (subscriberStatus(this.sql, id) === null) return null;
			if (changes !== null) {
				const merged = mergeUser(this.sql, userId, changes, now);
				if (!merged.ok) return { path: merged.path, message: merged.message };
				this.dateJourneys(userId, changes, now);
			}
			return identifySubscriber(this.sql, id, userId, suspendedId, now);
		});
	}

	async setCategories(siteId: string, id: string, categories: string[], now: number): Promise<boolean> {
		await this.open(siteId);
		return setCategories(this.sql, id, categories, now);
	}

	// ---- admin reads ---------------------------------------------------------------------------------------------

	async subscriber(siteId: string, id: string): Promise<SubscriberView | null> {
		await this.open(siteId);
		return findSubscriberView(this.sql, id);
	}

	/** A page of subscribers for the console, newest first; see {@link searchSubscribers}. */
	async searchSubscribers(
		siteId: string,
		filter: SubscriberFilter,
		before: number | null,
		limit: number,
		audience: Audience | null = null,
	): Promise<Checked<{ rows: SubscriberView[]; next: number | null }>> {
		await this.open(siteId);
		return checked(() => {
			const params = new SqlParams();
			const where =
				audience === null ? null : audiencePredicate(audience, compileContext(this.sql, Date.now()), params);
			return searchSubscribers(this.sql, filter, before, limit, params, where);
		});
	}

	/** Marks a subscriber as a tester or not; false if it does not exist. */
	async setTester(siteId: string, id: string, test: boolean): Promise<boolean> {
		await this.open(siteId);
		return setTester(this.sql, id, test, Date.now());
	}

	// ---- audiences and segments ------------------------------------------------------------------------------------

	/** An audience checked against the site, saved segments replaced by their filters (what a send keeps). */
	async resolveAudience(siteId: string, audience: Audience): Promise<Checked<Audience>> {
		await this.open(siteId);
		return checked(() => resolveAudience(this.sql, audience, Date.now()));
	}

	async estimate(siteId: string, audience: Audience): Promise<Checked<AudienceEstimate>> {
		await this.open(siteId);
		return checked(() => estimateAudience(this.sql, audience, Date.now()));
	}

	async segments(siteId: string): Promise<SegmentView[]> {
		await this.open(siteId);
		return listSegments(this.sql);
	}

	async segment(siteId: string, id: string): Promise<SegmentView | null> {
		await this.open(siteId);
		return findSegment(this.sql, id);
	}

	/**
	 * Creates (`id` new) or updates a saved segment: its name must be free, its filter must compile against the
	 * site (no unknown attributes or segments, no cycle through other segments). Writes nothing otherwise.
	 */
	async saveSegment(
		siteId: string,
		segment: { id: string; name: string; description: string; filter: Filter },
		create: boolean,
	): Promise<Checked<SegmentView>> {
		await this.open(siteId);
		const now = Date.now();
		return checked(() =>
			this.ctx.storage.transactionSync(() => {
				const existing = findSegment(this.sql, segment.id);
				if (create ? existing !== null : existing === null) {
					throw new CheckError(404, 'segment_not_found', `No segment ${segment.id} on this site`);
				}
				if (create && segmentCount(this.sql) >= MAX_SEGMENTS) {
					throw new CheckError(409, 'too_many_segments', `A site has at most ${MAX_SEGMENTS} segments`);
				}
				const holder = segmentIdByName(this.sql, segment.name);
				if (holder !== null && holder !== segment.id) {
					throw new CheckError(409, 'segment_name_taken', `name: another segment is called ${segment.name}`);
				}
				const saved = saveSegment(this.sql, segment, now);
				// Compiled with the new version in place, so a cycle through other segments is found too.
				compileFilterIn(this.sql, { segment: segment.id }, now);
				return saved;
			}),
		);
	}

	/** Deletes a saved segment unless another one names it (409 listing them). */
	async deleteSegment(siteId: string, id: string): Promise<Checked<boolean>> {
		await this.open(siteId);
		return checked(() => {
			const users = segmentsReferring(this.sql, id);
			const campaigns = campaignsUsingSegment(this.sql, id);
			const automations = automationsUsingSegment(this.sql, id);
			if (automations.length > 0) {
				throw new CheckError(
					409,
					'segment_in_use',
					`Segment ${id} is used by ${automations.map((a) => `automation ${a.name} (${a.id})`).join(', ')}; change those first`,
				);
			}
			if (campaigns.length > 0) {
				throw new CheckError(
					409,
					'segment_in_use',
					`Segment ${id} is the audience of ${campaigns.map((c) => `campaign ${c.name} (${c.id})`).join(', ')}; change those first`,
				);
			}
			if (users.length > 0) {
				throw new CheckError(
					409,
					'segment_in_use',
					`Segment ${id} is used by ${users.map((u) => `${u.name} (${u.segmentId})`).join(', ')}; change those first`,
				);
			}
			return deleteSegment(this.sql, id);
		});
	}

	// ---- push resources -------------------------------------------------------------------------------------------

	async resources(
		siteId: string,
		query: { q?: string; label?: string; limit: number },
	): Promise<ResourceView[]> {
		await this.open(siteId);
		return listResources(this.sql, query);
	}

	async resource(siteId: string, id: string): Promise<ResourceView | null> {
		await this.open(siteId);
		return findResource(this.sql, id);
	}

	async resourceVersion(siteId: string, id: string, version: number): Promise<ResourceVersionView | null> {
		await this.open(siteId);
		return resourceVersion(this.sql, id, version);
	}

	/** Creates (`create`) or changes a resource; a taken name is a 409, an unknown id a 404. Writes nothing then. */
	async saveResource(
		siteId: string,
		id: string,
		content: Partial<ResourceContent>,
		create: boolean,
	): Promise<Checked<ResourceView>> {
		await this.open(siteId);
		const now = Date.now();
		return checked(() =>
			this.ctx.storage.transactionSync(() =>
				create
					? createResource(this.sql, id, content as ResourceContent, now)
					: updateResource(this.sql, id, content, now),
			),
		);
	}

	/** Deletes a resource unless a campaign still sends it (409 naming them). */
	async deleteResource(siteId: string, id: string): Promise<Checked<boolean>> {
		await this.open(siteId);
		return checked(() => this.ctx.storage.transactionSync(() => deleteResource(this.sql, id)));
	}

	async stats(siteId: string, now: number, days = 30): Promise<SiteStats> {
		await this.open(siteId);
		return readStats(this.sql, now, days);
	}

	// ---- campaigns ------------------------------------------------------------------------------------------------

	async createCampaign(siteId: string, id: string, input: CampaignInput): Promise<Checked<CampaignView>> {
		await this.open(siteId);
		const now = Date.now();
		return checked(() =>
			campaignView(this.ctx.storage.transactionSync(() => createCampaign(this.sql, id, input, now))),
		);
	}

	async campaigns(
		siteId: string,
		filter: { states?: CampaignState[]; label?: string },
	): Promise<CampaignView[]> {
		await this.open(siteId);
		return listCampaigns(this.sql, filter).map((c) => campaignView(settle(this.sql, c)));
	}

	/** A campaign with its latest runs (their notifications' saved counts), or null. */
	async campaign(siteId: string, id: string): Promise<CampaignDetail | null> {
		await this.open(siteId);
		const c = findCampaign(this.sql, id);
		if (!c) return null;
		return { ...campaignView(settle(this.sql, c)), runs: campaignRuns(this.sql, id, 50) };
	}

	async updateCampaign(
		siteId: string,
		id: string,
		patch: Partial<CampaignInput>,
	): Promise<Checked<CampaignView>> {
		await this.open(siteId);
		const result = checked(() =>
			this.ctx.storage.transactionSync(() => updateCampaign(this.sql, id, patch, Date.now())),
		);
		if (!result.ok) return result;
		if (result.value.nextRunAt !== null) await this.armAlarm(result.value.nextRunAt);
		return { ok: true, value: campaignView(result.value) };
	}

	/** schedule / pause / resume / cancel; a cancel also stops a run that is sending. */
	async campaignAction(siteId: string, id: string, action: CampaignAction): Promise<Checked<CampaignView>> {
		await this.open(siteId);
		const result = checked(() =>
			this.ctx.storage.transactionSync(() => campaignAction(this.sql, id, action, Date.now())),
		);
		if (!result.ok) return result;
		const { campaign, stop } = result.value;
		for (const notificationId of stop) {
			await this.env.DISPATCHER.get(this.env.DISPATCHER.idFromName(notificationId)).cancel();
		}
		if (campaign.nextRunAt !== null) await this.armAlarm(campaign.nextRunAt);
		return { ok: true, value: campaignView(findCampaign(this.sql, id) ?? campaign) };
	}

	/**
	 * One run of a campaign with its conversion report (null when the campaign has no goal), or null when there is no
	 * such run. Computed from the run's sent sets and the events; nothing is written.
	 */
	async campaignRunReport(
		siteId: string,
		campaignId: string,
		run: number,
	): Promise<{ run: CampaignRunView; conversions: ConversionReport | null } | null> {
		await this.open(siteId);
		const c = findCampaign(this.sql, campaignId);
		const view = c ? campaignRun(this.sql, campaignId, run) : null;
		if (!c || !view) return null;
		const goal = c.experiment.goal;
		const variants = c.experiment.variants;
		const conversions = goal
			? conversionReport(
					this.sql,
					{
						notificationId: view.notificationId,
						startedAt: Date.parse(view.startedAt),
						...(view.winner?.notificationId && view.winner.variant !== null
							? { rest: { notificationId: view.winner.notificationId, variant: view.winner.variant } }
							: {}),
					},
					goal,
					variants && variants.length > 1
						? { seed: c.id, names: variants.map((v) => v.name), weights: variants.map((v) => v.weight) }
						: null,
					Date.now(),
				)
			: null;
		return { run: view, conversions };
	}

	/** Runs that started and runs to come between two times (the console's calendar). */
	async campaignCalendar(siteId: string, from: number, to: number): Promise<CalendarEntry[]> {
		await this.open(siteId);
		return calendar(this.sql, from, to, Date.now(), 500);
	}

	/** Deletes a campaign that is not scheduled or running (its runs' notifications stay in the history). */
	async deleteCampaign(siteId: string, id: string): Promise<Checked<boolean>> {
		await this.open(siteId);
		return checked(() =>
			this.ctx.storage.transactionSync(() => {
				const c = findCampaign(this.sql, id);
				if (!c) return false;
				if (c.state === 'scheduled' || c.state === 'running') {
					throw new CheckError(
						409,
						'campaign_active',
						`Campaign ${id} is ${c.state}; pause or cancel it first`,
					);
				}
				return deleteCampaign(this.sql, id);
			}),
		);
	}

	/**
	 * Starts the runs that are due (at most 20 per alarm; the alarm comes back at once for more) and any run whose
	 * dispatcher was not started yet. The run's notification and row are written in one transaction, the dispatcher
	 * started after it (Dispatcher.start ignores a second call, so a crash in between only delays the run).
	 */
	private async runCampaigns(siteId: string, now: number): Promise<boolean> {
		for (const pending of pendingRuns(this.sql)) {
			await this.dispatchRun(pending.campaignId, pending.run, JSON.parse(pending.input) as DispatchInput);
		}
		for (const pending of pendingWinners(this.sql)) {
			await this.dispatchWinner(pending.campaignId, pending.run, JSON.parse(pending.input) as DispatchInput);
		}
		const due = dueCampaigns(this.sql, now, 20);
		const winners = dueWinners(this.sql, now);
		if (due.length === 0 && winners.length === 0) return false;
		const site = await findSite(this.env.DB, siteId);
		if (!site) return false;
		const campaignSettings = (
			site.settings as {
				campaigns?: { frequencyCap?: FrequencyCap | null; quietHours?: QuietHoursRule | null };
			}
		).campaigns;
		const siteFacts = {
			siteId,
			homeUrl: site.homeUrl,
			iconUrl: site.iconUrl,
			vapidKeyId: site.vapidKeyId,
			disabled: site.disabledAt !== null,
			frequencyCap: campaignSettings?.frequencyCap ?? null,
			quietHours: campaignSettings?.quietHours ?? null,
		};
		for (const w of winners) {
			const input = this.ctx.storage.transactionSync(() =>
				pickWinner(this.sql, w.campaignId, w.run, siteFacts, newId('ntf'), now),
			);
			if (input) await this.dispatchWinner(w.campaignId, w.run, input);
		}
		for (const c of due) {
			const started = this.ctx.storage.transactionSync(() =>
				startRun(this.sql, c.id, siteFacts, newId('ntf'), now),
			);
			if (started) await this.dispatchRun(c.id, started.run, started.input);
		}
		return true;
	}

	private async dispatchWinner(campaignId: string, run: number, input: DispatchInput): Promise<void> {
		await this.env.DISPATCHER.get(this.env.DISPATCHER.idFromName(input.notificationId)).start(input);
		markWinnerDispatched(this.sql, campaignId, run);
	}

	private async dispatchRun(campaignId: string, run: number, input: DispatchInput): Promise<void> {
		await this.env.DISPATCHER.get(this.env.DISPATCHER.idFromName(input.notificationId)).start(input);
		markRunDispatched(this.sql, campaignId, run);
	}

	// ---- automations (issue 13) ------------------------------------------------------------------------------------

	async automations(siteId: string): Promise<AutomationView[]> {
		await this.open(siteId);
		return this.automationsNow().all.map((a) => automationView(this.sql, a));
	}

	async automation(siteId: string, id: string): Promise<AutomationView | null> {
		await this.open(siteId);
		const a = findAutomation(this.sql, id);
		return a ? automationView(this.sql, a) : null;
	}

	async createAutomation(
		siteId: string,
		id: string,
		input: AutomationInput,
		now: number,
	): Promise<Checked<AutomationView>> {
		await this.open(siteId);
		this.automationCache = null;
		return checked(() => this.ctx.storage.transactionSync(() => createAutomation(this.sql, id, input, now)));
	}

	/** Changes an automation (or turns it on or off: `{enabled}`); null value when there is no such automation. */
	async updateAutomation(
		siteId: string,
		id: string,
		patch: Partial<AutomationInput>,
		now: number,
	): Promise<Checked<AutomationView | null>> {
		await this.open(siteId);
		this.automationCache = null;
		return checked(() => this.ctx.storage.transactionSync(() => updateAutomation(this.sql, id, patch, now)));
	}

	async deleteAutomation(siteId: string, id: string): Promise<boolean> {
		await this.open(siteId);
		this.automationCache = null;
		return this.ctx.storage.transactionSync(() => deleteAutomation(this.sql, id));
	}

	async automationReport(siteId: string, id: string): Promise<AutomationReport | null> {
		await this.open(siteId);
		const a = findAutomation(this.sql, id);
		return a ? automationReport(this.sql, a) : null;
	}

	/**
	 * Runs the journeys due at `now` (the alarm's work; tests call it with a fixed clock): first any step send whose
	 * dispatcher was not started, then due journeys in one transaction, then their dispatchers. True when more were
	 * due than one round takes.
	 */
	async runJourneys(siteId: string, now: number): Promise<boolean> {
		await this.open(siteId);
		for (const input of pendingAutomationSends(this.sql)) await this.startAutomationSend(input);
		const next = nextJourneyDue(this.sql);
		if (next === null || next > now) return false;
		const site = await findSite(this.env.DB, siteId);
		if (!site) return false;
		const settings = (
			site.settings as {
				campaigns?: { frequencyCap?: FrequencyCap | null; quietHours?: QuietHoursRule | null };
			}
		).campaigns;
		const facts = {
			siteId,
			platform: site.platform,
			origins: site.origins,
			homeUrl: site.homeUrl,
			iconUrl: site.iconUrl,
			vapidKeyId: site.vapidKeyId,
			disabled: site.disabledAt !== null,
			frequencyCap: settings?.frequencyCap ?? null,
			quietHours: settings?.quietHours ?? null,
		};
		const ran = this.ctx.storage.transactionSync(() =>
			runDueJourneys(this.sql, facts, now, () => newId('ntf')),
		);
		if (ran.failed) this.automationCache = null; // an automation's last_error changed
		for (const input of ran.inputs) await this.startAutomationSend(input);
		return ran.more;
	}

	/** Remembers a shop order's buyer (once per order id) for its shipping updates. */
	async rememberOrder(siteId: string, order: ShopOrder, now: number): Promise<void> {
		await this.open(siteId);
		rememberOrder(this.sql, order, now);
	}

	async findOrder(siteId: string, id: string): Promise<ShopOrder | null> {
		await this.open(siteId);
		return findOrder(this.sql, id);
	}

	/**
	 * A shop product changed (products/update): stores its variants' state and records the `back_in_stock` and
	 * `price_dropped` events the change makes (only when an enabled automation listens to them), which start those
	 * automations' journeys. Returns how many events were recorded.
	 */
	async productChanged(siteId: string, product: ProductUpdate, now: number): Promise<number> {
		await this.open(siteId);
		const { names } = this.automationsNow();
		const wanted = { restock: names.has('back_in_stock'), priceDrop: names.has('price_dropped') };
		const result = this.ctx.storage.transactionSync(() => {
			const events = productChanged(this.sql, product, wanted, now, this.retentionDays());
			if (events.length === 0) return { recorded: 0, journeys: null };
			const recorded = recordEvents(this.sql, events);
			return { recorded: recorded.accepted, journeys: this.journeys(recorded.fresh, now) };
		});
		await this.armJourneys(result.journeys);
		await this.post();
		return result.recorded;
	}

	private async startAutomationSend(input: DispatchInput): Promise<void> {
		await this.env.DISPATCHER.get(this.env.DISPATCHER.idFromName(input.notificationId)).start(input);
		markAutomationSendStarted(this.sql, input.notificationId);
	}

	/** The automations, read once and kept until one changes. */
	private automationsNow(): { all: AutomationRecord[]; names: Set<string> } {
		if (!this.automationCache) {
			const all = allAutomations(this.sql);
			const names = new Set(all.filter((a) => a.enabled).flatMap((a) => listensTo(a)));
			this.automationCache = { all, names };
		}
		return this.automationCache;
	}

	/** Journeys moved by newly recorded events (inside their transaction); null when no automation listens. */
	private journeys(events: readonly EventInput[], now: number): JourneyOutcome | null {
		if (events.length === 0) return null;
		const { all, names } = this.automationsNow();
		if (names.size === 0) return null;
		const heard = events.filter((e) => names.has(e.name));
		if (heard.length === 0) return null;
		const outcome = applyEvents(this.sql, all, heard, now);
		if (outcome.conversions.length > 0) this.converted(outcome.conversions, now);
		const entries = outcome.entries.filter((j) => j.subject !== SITE_SUBJECT);
		if (entries.length > 0) {
			this.emit(
				'automation.entered',
				now,
				() => ({
					journeys: entries.map((j) => ({
						automationId: j.automationId,
						...personData(j.subject),
						key: j.key,
						heldOut: j.heldOut,
						enteredAt: new Date(j.time).toISOString(),
					})),
				}),
				entries.length,
			);
		}
		return outcome;
	}

	/** Date-attribute automations after a user's attributes changed (inside the transaction). */
	private dateJourneys(userId: string, changes: Record<string, StoredValue>, now: number): number {
		const { all } = this.automationsNow();
		if (!all.some((a) => a.enabled && a.trigger.type === 'date' && a.trigger.attribute)) return 0;
		const dates = new Map<string, number | null>();
		for (const [name, value] of Object.entries(changes)) {
			if (value === null) dates.set(name, null);
			else if (value.type === 'date') dates.set(name, value.value as number);
		}
		return dates.size > 0 ? applyDateAttributes(this.sql, all, userId, dates, now) : 0;
	}

	/** After journeys may have started: the alarm is set for the first one due. */
	private async armJourneys(outcome: JourneyOutcome | null): Promise<void> {
		if (!outcome || outcome.entered === 0) return;
		const due = nextJourneyDue(this.sql);
		if (due !== null) await this.armAlarm(due);
	}

	// ---- users and events ---------------------------------------------------------------------------------------

	/** Merges a user's attributes; see {@link mergeUser}. */
	async mergeUser(
		siteId: string,
		userId: string,
		changes: Record<string, StoredValue>,
		now: number,
	): Promise<MergeResult> {
		await this.open(siteId);
		let moved = 0;
		const result = this.ctx.storage.transactionSync(() => {
			const merged = mergeUser(this.sql, userId, changes, now);
			if (merged.ok) moved = this.dateJourneys(userId, changes, now);
			return merged;
		});
		if (moved > 0)
			await this.armJourneys({
				entered: 1,
				exited: 0,
				converted: 0,
				rowsWritten: moved,
				conversions: [],
				entries: [],
			});
		return result;
	}

	/** A user with their subscribers and last 30 days' events; null when none of these exist. */
	async user(siteId: string, userId: string, now: number): Promise<UserDetail | null> {
		await this.open(siteId);
		const profile = findUser(this.sql, userId);
		const subscribers = subscribersOfUser(this.sql, userId);
		const events = recentEvents(this.sql, `u:${userId}`, dayOf(now) - 30, 100);
		if (!profile && subscribers.length === 0 && events.length === 0) return null;
		return {
			...(profile ?? { userId, attributes: {}, createdAt: null, updatedAt: null }),
			subscribers,
			events,
		};
	}

	/**
	 * Records events: those naming a subscriber the site does not have are rejected (their indexes), the rest
	 * counted once per id; see {@link recordEvents}.
	 */
	async recordEvents(
		siteId: string,
		events: readonly EventInput[],
		now: number,
	): Promise<{
		accepted: number;
		duplicates: number;
		rejected: number[];
		rowsWritten: number;
		notifications: BroadcastSend[];
	}> {
		await this.open(siteId);
		const subscriberIds = [
			...new Set(events.flatMap((e) => (e.subject.startsWith('s:') ? [e.subject.slice(2)] : []))),
		];
		const known = existingSubscribers(this.sql, subscriberIds);
		const rejected: number[] = [];
		const kept = events.filter((e, i) => {
			const ok = !e.subject.startsWith('s:') || known.has(e.subject.slice(2));
			if (!ok) rejected.push(i);
			return ok;
		});
		const result = this.ctx.storage.transactionSync(() => {
			const recorded = recordEvents(this.sql, kept);
			this.clicked(recorded.fresh, now);
			const journeys = this.journeys(recorded.fresh, now);
			return { ...recorded, journeys };
		});
		if (result.accepted > 0) await this.armAlarm(now + HOUSEKEEPING_EVERY_MS);
		await this.armJourneys(result.journeys);
		await this.post();
		const siteEvents = kept
			.filter((e) => e.subject === SITE_SUBJECT && e.id !== null)
			.map((e) => e.id as string);
		let notifications: BroadcastSend[] = [];
		if (siteEvents.length > 0) {
			// A broadcast due at once (a new post) is sent now, not on the alarm, so the caller learns its notification.
			if (result.journeys && result.journeys.entered > 0) await this.runJourneys(siteId, now);
			notifications = broadcastSends(this.sql, siteEvents);
		}
		return {
			accepted: result.accepted,
			duplicates: result.duplicates,
			rowsWritten: result.rowsWritten + (result.journeys?.rowsWritten ?? 0),
			rejected,
			notifications,
		};
	}

	/** How many days events are kept (meta `event_retention_days`, else the default). */
	async eventRetentionDays(siteId: string): Promise<number> {
		await this.open(siteId);
		return this.retentionDays();
	}

	/** Erases a user: their row, subscribers (and their events), events, and their id in audiences. */
	async eraseUser(siteId: string, userId: string): Promise<boolean> {
		await this.open(siteId);
		return this.ctx.storage.transactionSync(() => {
			const events = deleteEventsOf(this.sql, `u:${userId}`);
			deleteSubscriberEventsOfUser(this.sql, userId);
			forgetJourneysOf(this.sql, userId);
			forgetUserInAudiences(this.sql, userId);
			const subscribers = deleteUser(this.sql, userId);
			const row = deleteUserRow(this.sql, userId);
			return row || subscribers > 0 || events > 0;
		});
	}

	// ---- sending -------------------------------------------------------------------------------------------------

	/** An only-if-away send's 1:1 audience less those present on the site, and how many that left out. */
	async awayAudience(
		siteId: string,
		audience: Audience,
		minutes: number,
	): Promise<{ audience: Audience; present: number }> {
		await this.open(siteId);
		return awayAudience(this.sql, audience, minutes * config(this.env).minuteMs, Date.now());
	}

	/**
	 * The next page of an audience's allowed subscribers. `cursor` is the last id (keyset), or for {subscriberIds}
	 * and {userIds} the offset into the list. `withContext` (a personalised message) adds each recipient's Liquid
	 * context. The plain {all} and {categories} audiences keep their join-free queries.
	 */
	async audiencePage(
		siteId: string,
		audience: Audience,
		cursor: string,
		limit: number,
		withContext = false,
		zones: string[] | null = null,
	): Promise<AudiencePage> {
		await this.open(siteId);
		if (
			zones === null &&
			!withContext &&
			audience.exclude === undefined &&
			('all' in audience || 'categories' in audience)
		) {
			const rows =
				'all' in audience
					? pageAllowed(this.sql, cursor, limit)
					: pageAllowedInCategories(this.sql, audience.categories, cursor, limit);
			return { rows, cursor: rows.at(-1)?.[0] ?? cursor, done: rows.length < limit };
		}
		return pageAudience(this.sql, audience, cursor, limit, Date.now(), withContext, zones);
	}

	/**
	 * The ids of a page of a campaign run that the site's frequency cap (if any) lets through, recorded as sent with
	 * the page's held-out ids (one row per page); see store/sent-sets.ts.
	 */
	async recordPage(
		siteId: string,
		page: SentPage,
		cap: FrequencyCap | null,
		fallbackZone: string,
	): Promise<string[]> {
		await this.open(siteId);
		const now = Date.now();
		this.sentIndex ??= SentIndex.load(this.sql, now - CAP_LOOKBACK_MS);
		const index = this.sentIndex;
		return this.ctx.storage.transactionSync(() => recordPage(this.sql, index, page, cap, fallbackZone, now));
	}

	/** The allowed subscribers of a (resolved) audience by stored time zone, for a timed run's waves. */
	async audienceZones(siteId: string, audience: Audience): Promise<Array<{ zone: string; n: number }>> {
		await this.open(siteId);
		return audienceZones(this.sql, audience, Date.now());
	}

	/**
	 * Adds subscriptions imported from another push tool, made with the VAPID key `keyId`, in one transaction;
	 * rows whose endpoint the site already holds are duplicates (an import is safe to repeat).
	 */
	async importSubscribers(
		siteId: string,
		rows: StoredImportRow[],
		keyId: string,
		now: number,
	): Promise<{ imported: number; duplicate: number }> {
		await this.open(siteId);
		const result = this.ctx.storage.transactionSync(() => insertImported(this.sql, rows, keyId, now));
		if (result.imported > 0) await this.armAlarm(now + HOUSEKEEPING_EVERY_MS);
		return result;
	}

	/** How many subscribers with a push subscription each VAPID key id has. */
	async subscribersByKey(siteId: string): Promise<Array<{ keyId: string | null; subscribers: number }>> {
		await this.open(siteId);
		return countByKey(this.sql);
	}

	/** Deletes the subscribers made with a VAPID key that is being deleted; how many went. */
	async deleteSubscribersOfKey(siteId: string, keyId: string): Promise<number> {
		await this.open(siteId);
		return this.ctx.storage.transactionSync(() => deleteByKey(this.sql, keyId));
	}

	/** Deletes subscriptions a push service reported gone (only while they still hold the endpoint sent to). */
	async pruneGone(siteId: string, gone: Array<{ id: string; endpoint: string }>): Promise<number> {
		await this.open(siteId);
		const n = this.ctx.storage.transactionSync(() => {
			const pruned = pruneGone(this.sql, gone);
			this.gone(pruned, 'push_service', Date.now());
			return pruned.length;
		});
		await this.post();
		return n;
	}

	// ---- notifications -------------------------------------------------------------------------------------------

	async insertNotification(
		siteId: string,
		record: NotificationRecord,
		idempotencyKey: string | null,
	): Promise<{ record: NotificationRecord; duplicate: boolean }> {
		await this.open(siteId);
		const result = insertNotification(this.sql, record, idempotencyKey);
		if (!result.duplicate) await this.armAlarm(record.createdAt + RESUME_EVERY_MS);
		return result;
	}

	async notification(siteId: string, id: string): Promise<NotificationRecord | null> {
		await this.open(siteId);
		return findNotification(this.sql, siteId, id);
	}

	async notifications(siteId: string, limit: number): Promise<NotificationRecord[]> {
		await this.open(siteId);
		return listNotifications(this.sql, siteId, limit);
	}

	/** A dispatcher's latest counts (every few seconds while it sends, and when it finishes). */
	async saveProgress(
		siteId: string,
		id: string,
		status: NotificationRecord['status'],
		counts: Counts,
		finishedAt: number | null,
	): Promise<boolean> {
		await this.open(siteId);
		const saved = this.ctx.storage.transactionSync(() => {
			// Told once, when it first finishes (counts keep changing afterwards as pushes are shown and clicked).
			const finishing =
				status === 'done' && this.hooks('notification.completed').length > 0
					? this.sql
							.exec<{ status: string; created_at: number; title: string | null }>(
								"SELECT status, created_at, json_extract(message, '$.title') AS title FROM notifications WHERE id = ?",
								id,
							)
							.toArray()[0]
					: undefined;
			const ok = saveProgress(this.sql, id, status, counts, finishedAt);
			if (ok && finishing && finishing.status !== 'done') {
				this.emit('notification.completed', Date.now(), () => ({
					notificationId: id,
					title: finishing.title,
					counts,
					createdAt: new Date(finishing.created_at).toISOString(),
					finishedAt: new Date(finishedAt ?? Date.now()).toISOString(),
				}));
			}
			return ok;
		});
		await this.post();
		return saved;
	}

	// ---- privacy (Shopify's mandatory webhooks) ------------------------------------------------------------------

	/**
	 * What the store holds about a signed-in user: their subscribers, the notifications naming them, their
	 * attributes and event days.
	 */
	async exportUser(
		siteId: string,
		userId: string,
	): Promise<{
		subscribers: SubscriberView[];
		notifications: string[];
		attributes: UserDetail['attributes'];
		events: Array<{ name: string; day: string; count: number; occurrences: EventOccurrence[] }>;
	}> {
		await this.open(siteId);
		return {
			subscribers: subscribersOfUser(this.sql, userId),
			notifications: notificationsNamingUser(this.sql, userId).map((n) => n.id),
			attributes: findUser(this.sql, userId)?.attributes ?? {},
			events: eventDays(this.sql, `u:${userId}`),
		};
	}

	/**
	 * Deletes a user's subscribers (and their events), profile, events and their id in notification audiences; how
	 * many subscriber rows went.
	 */
	async redactUser(siteId: string, userId: string): Promise<number> {
		await this.open(siteId);
		return this.ctx.storage.transactionSync(() => {
			forgetUserInAudiences(this.sql, userId);
			deleteEventsOf(this.sql, `u:${userId}`);
			deleteSubscriberEventsOfUser(this.sql, userId);
			forgetJourneysOf(this.sql, userId);
			deleteUserRow(this.sql, userId);
			return deleteUser(this.sql, userId);
		});
	}

	/** Notification ids after `afterId` (shop redaction purges their dispatchers first). */
	async notificationIds(siteId: string, afterId: string, limit: number): Promise<string[]> {
		await this.open(siteId);
		return notificationIds(this.sql, afterId, limit);
	}

	/**
	 * Forgets the site entirely (shop redaction): every row, the alarm. The store stays marked as imported, so a
	 * late call finds it empty instead of copying the site's old D1 rows back.
	 */
	async purge(siteId: string): Promise<void> {
		await this.open(siteId);
		await this.ctx.storage.deleteAlarm();
		await this.ctx.storage.deleteAll();
		this.alarmAt = null;
		this.automationCache = null;
		migrate(this.ctx.storage, SITE_STORE_MIGRATIONS);
		this.setMeta('site', siteId);
		this.setMeta('imported_at', String(Date.now()));
	}

	// ---- site export and import (README "Moving a site") ---------------------------------------------------------

	/**
	 * One page of a table's records for a site export (see {@link exportPage}), already as NDJSON lines: what the
	 * export streams, without a structured clone of every row.
	 */
	async exportPage(
		siteId: string,
		type: string,
		after: ExportCursor | null,
		limit: number,
	): Promise<{ ndjson: string; count: number; next: ExportCursor | null }> {
		await this.open(siteId);
		const page = exportPage(this.sql, type, after, limit);
		const ndjson = page.records.map((r) => `${JSON.stringify(r)}\n`).join('');
		return { ndjson, count: page.records.length, next: page.next };
	}

	/**
	 * Writes import rows (checked by `checkStoreRecord`) in one transaction: all of them, or, when SQLite
	 * refuses one (a duplicate id, a status it does not know), none, with the index of the one refused.
	 */
	async importRecords(
		siteId: string,
		records: Array<{ type: string; row: Record<string, SqlStorageValue> }>,
	): Promise<{ ok: true } | { ok: false; index: number; message: string }> {
		await this.open(siteId);
		const hashes = await Promise.all(
			records.map((r) =>
				r.type === 'subscriber' && typeof r.row.endpoint === 'string' ? endpointHash(r.row.endpoint) : null,
			),
		);
		let at = 0;
		try {
			this.ctx.storage.transactionSync(() => {
				for (at = 0; at < records.length; at++) {
					const record = records[at] as (typeof records)[number];
					const hash = hashes[at] ?? null;
					insertStoreRow(this.sql, record.type, record.row, hash === null ? {} : { endpoint_hash: hash });
				}
			});
		} catch (error) {
			return { ok: false, index: at, message: error instanceof Error ? error.message : String(error) };
		}
		return { ok: true };
	}

	/**
	 * Ends an import: the daily growth as exported (the counting triggers took every imported subscriber for
	 * today's growth), the event retention and reminder interval of the site's settings, the housekeeping alarm and
	 * the reminder timer.
	 */
	async finishImport(
		siteId: string,
		daily: Array<{ day: string; added: number; removed: number }>,
		retentionDays: number | null,
		reminderMinutes: number | null = null,
	): Promise<void> {
		await this.open(siteId);
		this.ctx.storage.transactionSync(() => {
			this.sql.exec('DELETE FROM daily');
			for (const d of daily) {
				this.sql.exec('INSERT INTO daily (day, added, removed) VALUES (?, ?, ?)', d.day, d.added, d.removed);
			}
			if (retentionDays !== null) this.setMeta('event_retention_days', String(retentionDays));
			if (reminderMinutes !== null) this.setMeta('staff_reminder_minutes', String(reminderMinutes));
		});
		this.automationCache = null;
		const now = Date.now();
		await this.armAlarm(now + HOUSEKEEPING_EVERY_MS);
		// Unread messages that came along are reminded of on the site's interval, not only after the next event.
		await this.armReminders(now);
	}

	// ---- upgrade and housekeeping --------------------------------------------------------------------------------

	/**
	 * Opens the store for the site (copying its D1 rows first after an upgrade) and tells where the copy stands.
	 * Safe to call any number of times: the copy runs once, resumes from its cursor if it was cut short, and a
	 * store whose copy is verified only reads its own meta.
	 */
	async importState(siteId: string): Promise<ImportState> {
		await this.open(siteId);
		const none = '{"subscribers":0,"notifications":0}';
		return {
			siteId,
			importedAt: Number(this.meta('imported_at')),
			d1: JSON.parse(this.meta('import_d1') ?? none) as LegacyCounts,
			copied: JSON.parse(this.meta('import_copied') ?? none) as LegacyCounts,
		};
	}

	/** Resumes stalled dispatchers, prunes stale Apple subscriptions, trims old growth rows (the alarm's work). */
	async housekeep(siteId: string, now: number): Promise<{ resumed: number; pruned: number }> {
		await this.open(siteId);
		const open = openNotificationIds(this.sql, now - RESUME_WITHIN_MS, now - 60_000, 100);
		for (const id of open) await this.env.DISPATCHER.get(this.env.DISPATCHER.idFromName(id)).resume();
		let pruned = 0;
		for (let round = 0; round < 10; round++) {
			const stale = this.ctx.storage.transactionSync(() => {
				const rows = pruneStaleApple(this.sql, now - APPLE_STALE_MS, 1000);
				this.gone(rows, 'stale', now);
				return rows.length;
			});
			pruned += stale;
			if (stale < 1000) break;
		}
		trimDeliveries(this.sql, now);
		trimStaff(this.sql, now);
		const cutoff = new Date(now - DAILY_KEEP_DAYS * 86_400_000).toISOString().slice(0, 10);
		this.sql.exec('DELETE FROM daily WHERE day < ?', cutoff);
		purgeEvents(this.sql, dayOf(now) - this.retentionDays());
		purgeSentSets(this.sql, this.sentIndex, now);
		purgeJourneys(this.sql, now);
		this.setMeta('housekept_at', String(now));
		await this.post();
		return { resumed: open.length, pruned };
	}

	override async alarm(): Promise<void> {
		this.alarmAt = null;
		const siteId = this.meta('site');
		if (!siteId) return;
		if (this.meta('imported_at') === null) {
			// A large site's copy out of D1 carries on (it throws, and sets this alarm again, until it is done).
			await this.open(siteId).catch((error: unknown) => console.log(String(error)));
			if (!this.ready) return;
		}
		const now = Date.now();
		await this.requeueOverdue(now);
		await this.runReminders(siteId, now);
		const moreJourneys = await this.runJourneys(siteId, now);
		const ranCampaigns = await this.runCampaigns(siteId, now);
		// An alarm that started campaign runs housekeeps only when the last round is older than the resume period.
		const housekept = Number(this.meta('housekept_at') ?? 0);
		if (!ranCampaigns || now - housekept >= RESUME_EVERY_MS) await this.housekeep(siteId, now);
		// Unfinished notifications are checked again soon; otherwise a daily round while there are subscribers.
		const pending = openNotificationIds(this.sql, now - RESUME_WITHIN_MS, now + 1, 1).length > 0;
		const subscribers = this.sql.exec('SELECT 1 FROM subscribers LIMIT 1').toArray().length > 0;
		const events = this.sql.exec('SELECT 1 FROM event_days LIMIT 1').toArray().length > 0;
		if (pending) await this.armAlarm(now + RESUME_EVERY_MS);
		else if (subscribers || events) await this.armAlarm(now + HOUSEKEEPING_EVERY_MS);
		// The next campaign run (or at once, when more were due than one alarm starts).
		const due = [nextDue(this.sql), nextWinnerDue(this.sql), nextJourneyDue(this.sql)].filter(
			(t): t is number => t !== null,
		);
		if (moreJourneys) due.push(now);
		const reminderAt = Number(this.meta('staff_reminder_at') ?? 0);
		if (reminderAt > 0) due.push(reminderAt);
		if (due.length > 0) await this.armAlarm(Math.max(Math.min(...due), now));
	}

	// ---- staff alerts ------------------------------------------------------------------------------------------------

	async staffList(siteId: string, now: number): Promise<StaffView[]> {
		await this.open(siteId);
		return staffViews(this.sql, now);
	}

	async staffMember(siteId: string, id: string, now: number): Promise<StaffView | null> {
		await this.open(siteId);
		return staffViews(this.sql, now, id)[0] ?? null;
	}

	/**
	 * Creates or changes a staff member; `teams` (when given) replaces their teams. `create: false` refuses an
	 * unknown id (404) instead of creating it. A team that does not exist is a 400 at `teams`.
	 */
	async saveStaff(
		siteId: string,
		id: string,
		fields: {
			name?: string | null;
			email?: string | null;
			timezone?: string | null;
			teams?: readonly string[];
		},
		now: number,
		create = true,
	): Promise<Checked<StaffView>> {
		await this.open(siteId);
		return this.ctx.storage.transactionSync((): Checked<StaffView> => {
			if (!create && !staffRow(this.sql, id)) {
				return { ok: false, status: 404, code: 'not_found', message: `No staff member ${id} on this site` };
			}
			const missing = unknownTeams(this.sql, fields.teams ?? []);
			if (missing.length > 0) {
				return {
					ok: false,
					status: 400,
					code: 'invalid_request',
					path: ['teams'],
					message: `no team ${missing.join(', ')} on this site`,
				};
			}
			upsertStaff(this.sql, id, fields, now);
			if (fields.teams) setStaffTeams(this.sql, id, fields.teams);
			return { ok: true, value: staffViews(this.sql, now, id)[0] as StaffView };
		});
	}

	/** The console's own staff member: made from the token's identity on first use, name and email kept current. */
	async ensureStaff(siteId: string, staff: Staff, now: number): Promise<StaffView> {
		await this.open(siteId);
		const existing = staffRow(this.sql, staff.id);
		const fields: { name?: string | null; email?: string | null } = {};
		// The token's identity fills what is empty, never what the member (or an admin) set since.
		if (staff.name !== null && !existing?.name) fields.name = staff.name;
		if (staff.email !== null && !existing?.email) fields.email = staff.email;
		if (!existing || Object.keys(fields).length > 0) upsertStaff(this.sql, staff.id, fields, now);
		return staffViews(this.sql, now, staff.id)[0] as StaffView;
	}

	async deleteStaff(siteId: string, id: string): Promise<boolean> {
		await this.open(siteId);
		return this.ctx.storage.transactionSync(() => deleteStaff(this.sql, id));
	}

	async staffPreferences(siteId: string, id: string): Promise<StaffPreferences | null> {
		await this.open(siteId);
		return preferences(this.sql, id);
	}

	async saveStaffPreferences(
		siteId: string,
		id: string,
		prefs: StaffPreferences,
		now: number,
	): Promise<StaffPreferences | null> {
		await this.open(siteId);
		if (!staffRow(this.sql, id)) return null;
		savePreferences(this.sql, id, prefs, now);
		await this.armReminders(now);
		return preferences(this.sql, id);
	}

	async setStaffPresence(siteId: string, id: string, active: boolean, now: number): Promise<void> {
		await this.open(siteId);
		setPresence(this.sql, id, active, now);
	}

	async addStaffDevice(
		siteId: string,
		staffId: string,
		device: { endpoint: string; p256dh: string; auth: string; browser: string },
		now: number,
	): Promise<string> {
		await this.open(siteId);
		return addDevice(this.sql, staffId, device, now);
	}

	async staffDevices(
		siteId: string,
		staffId: string,
	): Promise<Array<{ deviceId: string; browser: string; createdAt: string }>> {
		await this.open(siteId);
		return devicesOf(this.sql, [staffId]).map((d) => ({
			deviceId: d.id,
			browser: d.browser,
			createdAt: new Date(d.created_at).toISOString(),
		}));
	}

	async deleteStaffDevice(siteId: string, staffId: string, id: string): Promise<boolean> {
		await this.open(siteId);
		return deleteDevice(this.sql, staffId, id);
	}

	async staffInbox(
		siteId: string,
		staffId: string,
		limit: number,
	): Promise<{ notifications: StaffInboxItem[]; unread: number }> {
		await this.open(siteId);
		return inbox(this.sql, staffId, limit);
	}

	async readStaffInbox(
		siteId: string,
		staffId: string,
		ids: readonly string[] | null,
		now: number,
	): Promise<number> {
		await this.open(siteId);
		return this.ctx.storage.transactionSync(() => markInboxRead(this.sql, staffId, ids, now));
	}

	async teams(siteId: string): Promise<TeamView[]> {
		await this.open(siteId);
		return teamViews(this.sql);
	}

	/** Creates or changes a team; members must be staff of the site (a 400 at `members` names the unknown). */
	async saveTeam(
		siteId: string,
		id: string,
		fields: { name?: string; members?: readonly string[] },
		now: number,
		create: boolean,
	): Promise<Checked<TeamView>> {
		await this.open(siteId);
		return this.ctx.storage.transactionSync((): Checked<TeamView> => {
			if (!create && teamViews(this.sql, id).length === 0) {
				return { ok: false, status: 404, code: 'not_found', message: `No team ${id} on this site` };
			}
			if (create && teamViews(this.sql, id).length > 0) {
				return { ok: false, status: 409, code: 'team_exists', message: `A team ${id} exists already` };
			}
			const missing = unknownStaff(this.sql, fields.members ?? []);
			if (missing.length > 0) {
				return {
					ok: false,
					status: 400,
					code: 'invalid_request',
					path: ['members'],
					message: `no staff member ${missing.join(', ')} on this site`,
				};
			}
			saveTeam(this.sql, id, fields, now);
			return { ok: true, value: teamViews(this.sql, id)[0] as TeamView };
		});
	}

	async deleteTeam(siteId: string, id: string): Promise<boolean> {
		await this.open(siteId);
		return this.ctx.storage.transactionSync(() => deleteTeam(this.sql, id));
	}

	/**
	 * Handles staff events (see {@link handleStaffEvents}) and sends the pushes they owe, at once. A device its push
	 * service says is gone is removed.
	 */
	async staffEvents(
		siteId: string,
		events: readonly StaffEvent[],
		now: number,
	): Promise<{
		accepted: number;
		duplicates: number;
		notified: number;
		pushed: number;
		heldForPresence: number;
	}> {
		await this.open(siteId);
		const outcome = this.ctx.storage.transactionSync(() => {
			const handled = handleStaffEvents(this.sql, events, now);
			if (handled.alerts.length > 0) {
				this.emit('staff.alert', now, () => ({ alerts: handled.alerts }), handled.alerts.length);
			}
			return handled;
		});
		let pushed = 0;
		if (outcome.pushes.length > 0) {
			const devices = devicesOf(this.sql, [...new Set(outcome.pushes.map((p) => p.staffId))]);
			if (devices.length > 0) {
				const site = await findSite(this.env.DB, siteId);
				const sent = await pushToStaff(this.env, siteId, site?.homeUrl ?? '', outcome.pushes, devices);
				pushed = sent.sent;
				if (sent.gone.length > 0) pruneDevices(this.sql, sent.gone);
			}
		}
		if (outcome.accepted > 0) await this.armReminders(now);
		await this.post();
		return {
			accepted: outcome.accepted,
			duplicates: outcome.duplicates,
			notified: outcome.notified,
			pushed,
			heldForPresence: outcome.heldForPresence,
		};
	}

	/**
	 * The unread reminders due (seed 002): one email per staff member, after which its conversations count as read
	 * for them. Without email settings nothing is sent (and nothing marked). Another round is set while a reminder
	 * failed for a reason that may pass, or a member with unread messages is active in the console now.
	 */
	private async runReminders(siteId: string, now: number): Promise<void> {
		const at = Number(this.meta('staff_reminder_at') ?? 0);
		if (at === 0 || at > now) return;
		this.sql.exec("DELETE FROM meta WHERE k = 'staff_reminder_at'");
		const due = dueReminders(this.sql, now);
		let again = dueReminders(this.sql, now, true).length > due.length;
		if (due.length > 0) {
			let provider: EmailProvider | null = null;
			try {
				provider = emailProvider(this.env);
			} catch (error) {
				console.error('staff reminders: email settings', describeError(error));
			}
			if (!provider) console.log(`staff reminders: ${due.length} due, but email is not set up`);
			const site = provider ? await findSite(this.env.DB, siteId) : null;
			for (const reminder of provider ? due : []) {
				const mail = composeReminder(site?.name ?? 'your site', reminder, reminder.timezone);
				try {
					await provider?.send({ to: [{ email: reminder.email, name: reminder.name }], ...mail });
					this.ctx.storage.transactionSync(() => markReminded(this.sql, reminder, Date.now()));
				} catch (error) {
					console.error('staff reminder not sent', describeError(error));
					if (!(error instanceof EmailError) || error.retryable) again = true;
				}
			}
		}
		if (again) await this.armReminders(now);
	}

	/** Sets the unread-reminder timer when a reminder may be owed and none is set. */
	private async armReminders(now: number): Promise<void> {
		if (this.meta('staff_reminder_at') !== null || !remindersPossible(this.sql)) return;
		const at = now + this.reminderIntervalMs(this.reminderMinutes());
		this.setMeta('staff_reminder_at', String(at));
		await this.armAlarm(at);
	}

	/** Milliseconds between unread reminders (TEST_MINUTE_MS shortens them for end-to-end tests). */
	private reminderIntervalMs(minutes: number): number {
		return minutes * config(this.env).minuteMs;
	}

	private reminderMinutes(): number {
		const n = Number(this.meta('staff_reminder_minutes'));
		return isReminderMinutes(n) ? n : DEFAULT_REMINDER_MINUTES;
	}

	/**
	 * Sets the minutes between unread reminders (the site's `staff.reminderMinutes` setting). A pending round due
	 * later than one new interval from now is brought forward to it; a longer interval leaves it as it is.
	 */
	async setReminderMinutes(siteId: string, minutes: number, now: number): Promise<void> {
		await this.open(siteId);
		this.setMeta('staff_reminder_minutes', String(minutes));
		const at = Number(this.meta('staff_reminder_at') ?? 0);
		const sooner = now + this.reminderIntervalMs(minutes);
		if (at > sooner) {
			this.setMeta('staff_reminder_at', String(sooner));
			await this.armAlarm(sooner);
		}
	}

	// ---- outbound webhooks ---------------------------------------------------------------------------------------

	async webhooks(siteId: string, now: number): Promise<WebhookView[]> {
		await this.open(siteId);
		return webhookViews(this.sql, now);
	}

	async webhook(siteId: string, id: string, now: number): Promise<WebhookView | null> {
		await this.open(siteId);
		return webhookViews(this.sql, now, id)[0] ?? null;
	}

	/** Adds an endpoint with a fresh signing secret (returned this once); a CheckError beyond {@link MAX_WEBHOOKS}. */
	async createWebhook(
		siteId: string,
		input: { url: string; description: string; events: readonly WebhookEventType[] },
		now: number,
	): Promise<Checked<WebhookView & { secret: string }>> {
		await this.open(siteId);
		if (webhookRows(this.sql).length >= MAX_WEBHOOKS) {
			return {
				ok: false,
				status: 409,
				code: 'too_many_webhooks',
				message: `A site can have ${MAX_WEBHOOKS} webhook endpoints; delete one first`,
			};
		}
		const id = newId('wh');
		const secret = newWebhookSecret();
		const sealed = await sealSecret(config(this.env).masterKey, secret, `webhook:${siteId}:${id}`);
		insertWebhook(this.sql, { id, ...input, secret: sealed }, now);
		this.webhookCache = null;
		return { ok: true, value: { ...(webhookViews(this.sql, now, id)[0] as WebhookView), secret } };
	}

	/** Changes an endpoint (url, description, events, on/off); null when there is none. */
	async updateWebhook(
		siteId: string,
		id: string,
		patch: { url?: string; description?: string; events?: readonly WebhookEventType[]; enabled?: boolean },
		now: number,
	): Promise<WebhookView | null> {
		await this.open(siteId);
		if (!updateWebhook(this.sql, id, patch, now)) return null;
		this.webhookCache = null;
		return webhookViews(this.sql, now, id)[0] ?? null;
	}

	/** A new signing secret (the old one stops at once); null when there is no such endpoint. */
	async rotateWebhookSecret(
		siteId: string,
		id: string,
		now: number,
	): Promise<(WebhookView & { secret: string }) | null> {
		await this.open(siteId);
		if (!webhookRow(this.sql, id)) return null;
		const secret = newWebhookSecret();
		const sealed = await sealSecret(config(this.env).masterKey, secret, `webhook:${siteId}:${id}`);
		updateWebhook(this.sql, id, { secret: sealed }, now);
		return { ...(webhookViews(this.sql, now, id)[0] as WebhookView), secret };
	}

	async deleteWebhook(siteId: string, id: string): Promise<boolean> {
		await this.open(siteId);
		const gone = this.ctx.storage.transactionSync(() => deleteWebhook(this.sql, id));
		this.webhookCache = null;
		return gone;
	}

	/** Sends a `webhook.test` call to one endpoint (even one turned off: it is how an owner checks a fix). */
	async testWebhook(siteId: string, id: string, now: number): Promise<string | null> {
		await this.open(siteId);
		const row = webhookRow(this.sql, id);
		if (!row) return null;
		const calls = recordCalls(
			this.sql,
			[id],
			'webhook.test',
			{ webhookId: id, message: 'A test event from Beckon' },
			1,
			now,
		);
		this.outgoing.push(...calls);
		await this.post();
		return calls[0]?.deliveryId ?? null;
	}

	async webhookDeliveries(siteId: string, id: string, limit: number): Promise<WebhookDeliveryView[] | null> {
		await this.open(siteId);
		if (!webhookRow(this.sql, id)) return null;
		return deliveryViews(this.sql, id, limit);
	}

	/**
	 * The queue consumer's look-up before it posts a call: the endpoint, its opened secret and the body; null when
	 * there is nothing to send (delivered already, endpoint removed or turned off: recorded as failed then).
	 */
	async webhookAttempt(
		siteId: string,
		deliveryId: string,
		now: number,
	): Promise<{ url: string; secret: string; body: string; attempt: number } | null> {
		await this.open(siteId);
		const attempt = beginAttempt(this.sql, deliveryId, now);
		if (!attempt.send) return null;
		const row = this.sql
			.exec<{ webhook_id: string }>('SELECT webhook_id FROM webhook_deliveries WHERE id = ?', deliveryId)
			.one();
		const secret = await openSecret(
			config(this.env).masterKey,
			attempt.sealedSecret,
			`webhook:${siteId}:${row.webhook_id}`,
		);
		return { url: attempt.url, secret, body: attempt.body, attempt: attempt.attempt };
	}

	/** Records an attempt's outcome: seconds until the retry, or null when the call is over. */
	async webhookOutcome(
		siteId: string,
		deliveryId: string,
		outcome: AttemptOutcome,
		now: number,
		retryScale: number,
	): Promise<number | null> {
		await this.open(siteId);
		const retry = this.ctx.storage.transactionSync(() =>
			finishAttempt(this.sql, deliveryId, outcome, now, retryScale),
		);
		// A call failed for good turned its endpoint off: the endpoints by type are read again.
		if (retry === null && !outcome.ok) this.webhookCache = null;
		return retry;
	}

	/** The enabled endpoints taking `type`. */
	private hooks(type: WebhookEventType): string[] {
		if (!this.webhookCache) {
			const byType = new Map<string, string[]>();
			for (const row of webhookRows(this.sql)) {
				if (row.status !== 'enabled') continue;
				for (const t of JSON.parse(row.events) as string[]) byType.set(t, [...(byType.get(t) ?? []), row.id]);
			}
			this.webhookCache = byType;
		}
		return this.webhookCache.get(type) ?? [];
	}

	/**
	 * Records a call of `type` to every endpoint taking it, inside the caller's transaction. `data` runs only when
	 * one does (null: nothing to tell); `events` is how many events the call carries.
	 */
	private emit(type: WebhookEventType, now: number, data: () => unknown, events = 1): void {
		const ids = this.hooks(type);
		if (ids.length === 0) return;
		const payload = data();
		if (payload === null) return;
		this.outgoing.push(...recordCalls(this.sql, ids, type, payload, events, now));
	}

	/** Queues the calls recorded so far; if the queue refuses, they stay pending and the alarm queues them again. */
	private async post(): Promise<void> {
		if (this.outgoing.length === 0 || this.siteId === null) return;
		const calls = this.outgoing;
		this.outgoing = [];
		const siteId = this.siteId;
		try {
			for (let i = 0; i < calls.length; i += 100) {
				await this.env.WEBHOOK_QUEUE.sendBatch(
					calls.slice(i, i + 100).map(
						(c): MessageSendRequest<WebhookMessage> => ({
							body: { siteId, deliveryId: c.deliveryId },
						}),
					),
				);
			}
		} catch (error) {
			console.error('webhook calls not queued', describeError(error));
			await this.armAlarm(Date.now() + WEBHOOK_OVERDUE_MS);
		}
	}

	/** Calls whose attempt is long overdue (their queue message was lost) are queued again. */
	private async requeueOverdue(now: number): Promise<void> {
		this.outgoing.push(...overdueCalls(this.sql, now - WEBHOOK_OVERDUE_MS, 500));
		await this.post();
	}

	/** A subscriber as webhooks tell it: ids and browser, never its push endpoint or keys. */
	private subscriberData(id: string): {
		subscriberId: string;
		externalUserId: string | null;
		browser: string | null;
		os: string | null;
	} {
		const row = this.sql
			.exec<{ external_user_id: string | null; browser: string; os: string }>(
				'SELECT external_user_id, browser, os FROM subscribers WHERE id = ?',
				id,
			)
			.toArray()[0];
		return {
			subscriberId: id,
			externalUserId: row?.external_user_id ?? null,
			browser: row?.browser ?? null,
			os: row?.os ?? null,
		};
	}

	/** `subscriber.created` / `subscriber.unsubscribed` for a permission change (inside its transaction). */
	private statusChanged(event: EventInput | null, now: number): void {
		if (!event) return;
		const id = event.subject.slice(2);
		if (event.name === 'subscribed') this.emit('subscriber.created', now, () => this.subscriberData(id));
		else
			this.emit('subscriber.unsubscribed', now, () => ({ ...this.subscriberData(id), reason: 'permission' }));
	}

	/** One `subscriber.gone` call for subscriptions pruned together. */
	private gone(
		rows: Array<{ id: string; external_user_id: string | null }>,
		reason: string,
		now: number,
	): void {
		if (rows.length === 0) return;
		this.emit(
			'subscriber.gone',
			now,
			() => ({
				reason,
				subscribers: rows.map((r) => ({ subscriberId: r.id, externalUserId: r.external_user_id })),
			}),
			rows.length,
		);
	}

	/** One `notification.clicked` call for the clicks a dispatcher flushed together. */
	private clicked(events: readonly EventInput[], now: number): void {
		const clicks = events.filter((e) => e.name === 'clicked' && e.subject.startsWith('s:'));
		if (clicks.length === 0) return;
		this.emit(
			'notification.clicked',
			now,
			() => {
				const users = new Map<string, string | null>();
				for (const row of this.sql.exec<{ id: string; external_user_id: string | null }>(
					'SELECT id, external_user_id FROM subscribers WHERE id IN (SELECT value FROM json_each(?))',
					JSON.stringify(clicks.map((e) => e.subject.slice(2))),
				)) {
					users.set(row.id, row.external_user_id);
				}
				return {
					clicks: clicks.map((e) => ({
						notificationId: e.properties?.notificationId ?? null,
						subscriberId: e.subject.slice(2),
						externalUserId: users.get(e.subject.slice(2)) ?? null,
						clickedAt: new Date(e.time).toISOString(),
					})),
				};
			},
			clicks.length,
		);
	}

	/** One `conversion` call for the journeys a batch of events converted. */
	private converted(conversions: readonly JourneyConversion[], now: number): void {
		this.emit(
			'conversion',
			now,
			() => ({
				conversions: conversions.map((c) => ({
					automationId: c.automationId,
					...personData(c.subject),
					step: c.step,
					heldOut: c.heldOut,
					event: c.event,
					value: c.value,
					convertedAt: new Date(c.time).toISOString(),
				})),
			}),
			conversions.length,
		);
	}

	// ---- internals -----------------------------------------------------------------------------------------------

	/** Makes sure the store is migrated, holds `siteId` and has its D1 rows; concurrent calls share one run. */
	private async open(siteId: string): Promise<void> {
		if (!this.ready) {
			this.preparing ??= this.prepare(siteId).catch((error: unknown) => {
				this.preparing = null;
				throw error;
			});
			await this.preparing;
		}
		if (siteId !== this.siteId) {
			throw new Error('site store called for another site');
		}
	}

	private async prepare(siteId: string): Promise<void> {
		migrate(this.ctx.storage, SITE_STORE_MIGRATIONS);
		const held = this.meta('site');
		if (held !== null && held !== siteId) throw new Error('site store called for another site');
		if (held === null) this.setMeta('site', siteId);
		this.siteId = siteId;
		this.alarmAt = await this.ctx.storage.getAlarm();
		if (this.meta('imported_at') === null) await this.importFromD1(siteId);
		this.ready = true;
	}

	/**
	 * Copies the site's rows out of the shared D1 database (deployments from before per-site storage): subscribers
	 * page by page with INSERT OR IGNORE (a page repeated after a crash adds nothing) and the cursor saved with each
	 * page; then notifications; then the counters are recomputed from the rows and the daily growth copied. Marked
	 * done only when the store holds exactly the rows D1 has; otherwise it throws and the next call tries again.
	 */
	private async importFromD1(siteId: string): Promise<void> {
		const db = this.env.DB;
		const d1 = await countLegacyRows(db, siteId);
		if (d1.subscribers > 0) {
			let cursor = this.meta('import_cursor') ?? '';
			for (let pages = 0; ; pages++) {
				if (pages === IMPORT_PAGES_PER_CALL) {
					await this.ctx.storage.setAlarm(Date.now());
					this.alarmAt = Date.now();
					throw new Error(
						`site ${siteId}: copy out of D1 in progress (${d1.subscribers} subscribers; continuing in the background)`,
					);
				}
				const page = await legacySubscriberPage(db, siteId, cursor, IMPORT_PAGE);
				const hashes = await Promise.all(page.map((r) => (r.endpoint ? endpointHash(r.endpoint) : null)));
				this.ctx.storage.transactionSync(() => {
					page.forEach((r, i) => {
						this.sql.exec(
							`INSERT OR IGNORE INTO subscribers (id, status, endpoint, endpoint_hash, p256dh, auth, vapid_key_id,
								push_service, browser, os, categories, external_user_id, timezone, locale, last_url, last_seen_at,
								created_at, updated_at, suspended_from)
							VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
							r.id,
							r.status,
							r.endpoint,
							hashes[i] ?? null,
							r.p256dh,
							r.auth,
							r.vapid_key_id,
							r.push_service,
							r.browser,
							r.os,
							r.categories,
							r.external_user_id,
							r.timezone,
							r.locale,
							r.last_url,
							r.last_seen_at,
							r.created_at,
							r.updated_at,
							r.suspended_from,
						);
					});
					const last = page.at(-1);
					if (last) this.setMeta('import_cursor', last.id);
				});
				const last = page.at(-1);
				if (!last || page.length < IMPORT_PAGE) break;
				cursor = last.id;
			}
		}
		if (d1.notifications > 0) {
			let after = '';
			for (;;) {
				const page = await legacyNotificationPage(db, siteId, after, IMPORT_PAGE);
				this.ctx.storage.transactionSync(() => {
					for (const n of page) {
						this.sql.exec(
							`INSERT OR IGNORE INTO notifications (id, message, audience, delivery, status, counts, created_at,
								finished_at, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
							n.id,
							n.message,
							n.audience,
							n.delivery,
							n.status,
							n.counts,
							n.created_at,
							n.finished_at,
							n.idempotency_key,
						);
					}
				});
				const last = page.at(-1);
				if (!last || page.length < IMPORT_PAGE) break;
				after = last.id;
			}
		}
		const daily = d1.subscribers > 0 ? await legacyDaily(db, siteId) : [];
		const copied = this.ctx.storage.transactionSync(() => {
			// The triggers counted the copied rows as today's growth: counters come from the rows, growth from D1.
			this.sql.exec('DELETE FROM counts');
			this.sql.exec(
				`INSERT INTO counts (key, n) SELECT 'status:' || status, count(*) FROM subscribers GROUP BY status`,
			);
			this.sql.exec(`INSERT INTO counts (key, n) SELECT 'browser:' || browser, count(*) FROM subscribers
				WHERE status = 'allowed' GROUP BY browser`);
			this.sql.exec('DELETE FROM daily');
			for (const d of daily) {
				this.sql.exec('INSERT INTO daily (day, added, removed) VALUES (?, ?, ?)', d.day, d.added, d.removed);
			}
			const held: LegacyCounts = {
				subscribers: this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM subscribers').one().n,
				notifications: this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM notifications').one().n,
			};
			this.setMeta('import_d1', JSON.stringify(d1));
			this.setMeta('import_copied', JSON.stringify(held));
			if (held.subscribers === d1.subscribers && held.notifications === d1.notifications) {
				this.setMeta('imported_at', String(Date.now()));
			} else {
				// D1 changed under the copy (an old worker version still serving during a rollout): start over on the
				// next call rather than keep rows D1 no longer has or skip rows it gained behind the cursor.
				this.sql.exec('DELETE FROM subscribers');
				this.sql.exec('DELETE FROM notifications');
				this.sql.exec("DELETE FROM meta WHERE k = 'import_cursor'");
			}
			return held;
		});
		if (this.meta('imported_at') === null) {
			throw new Error(
				`site ${siteId}: copied ${copied.subscribers}/${d1.subscribers} subscribers and ` +
					`${copied.notifications}/${d1.notifications} notifications out of D1; will try again`,
			);
		}
		if (d1.subscribers > 0 || d1.notifications > 0) {
			console.log(
				`site ${siteId}: imported ${copied.subscribers} subscribers, ${copied.notifications} notifications`,
			);
			await this.armAlarm(Date.now() + 60_000);
		}
	}

	/** Sets the alarm to `at` unless one is due sooner. */
	private async armAlarm(at: number): Promise<void> {
		if (this.alarmAt !== null && this.alarmAt <= at) return;
		await this.ctx.storage.setAlarm(at);
		this.alarmAt = at;
	}

	/** Sets how many days events are kept (the site's events.retentionDays setting). */
	async setEventRetention(siteId: string, days: number): Promise<void> {
		await this.open(siteId);
		this.setMeta('event_retention_days', String(days));
	}

	private retentionDays(): number {
		const days = Number(this.meta('event_retention_days'));
		return Number.isInteger(days) && days > 0 ? days : DEFAULT_EVENT_RETENTION_DAYS;
	}

	private meta(k: string): string | null {
		return this.sql.exec<{ v: string }>('SELECT v FROM meta WHERE k = ?', k).toArray()[0]?.v ?? null;
	}

	private setMeta(k: string, v: string): void {
		this.sql.exec('INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v', k, v);
	}
}
