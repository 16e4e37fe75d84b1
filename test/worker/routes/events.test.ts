import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
	call,
	createSite,
	makeSubscription,
	send,
	storeSql,
	subscribe,
	type TestSite,
	waitDone,
} from '../helpers';

async function lastUrl(site: TestSite, id: string): Promise<string | null | undefined> {
	const rows = await storeSql<{ last_url: string | null }>(
		site.siteId,
		'SELECT last_url FROM subscribers WHERE id = ?',
		id,
	);
	expect(rows).toHaveLength(1);
	return rows[0]?.last_url;
}

function event(site: TestSite, id: string, body: unknown) {
	return call(`/v1/sites/${site.siteId}/subscribers/${id}/events`, {
		method: 'POST',
		headers: { origin: site.origin, 'content-type': 'text/plain;charset=UTF-8' },
		body: JSON.stringify(body),
	});
}

describe('POST /v1/sites/:siteId/subscribers/:subscriberId/events', () => {
	it("keeps the last visited page of the site's own origin (sendBeacon's text/plain body)", async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		expect(
			(await event(site, id, { type: 'pageview', url: `${site.origin}/products/mug#reviews` })).status,
		).toBe(202);
		expect(await lastUrl(site, id)).toBe(`${site.origin}/products/mug`);
		const foreign = await event(site, id, { type: 'pageview', url: 'https://elsewhere.example/x' });
		expect(foreign.status).toBe(400);
		expect(await lastUrl(site, id)).toBe(`${site.origin}/products/mug`);
	});

	it('records a permission change and drops the push keys when permission is revoked', async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		expect((await event(site, id, { type: 'permission', permission: 'denied' })).status).toBe(202);
		const rows = await storeSql(site.siteId, 'SELECT status, endpoint FROM subscribers WHERE id = ?', id);
		expect(rows).toEqual([{ status: 'blocked', endpoint: null }]);
	});

	it('counts shown, clicked and closed on the notification', async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		const nid = await send(site, {});
		await waitDone(site, nid);
		for (const type of ['shown', 'clicked', 'clicked', 'closed']) {
			expect((await event(site, id, { type, notificationId: nid })).status).toBe(202);
		}
		const view = await waitDone(site, nid);
		expect(view.counts).toMatchObject({ shown: 1, clicked: 2, closed: 1 });
	});

	it('answers 400 for unknown types or missing fields and 404 for unknown subscribers or notifications', async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		expect((await event(site, id, { type: 'purchase' })).status).toBe(400);
		expect((await event(site, id, { type: 'clicked' })).status).toBe(400);
		expect((await event(site, id, { type: 'permission', permission: 'sometimes' })).status).toBe(400);
		expect((await event(site, 'sub_unknown', { type: 'pageview', url: `${site.origin}/` })).status).toBe(404);
		expect((await event(site, id, { type: 'clicked', notificationId: 'ntf_unknown' })).status).toBe(404);
	});

	it('creates no Durable Object storage for beacons about notifications that do not exist', async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		const madeUp = 'ntf_AAAAAAAAAAAAAAAAAAAA';
		expect((await event(site, id, { type: 'shown', notificationId: madeUp })).status).toBe(404);
		expect((await event(site, id, { type: 'shown', notificationId: 'ntf_../../x' })).status).toBe(404);
		const tables = await runInDurableObject(
			env.DISPATCHER.get(env.DISPATCHER.idFromName(madeUp)),
			(_i, state) =>
				state.storage.sql
					.exec(
						"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'batches', '_schema')",
					)
					.toArray(),
		);
		expect(tables).toEqual([]);
	});

	it("does not count events against another site's notification", async () => {
		const a = await createSite();
		const b = await createSite();
		const idA = await subscribe(a, await makeSubscription());
		const idB = await subscribe(b, await makeSubscription());
		const nid = await send(a, {});
		await waitDone(a, nid);
		expect((await event(b, idB, { type: 'clicked', notificationId: nid })).status).toBe(404);
		expect((await event(b, idA, { type: 'clicked', notificationId: nid })).status).toBe(404);
		expect((await waitDone(a, nid)).counts.clicked).toBe(0);
	});
});
