import type { StaffAlertKind, StaffInboxItem, StaffPreferences, StaffView, TeamView } from '#wire';
import { encodeBase64Url } from '../push/base64url';
import { cutText, inScope, isActive, preferencesOf, type Routing, readMark } from '../staff/rules';

// Staff alerts in the site's store (issue 14): staff, teams, devices, conversations and their read state, the
// in-console list, and the handling of staff events (who hears of what, on which channel).

/** Staff events and visitor messages are kept this long. */
export const STAFF_EVENT_KEEP_MS = 7 * 86_400_000;
export const MESSAGE_KEEP_MS = 30 * 86_400_000;
/** In-console entries kept per staff member. */
export const INBOX_KEEP = 200;

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const newEntryId = () => `sn_${encodeBase64Url(crypto.getRandomValues(new Uint8Array(12)))}`;

type StaffRow = {
	id: string;
	name: string | null;
	email: string | null;
	timezone: string | null;
	preferences: string;
	active_at: number | null;
	reminded_at: number | null;
	created_at: number;
	updated_at: number;
};

/** A conversation as an event names it: only the fields given change. */
export interface ConversationInput {
	id: string;
	title?: string | undefined;
	url?: string | undefined;
	assignee?: string | null | undefined;
	team?: string | null | undefined;
}

/** A staff event, checked (see the API schema). */
export type StaffEvent =
	| {
			id: string;
			type: 'conversation.created';
			conversation: ConversationInput;
			message?: { id: string; text: string; author?: string | undefined } | undefined;
	  }
	| {
			id: string;
			type: 'message.created';
			conversation: ConversationInput;
			message: {
				id: string;
				from: 'visitor' | 'agent';
				staffId?: string | undefined;
				author?: string | undefined;
				text: string;
			};
	  }
	| { id: string; type: 'conversation.assigned'; conversation: ConversationInput; by?: string | undefined }
	| { id: string; type: 'conversation.read'; conversation: { id: string }; staffId: string }
	| {
			id: string;
			type: 'mention';
			conversation: ConversationInput;
			staffId: string;
			by?: string | undefined;
			text: string;
	  }
	| {
			id: string;
			type: 'order.created' | 'comment.pending' | 'user.registered' | 'alert';
			title: string;
			body?: string | undefined;
			url?: string | undefined;
	  };

/** A push owed to a staff member's devices. */
export interface StaffPush {
	staffId: string;
	title: string;
	body: string;
	url: string | null;
	/** One live notification per conversation: the same tag replaces. */
	tag: string;
}

/** What handling a batch of events did. */
export interface StaffOutcome {
	accepted: number;
	duplicates: number;
	/** In-console entries made or replaced. */
	notified: number;
	pushes: StaffPush[];
	/** Staff members a push was owed to but who are active in the console (the list still updates). */
	heldForPresence: number;
	/** Each alert raised: what the `staff.alert` webhook tells (who was alerted, never message text). */
	alerts: Array<{ eventId: string; kind: StaffAlertKind; conversationId: string | null; staffIds: string[] }>;
}

// ---- staff and teams -------------------------------------------------------------------------------------------

function teamsByStaff(sql: SqlStorage): Map<string, Set<string>> {
	const teams = new Map<string, Set<string>>();
	for (const r of sql.exec<{ team_id: string; staff_id: string }>(
		'SELECT team_id, staff_id FROM team_members',
	)) {
		const set = teams.get(r.staff_id) ?? new Set<string>();
		set.add(r.team_id);
		teams.set(r.staff_id, set);
	}
	return teams;
}

function devicesByStaff(sql: SqlStorage): Map<string, number> {
	const n = new Map<string, number>();
	for (const r of sql.exec<{ staff_id: string; n: number }>(
		'SELECT staff_id, count(*) AS n FROM staff_devices GROUP BY staff_id',
	)) {
		n.set(r.staff_id, r.n);
	}
	return n;
}

