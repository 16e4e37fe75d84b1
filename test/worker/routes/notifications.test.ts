import { describe, expect, it } from 'vitest';
import { decryptRecorded } from '../decrypt';
import {
	call,
	createSite,
	json,
	makeSubscription,
	send,
	sinkLog,
	storeSql,
	subscribe,
	type TestSite,
	waitDone,
} from '../helpers';

function create(site: TestSite, body: unknown, key = site.apiKey) {
	return call(`/v1/sites/${site.siteId}/notifications`, { method: 'POST', key, body: JSON.stringify(body) });
}

async function count(site: TestSite): Promise<number> {
	const [row] = await storeSql<{ n: number }>(site.siteId, 'SELECT COUNT(*) AS n FROM notifications');
	return row?.n ?? -1;
}

describe('POST /v1/sites/:siteId/notifications', () => {
	it('sends the exact message, resolving each click target: link, else last visited page, else home', async () => {
		const site = await createSite({ iconUrl: 'https://cdn.example/icon.png' });
		const visited = await makeSubscription();
		const fresh = await makeSubscription();
		const visitedId = await subscribe(site, visited, { url: `${site.origin}/products/lamp` });
		await subscribe(site, fresh, { url: undefined });

		const nid = await send(site, {
			title: 'Back in stock',
			body: 'The lamp is back',
			topic: 'restock',
			urgency: 'high',
			ttl: 600,
		});
		const view = await waitDone(site, nid);
		expect(view.counts).toMatchObject({ targeted: 2, sent: 2, failed: 0 });

		const [record] = await sinkLog(visited.json.endpoint);
		expect(record?.headers).toMatchObject({
			ttl: expect.stringMatching(/^(600|59\d)$/),
			urgency: 'high',
			topic: 'restock',
			'content-encoding': 'aes128gcm',
		});
		expect(record?.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=/);
		const payload = await decryptRecorded(record?.body ?? '', visited);
		expect(payload).toMatchObject({
			title: 'Back in stock',
			body: 'The lamp is back',
			url: `${site.origin}/products/lamp`,
			nid,
			sid: visitedId,
			tag: nid,
			icon: 'https://cdn.example/icon.png',
		});
		const [freshRecord] = await sinkLog(fresh.json.endpoint);
		expect((await decryptRecorded(freshRecord?.body ?? '', fresh)).url).toBe(`${site.origin}/`);

		const linked = await send(site, {
			title: 'Sale',
			url: `${site.origin}/sale`,
			actions: [{ action: 'shop', title: 'Shop', url: `${site.origin}/shop` }],
		});
		await waitDone(site, linked);
		const log = await sinkLog(visited.json.endpoint);
		const second = await decryptRecorded(log[1]?.body ?? '', visited);
		expect(second).toMatchObject({
			url: `${site.origin}/sale`,
			actions: [{ action: 'shop', title: 'Shop', url: `${site.origin}/shop` }],
		});
	});

	it('sends only to the listed subscribers or users', async () => {
		const site = await createSite();
		const a = await makeSubscription();
		const b = await makeSubscription();
		const idA = await subscribe(site, a);
		await subscribe(site, b);
		const view = await waitDone(
			site,
			await send(site, { audience: { subscriberIds: [idA, 'sub_missing'] } }),
		);
		expect(view.counts).toMatchObject({ targeted: 1, sent: 1 });
		expect(await sinkLog(a.json.endpoint)).toHaveLength(1);
		expect(await sinkLog(b.json.endpoint)).toHaveLength(0);

		await storeSql(site.siteId, 'UPDATE subscribers SET external_user_id = ? WHERE id = ?', 'user-42', idA);
		const byUser = await waitDone(site, await send(site, { audience: { userIds: ['user-42'] } }));
		expect(byUser.counts).toMatchObject({ targeted: 1, sent: 1 });
		expect(await sinkLog(b.json.endpoint)).toHaveLength(0);
	});

	it('finishes at once with nothing targeted when the audience is empty', async () => {
		const site = await createSite();
		const view = await waitDone(site, await send(site, {}));
		expect(view.counts).toMatchObject({ targeted: 0, sent: 0 });
	});

	it.each<[Record<string, unknown>, string]>([
		[{ audience: { all: true } }, 'title: is required'],
		[{ title: 'x' }, 'audience: is required'],
		[{ title: 'x', audience: { everyone: true } }, 'audience'],
		[{ title: 'x', audience: { subscriberIds: [] } }, 'audience'],
		[{ title: 'x', audience: { all: true }, url: 'javascript:alert(1)' }, 'url: must be an http(s) URL'],
		[{ title: 'x', audience: { all: true }, ttl: -1 }, 'ttl'],
		[{ title: 'x', audience: { all: true }, urgency: 'asap' }, 'urgency'],
		[{ title: 'x', audience: { all: true }, topic: 'has spaces' }, 'topic'],
		[{ title: 'x', audience: { all: true }, actions: [{}, {}, {}] }, 'actions'],
		[{ title: 'x', audience: { all: true }, actions: [{ action: 'a' }] }, 'actions[0]'],
		[{ title: 'x', audience: { all: true }, requireInteraction: 'yes' }, 'requireInteraction'],
		[{ title: 'x', audience: { all: true }, url: 'data:text/html,<b>hi</b>' }, 'url: must be an http(s) URL'],
		[{ title: 'x', audience: { all: true }, url: '/sale' }, 'url: must be an absolute URL'],
		[
			{
				title: 'x',
				audience: { all: true },
				actions: [{ action: 'a', title: 'A', url: 'javascript:alert(1)' }],
			},
			'actions[0].url: must be an http(s) URL',
		],
		[
			{
				title: 'x',
				audience: { all: true },
				actions: [
					{ action: 'a', title: 'A', url: 'https://shop.example/a' },
					{ action: 'b', title: 'B', url: 'data:text/html,<b>hi</b>' },
				],
			},
			'actions[1].url: must be an http(s) URL',
		],
		...(['icon', 'image', 'badge'] as const).flatMap((field) =>
			['http://cdn.example/i.png', 'data:image/png;base64,AAAA', 'javascript:alert(1)', '/i.png'].map(
				(value): [Record<string, unknown>, string] => [
					{ title: 'x', audience: { all: true }, [field]: value },
					`${field}: must be an https URL (or a page of this site's own origin)`,
				],
			),
		),
	])('answers 400 naming the field for %j and stores nothing', async (body, message) => {
		const site = await createSite();
		const response = await create(site, body);
		expect(response.status).toBe(400);
		expect((await json<{ error: { message: string } }>(response)).error.message).toContain(message);
		expect(await count(site)).toBe(0);
	});

	it('accepts https images from anywhere, http ones only from the site itself, and http(s) links anywhere', async () => {
		const dev = await createSite({ origins: ['http://127.0.0.1:8787'] });
		const nid = await send(dev, {
			url: 'http://partner.example/offer',
			icon: 'http://127.0.0.1:8787/icon.png',
			image: 'https://cdn.example/hero.jpg',
			badge: 'http://127.0.0.1:8787/badge.png',
			actions: [{ action: 'shop', title: 'Shop', url: 'https://partner.example/shop' }],
		});
		const view = await json<{ message: Record<string, unknown> }>(
			await call(`/v1/sites/${dev.siteId}/notifications/${nid}`, { key: dev.apiKey }),
		);
		expect(view.message).toMatchObject({
			url: 'http://partner.example/offer',
			icon: 'http://127.0.0.1:8787/icon.png',
			image: 'https://cdn.example/hero.jpg',
			badge: 'http://127.0.0.1:8787/badge.png',
			actions: [{ action: 'shop', title: 'Shop', url: 'https://partner.example/shop' }],
		});
		const other = await create(dev, {
			title: 'x',
			audience: { all: true },
			icon: 'http://127.0.0.1:9999/icon.png',
		});
		expect(other.status).toBe(400);
	});

	it('answers 413 when the message cannot fit in a push', async () => {
		const site = await createSite();
		const response = await create(site, {
			title: 'x'.repeat(200),
			body: 'y'.repeat(1000),
			image: `https://cdn.example/${'z'.repeat(1000)}`,
			icon: `https://cdn.example/${'z'.repeat(1000)}`,
			audience: { all: true },
		});
		expect(response.status).toBe(413);
		expect(await count(site)).toBe(0);
	});

	it("refuses another site's key (403) and no key (401)", async () => {
		const a = await createSite();
		const b = await createSite();
		expect((await create(a, { title: 'x', audience: { all: true } }, b.apiKey)).status).toBe(403);
		expect((await call(`/v1/sites/${a.siteId}/notifications`, { method: 'POST', body: '{}' })).status).toBe(
			401,
		);
		expect(await count(a)).toBe(0);
	});
});

