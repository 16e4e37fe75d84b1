import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { SinkMessage } from '../../support/smtp-sink';
import { call, createSite, json, storeOf, storeSql, type TestSite } from '../helpers';

// Unread reminders by email (issue 14, seed 002) through the store's own alarm and a real SMTP server (the sink):
// the timer is set by a visitor message, the email lists the unread messages, then they count as read for that
// person; nothing external goes to someone active in the console.

const api = (site: TestSite, path: string, method = 'GET', body?: unknown, key = site.apiKey) =>
	call(`/v1/sites/${site.siteId}${path}`, {
		method,
		key,
		...(body === undefined ? {} : { body: JSON.stringify(body) }),
	});

async function staffMember(site: TestSite, id: string, email: string): Promise<string> {
	const response = await api(site, '/console-tokens', 'POST', { staff: { id, name: `Agent ${id}`, email } });
	const { token } = await json<{ token: string }>(response);
	expect((await api(site, '/staff/me', 'GET', undefined, token)).status).toBe(200);
	return token;
}

async function inbox(address: string): Promise<SinkMessage[]> {
	return (await fetch(`${env.SMTP_SINK_URL}/messages?to=${encodeURIComponent(address)}`)).json();
}

/** Runs the reminder round now (as if its 5 minutes had passed). */
async function round(site: TestSite): Promise<void> {
	const [row] = await storeSql<{ v: string }>(
		site.siteId,
		"SELECT v FROM meta WHERE k = 'staff_reminder_at'",
	);
	expect(Number(row?.v)).toBeGreaterThan(Date.now() + 4 * 60_000);
	await storeSql(site.siteId, "UPDATE meta SET v = ? WHERE k = 'staff_reminder_at'", String(Date.now() - 1));
	await runDurableObjectAlarm(storeOf(site.siteId));
}