function view(r: StaffRow, teams: Set<string> | undefined, devices: number, now: number): StaffView {
	return {
		staffId: r.id,
		name: r.name,
		email: r.email,
		timezone: r.timezone,
		teams: [...(teams ?? [])].sort(),
		active: isActive(r.active_at, now),
		devices,
		createdAt: iso(r.created_at) as string,
		updatedAt: iso(r.updated_at) as string,
	};
}

export function staffViews(sql: SqlStorage, now: number, only?: string): StaffView[] {
	const teams = teamsByStaff(sql);
	const devices = devicesByStaff(sql);
	const rows =
		only === undefined
			? sql.exec<StaffRow>('SELECT * FROM staff ORDER BY coalesce(name, id), id').toArray()
			: sql.exec<StaffRow>('SELECT * FROM staff WHERE id = ?', only).toArray();
	return rows.map((r) => view(r, teams.get(r.id), devices.get(r.id) ?? 0, now));
}

export function staffRow(sql: SqlStorage, id: string): StaffRow | null {
	return sql.exec<StaffRow>('SELECT * FROM staff WHERE id = ?', id).toArray()[0] ?? null;
}

/** Creates or changes a staff member: only the fields given change (null clears). */
export function upsertStaff(
	sql: SqlStorage,
	id: string,
	fields: { name?: string | null; email?: string | null; timezone?: string | null },
	now: number,
): boolean {
	const row = staffRow(sql, id);
	if (!row) {
		sql.exec(
			`INSERT INTO staff (id, name, email, timezone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id,
			fields.name ?? null,
			fields.email ?? null,
			fields.timezone ?? null,
			now,
			now,
		);
		return true;
	}
	const next = {
		name: fields.name === undefined ? row.name : fields.name,
		email: fields.email === undefined ? row.email : fields.email,
		timezone: fields.timezone === undefined ? row.timezone : fields.timezone,
	};
	if (next.name === row.name && next.email === row.email && next.timezone === row.timezone) return false;
	sql.exec(
		'UPDATE staff SET name = ?, email = ?, timezone = ?, updated_at = ? WHERE id = ?',
		next.name,
		next.email,
		next.timezone,
		now,
		id,
	);
	return true;
}

/** Puts a staff member in exactly these teams (unknown team ids are the caller's to refuse). */
export function setStaffTeams(sql: SqlStorage, staffId: string, teams: readonly string[]): void {
	sql.exec('DELETE FROM team_members WHERE staff_id = ?', staffId);
	for (const team of teams) {
		sql.exec('INSERT OR IGNORE INTO team_members (team_id, staff_id) VALUES (?, ?)', team, staffId);
	}
}

export function deleteStaff(sql: SqlStorage, id: string): boolean {
	const gone = sql.exec('DELETE FROM staff WHERE id = ? RETURNING id', id).toArray().length > 0;
	if (gone) {
		for (const table of ['team_members', 'staff_devices', 'staff_inbox', 'conversation_reads']) {
			sql.exec(`DELETE FROM ${table} WHERE staff_id = ?`, id);
		}
	}
	return gone;
}

export function preferences(sql: SqlStorage, id: string): StaffPreferences | null {
	const row = staffRow(sql, id);
	return row ? preferencesOf(row.preferences) : null;
}

export function savePreferences(sql: SqlStorage, id: string, prefs: StaffPreferences, now: number): void {
	sql.exec('UPDATE staff SET preferences = ?, updated_at = ? WHERE id = ?', JSON.stringify(prefs), now, id);
}

/** A console heartbeat (`active`) or the tab going away. */
export function setPresence(sql: SqlStorage, id: string, active: boolean, now: number): void {
	sql.exec('UPDATE staff SET active_at = ? WHERE id = ?', active ? now : null, id);
}

export function teamViews(sql: SqlStorage, only?: string): TeamView[] {
	const members = new Map<string, string[]>();
	for (const r of sql.exec<{ team_id: string; staff_id: string }>(
		'SELECT team_id, staff_id FROM team_members ORDER BY staff_id',
	)) {
		members.set(r.team_id, [...(members.get(r.team_id) ?? []), r.staff_id]);
	}
	const rows =
		only === undefined
			? sql.exec<{ id: string; name: string; created_at: number }>('SELECT * FROM teams ORDER BY name, id')
			: sql.exec<{ id: string; name: string; created_at: number }>('SELECT * FROM teams WHERE id = ?', only);
	return rows.toArray().map((r) => ({
		teamId: r.id,
		name: r.name,
		members: members.get(r.id) ?? [],
		createdAt: iso(r.created_at) as string,
	}));
}

/** Creates or renames a team and, when `members` is given, sets its members (staff ids that exist). */
export function saveTeam(
	sql: SqlStorage,
	id: string,
	fields: { name?: string; members?: readonly string[] },
	now: number,
): void {
	sql.exec(
		`INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = coalesce(?, name)`,
		id,
		fields.name ?? id,
		now,
		fields.name ?? null,
	);
	if (fields.members) {
		sql.exec('DELETE FROM team_members WHERE team_id = ?', id);
		for (const staff of fields.members) {
			sql.exec('INSERT OR IGNORE INTO team_members (team_id, staff_id) VALUES (?, ?)', id, staff);
		}
	}
}

export function deleteTeam(sql: SqlStorage, id: string): boolean {
	const gone = sql.exec('DELETE FROM teams WHERE id = ? RETURNING id', id).toArray().length > 0;
	if (gone) sql.exec('DELETE FROM team_members WHERE team_id = ?', id);
	return gone;
}

/** Which of these staff ids are missing. */
export function unknownStaff(sql: SqlStorage, ids: readonly string[]): string[] {
	if (ids.length === 0) return [];
	const known = new Set(
		sql
			.exec<{ id: string }>(
				'SELECT id FROM staff WHERE id IN (SELECT value FROM json_each(?))',
				JSON.stringify(ids),
			)
			.toArray()
			.map((r) => r.id),
	);
	return ids.filter((id) => !known.has(id));
}

/** Which of these team ids are missing. */
export function unknownTeams(sql: SqlStorage, ids: readonly string[]): string[] {
	if (ids.length === 0) return [];
	const known = new Set(
		sql
			.exec<{ id: string }>(
				'SELECT id FROM teams WHERE id IN (SELECT value FROM json_each(?))',
				JSON.stringify(ids),
			)
			.toArray()
			.map((r) => r.id),
	);
	return ids.filter((id) => !known.has(id));
}

// ---- devices ---------------------------------------------------------------------------------------------------

export type StaffDevice = {
	id: string;
	staff_id: string;
	endpoint: string;
	p256dh: string;
	auth: string;
	browser: string;
	created_at: number;
};

/** Adds a browser of a staff member (the same endpoint moves to them if another had it). */
export function addDevice(
	sql: SqlStorage,
	staffId: string,
	device: { endpoint: string; p256dh: string; auth: string; browser: string },
	now: number,
): string {
	const id = `sd_${encodeBase64Url(crypto.getRandomValues(new Uint8Array(12)))}`;
	const row = sql
		.exec<{ id: string }>(
			`INSERT INTO staff_devices (id, staff_id, endpoint, p256dh, auth, browser, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (endpoint) DO UPDATE SET staff_id = excluded.staff_id, p256dh = excluded.p256dh,
				auth = excluded.auth, browser = excluded.browser RETURNING id`,
			id,
			staffId,
			device.endpoint,
			device.p256dh,
			device.auth,
			device.browser,
			now,
		)
		.one();
	return row.id;
}

export function devicesOf(sql: SqlStorage, staffIds: readonly string[]): StaffDevice[] {
	if (staffIds.length === 0) return [];
	return sql
		.exec<StaffDevice>(
			'SELECT * FROM staff_devices WHERE staff_id IN (SELECT value FROM json_each(?))',
			JSON.stringify(staffIds),
		)
		.toArray();
}

export function deleteDevice(sql: SqlStorage, staffId: string, id: string): boolean {
	return (
		sql.exec('DELETE FROM staff_devices WHERE id = ? AND staff_id = ? RETURNING id', id, staffId).toArray()
			.length > 0
	);
}

/** Devices a push service said are gone (only while they still hold that endpoint). */
export function pruneDevices(sql: SqlStorage, gone: ReadonlyArray<{ id: string; endpoint: string }>): void {
	for (const g of gone) sql.exec('DELETE FROM staff_devices WHERE id = ? AND endpoint = ?', g.id, g.endpoint);
}

// ---- the in-console list ---------------------------------------------------------------------------------------

type InboxRow = {
	id: string;
	kind: string;
	conversation_id: string | null;
	title: string;
	body: string;
	url: string | null;
	created_at: number;
	read_at: number | null;
};

export function inbox(
	sql: SqlStorage,
	staffId: string,
	limit: number,
): { notifications: StaffInboxItem[]; unread: number } {
	const rows = sql
		.exec<InboxRow>(
			'SELECT * FROM staff_inbox WHERE staff_id = ? ORDER BY created_at DESC, id LIMIT ?',
			staffId,
			limit,
		)
		.toArray();
	const unread = sql
		.exec<{ n: number }>(
			'SELECT count(*) AS n FROM staff_inbox WHERE staff_id = ? AND read_at IS NULL',
			staffId,
		)
		.one().n;
	return {
		unread,
		notifications: rows.map((r) => ({
			notificationId: r.id,
			kind: r.kind as StaffAlertKind,
			conversationId: r.conversation_id,
			title: r.title,
			body: r.body,
			url: r.url,
			createdAt: iso(r.created_at) as string,
			readAt: iso(r.read_at),
		})),
	};
}

/** Marks entries of the list read (all of them when `ids` is null). Reading an entry reads its conversation. */
export function markInboxRead(
	sql: SqlStorage,
	staffId: string,
	ids: readonly string[] | null,
	now: number,
): number {
	const rows =
		ids === null
			? sql
					.exec<{ conversation_id: string | null }>(
						'UPDATE staff_inbox SET read_at = ? WHERE staff_id = ? AND read_at IS NULL RETURNING conversation_id',
						now,
						staffId,
					)
					.toArray()
			: sql
					.exec<{ conversation_id: string | null }>(
						`UPDATE staff_inbox SET read_at = ? WHERE staff_id = ? AND read_at IS NULL
							AND id IN (SELECT value FROM json_each(?)) RETURNING conversation_id`,
						now,
						staffId,
						JSON.stringify(ids),
					)
					.toArray();
	for (const r of rows) if (r.conversation_id) readConversation(sql, r.conversation_id, staffId, now);
	return rows.length;
}

function notify(
	sql: SqlStorage,
	staffId: string,
	kind: StaffAlertKind,
	conversationId: string | null,
	text: { title: string; body: string; url: string | null },
	now: number,
): void {
	if (conversationId === null) {
		sql.exec(
			`INSERT INTO staff_inbox (id, staff_id, kind, conversation_id, title, body, url, created_at)
				VALUES (?, ?, ?, NULL, ?, ?, ?, ?)`,
			newEntryId(),
			staffId,
			kind,
			text.title,
			text.body,
			text.url,
			now,
		);
		return;
	}
	sql.exec(
		`INSERT INTO staff_inbox (id, staff_id, kind, conversation_id, title, body, url, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (staff_id, conversation_id) WHERE conversation_id IS NOT NULL DO UPDATE SET
			kind = excluded.kind, title = excluded.title, body = excluded.body, url = excluded.url,
			created_at = excluded.created_at, read_at = NULL`,
		newEntryId(),
		staffId,
		kind,
		conversationId,
		text.title,
		text.body,
		text.url,
		now,
	);
}

// ---- conversations ---------------------------------------------------------------------------------------------

type ConversationRow = {
	id: string;
	title: string | null;
	url: string | null;
	assignee: string | null;
	team: string | null;
	read_any_at: number | null;
	created_at: number;
	updated_at: number;
};

function conversation(sql: SqlStorage, id: string): ConversationRow | null {
	return sql.exec<ConversationRow>('SELECT * FROM conversations WHERE id = ?', id).toArray()[0] ?? null;
}

/** Creates the conversation or changes the fields the event gives. */
function upsertConversation(sql: SqlStorage, input: ConversationInput, now: number): ConversationRow {
	const row = conversation(sql, input.id);
	const next: ConversationRow = {
		id: input.id,
		title: input.title ?? row?.title ?? null,
		url: input.url ?? row?.url ?? null,
		assignee: input.assignee === undefined ? (row?.assignee ?? null) : input.assignee,
		team: input.team === undefined ? (row?.team ?? null) : input.team,
		read_any_at: row?.read_any_at ?? null,
		created_at: row?.created_at ?? now,
		updated_at: now,
	};
	sql.exec(
		`INSERT INTO conversations (id, title, url, assignee, team, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET title = excluded.title, url = excluded.url, assignee = excluded.assignee,
			team = excluded.team, updated_at = excluded.updated_at`,
		next.id,
		next.title,
		next.url,
		next.assignee,
		next.team,
		next.created_at,
		next.updated_at,
	);
	return next;
}

/** A staff member read a conversation (in the helpdesk, the console, or by the reminder email). */
function readConversation(
	sql: SqlStorage,
	conversationId: string,
	staffId: string,
	now: number,
	byEmail = false,
) {
	sql.exec(
		`INSERT INTO conversation_reads (conversation_id, staff_id, read_at) VALUES (?, ?, ?)
			ON CONFLICT DO UPDATE SET read_at = max(read_at, excluded.read_at)`,
		conversationId,
		staffId,
		now,
	);
	// An email is not a person reading: it counts for its recipient only (seed 002).
	if (!byEmail) {
		sql.exec(
			'UPDATE conversations SET read_any_at = max(coalesce(read_any_at, 0), ?) WHERE id = ?',
			now,
			conversationId,
		);
		sql.exec(
			'UPDATE staff_inbox SET read_at = ? WHERE staff_id = ? AND conversation_id = ? AND read_at IS NULL',
			now,
			staffId,
			conversationId,
		);
	}
}

// ---- handling events -------------------------------------------------------------------------------------------

/** What an alert says, before it is cut for a push. */
function textOf(
	e: StaffEvent,
	c: ConversationRow | null,
): { kind: StaffAlertKind; title: string; body: string } {
	const about = c?.title ? ` · ${c.title}` : '';
	switch (e.type) {
		case 'conversation.created':
			return { kind: e.type, title: `New conversation${about}`, body: e.message?.text ?? c?.title ?? '' };
		case 'message.created':
			return { kind: e.type, title: `${e.message.author ?? 'Visitor'}${about}`, body: e.message.text };
		case 'conversation.assigned':
			return { kind: e.type, title: `Conversation assigned${about}`, body: c?.title ?? '' };
		case 'mention':
			return { kind: e.type, title: `You were mentioned${about}`, body: e.text };
		case 'conversation.read':
			return { kind: 'message.created', title: '', body: '' };
		default:
			return { kind: e.type, title: e.title, body: e.body ?? '' };
	}
}

/**
 * Handles staff events in order (inside the caller's transaction): conversations, messages and read state are
 * recorded, the in-console list of each staff member the event concerns is updated, and the pushes owed are
 * returned (none to staff active in the console). An event id seen before does nothing.
 */
export function handleStaffEvents(sql: SqlStorage, events: readonly StaffEvent[], now: number): StaffOutcome {
	const out: StaffOutcome = {
		accepted: 0,
		duplicates: 0,
		notified: 0,
		pushes: [],
		heldForPresence: 0,
		alerts: [],
	};
	const staff = sql.exec<StaffRow>('SELECT * FROM staff').toArray();
	const teams = teamsByStaff(sql);
	for (const e of events) {
		const fresh = sql
			.exec('INSERT INTO staff_events (id, at) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING id', e.id, now)
			.toArray().length;
		if (fresh === 0) {
			out.duplicates++;
			continue;
		}
		out.accepted++;
		let c: ConversationRow | null = null;
		let actor: string | null = null;
		let recipients: StaffRow[] = [];
		if (e.type === 'conversation.read') {
			if (conversation(sql, e.conversation.id)) readConversation(sql, e.conversation.id, e.staffId, now);
			continue;
		}
		if ('conversation' in e) {
			const before = conversation(sql, e.conversation.id);
			c = upsertConversation(sql, e.conversation, now);
			if (e.type === 'conversation.created' && e.message) {
				recordMessage(sql, c.id, e.message.id, e.message.author ?? null, e.message.text, now);
			}
			if (e.type === 'message.created') {
				if (e.message.from === 'agent') {
					// An agent's reply is theirs to have read; it alerts nobody.
					if (e.message.staffId) readConversation(sql, c.id, e.message.staffId, now);
					continue;
				}
				recordMessage(sql, c.id, e.message.id, e.message.author ?? null, e.message.text, now);
			}
			if (e.type === 'conversation.assigned') {
				actor = e.by ?? null;
				// Only who the change concerns: the new assignee, and the new team's members.
				const changed = before?.assignee !== c.assignee || before?.team !== c.team;
				if (!changed) continue;
			}
			if (e.type === 'mention') actor = e.by ?? null;
			const routing: Routing = { assignee: c.assignee, team: c.team };
			const kind = e.type;
			recipients =
				kind === 'mention'
					? staff.filter((s) => s.id === e.staffId)
					: staff.filter((s) => {
							const scopes = preferencesOf(s.preferences)[kind].scopes;
							const mine = teams.get(s.id) ?? new Set<string>();
							if (kind !== 'conversation.assigned') return inScope(s.id, mine, routing, scopes);
							// An assignment concerns its new assignee and the members of its team, no one else.
							const toMe = routing.assignee === s.id;
							const toMyTeam = routing.team !== null && mine.has(routing.team);
							return (toMe || toMyTeam) && inScope(s.id, mine, routing, scopes);
						});
		} else {
			recipients = staff.filter((s) => preferencesOf(s.preferences)[e.type].scopes.length > 0);
		}
		const text = textOf(e, c);
		const alerted: string[] = [];
		for (const s of recipients) {
			if (s.id === actor) continue;
			alerted.push(s.id);
			const pref = preferencesOf(s.preferences)[text.kind];
			notify(
				sql,
				s.id,
				text.kind,
				c?.id ?? null,
				{ title: text.title, body: text.body, url: urlOf(e, c) },
				now,
			);
			out.notified++;
			if (!pref.push) continue;
			if (isActive(s.active_at, now)) {
				out.heldForPresence++;
				continue;
			}
			out.pushes.push({
				staffId: s.id,
				title: cutText(text.title, 120),
				body: cutText(text.body),
				url: urlOf(e, c),
				tag: c ? `conversation-${c.id}` : `${text.kind}-${e.id}`,
			});
		}
		if (alerted.length > 0) {
			out.alerts.push({ eventId: e.id, kind: text.kind, conversationId: c?.id ?? null, staffIds: alerted });
		}
	}
	return out;
}

function urlOf(e: StaffEvent, c: ConversationRow | null): string | null {
	if (c) return c.url;
	return 'url' in e ? (e.url ?? null) : null;
}

function recordMessage(
	sql: SqlStorage,
	conversationId: string,
	id: string,
	author: string | null,
	text: string,
	now: number,
): void {
	sql.exec(
		`INSERT INTO conversation_messages (conversation_id, id, author, text, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`,
		conversationId,
		id,
		author,
		text,
		now,
	);
}

/** Drops old event ids, visitor messages and list entries beyond what is kept. */
export function trimStaff(sql: SqlStorage, now: number): void {
	sql.exec('DELETE FROM staff_events WHERE at < ?', now - STAFF_EVENT_KEEP_MS);
	sql.exec('DELETE FROM conversation_messages WHERE created_at < ?', now - MESSAGE_KEEP_MS);
	sql.exec(
		`DELETE FROM staff_inbox WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER
			(PARTITION BY staff_id ORDER BY created_at DESC) AS n FROM staff_inbox) WHERE n > ?)`,
		INBOX_KEEP,
	);
}

// ---- unread reminders ------------------------------------------------------------------------------------------

/** One staff member's unread reminder: their unread visitor messages, by conversation. */
export interface Reminder {
	staffId: string;
	name: string | null;
	email: string;
	timezone: string | null;
	conversations: Array<{
		conversationId: string;
		title: string | null;
		url: string | null;
		messages: Array<{ author: string | null; text: string; at: number }>;
	}>;
}

/**
 * The reminders due now (seed 002): for each staff member with an email address who takes message emails and is
 * not active in the console, the conversations in their message scopes with visitor messages newer than their read
 * mark (an assigned conversation: their own reads; an unassigned one: anyone's).
 */
export function dueReminders(sql: SqlStorage, now: number, includeActive = false): Reminder[] {
	const teams = teamsByStaff(sql);
	const conversations = sql.exec<ConversationRow>('SELECT * FROM conversations').toArray();
	const reads = new Map<string, number>();
	for (const r of sql.exec<{ conversation_id: string; staff_id: string; read_at: number }>(
		'SELECT * FROM conversation_reads',
	)) {
		reads.set(`${r.conversation_id}\u0000${r.staff_id}`, r.read_at);
	}
	const latest = new Map<string, number>();
	for (const r of sql.exec<{ conversation_id: string; last: number }>(
		'SELECT conversation_id, max(created_at) AS last FROM conversation_messages GROUP BY conversation_id',
	)) {
		latest.set(r.conversation_id, r.last);
	}
	const reminders: Reminder[] = [];
	for (const s of sql.exec<StaffRow>('SELECT * FROM staff WHERE email IS NOT NULL').toArray()) {
		const pref = preferencesOf(s.preferences)['message.created'];
		if (!pref.email || (!includeActive && isActive(s.active_at, now)) || !s.email) continue;
		const mine: Reminder['conversations'] = [];
		for (const c of conversations) {
			if (!inScope(s.id, teams.get(s.id) ?? new Set(), c, pref.scopes)) continue;
			const own = reads.get(`${c.id}\u0000${s.id}`) ?? 0;
			const mark = readMark(own, c.read_any_at, c.assignee !== null);
			if ((latest.get(c.id) ?? 0) <= mark) continue;
			const messages = sql
				.exec<{ author: string | null; text: string; created_at: number }>(
					`SELECT author, text, created_at FROM conversation_messages WHERE conversation_id = ? AND created_at > ?
						ORDER BY created_at LIMIT 20`,
					c.id,
					mark,
				)
				.toArray();
			if (messages.length === 0) continue;
			mine.push({
				conversationId: c.id,
				title: c.title,
				url: c.url,
				messages: messages.map((m) => ({ author: m.author, text: m.text, at: m.created_at })),
			});
		}
		if (mine.length > 0) {
			reminders.push({
				staffId: s.id,
				name: s.name,
				email: s.email,
				timezone: s.timezone,
				conversations: mine,
			});
		}
	}
	return reminders;
}

/** After a reminder went out: its conversations count as read for that staff member, and when. */
export function markReminded(sql: SqlStorage, reminder: Reminder, now: number): void {
	for (const c of reminder.conversations)
		readConversation(sql, c.conversationId, reminder.staffId, now, true);
	sql.exec('UPDATE staff SET reminded_at = ? WHERE id = ?', now, reminder.staffId);
}

/** Whether any visitor message may still be owed a reminder (so the store keeps its reminder timer). */
export function remindersPossible(sql: SqlStorage): boolean {
	return (
		sql.exec('SELECT 1 FROM conversation_messages LIMIT 1').toArray().length > 0 &&
		sql.exec('SELECT 1 FROM staff WHERE email IS NOT NULL LIMIT 1').toArray().length > 0
	);
}
