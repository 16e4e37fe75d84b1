import {
	CONVERSATION_KINDS,
	STAFF_ALERT_KINDS,
	type StaffAlertKind,
	type StaffPreference,
	type StaffPreferences,
	type StaffScope,
} from '#wire';

// The rules of staff alerts (issue 14, seeds 002 and 004), kept free of storage so they can be tested one by one.

/** Characters of a message a push carries at most (seed 002: "we cut it up to 500 chars"). */
export const PUSH_TEXT_LIMIT = 500;
/** A console heartbeat younger than this means the staff member is active: nothing external goes to them. */
export const ACTIVE_FOR_MS = 75_000;
/** Default minutes between unread-reminder emails (seed 002: "we check unread messages every 5 minutes"). */
export const DEFAULT_REMINDER_MINUTES = 5;

const ON = (scopes: StaffScope[], push: boolean, email: boolean): StaffPreference => ({
	scopes,
	push,
	email,
});

/** What a staff member gets before they change anything. */
export const DEFAULT_PREFERENCES: StaffPreferences = {
	'conversation.created': ON(['mine', 'teams', 'unassigned'], true, false),
	'message.created': ON(['mine', 'unassigned'], true, true),
	'conversation.assigned': ON(['mine', 'teams'], true, false),
	mention: ON(['mine'], true, true),
	'order.created': ON(['all'], true, false),
	'comment.pending': ON(['all'], true, false),
	'user.registered': ON(['all'], false, false),
	alert: ON(['all'], true, false),
};

/** Stored overrides over the defaults: every kind present, unknown kinds dropped. */
export function preferencesOf(stored: string | null): StaffPreferences {
	let saved: Partial<Record<string, Partial<StaffPreference>>> = {};
	try {
		saved = stored ? (JSON.parse(stored) as typeof saved) : {};
	} catch {
		saved = {};
	}
	const out = {} as StaffPreferences;
	for (const kind of STAFF_ALERT_KINDS) out[kind] = { ...DEFAULT_PREFERENCES[kind], ...(saved[kind] ?? {}) };
	return out;
}

/** Whether an alert kind is about a conversation (then scopes apply). */
export const isConversationKind = (kind: StaffAlertKind) => CONVERSATION_KINDS.includes(kind);

/** A conversation as the routing rules see it. */
export interface Routing {
	assignee: string | null;
	team: string | null;
}

/**
 * Whether a conversation falls within a staff member's scopes. A conversation routed to a team they are not in is
 * never theirs (seed 004), unless it is assigned to them.
 */
export function inScope(
	staffId: string,
	teams: ReadonlySet<string>,
	conversation: Routing,
	scopes: readonly StaffScope[],
): boolean {
	const mine = conversation.assignee === staffId;
	if (mine) return scopes.includes('mine') || scopes.includes('all');
	if (conversation.team !== null && !teams.has(conversation.team)) return false;
	if (scopes.includes('all')) return true;
	if (scopes.includes('teams') && conversation.team !== null) return true;
	return scopes.includes('unassigned') && conversation.assignee === null;
}

/** Whether the last console heartbeat says the staff member is active now. */
export const isActive = (activeAt: number | null, now: number) =>
	activeAt !== null && now - activeAt < ACTIVE_FOR_MS;

let segmenter: Intl.Segmenter | null = null;

/**
 * Cuts text to at most `limit` characters as people count them (grapheme clusters: an emoji with its modifiers or
 * a letter with its combining marks is one), ending with "…" when cut. Never splits a code point or a cluster.
 */
export function cutText(text: string, limit = PUSH_TEXT_LIMIT): string {
	segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
	const kept: string[] = [];
	for (const { segment } of segmenter.segment(text)) {
		if (kept.length === limit)
			return `${kept
				.slice(0, limit - 1)
				.join('')
				.trimEnd()}…`;
		kept.push(segment);
	}
	return text;
}

/**
 * When a staff member last read a conversation, for their unread reminders (seed 002): an assigned conversation
 * counts as read only by its own reads (agent X reading Z's conversation does not stop Z's email); an unassigned
 * one by anyone's.
 */
export function readMark(own: number | null, anyone: number | null, assigned: boolean): number {
	return Math.max(own ?? 0, assigned ? 0 : (anyone ?? 0));
}
