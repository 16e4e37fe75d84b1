import { env } from 'cloudflare:workers';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
	call,
	createSite,
	json,
	makeSubscription,
	send,
	storeSql,
	subscribe,
	type TestSite,
	waitDone,
} from '../helpers';

// Outbound webhooks (issue 15): endpoints, Standard Webhooks signatures checked with the scheme's own reference
// library (not our code), the events, batching, retries against failing receivers, and disabling after the last.
// Receivers are the local push sink, which records every request (WEBHOOK_RETRY_SCALE=0: retries come at once).

interface Hook {
	webhookId: string;
	url: string;
	events: string[];
	status: string;
	disabledReason: string | null;
	secret?: string;
	recent: { delivered: number; failed: number; pending: number };
}
interface Delivery {
	deliveryId: string;
	type: string;
	events: number;
	status: string;
	attempts: number;
	httpStatus: number | null;
	latencyMs: number | null;
	lastError: string | null;
}
interface Received {
	status: number | string;
	headers: Record<string, string>;
	body: string;
}

const api = (site: TestSite, path: string, method = 'GET', body?: unknown) =>
	call(`/v1/sites/${site.siteId}${path}`, {
		method,
		key: site.apiKey,
		...(body === undefined ? {} : { body: JSON.stringify(body) }),
	});

/** A receiver at the sink: `behaviour` as in push-sink.ts (201, 500, 503-then-201, hang…). */
function receiver(behaviour = '201'): string {
	return `${env.PUSH_SINK_URL}/push/${behaviour}/hook-${crypto.randomUUID()}`;
}

