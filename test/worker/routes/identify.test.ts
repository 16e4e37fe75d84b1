import { describe, expect, it } from 'vitest';
import { signIdentity } from '../../../worker/src/lib/identity';
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

const now = () => Math.floor(Date.now() / 1000);

function identify(site: TestSite, id: string, token: string) {
	return call(`/v1/sites/${site.siteId}/subscribers/${id}/identify`, {
		method: 'POST',
		headers: { origin: site.origin },
		body: JSON.stringify({ token }),
	});
}

async function rowsOf(site: TestSite) {
	return storeSql<{ id: string; status: string; user: string | null; push: number }>(
		site.siteId,
		'SELECT id, status, external_user_id AS user, endpoint IS NOT NULL AS push FROM subscribers ORDER BY created_at, id',
	);
}

describe('POST /v1/sites/:siteId/subscribers/:id/identify', () => {
	it('ties the user to the browser so user-targeted sends reach it', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const id = await subscribe(site, sub);
		const response = await identify(
			site,
			id,
			await signIdentity(site.identitySecret, 'wp-user-7', now() + 600),
		);
		expect(response.status).toBe(200);
		expect(await json(response)).toEqual({ subscriberId: id, status: 'allowed' });
		const view = await waitDone(site, await send(site, { audience: { userIds: ['wp-user-7'] } }));
		expect(view.counts).toMatchObject({ targeted: 1, sent: 1 });
		expect(await sinkLog(sub.json.endpoint)).toHaveLength(1);
	});

	it('moves the subscription to a new user, suspends the previous one and restores them on return', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const id = await subscribe(site, sub);
		const token = (user: string) => signIdentity(site.identitySecret, user, now() + 600);
		await identify(site, id, await token('alice'));
		await identify(site, id, await token('bob'));
		let rows = await rowsOf(site);
		expect(rows.map(({ status, user, push }) => ({ status, user, push }))).toEqual([
			{ status: 'allowed', user: 'bob', push: 1 },
			{ status: 'suspended', user: 'alice', push: 0 },
		]);
		const toAlice = await waitDone(site, await send(site, { audience: { userIds: ['alice'] } }));
		expect(toAlice.counts.targeted).toBe(0);

		await identify(site, id, await token('alice'));
		rows = await rowsOf(site);
		expect(rows.map(({ status, user }) => ({ status, user }))).toEqual([
			{ status: 'allowed', user: 'alice' },
			{ status: 'suspended', user: 'bob' },
		]);
		const stats = await json<{ byStatus: Record<string, number> }>(
			await call(`/v1/sites/${site.siteId}/stats`, { key: site.apiKey }),
		);
		expect(stats.byStatus).toMatchObject({ allowed: 1, suspended: 1 });
	});

	it.each([
		[
			'forged with another secret',
			async (_s: TestSite) => signIdentity('bis_not-the-secret', 'alice', now() + 600),
			'identity_bad_signature',
		],
		[
			'expired',
			async (s: TestSite) => signIdentity(s.identitySecret, 'alice', now() - 1),
			'identity_expired',
		],
		[
			'valid for too long',
			async (s: TestSite) => signIdentity(s.identitySecret, 'alice', now() + 30 * 86_400),
			'identity_too_long_lived',
		],
		['malformed', async () => 'not-a-token', 'identity_malformed'],
		[
			'tampered user id',
			async (s: TestSite) => {
				const [, mac] = (await signIdentity(s.identitySecret, 'alice', now() + 600)).split('.');
				return `${btoa(JSON.stringify({ sub: 'admin', exp: now() + 600 })).replace(/=+$/, '')}.${mac}`;
			},
			'identity_bad_signature',
		],
	])('rejects a token %s with 401 and a clear error, changing nothing', async (_name, make, code) => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		const response = await identify(site, id, await make(site));
		expect(response.status).toBe(401);
		const body = await json<{ error: { code: string; message: string } }>(response);
		expect(body.error.code).toBe(code);
		expect(body.error.message.length).toBeGreaterThan(20);
		expect((await rowsOf(site))[0]?.user).toBeNull();
	});

	it('refuses a token signed for another site and answers 404 for unknown subscribers', async () => {
		const a = await createSite();
		const b = await createSite();
		const id = await subscribe(a, await makeSubscription());
		expect((await identify(a, id, await signIdentity(b.identitySecret, 'x', now() + 60))).status).toBe(401);
		expect(
			(await identify(a, 'sub_nope', await signIdentity(a.identitySecret, 'x', now() + 60))).status,
		).toBe(404);
	});

	it('stops accepting old tokens after the identity secret is rotated', async () => {
		const site = await createSite();
		const id = await subscribe(site, await makeSubscription());
		const old = await signIdentity(site.identitySecret, 'alice', now() + 600);
		const rotated = await call(`/v1/sites/${site.siteId}/identity-secret`, {
			method: 'POST',
			key: site.apiKey,
		});
		expect(rotated.status).toBe(201);
		const { identitySecret } = await json<{ identitySecret: string }>(rotated);
		expect((await identify(site, id, old)).status).toBe(401);
		expect((await identify(site, id, await signIdentity(identitySecret, 'alice', now() + 600))).status).toBe(
			200,
		);
	});
});

describe('PATCH /v1/sites/:siteId/subscribers/:id (categories)', () => {
	it('stores chosen categories and category audiences reach only those subscribers', async () => {
		const site = await createSite();
		await call(`/v1/sites/${site.siteId}/settings`, {
			method: 'PATCH',
			key: site.apiKey,
			body: JSON.stringify({
				prompt: {
					categories: [
						{ id: 'sale', label: 'Sales' },
						{ id: 'new', label: 'New' },
					],
				},
			}),
		});
		const fan = await makeSubscription();
		const other = await makeSubscription();
		const fanId = await subscribe(site, fan);
		await subscribe(site, other);
		const response = await call(`/v1/sites/${site.siteId}/subscribers/${fanId}`, {
			method: 'PATCH',
			body: JSON.stringify({ categories: ['sale'] }),
		});
		expect(response.status).toBe(200);
		const view = await waitDone(site, await send(site, { audience: { categories: ['sale'] } }));
		expect(view.counts).toMatchObject({ targeted: 1, sent: 1 });
		expect(await sinkLog(fan.json.endpoint)).toHaveLength(1);
		expect(await sinkLog(other.json.endpoint)).toHaveLength(0);
		const bad = await call(`/v1/sites/${site.siteId}/subscribers/${fanId}`, {
			method: 'PATCH',
			body: JSON.stringify({ categories: ['casino'] }),
		});
		expect(bad.status).toBe(400);
		expect((await json<{ error: { message: string } }>(bad)).error.message).toContain('casino');
	});
});
