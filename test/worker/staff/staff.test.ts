import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { SiteStore } from '../../../worker/src/objects/site-store';
import { dueReminders, markReminded } from '../../../worker/src/store/staff';
import { decryptRecorded } from '../decrypt';
import {
	call,
	createSite,
	json,
	makeSubscription,
	sinkLog,
	storeOf,
	storeSql,
	type TestSite,
	type TestSubscription,
} from '../helpers';

// Staff alerts through the API (issue 14): staff from console tokens, preferences, teams, devices, the in-console
// list, presence, pushes decrypted at the push sink, the read rules behind the reminders, idempotency.

interface Inbox {
	unread: number;
	notifications: Array<{
		notificationId: string;
		kind: string;
		conversationId: string | null;
		title: string;
		body: string;
		readAt: string | null;
	}>;
}

const api = (site: TestSite, path: string, method = 'GET', body?: unknown, key = site.apiKey) =>
	call(`/v1/sites/${site.siteId}${path}`, {
		method,
		key,
		...(body === undefined ? {} : { body: JSON.stringify(body) }),
	});

async function tokenFor(
	site: TestSite,
	id: string,
	role = 'editor',
	email: string | null = null,
): Promise<string> {
	const response = await api(site, '/console-tokens', 'POST', {
		role,
		staff: { id, name: id.toUpperCase(), email },
	});
	expect(response.status).toBe(201);
	const { token } = await json<{ token: string }>(response);
	// The first call as "me" makes the staff member.
	expect((await api(site, '/staff/me', 'GET', undefined, token)).status).toBe(200);
	return token;
}

async function events(site: TestSite, list: unknown[]) {
	const response = await api(site, '/staff-events', 'POST', { events: list });
	expect(response.status, await response.clone().text()).toBe(202);
	return json<{
		accepted: number;
		duplicates: number;
		notified: number;
		pushed: number;
		heldForPresence: number;
	}>(response);
}

const inboxOf = async (site: TestSite, staffId: string) =>
	json<Inbox>(await api(site, `/staff/${staffId}/notifications`));

async function device(site: TestSite, token: string): Promise<TestSubscription> {
	const sub = await makeSubscription();
	const response = await api(site, '/staff/me/devices', 'POST', { subscription: sub.json }, token);
	expect(response.status, await response.clone().text()).toBe(201);
	return sub;
}

async function pushesTo(sub: TestSubscription): Promise<Array<Record<string, unknown> & { topic?: string }>> {
	const log = await sinkLog(sub.json.endpoint);
	return Promise.all(
		log.map(async (r) => ({ ...(await decryptRecorded(r.body, sub)), topic: r.headers.topic })),
	);
}

let n = 0;
const eventId = () => `ev-${++n}-${crypto.randomUUID().slice(0, 8)}`;

