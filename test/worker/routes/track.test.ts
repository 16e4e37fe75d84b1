import { describe, expect, it } from 'vitest';
import { signIdentity } from '../../../worker/src/lib/identity';
import { call, createSite, json, makeSubscription, storeSql, subscribe, type TestSite } from '../helpers';

function track(site: TestSite, id: string, body: unknown, ip?: string) {
	return call(`/v1/sites/${site.siteId}/subscribers/${id}/events`, {
		method: 'POST',
		headers: { origin: site.origin, 'content-type': 'text/plain;charset=UTF-8' },
		body: JSON.stringify(body),
		...(ip ? { ip } : {}),
	});
}

async function message(response: Response): Promise<string> {
	return (await json<{ error: { message: string } }>(response)).error.message;
}

/** Custom event rows of a site (built-ins such as `subscribed` left out). */
async function customRows(site: TestSite) {
	return storeSql<{ subject: string; name: string; n: number; recent: string }>(
		site.siteId,
		"SELECT subject, name, n, recent FROM event_days WHERE name NOT IN ('subscribed', 'pageview') ORDER BY name",
	);
}

describe('POST /v1/sites/:siteId/subscribers/:subscriberId/events {events} (Beckon.track)', () => {
	it('records the events on the subscriber, an id seen that day only once, with CORS', async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		const body = {
			events: [
				{ name: 'added_to_cart', properties: { sku: 'mug', price: 12.5, gift: false }, id: 'e1' },
				{ name: 'added_to_cart', id: 'e2', time: new Date(Date.now() - 1000).toISOString() },
				{ name: 'search' },
			],
		};
		const first = await track(site, id, body);
		expect(first.status).toBe(202);
		expect(first.headers.get('access-control-allow-origin')).toBe(site.origin);
		expect((await track(site, id, { events: body.events.slice(0, 2) })).status).toBe(202);
		const rows = await customRows(site);
		expect(rows.map((r) => [r.subject, r.name, r.n])).toEqual([
			[`s:${id}`, 'added_to_cart', 2],
			[`s:${id}`, 'search', 1],
		]);
		expect(JSON.parse(rows[0]?.recent ?? '[]')).toContainEqual(
			expect.objectContaining({ id: 'e1', p: { sku: 'mug', price: 12.5, gift: false } }),
		);
	});

	it('answers 400 naming the field, with CORS, and writes nothing', async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));
		const cases: Array<[unknown, string]> = [
			[{ events: [{ name: 'ok' }, { name: '9lives' }] }, 'events[1].name'],
			[{ events: [{ name: 'ok', properties: many }] }, 'events[0].properties'],
			[{ events: [{ name: 'ok', properties: { nested: { a: 1 } } }] }, 'events[0].properties.nested'],
			[{ events: [{ name: 'pageview' }] }, 'events[0].name: is a built-in event'],
			[{ events: Array.from({ length: 21 }, () => ({ name: 'ok' })) }, 'events: must hold at most 20'],
			[{ events: [] }, 'events: must hold at least 1'],
			[{ events: [{ name: 'ok', time: '2001-01-01' }] }, 'events[0].time'],
			[{ events: [{ name: 'ok', userId: 'u' }] }, 'events[0].userId: is not a known field'],
		];
		for (const [body, field] of cases) {
			const response = await track(site, id, body);
			expect(response.status, field).toBe(400);
			expect(response.headers.get('access-control-allow-origin')).toBe(site.origin);
			expect(await message(response)).toContain(field);
		}
		expect(await customRows(site)).toEqual([]);
	});

	it('answers 404 with CORS for a subscriber the site does not have, and writes nothing', async () => {
		const site = await createSite();
		const other = await createSite();
		const foreign = await subscribe(other, await makeSubscription());
		for (const id of ['sub_AAAAAAAAAAAAAAAAAAAA', foreign]) {
			const response = await track(site, id, { events: [{ name: 'search' }] });
			expect(response.status).toBe(404);
			expect(response.headers.get('access-control-allow-origin')).toBe(site.origin);
		}
		expect(await customRows(site)).toEqual([]);
		expect(await customRows(other)).toEqual([]);
	});

	it("shares the public routes' per address limit", async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		const ip = '203.0.113.77';
		let limited = false;
		for (let i = 0; i < 200 && !limited; i++) {
			const r = await call(`/v1/sites/${site.siteId}/config`, { ip });
			limited = r.status === 429;
			await r.arrayBuffer();
		}
		expect(limited).toBe(true);
		const response = await track(site, id, { events: [{ name: 'search' }] }, ip);
		expect(response.status).toBe(429);
		expect(response.headers.get('access-control-allow-origin')).toBe(site.origin);
		expect(await customRows(site)).toEqual([]);
	}, 30_000);
});

describe('POST …/identify with an `attrs` claim', () => {
	function identify(site: TestSite, id: string, token: string) {
		return call(`/v1/sites/${site.siteId}/subscribers/${id}/identify`, {
			method: 'POST',
			headers: { origin: site.origin },
			body: JSON.stringify({ token }),
		});
	}
	const exp = () => Math.floor(Date.now() / 1000) + 600;

	it('merges the attributes exactly as PUT …/users/:userId does', async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		await call(`/v1/sites/${site.siteId}/users/wp-9`, {
			method: 'PUT',
			key: site.apiKey,
			body: JSON.stringify({ attributes: { plan: 'pro', nickname: 'Al' } }),
		});
		const token = await signIdentity(site.identitySecret, 'wp-9', exp(), {
			first_name: 'Alice',
			last_name: 'Liddell',
			nickname: null,
			born: { date: '1852-05-04' },
		});
		const response = await identify(site, id, token);
		expect(response.status).toBe(200);
		const user = await json<{ attributes: Record<string, unknown>; subscribers: unknown[] }>(
			await call(`/v1/sites/${site.siteId}/users/wp-9`, { key: site.apiKey }),
		);
		expect(user.attributes).toEqual({
			plan: 'pro',
			first_name: 'Alice',
			last_name: 'Liddell',
			born: { date: '1852-05-04T00:00:00.000Z' },
		});
		expect(user.subscribers).toHaveLength(1);
	});

	it('answers 400 naming attrs.<name> and writes nothing: no user, no tie', async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		const bad: Array<[Record<string, unknown>, string]> = [
			[{ first_name: 'Ann', age: [1] }, 'attrs.age'],
			[{ 'First Name': 'Ann' }, 'attrs.First Name'],
			[{ first_name: 'x'.repeat(1001) }, 'attrs.first_name'],
		];
		for (const [attrs, field] of bad) {
			const response = await identify(site, id, await signIdentity(site.identitySecret, 'u1', exp(), attrs));
			expect(response.status, field).toBe(400);
			expect(await message(response)).toContain(field);
		}
		// A type clash with the site's attribute definitions is refused inside the store, also before any write.
		await call(`/v1/sites/${site.siteId}/users/u2`, {
			method: 'PUT',
			key: site.apiKey,
			body: JSON.stringify({ attributes: { age: 30 } }),
		});
		const clash = await identify(
			site,
			id,
			await signIdentity(site.identitySecret, 'u1', exp(), { first_name: 'Ann', age: 'old' }),
		);
		expect(clash.status).toBe(400);
		expect(await message(clash)).toContain('attrs.age');
		const users = await storeSql(site.siteId, "SELECT id FROM users WHERE id = 'u1'");
		expect(users).toEqual([]);
		const tied = await storeSql(
			site.siteId,
			'SELECT external_user_id AS u FROM subscribers WHERE id = ?',
			id,
		);
		expect(tied).toEqual([{ u: null }]);
	});
});