describe('unread reminders by email', { timeout: 30_000 }, () => {
	it('emails each member their unread visitor messages once, after which they count as read for them', async () => {
		const site = await createSite({ name: 'Oak & Ash' });
		const z = `z-${crypto.randomUUID().slice(0, 8)}@shop.example`;
		const x = `x-${crypto.randomUUID().slice(0, 8)}@shop.example`;
		await staffMember(site, 'z', z);
		await staffMember(site, 'x', x);
		const sent = await api(site, '/staff-events', 'POST', {
			events: [
				{
					id: 'e1',
					type: 'conversation.created',
					conversation: {
						id: 'c1',
						title: 'Where is my table?',
						url: 'https://help.example/c/1',
						assignee: 'z',
					},
					message: { id: 'm1', author: 'Dana', text: 'Ordered in May, still nothing <b>shipped</b>.' },
				},
				{
					id: 'e2',
					type: 'message.created',
					conversation: { id: 'c1' },
					message: { id: 'm2', from: 'visitor', author: 'Dana', text: 'Hello?' },
				},
			],
		});
		expect(sent.status).toBe(202);
		await round(site);
		const [mail, ...more] = await inbox(z);
		expect(more).toEqual([]);
		expect(mail?.subject).toBe('2 unread messages · Oak & Ash');
		expect(mail?.text).toContain('== Where is my table? ==');
		expect(mail?.text).toContain('https://help.example/c/1');
		expect(mail?.text).toMatch(/Dana: Ordered in May, still nothing <b>shipped<\/b>\./);
		expect(mail?.html).toContain('&lt;b&gt;shipped&lt;/b&gt;');
		expect(mail?.html).toContain('<a href="https://help.example/c/1">Where is my table?</a>');
		// X's scopes (mine, unassigned) do not take Z's conversation.
		expect(await inbox(x)).toEqual([]);
		// Read for Z now: no second email, and no timer left.
		expect(
			await storeSql(site.siteId, "SELECT count(*) AS n FROM meta WHERE k = 'staff_reminder_at'"),
		).toEqual([{ n: 0 }]);
		const again = await api(site, '/staff-events', 'POST', {
			events: [{ id: 'e3', type: 'conversation.read', conversation: { id: 'c1' }, staffId: 'x' }],
		});
		expect(again.status).toBe(202);
		expect(await inbox(z)).toHaveLength(1);
	});

	it('sends nothing to a member active in the console, and keeps the round going until they are not', async () => {
		const site = await createSite();
		const z = `z-${crypto.randomUUID().slice(0, 8)}@shop.example`;
		const token = await staffMember(site, 'z', z);
		expect((await api(site, '/staff/me/presence', 'POST', { active: true }, token)).status).toBe(204);
		await api(site, '/staff-events', 'POST', {
			events: [
				{
					id: 'e1',
					type: 'conversation.created',
					conversation: { id: 'c1', assignee: 'z' },
					message: { id: 'm1', text: 'Hi' },
				},
			],
		});
		await round(site);
		expect(await inbox(z)).toEqual([]);
		// Still owed: the next round is set.
		const [row] = await storeSql<{ v: string }>(
			site.siteId,
			"SELECT v FROM meta WHERE k = 'staff_reminder_at'",
		);
		expect(Number(row?.v)).toBeGreaterThan(Date.now());
		// Gone from the console: the next round emails them.
		expect((await api(site, '/staff/me/presence', 'POST', { active: false }, token)).status).toBe(204);
		await round(site);
		expect((await inbox(z)).map((m) => m.subject)).toEqual(['1 unread message · Test shop']);
	});

	it('runs on the site’s interval: a shorter one brings the pending round forward, a longer one leaves it', async () => {
		const site = await createSite({ name: 'Quick shop' });
		const z = `z-${crypto.randomUUID().slice(0, 8)}@shop.example`;
		await staffMember(site, 'z', z);
		const setMinutes = async (reminderMinutes: number) =>
			expect((await api(site, '/settings', 'PATCH', { staff: { reminderMinutes } })).status).toBe(200);
		const timer = async () =>
			Number(
				(await storeSql<{ v: string }>(site.siteId, "SELECT v FROM meta WHERE k = 'staff_reminder_at'"))[0]
					?.v,
			);
		const alarm = () =>
			runInDurableObject(storeOf(site.siteId), (_instance, state) => state.storage.getAlarm());
		const message = (n: number) => ({
			id: `e${n}`,
			type: 'message.created',
			conversation: { id: `c${n}`, assignee: 'z' },
			message: { id: `m${n}`, from: 'visitor', text: `Question ${n}` },
		});

		await setMinutes(30);
		let before = Date.now();
		expect((await api(site, '/staff-events', 'POST', { events: [message(1)] })).status).toBe(202);
		expect(await timer()).toBeGreaterThanOrEqual(before + 30 * 60_000);
		expect(await timer()).toBeLessThanOrEqual(Date.now() + 30 * 60_000);

		// Shorter: the pending round moves to one new interval from now, and the store's alarm with it.
		before = Date.now();
		await setMinutes(2);
		const moved = await timer();
		expect(moved).toBeGreaterThanOrEqual(before + 2 * 60_000);
		expect(moved).toBeLessThanOrEqual(Date.now() + 2 * 60_000);
		expect(await alarm()).toBeLessThanOrEqual(moved);
		// Longer again: the round stays where it is.
		await setMinutes(10);
		expect(await timer()).toBe(moved);

		// The round (made due now rather than waited for) emails the digest.
		await setMinutes(2);
		await storeSql(
			site.siteId,
			"UPDATE meta SET v = ? WHERE k = 'staff_reminder_at'",
			String(Date.now() - 1),
		);
		await runDurableObjectAlarm(storeOf(site.siteId));
		expect((await inbox(z)).map((m) => m.subject)).toEqual(['1 unread message · Quick shop']);
		expect((await inbox(z))[0]?.text).toContain('Question 1');

		// The next message sets the next round on the site's interval.
		before = Date.now();
		expect((await api(site, '/staff-events', 'POST', { events: [message(2)] })).status).toBe(202);
		expect(await timer()).toBeGreaterThanOrEqual(before + 2 * 60_000);
		expect(await timer()).toBeLessThanOrEqual(Date.now() + 2 * 60_000);
	});
});