describe('staff alerts', { timeout: 30_000 }, () => {
	it('routes by scope and team: assignee, teammates, unassigned, all; never a team one is not in (seed 004)', async () => {
		const site = await createSite();
		await tokenFor(site, 'z');
		const x = await tokenFor(site, 'x');
		await tokenFor(site, 'ann');
		await tokenFor(site, 'bob');
		expect(
			(await api(site, '/teams', 'POST', { teamId: 'sales', name: 'Sales', members: ['ann'] })).status,
		).toBe(201);
		// X wants everything.
		const all = { scopes: ['all'], push: true, email: true };
		const put = await api(
			site,
			'/staff/me/preferences',
			'PUT',
			{ 'conversation.created': all, 'message.created': all },
			x,
		);
		expect(put.status).toBe(200);

		await events(site, [
			{
				id: eventId(),
				type: 'conversation.created',
				conversation: { id: 'c1', title: 'Where is my order?' },
				message: { id: 'm1', text: 'Hello?' },
			},
			{
				id: eventId(),
				type: 'conversation.created',
				conversation: { id: 'c2', title: 'Bulk price', team: 'sales' },
			},
		]);
		const titles = async (id: string) =>
			(await inboxOf(site, id)).notifications.map((e) => e.conversationId).sort();
		// Unassigned c1 reaches everyone's default "unassigned"; c2 (routed to Sales) only Ann, not even X's "all".
		expect(await titles('z')).toEqual(['c1']);
		expect(await titles('x')).toEqual(['c1']);
		expect(await titles('ann')).toEqual(['c1', 'c2']);
		expect(await titles('bob')).toEqual(['c1']);

		// Assigned to Z by X: Z is told; X (who did it) and the others are not.
		await storeSql(site.siteId, 'DELETE FROM staff_inbox');
		await events(site, [
			{ id: eventId(), type: 'conversation.assigned', conversation: { id: 'c1', assignee: 'z' }, by: 'x' },
		]);
		expect(await titles('z')).toEqual(['c1']);
		expect([await titles('x'), await titles('ann'), await titles('bob')]).toEqual([[], [], []]);

		// A visitor message in Z's conversation: Z (mine) and X (all); Ann and Bob (unassigned only) are not.
		await storeSql(site.siteId, 'DELETE FROM staff_inbox');
		await events(site, [
			{
				id: eventId(),
				type: 'message.created',
				conversation: { id: 'c1' },
				message: { id: 'm2', from: 'visitor', author: 'Dana', text: 'Any news?' },
			},
		]);
		expect([await titles('z'), await titles('x'), await titles('ann'), await titles('bob')]).toEqual([
			['c1'],
			['c1'],
			[],
			[],
		]);
		const [entry] = (await inboxOf(site, 'z')).notifications;
		expect(entry).toMatchObject({
			kind: 'message.created',
			title: 'Dana · Where is my order?',
			body: 'Any news?',
		});
	});

	it('pushes to a staff device: text cut to 500 characters, one tag per conversation, and the push leaves it unread', async () => {
		const site = await createSite();
		const z = await tokenFor(site, 'z');
		const phone = await device(site, z);
		const long = `${'Lorem ipsum '.repeat(45)}👩‍👩‍👧‍👦👩‍👩‍👧‍👦👩‍👩‍👧‍👦`;
		const first = await events(site, [
			{
				id: eventId(),
				type: 'conversation.created',
				conversation: { id: 'c9', title: 'Refund', url: 'https://help.example/c/9' },
				message: { id: 'm1', text: long },
			},
		]);
		expect(first).toMatchObject({ accepted: 1, notified: 1, pushed: 1, heldForPresence: 0 });
		await events(site, [
			{
				id: eventId(),
				type: 'message.created',
				conversation: { id: 'c9' },
				message: { id: 'm2', from: 'visitor', text: 'Hello again' },
			},
		]);
		const pushes = await pushesTo(phone);
		expect(pushes).toHaveLength(2);
		expect(pushes[0]).toMatchObject({
			kind: 'staff',
			title: 'New conversation · Refund',
			url: 'https://help.example/c/9',
			tag: 'conversation-c9',
		});
		const body = pushes[0]?.body as string;
		expect(
			[...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(body)].length,
		).toBeLessThanOrEqual(500);
		expect(body.endsWith('…')).toBe(true);
		// Same tag and Topic: the second replaces the first on the device and at the push service.
		expect(pushes[1]).toMatchObject({ tag: 'conversation-c9', body: 'Hello again' });
		expect(pushes[0]?.topic).toBe(pushes[1]?.topic);
		// One live entry per conversation in the list, still unread after the pushes.
		const list = await inboxOf(site, 'z');
		expect(list.unread).toBe(1);
		expect(list.notifications).toHaveLength(1);
		expect(list.notifications[0]).toMatchObject({ body: 'Hello again', readAt: null });
		// Devices are staff's own: no visitor subscriber was made.
		expect(await storeSql(site.siteId, 'SELECT count(*) AS n FROM subscribers')).toEqual([{ n: 0 }]);
	});

	it('sends nothing external while the member is active in the console; the list still updates', async () => {
		const site = await createSite();
		const z = await tokenFor(site, 'z');
		const laptop = await device(site, z);
		expect((await api(site, '/staff/me/presence', 'POST', { active: true }, z)).status).toBe(204);
		expect((await json<{ active: boolean }>(await api(site, '/staff/z'))).active).toBe(true);
		const held = await events(site, [
			{ id: eventId(), type: 'conversation.created', conversation: { id: 'c1' } },
		]);
		expect(held).toMatchObject({ notified: 1, pushed: 0, heldForPresence: 1 });
		expect(await sinkLog(laptop.json.endpoint)).toEqual([]);
		expect((await inboxOf(site, 'z')).unread).toBe(1);
		// Tab hidden: pushes again.
		expect((await api(site, '/staff/me/presence', 'POST', { active: false }, z)).status).toBe(204);
		const sent = await events(site, [
			{ id: eventId(), type: 'conversation.created', conversation: { id: 'c2' } },
		]);
		expect(sent).toMatchObject({ pushed: 1, heldForPresence: 0 });
	});

	it('tells a mention at once to the one mentioned, whatever their scopes', async () => {
		const site = await createSite();
		await tokenFor(site, 'z');
		const bob = await tokenFor(site, 'bob');
		const bobPhone = await device(site, bob);
		await api(
			site,
			'/staff/me/preferences',
			'PUT',
			{ 'conversation.created': { scopes: [], push: false, email: false } },
			bob,
		);
		await events(site, [
			{ id: eventId(), type: 'conversation.created', conversation: { id: 'c1', assignee: 'z' } },
		]);
		expect((await inboxOf(site, 'bob')).notifications).toEqual([]);
		const result = await events(site, [
			{
				id: eventId(),
				type: 'mention',
				conversation: { id: 'c1' },
				staffId: 'bob',
				by: 'z',
				text: '@bob can you check the invoice?',
			},
		]);
		expect(result).toMatchObject({ notified: 1, pushed: 1 });
		expect((await pushesTo(bobPhone))[0]).toMatchObject({
			title: 'You were mentioned',
			body: '@bob can you check the invoice?',
		});
	});

	it('keeps reminders to the read rules: X reading Z’s conversation does not stop Z’s, anyone’s read counts while unassigned, the email reads it for that person', async () => {
		const site = await createSite();
		await tokenFor(site, 'z', 'editor', 'z@shop.example');
		await tokenFor(site, 'x', 'editor', 'x@shop.example');
		await events(site, [
			{
				id: eventId(),
				type: 'conversation.created',
				conversation: { id: 'zc', assignee: 'z', title: 'Z’s' },
				message: { id: 'm1', text: 'For Z', author: 'Dana' },
			},
			{
				id: eventId(),
				type: 'conversation.created',
				conversation: { id: 'open', title: 'Nobody’s' },
				message: { id: 'm2', text: 'Anyone?' },
			},
		]);
		const due = () =>
			runInDurableObject(storeOf(site.siteId), (_: SiteStore, state) =>
				dueReminders(state.storage.sql, Date.now())
					.map((r) => [r.staffId, r.conversations.map((c) => c.conversationId).sort()])
					.sort(),
			);
		expect(await due()).toEqual([
			['x', ['open']],
			['z', ['open', 'zc']],
		]);
		// X reads both: Z still owes a reminder for their own conversation, and nobody for the unassigned one.
		await events(site, [
			{ id: eventId(), type: 'conversation.read', conversation: { id: 'zc' }, staffId: 'x' },
			{ id: eventId(), type: 'conversation.read', conversation: { id: 'open' }, staffId: 'x' },
		]);
		expect(await due()).toEqual([['z', ['zc']]]);
		// The reminder email goes out: after it, that conversation counts as read for Z (and only for Z).
		await runInDurableObject(storeOf(site.siteId), (_: SiteStore, state) => {
			for (const r of dueReminders(state.storage.sql, Date.now()))
				markReminded(state.storage.sql, r, Date.now());
		});
		expect(await due()).toEqual([]);
		await events(site, [
			{
				id: eventId(),
				type: 'message.created',
				conversation: { id: 'zc' },
				message: { id: 'm3', from: 'visitor', text: 'Hello?' },
			},
		]);
		expect(await due()).toEqual([['z', ['zc']]]);
		// Z reads theirs in the console list: nothing is owed.
		const [entry] = (await inboxOf(site, 'z')).notifications.filter((e) => e.conversationId === 'zc');
		const read = await api(site, '/staff/z/notifications/read', 'POST', {
			notificationIds: [entry?.notificationId],
		});
		expect(await json(read)).toEqual({ read: 1 });
		expect(await due()).toEqual([]);
	});

	it('handles an event id once, and refuses bad input naming the field without writing', async () => {
		const site = await createSite();
		await tokenFor(site, 'z');
		const e = { id: 'same-id', type: 'conversation.created', conversation: { id: 'c1' } };
		expect(await events(site, [e])).toMatchObject({ accepted: 1, duplicates: 0 });
		expect(await events(site, [e])).toMatchObject({ accepted: 0, duplicates: 1 });
		expect((await inboxOf(site, 'z')).notifications).toHaveLength(1);

		const bad: Array<[unknown, RegExp]> = [
			[{ events: [] }, /^events: is required/],
			[{ events: [{ id: 'a', type: 'order.shipped', title: 'x' }] }, /^events\[0\]/],
			[
				{
					events: [
						{
							id: 'a',
							type: 'message.created',
							conversation: { id: 'c' },
							message: { id: 'm', from: 'bot', text: 'x' },
						},
					],
				},
				/^events\[0\]\.message\.from/,
			],
			[{ events: [{ id: 'a b', type: 'alert', title: 'x' }] }, /^events\[0\]\.id/],
			[{ events: [{ id: 'a', type: 'alert', title: 'x', url: 'nope' }] }, /^events\[0\]\.url/],
		];
		const before = await storeSql(site.siteId, 'SELECT count(*) AS n FROM staff_events');
		for (const [body, message] of bad) {
			const response = await api(site, '/staff-events', 'POST', body);
			expect(response.status).toBe(400);
			expect((await json<{ error: { message: string } }>(response)).error.message).toMatch(message);
		}
		expect(await storeSql(site.siteId, 'SELECT count(*) AS n FROM staff_events')).toEqual(before);
	});

	it('guards who may change what: "me" needs a console token, others’ settings an admin, teams known staff', async () => {
		const site = await createSite();
		const viewer = await tokenFor(site, 'v', 'viewer');
		await tokenFor(site, 'z');
		expect((await api(site, '/staff/me')).status).toBe(400);
		expect(
			(
				await api(
					site,
					'/staff/me/preferences',
					'PUT',
					{ mention: { scopes: [], push: false, email: false } },
					viewer,
				)
			).status,
		).toBe(200);
		expect(
			(
				await api(
					site,
					'/staff/z/preferences',
					'PUT',
					{ mention: { scopes: [], push: false, email: false } },
					viewer,
				)
			).status,
		).toBe(403);
		expect((await api(site, '/staff/me', 'PATCH', { teams: ['sales'] }, viewer)).status).toBe(403);
		const team = await api(site, '/teams', 'POST', { teamId: 'sales', name: 'Sales', members: ['nobody'] });
		expect(team.status).toBe(400);
		expect((await json<{ error: { message: string } }>(team)).error.message).toMatch(
			/^members: no staff member nobody/,
		);
		expect((await api(site, '/staff', 'POST', { staffId: 'n1', email: 'not an email' })).status).toBe(400);
		expect((await api(site, '/staff', 'POST', { staffId: 'n1', timezone: 'Mars/Base' })).status).toBe(400);
		const made = await api(site, '/staff', 'POST', {
			staffId: 'n1',
			name: 'Nia',
			email: 'nia@shop.example',
			timezone: 'Europe/Berlin',
		});
		expect(made.status).toBe(201);
		expect((await api(site, '/staff', 'POST', { staffId: 'n1' })).status).toBe(409);
		const prefs = await json<Record<string, { scopes: string[] }>>(await api(site, '/staff/n1/preferences'));
		expect(prefs['message.created']?.scopes).toEqual(['mine', 'unassigned']);
		expect((await api(site, '/staff/n1', 'DELETE')).status).toBe(204);
		expect((await api(site, '/staff/n1')).status).toBe(404);
	});

	it('lets a member change their own name, email and time zone, which a later token’s identity never overwrites', async () => {
		const site = await createSite();
		const mint = async (name: string, email: string | null) =>
			(
				await json<{ token: string }>(
					await api(site, '/console-tokens', 'POST', { role: 'viewer', staff: { id: 'wp-9', name, email } }),
				)
			).token;
		const first = await mint('wpuser9', 'old@shop.example');
		const me = async (token: string) =>
			json<Record<string, unknown>>(await api(site, '/staff/me', 'GET', undefined, token));
		expect(await me(first)).toMatchObject({
			staffId: 'wp-9',
			name: 'wpuser9',
			email: 'old@shop.example',
			timezone: null,
		});

		const changed = await api(
			site,
			'/staff/me',
			'PATCH',
			{ name: 'Nora Quinn', email: 'nora@shop.example', timezone: 'America/Chicago' },
			first,
		);
		expect(changed.status, await changed.clone().text()).toBe(200);
		expect(await json(changed)).toMatchObject({
			name: 'Nora Quinn',
			email: 'nora@shop.example',
			timezone: 'America/Chicago',
		});
		// The next call as "me" (here a fresh token from the host, with the host's own name and email) keeps them.
		const again = await mint('wpuser9', 'old@shop.example');
		expect(await me(again)).toMatchObject({
			name: 'Nora Quinn',
			email: 'nora@shop.example',
			timezone: 'America/Chicago',
		});
		expect(await me(first)).toMatchObject({ name: 'Nora Quinn' });

		// Bad input names the field and writes nothing; teams and other members are not theirs to change.
		for (const [body, field] of [
			[{ timezone: 'Mars/Olympus' }, 'timezone'],
			[{ email: 'nora at shop' }, 'email'],
			[{ name: 'x'.repeat(101) }, 'name'],
			[{ nickname: 'N' }, 'nickname'],
		] as const) {
			const bad = await api(site, '/staff/me', 'PATCH', body, again);
			expect(bad.status).toBe(400);
			expect((await json<{ error: { message: string } }>(bad)).error.message).toMatch(
				new RegExp(`^${field}`),
			);
		}
		expect((await api(site, '/staff/me', 'PATCH', { teams: [] }, again)).status).toBe(403);
		await tokenFor(site, 'other');
		expect((await api(site, '/staff/other', 'PATCH', { name: 'Hijack' }, again)).status).toBe(403);
		expect(await me(again)).toMatchObject({
			name: 'Nora Quinn',
			email: 'nora@shop.example',
			timezone: 'America/Chicago',
		});
		expect((await json<{ name: string }>(await api(site, '/staff/other'))).name).toBe('OTHER');
	});
});
