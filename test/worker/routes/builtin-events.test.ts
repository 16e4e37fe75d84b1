import { describe, expect, it } from 'vitest';
import { signIdentity } from '../../../worker/src/lib/identity';
import {
	call,
	createSite,
	json,
	makeSubscription,
	send,
	storeOf,
	storeSql,
	subscribe,
	type TestSite,
	waitDone,
} from '../helpers';

interface Occurrence {
	name: string;
	time: string;
	properties: Record<string, string | number | boolean>;
}

function event(site: TestSite, id: string, body: unknown) {
	return call(`/v1/sites/${site.siteId}/subscribers/${id}/events`, {
		method: 'POST',
		headers: { origin: site.origin, 'content-type': 'text/plain;charset=UTF-8' },
		body: JSON.stringify(body),
	});
}

/** Event counts of a subject by name (summed over days). */
async function counts(site: TestSite, subject: string): Promise<Record<string, number>> {
	const rows = await storeSql<{ name: string; n: number }>(
		site.siteId,
		'SELECT name, sum(n) AS n FROM event_days WHERE subject = ? GROUP BY name',
		subject,
	);
	return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}

async function userEvents(site: TestSite, userId: string): Promise<Occurrence[]> {
	const response = await call(`/v1/sites/${site.siteId}/users/${userId}`, { key: site.apiKey });
	expect(response.status).toBe(200);
	return (await json<{ events: Occurrence[] }>(response)).events;
}

async function identify(site: TestSite, id: string, userId: string) {
	const token = await signIdentity(site.identitySecret, userId, Math.floor(Date.now() / 1000) + 600);
	const response = await call(`/v1/sites/${site.siteId}/subscribers/${id}/identify`, {
		method: 'POST',
		headers: { origin: site.origin },
		body: JSON.stringify({ token }),
	});
	expect(response.status).toBe(200);
}

