import type { CampaignState, NotificationStatus, Role, SubscriberStatus } from '#wire';

import { translatable } from './format';

type T = (text: string) => string;

/** The browser ids the worker reports (worker/src/lib/user-agent.ts), with their names. */
export const BROWSERS: Array<[string, string]> = [
	['chrome', translatable('Chrome')],
	['edge', translatable('Edge')],
	['firefox', translatable('Firefox')],
	['safari', translatable('Safari')],
	['opera', translatable('Opera')],
	['samsung', translatable('Samsung Internet')],
	['other', translatable('Other')],
];

/** A browser id's name, translated (an unknown id as it is). */
export function browserLabel(t: T, id: string): string {
	const known = BROWSERS.find(([key]) => key === id);
	return known ? t(known[1]) : id;
}

// The API's words shown as they are in English, but translatable. Each text is written out (not t(word)), so a
// string extractor finds it.

/** A staff role. */
export function roleLabel(t: T, role: Role): string {
	switch (role) {
		case 'viewer':
			return t('viewer');
		case 'editor':
			return t('editor');
		case 'admin':
			return t('admin');
		default:
			return role;
	}
}

/** A notification's status. */
export function notificationStatusLabel(t: T, status: NotificationStatus): string {
	switch (status) {
		case 'queued':
			return t('queued');
		case 'sending':
			return t('sending');
		case 'done':
			return t('done');
		default:
			return status;
	}
}

/** A subscriber's status, as the subscriber list and detail show it. */
export function subscriberStatusLabel(t: T, status: SubscriberStatus): string {
	switch (status) {
		case 'allowed':
			return t('allowed');
		case 'ask':
			return t('ask');
		case 'blocked':
			return t('blocked');
		case 'unsupported':
			return t('unsupported');
		case 'suspended':
			return t('suspended');
		default:
			return status;
	}
}

/** The campaign states, in their lifecycle's order. */
export const CAMPAIGN_STATES: CampaignState[] = [
	'draft',
	'scheduled',
	'running',
	'paused',
	'done',
	'cancelled',
];

/** A campaign's state. */
export function campaignStateLabel(t: T, state: CampaignState): string {
	switch (state) {
		case 'draft':
			return t('draft');
		case 'scheduled':
			return t('scheduled');
		case 'running':
			return t('running');
		case 'paused':
			return t('paused');
		case 'done':
			return t('done');
		case 'cancelled':
			return t('cancelled');
		default:
			return state;
	}
}

/** Why recipients of a campaign run were left out (`counts.skipped`). */
export function skipReasonLabel(t: T, reason: string): string {
	switch (reason) {
		case 'capped':
			return t('Frequency cap reached');
		case 'quiet_hours':
			return t('Quiet hours (discarded)');
		case 'local_time_passed':
			return t('Local time had passed');
		case 'expired':
			return t('After the cut-off');
		case 'holdout':
			return t('Control group (held out)');
		default:
			return reason;
	}
}
