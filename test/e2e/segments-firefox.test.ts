import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MultiOriginStack, startMultiOriginSite } from '../support/multi-origin.ts';

// Issue 11's end-to-end proof: three subscribers with different attributes and events; a segment send reaches exactly
// the right ones in a real Firefox, each with its own personalised title. One Firefox holds one push subscription per
// origin, so the three subscribers are the same site embedded on three origins (three host pages, one Beckon site).

describe('a segment send with Liquid titles in a real Firefox', () => {
	let stack: MultiOriginStack;
	const api = <T>(path: string, init: RequestInit = {}) => stack.api<T>(path, init);

	beforeAll(async () => {
		stack = await startMultiOriginSite(3, 'Three shops');
	});

	afterAll(async () => {
		await stack?.close();
	});

	it('subscribes three signed-in users, one per origin', async () => {
		const users = ['alice', 'bob', 'carol'];
		await stack.subscribe(users);
		await expect
			.poll(
				async () =>
					(
						await api<{ subscribers: Array<{ externalUserId: string | null; status: string }> }>(
							'/subscribers',
						)
					).subscribers
						.filter((s) => s.status === 'allowed' && s.externalUserId !== null)
						.map((s) => s.externalUserId)
						.sort(),
				{ timeout: 15_000 },
			)
			.toEqual(users);
	});

	it('sends to "carted this week, not on the free plan" with each user’s first name, and to nobody else', async () => {
		await api('/users/alice', {
			method: 'PUT',
			body: JSON.stringify({ attributes: { first_name: 'Alice', plan: 'pro' } }),
		});
		await api('/users/bob', { method: 'PUT', body: JSON.stringify({ attributes: { plan: 'pro' } }) });
		await api('/users/carol', {
			method: 'PUT',
			body: JSON.stringify({ attributes: { first_name: 'Carol', plan: 'free' } }),
		});
		await api('/events', {
			method: 'POST',
			body: JSON.stringify({
				events: [
					{ name: 'added_to_cart', userId: 'alice', properties: { sku: 'oak-board' } },
					{ name: 'added_to_cart', userId: 'bob', properties: { sku: 'linen-towel' } },
					{ name: 'added_to_cart', userId: 'carol', properties: { sku: 'wool-throw' } },
				],
			}),
		});
		const segment = await api<{ segmentId: string }>('/segments', {
			method: 'POST',
			body: JSON.stringify({ name: 'Carted this week', filter: { event: 'added_to_cart', within: '7d' } }),
		});
		const audience = { segment: segment.segmentId, exclude: { attribute: 'plan', op: 'eq', value: 'free' } };
		const estimate = await api<{ reachable: number }>('/audience/estimate', {
			method: 'POST',
			body: JSON.stringify({ audience }),
		});
		expect(estimate.reachable).toBe(2);

		const sent = await api<{ notificationId: string }>('/notifications', {
			method: 'POST',
			body: JSON.stringify({
				title: 'Hi {{ user.first_name | default: "there" }}, your cart is waiting',
				body: 'Plan: {{ user.plan | upcase }}',
				url: `${stack.hosts[0]?.origin}/cart`,
				audience,
			}),
		});
		const [alice, bob] = await Promise.all([
			stack.firefox.waitForNotification(
				(n) => n.title.endsWith('your cart is waiting'),
				20_000,
				stack.hosts[0]?.origin,
			),
			stack.firefox.waitForNotification(
				(n) => n.title.endsWith('your cart is waiting'),
				20_000,
				stack.hosts[1]?.origin,
			),
		]);
		expect(alice.title).toBe('Hi Alice, your cart is waiting');
		expect(alice.body).toBe('Plan: PRO');
		expect(bob.title).toBe('Hi there, your cart is waiting');
		await expect
			.poll(
				async () =>
					(
						await api<{ status: string; counts: { targeted: number; sent: number } }>(
							`/notifications/${sent.notificationId}`,
						)
					).counts,
				{ timeout: 15_000 },
			)
			.toMatchObject({ targeted: 2, sent: 2 });
		// Carol is on the free plan: excluded, nothing shown on her origin.
		expect(await stack.firefox.notifications(stack.hosts[2]?.origin)).toEqual([]);
	});

	it('marks the browser of a tester link as a tester; a send to the testers reaches only it', async () => {
		const made = await fetch(`${stack.worker.url}/v1/sites/${stack.site.siteId}/testers/link`, {
			method: 'POST',
			headers: { authorization: `Bearer ${stack.site.apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify({ url: `${stack.hosts[1]?.origin}/welcome` }),
		});
		const { link } = (await made.json()) as { link: string };
		const tab = (await stack.firefox.pages()).find((p) => p.url.startsWith(stack.hosts[1]?.origin as string));
		if (!tab) throw new Error('no tab of the second origin');
		await tab.page.goto(link);
		// The widget strips the token from the address once it has kept it.
		await tab.page.waitForFunction(() => !location.hash.includes('beckon-tester'), { timeout: 15_000 });
		await expect
			.poll(
				async () =>
					(
						await api<{ subscribers: Array<{ externalUserId: string | null }> }>(
							`/subscribers?filter=${encodeURIComponent(JSON.stringify({ test: true }))}`,
						)
					).subscribers.map((s) => s.externalUserId),
				{ timeout: 15_000 },
			)
			.toEqual(['bob']);
		await api('/notifications', {
			method: 'POST',
			body: JSON.stringify({
				title: 'Testers only',
				body: 'A preview for {{ user.plan }}',
				audience: { test: true },
			}),
		});
		const shown = await stack.firefox.waitForNotification(
			(n) => n.title === 'Testers only',
			20_000,
			stack.hosts[1]?.origin,
		);
		expect(shown.body).toBe('A preview for pro');
		await new Promise((r) => setTimeout(r, 1500));
		expect((await stack.firefox.notifications(stack.hosts[0]?.origin)).map((n) => n.title)).not.toContain(
			'Testers only',
		);
	});
});