describe('POST /v1/sites/:siteId/notifications with an idempotency key', () => {
	it('sends once however often the same key is posted, by header or body', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		await subscribe(site, sub);
		const body = JSON.stringify({
			title: 'New post',
			audience: { all: true },
			idempotencyKey: 'post-42-publish',
		});
		const [a, b] = await Promise.all([create(site, JSON.parse(body)), create(site, JSON.parse(body))]);
		const ids = await Promise.all(
			[a, b].map(async (r) => (await json<{ notificationId: string }>(r)).notificationId),
		);
		expect(ids[0]).toBe(ids[1]);
		expect([a.status, b.status].sort()).toEqual([200, 202]);
		const viaHeader = await call(`/v1/sites/${site.siteId}/notifications`, {
			method: 'POST',
			key: site.apiKey,
			headers: { 'idempotency-key': 'post-42-publish' },
			body: JSON.stringify({ title: 'New post', audience: { all: true } }),
		});
		expect((await json<{ notificationId: string; duplicate: boolean }>(viaHeader)).duplicate).toBe(true);
		await waitDone(site, ids[0] as string);
		expect(await sinkLog(sub.json.endpoint)).toHaveLength(1);
		expect(await count(site)).toBe(1);
	});
});

describe('GET /v1/sites/:siteId/notifications', () => {
	it('lists recent notifications and hides other sites', async () => {
		const a = await createSite();
		const b = await createSite();
		const nid = await send(a, { title: 'First' });
		await waitDone(a, nid);
		const list = await json<{ notifications: Array<{ notificationId: string; status: string }> }>(
			await call(`/v1/sites/${a.siteId}/notifications?limit=5`, { key: a.apiKey }),
		);
		expect(list.notifications.map((n) => n.notificationId)).toEqual([nid]);
		expect(list.notifications[0]?.status).toBe('done');
		expect((await call(`/v1/sites/${b.siteId}/notifications/${nid}`, { key: b.apiKey })).status).toBe(404);
		expect((await call(`/v1/sites/${a.siteId}/notifications?limit=0`, { key: a.apiKey })).status).toBe(400);
		expect((await call(`/v1/sites/${a.siteId}/notifications/ntf_missing`, { key: a.apiKey })).status).toBe(
			404,
		);
	});
});