async function received(url: string): Promise<Received[]> {
	const key = new URL(url).pathname.replace(/^\/push\//, '');
	return (await fetch(`${env.PUSH_SINK_URL}/_log/${key}`)).json();
}

const text = (r: Received) =>
	new TextDecoder().decode(
		Uint8Array.from(atob(r.body.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
	);

/** Waits until the receiver holds `n` calls (or more) for which `keep` is true. */
async function calls(url: string, n: number, keep: (body: Record<string, unknown>) => boolean = () => true) {
	const deadline = Date.now() + 15_000;
	for (;;) {
		const list = (await received(url)).filter((r) => keep(JSON.parse(text(r))));
		if (list.length >= n) return list;
		if (Date.now() > deadline) throw new Error(`${url}: ${list.length} of ${n} calls`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

async function hook(site: TestSite, events: string[], url = receiver()): Promise<Hook> {
	const response = await api(site, '/webhooks', 'POST', { url, events, description: 'CRM' });
	expect(response.status, await response.clone().text()).toBe(201);
	return json<Hook>(response);
}

async function deliveries(site: TestSite, id: string): Promise<Delivery[]> {
	return (await json<{ deliveries: Delivery[] }>(await api(site, `/webhooks/${id}/deliveries`))).deliveries;
}

/** Polls the delivery log until `done` holds. */
async function logUntil(
	site: TestSite,
	id: string,
	done: (list: Delivery[]) => boolean,
): Promise<Delivery[]> {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const list = await deliveries(site, id);
		if (done(list)) return list;
		if (Date.now() > deadline) throw new Error(`log of ${id}: ${JSON.stringify(list)}`);
		await new Promise((r) => setTimeout(r, 150));
	}
}

describe('webhook endpoints', { timeout: 30_000 }, () => {
	it('creates one with a whsec_ secret shown once, lists it without, and refuses bad input naming the field', async () => {
		const site = await createSite();
		const created = await hook(site, ['subscriber.created', 'subscriber.created', 'conversion']);
		expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
		expect(created).toMatchObject({ status: 'enabled', events: ['subscriber.created', 'conversion'] });
		const list = await json<{ webhooks: Hook[] }>(await api(site, '/webhooks'));
		expect(list.webhooks).toHaveLength(1);
		expect(JSON.stringify(list)).not.toContain(created.secret);
		expect(JSON.stringify(await storeSql(site.siteId, 'SELECT secret FROM webhooks'))).not.toContain(
			created.secret,
		);

		const bad: Array<[unknown, RegExp]> = [
			[{ url: 'http://crm.example/hook', events: ['conversion'] }, /^url: must be an https URL/],
			[{ url: 'https://u:p@crm.example/hook', events: ['conversion'] }, /^url: must not carry a user name/],
			[{ url: 'not a url', events: ['conversion'] }, /^url: must be an absolute URL/],
			[{ url: 'https://crm.example/hook', events: [] }, /^events: must name at least one/],
			[{ url: 'https://crm.example/hook', events: ['order.created'] }, /^events\[0\]: must each be one of/],
			[{ url: 'https://crm.example/hook', events: ['conversion'], secret: 'x' }, /secret/],
		];
		for (const [body, message] of bad) {
			const response = await api(site, '/webhooks', 'POST', body);
			expect(response.status).toBe(400);
			expect((await json<{ error: { message: string } }>(response)).error.message).toMatch(message);
		}
		expect(await storeSql(site.siteId, 'SELECT count(*) AS n FROM webhooks')).toEqual([{ n: 1 }]);
		expect((await api(site, '/webhooks/wh_nope')).status).toBe(404);
		expect((await api(site, '/webhooks/wh_nope/test', 'POST')).status).toBe(404);

		// Ten per site.
		for (let i = 1; i < 10; i++) await hook(site, ['conversion']);
		const eleventh = await api(site, '/webhooks', 'POST', { url: receiver(), events: ['conversion'] });
		expect(eleventh.status).toBe(409);

		// Another site cannot see or touch it.
		const other = await createSite();
		expect((await api(other, `/webhooks/${created.webhookId}`)).status).toBe(404);
		expect((await api(other, `/webhooks/${created.webhookId}`, 'DELETE')).status).toBe(404);

		expect((await api(site, `/webhooks/${created.webhookId}`, 'DELETE')).status).toBe(204);
		expect((await api(site, `/webhooks/${created.webhookId}`)).status).toBe(404);
	});

	it('signs a test event per Standard Webhooks: the reference library verifies it, and a rotated secret replaces the old', async () => {
		const site = await createSite();
		const url = receiver();
		const created = await hook(site, ['subscriber.created'], url);
		const test = await api(site, `/webhooks/${created.webhookId}/test`, 'POST');
		expect(test.status).toBe(202);
		const { deliveryId } = await json<{ deliveryId: string }>(test);
		const [first] = await calls(url, 1);
		expect(first?.headers['webhook-id']).toBe(deliveryId);
		expect(first?.headers['content-type']).toBe('application/json');
		const body = text(first as Received);
		const verified = new Webhook(created.secret as string).verify(body, first?.headers ?? {}) as {
			type: string;
			data: Record<string, unknown>;
		};
		expect(verified).toMatchObject({ type: 'webhook.test', data: { webhookId: created.webhookId } });
		// Tampering is caught by the same library.
		expect(() => new Webhook(created.secret as string).verify(`${body} `, first?.headers ?? {})).toThrow();

		const rotated = await json<Hook>(await api(site, `/webhooks/${created.webhookId}/rotate-secret`, 'POST'));
		expect(rotated.secret).not.toBe(created.secret);
		await api(site, `/webhooks/${created.webhookId}/test`, 'POST');
		const [, second] = await calls(url, 2);
		expect(() =>
			new Webhook(created.secret as string).verify(text(second as Received), second?.headers ?? {}),
		).toThrow();
		expect(
			new Webhook(rotated.secret as string).verify(text(second as Received), second?.headers ?? {}),
		).toMatchObject({
			type: 'webhook.test',
		});
		const log = await logUntil(site, created.webhookId, (l) => l.every((d) => d.status === 'delivered'));
		expect(log).toHaveLength(2);
		expect(log[0]).toMatchObject({ type: 'webhook.test', status: 'delivered', attempts: 1, httpStatus: 201 });
		expect(log[0]?.latencyMs).toBeGreaterThanOrEqual(0);
	});

	it('tells subscriber.created, notification.completed, subscriber.gone and unsubscribed without endpoints or keys', async () => {
		const site = await createSite();
		const url = receiver();
		await hook(
			site,
			['subscriber.created', 'subscriber.unsubscribed', 'subscriber.gone', 'notification.completed'],
			url,
		);
		const keep = await makeSubscription();
		const leaving = await makeSubscription('410');
		const keepId = await subscribe(site, keep);
		const leavingId = await subscribe(site, leaving);
		const created = await calls(url, 2, (b) => b.type === 'subscriber.created');
		const ids = created.map(
			(r) => (JSON.parse(text(r)) as { data: { subscriberId: string } }).data.subscriberId,
		);
		expect(ids.sort()).toEqual([keepId, leavingId].sort());
		expect(JSON.parse(text(created[0] as Received)).data).toMatchObject({ browser: 'firefox' });

		const nid = await send(site, { title: 'Summer sale' });
		await waitDone(site, nid);
		const [completed] = await calls(url, 1, (b) => b.type === 'notification.completed');
		expect(JSON.parse(text(completed as Received)).data).toMatchObject({
			notificationId: nid,
			title: 'Summer sale',
			counts: { sent: 1, gone: 1 },
		});
		const [gone] = await calls(url, 1, (b) => b.type === 'subscriber.gone');
		expect(JSON.parse(text(gone as Received)).data).toEqual({
			reason: 'push_service',
			subscribers: [{ subscriberId: leavingId, externalUserId: null }],
		});

		// The browser's own permission change.
		const revoked = await call(`/v1/sites/${site.siteId}/subscribers/${keepId}/events`, {
			method: 'POST',
			headers: { origin: site.origin },
			body: JSON.stringify({ type: 'permission', permission: 'denied' }),
		});
		expect(revoked.status).toBe(202);
		const [unsubscribed] = await calls(url, 1, (b) => b.type === 'subscriber.unsubscribed');
		expect(JSON.parse(text(unsubscribed as Received)).data).toMatchObject({
			subscriberId: keepId,
			reason: 'permission',
		});

		// Nothing private in any call.
		const all = (await received(url)).map(text).join('\n');
		for (const secret of [
			keep.json.endpoint,
			keep.json.keys.p256dh,
			keep.json.keys.auth,
			leaving.json.keys.auth,
		]) {
			expect(all).not.toContain(secret);
		}
		// One notification, one completed call: later count updates (shown, clicked) do not repeat it.
		expect((await calls(url, 1, (b) => b.type === 'notification.completed')).length).toBe(1);
	});

	it('batches clicks: many clicks of a send arrive in one call', async () => {
		const site = await createSite();
		const url = receiver();
		const created = await hook(site, ['notification.clicked'], url);
		const ids: string[] = [];
		for (let i = 0; i < 20; i++) ids.push(await subscribe(site, await makeSubscription()));
		const nid = await send(site, {});
		await waitDone(site, nid);
		await Promise.all(
			ids.map((id) =>
				call(`/v1/sites/${site.siteId}/subscribers/${id}/events`, {
					method: 'POST',
					headers: { origin: site.origin },
					body: JSON.stringify({ type: 'clicked', notificationId: nid }),
				}),
			),
		);
		const deadline = Date.now() + 15_000;
		let clicks: Array<{ subscriberId: string; notificationId: string }> = [];
		while (clicks.length < 20 && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 200));
			clicks = (await received(url)).flatMap((r) => JSON.parse(text(r)).data.clicks);
		}
		expect(clicks.map((c) => c.subscriberId).sort()).toEqual([...ids].sort());
		expect(new Set(clicks.map((c) => c.notificationId))).toEqual(new Set([nid]));
		const log = await deliveries(site, created.webhookId);
		// 20 clicks in a handful of calls (the dispatcher flushes its clicks together), never one each.
		expect(log.length).toBeLessThanOrEqual(4);
		expect(log.reduce((n, d) => n + d.events, 0)).toBe(20);
	});

	it('tells a conversion when an automation goal arrives', async () => {
		const site = await createSite();
		const url = receiver();
		await hook(site, ['conversion', 'automation.entered'], url);
		const id = await subscribe(site, await makeSubscription());
		const automation = await api(site, '/automations', 'POST', {
			name: 'Checkout',
			enabled: true,
			trigger: { type: 'event', event: 'checkout_started' },
			steps: [{ wait: { seconds: 3600 }, message: { title: 'Come back' } }],
			goal: { event: 'purchase', valueProperty: 'total' },
		});
		expect(automation.status).toBe(201);
		const { automationId } = await json<{ automationId: string }>(automation);
		const track = (name: string, properties: object) =>
			api(site, '/events', 'POST', { events: [{ subscriberId: id, name, properties }] });
		expect((await track('checkout_started', {})).status).toBe(202);
		expect((await track('purchase', { total: 42.5 })).status).toBe(202);
		const [entered] = await calls(url, 1, (b) => b.type === 'automation.entered');
		expect(JSON.parse(text(entered as Received)).data).toEqual({
			journeys: [
				{
					automationId,
					subscriberId: id,
					key: expect.any(String),
					heldOut: false,
					enteredAt: expect.any(String),
				},
			],
		});
		const [conversion] = await calls(url, 1, (b) => b.type === 'conversion');
		expect(JSON.parse(text(conversion as Received)).data).toEqual({
			conversions: [
				{
					automationId,
					subscriberId: id,
					step: null,
					heldOut: false,
					event: 'purchase',
					value: 42.5,
					convertedAt: expect.any(String),
				},
			],
		});
	});
});

describe('staff alerts as webhooks', { timeout: 30_000 }, () => {
	it('tells which staff members an alert reached, without its text', async () => {
		const site = await createSite();
		const url = receiver();
		await hook(site, ['staff.alert'], url);
		const minted = await api(site, '/console-tokens', 'POST', { staff: { id: 'ana', name: 'Ana' } });
		const { token } = await json<{ token: string }>(minted);
		await call(`/v1/sites/${site.siteId}/staff/me`, { key: token });
		const sent = await api(site, '/staff-events', 'POST', {
			events: [
				{
					id: 'e1',
					type: 'conversation.created',
					conversation: { id: 'c1' },
					message: { id: 'm1', text: 'A private question' },
				},
			],
		});
		expect(sent.status).toBe(202);
		const [alert] = await calls(url, 1, (b) => b.type === 'staff.alert');
		expect(JSON.parse(text(alert as Received)).data).toEqual({
			alerts: [{ eventId: 'e1', kind: 'conversation.created', conversationId: 'c1', staffIds: ['ana'] }],
		});
		expect(text(alert as Received)).not.toContain('A private question');
	});
});

describe('webhook retries', { timeout: 60_000 }, () => {
	it('retries a failing call until the receiver answers, then records it delivered', async () => {
		const site = await createSite();
		const url = receiver('503-then-201');
		const created = await hook(site, ['subscriber.created'], url);
		await api(site, `/webhooks/${created.webhookId}/test`, 'POST');
		const [log] = await logUntil(site, created.webhookId, (l) => l[0]?.status === 'delivered');
		expect(log).toMatchObject({ status: 'delivered', attempts: 2, httpStatus: 201 });
		const got = await received(url);
		expect(got.map((r) => r.status)).toEqual([503, 201]);
		// The same webhook-id on the retry: receivers deduplicate on it.
		expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
	});

	it('after the last retry fails, disables the endpoint with the reason; nothing more is queued until it is on again', async () => {
		const site = await createSite();
		const url = receiver('500');
		const created = await hook(site, ['subscriber.created'], url);
		await api(site, `/webhooks/${created.webhookId}/test`, 'POST');
		const [failed] = await logUntil(site, created.webhookId, (l) => l[0]?.status === 'failed');
		expect(failed).toMatchObject({ status: 'failed', attempts: 9, httpStatus: 500 });
		expect(failed?.lastError).toMatch(/^HTTP 500/);
		expect((await received(url)).length).toBe(9);
		const view = await json<Hook>(await api(site, `/webhooks/${created.webhookId}`));
		expect(view.status).toBe('disabled');
		expect(view.disabledReason).toMatch(
			/^Disabled after 9 failed attempts over 24 hours; the last: HTTP 500/,
		);
		expect(view.recent).toEqual({ delivered: 0, failed: 1, pending: 0 });

		// While off, events make no calls.
		await subscribe(site, await makeSubscription());
		expect(await storeSql(site.siteId, 'SELECT count(*) AS n FROM webhook_deliveries')).toEqual([{ n: 1 }]);
		// On again: the reason goes, and new events are told.
		const on = await json<Hook>(
			await api(site, `/webhooks/${created.webhookId}`, 'PATCH', { enabled: true }),
		);
		expect(on).toMatchObject({ status: 'enabled', disabledReason: null });
		await subscribe(site, await makeSubscription());
		expect(await storeSql(site.siteId, 'SELECT count(*) AS n FROM webhook_deliveries')).toEqual([{ n: 2 }]);
		// Turned off by its owner, it says so.
		const off = await json<Hook>(
			await api(site, `/webhooks/${created.webhookId}`, 'PATCH', { enabled: false }),
		);
		expect(off).toMatchObject({ status: 'disabled', disabledReason: 'Turned off by its owner' });
	});

	it('shows a receiver that does not answer in time in the log, with the next attempt, while it retries', async () => {
		const site = await createSite();
		const created = await hook(site, ['subscriber.created'], receiver('hang'));
		await api(site, `/webhooks/${created.webhookId}/test`, 'POST');
		const [log] = await logUntil(site, created.webhookId, (l) => (l[0]?.attempts ?? 0) >= 1);
		expect(log).toMatchObject({ status: 'pending', httpStatus: null, lastError: 'No answer within 1500 ms' });
		expect((log as Delivery & { nextAttemptAt: string | null }).nextAttemptAt).not.toBeNull();
		// Deleting the endpoint ends its calls (and its log).
		expect((await api(site, `/webhooks/${created.webhookId}`, 'DELETE')).status).toBe(204);
		expect(await storeSql(site.siteId, 'SELECT count(*) AS n FROM webhook_deliveries')).toEqual([{ n: 0 }]);
	});
});
