import type { StaffAlertKind, StaffScope } from '#wire';

type T = (text: string) => string;

/** Each alert kind in words. */
export function kindText(kind: StaffAlertKind, t: T): string {
	switch (kind) {
		case 'conversation.created':
			return t('New conversation');
		case 'message.created':
			return t('New message in a conversation');
		case 'conversation.assigned':
			return t('Conversation assigned');
		case 'mention':
			return t('Someone mentions you');
		case 'order.created':
			return t('New order');
		case 'comment.pending':
			return t('Comment awaiting moderation');
		case 'user.registered':
			return t('New user account');
		default:
			return t('Other alerts from your site');
	}
}

/** Whose conversations a scope covers, in words. */
export function scopeText(scope: StaffScope, t: T): string {
	switch (scope) {
		case 'mine':
			return t('Mine');
		case 'teams':
			return t('My teams');
		case 'unassigned':
			return t('Unassigned');
		default:
			return t('All');
	}
}