describe('built-in events', () => {
	it('records subscribed and unsubscribed only when a subscriber enters or leaves allowed', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const id = await subscribe(site, sub);
		// The same browser reporting again while allowed is no new subscription.
		expect(await subscribe(site, sub)).toBe(id);
		expect(await counts(site, `s:${id}`)).toEqual({ subscribed: 1 });
		expect((await event(site, id, { type: 'permission', permission: 'denied' })).status).toBe(202);
		expect((await event(site, id, { type: 'permission', permission: 'denied' })).status).toBe(202);
		expect(await counts(site, `s:${id}`)).toEqual({ subscribed: 1, unsubscribed: 1 });
		expect(await subscribe(site, sub, { subscriberId: id })).toBe(id);
		expect(await counts(site, `s:${id}`)).toEqual({ subscribed: 2, unsubscribed: 1 });
		// A browser that never allowed (ask → blocked) neither subscribed nor unsubscribed.
		const asked = await call(`/v1/sites/${site.siteId}/subscribers`, {
			method: 'POST',
			headers: { origin: site.origin },
			body: JSON.stringify({ permission: 'default' }),
		});
		const { subscriberId } = await json<{ subscriberId: string }>(asked);
		await event(site, subscriberId, { type: 'permission', permission: 'denied' });
		expect(await counts(site, `s:${subscriberId}`)).toEqual({});
	});

	it("counts every pageview on the subscriber with its url, not on the identified user's own events", async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		await identify(site, id, 'wp-7');
		for (const path of ['/a', '/a', '/b']) {
			expect((await event(site, id, { type: 'pageview', url: `${site.origin}${path}` })).status).toBe(202);
		}
		expect(await counts(site, `s:${id}`)).toEqual({ subscribed: 1, pageview: 3 });
		const [row] = await storeSql<{ recent: string }>(
			site.siteId,
			"SELECT recent FROM event_days WHERE subject = ? AND name = 'pageview'",
			`s:${id}`,
		);
		const urls = (JSON.parse(row?.recent ?? '[]') as Array<{ p: { url: string } }>).map((o) => o.p.url);
		expect(urls).toEqual([`${site.origin}/a`, `${site.origin}/a`, `${site.origin}/b`]);
		// GET …/users/:userId lists the user's own events (u:), as before; the subscriber's stay on it.
		expect(await userEvents(site, 'wp-7')).toEqual([]);
	});

	it('writes at most 1.5 rows per pageview, one for each repeat of a page', async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		const now = Date.now();
		const written: number[] = [];
		for (let i = 0; i < 10; i++) {
			const rows = await storeOf(site.siteId).recordPageview(site.siteId, id, `${site.origin}/p`, now + i);
			written.push(rows ?? -1);
		}
		const total = written.reduce((a, b) => a + b, 0);
		console.log(`pageview: rows written ${written.join(', ')} (${total / written.length} per pageview)`);
		expect(written[0]).toBe(2); // the new last page (subscribers row) and the event day
		expect(written.slice(1)).toEqual(Array(9).fill(1));
		expect(total / written.length).toBeLessThanOrEqual(1.5);
		expect(await counts(site, `s:${id}`)).toMatchObject({ pageview: 10 });
		expect(
			await storeOf(site.siteId).recordPageview(site.siteId, 'sub_unknown', `${site.origin}/p`, now),
		).toBe(null);
	});

	it("records unsubscribed on the user when the browser deletes its subscriber, but not on an admin's erase", async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		await identify(site, id, 'alice');
		const gone = await call(`/v1/sites/${site.siteId}/subscribers/${id}`, {
			method: 'DELETE',
			headers: { origin: site.origin },
		});
		expect(gone.status).toBe(204);
		expect(await counts(site, `s:${id}`)).toEqual({});
		expect(await counts(site, 'u:alice')).toEqual({ unsubscribed: 1 });
		const events = await userEvents(site, 'alice');
		expect(events).toMatchObject([{ name: 'unsubscribed', properties: { subscriberId: id } }]);

		const other = await subscribe(site, await makeSubscription());
		await identify(site, other, 'bob');
		const erased = await call(`/v1/sites/${site.siteId}/subscribers/${other}`, {
			method: 'DELETE',
			key: site.apiKey,
		});
		expect(erased.status).toBe(204);
		expect(await counts(site, 'u:bob')).toEqual({});
	});

	it("records clicked with the notification id in the dispatcher's batched flush, once per notification", async () => {
		const site = await createSite();
		const a = await subscribe(site, await makeSubscription());
		const b = await subscribe(site, await makeSubscription());
		const nid = await send(site, {});
		await waitDone(site, nid);
		const beacons = [
			event(site, a, { type: 'clicked', notificationId: nid }),
			event(site, b, { type: 'clicked', notificationId: nid }),
			event(site, a, { type: 'clicked', notificationId: nid }),
			event(site, b, { type: 'shown', notificationId: nid }),
		];
		expect((await Promise.all(beacons)).map((r) => r.status)).toEqual([202, 202, 202, 202]);
		let rows: Array<{ subject: string; n: number; recent: string }> = [];
		for (let i = 0; i < 100 && rows.length < 2; i++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			rows = await storeSql(
				site.siteId,
				"SELECT subject, n, recent FROM event_days WHERE name = 'clicked' ORDER BY subject",
			);
		}
		// A second click of the same notification is the same event (its id is the notification's).
		expect(rows.map((r) => [r.subject, r.n]).sort()).toEqual([`s:${a}`, `s:${b}`].sort().map((s) => [s, 1]));
		expect(JSON.parse(rows[0]?.recent ?? '[]')).toMatchObject([{ id: nid, p: { notificationId: nid } }]);
		// `shown` is a counter on the notification only: no event row per recipient.
		const shown = await storeSql(site.siteId, "SELECT 1 FROM event_days WHERE name = 'shown'");
		expect(shown).toEqual([]);
		expect((await waitDone(site, nid)).counts).toMatchObject({ clicked: 3, shown: 1 });
	});
});
