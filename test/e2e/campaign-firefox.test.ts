import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variantOf } from '../../worker/src/campaigns/experiment';
import { type MultiOriginStack, startMultiOriginSite } from '../support/multi-origin.ts';

// Issue 12's end-to-end proof of experiments: an A/B campaign reaches two real Firefox subscriptions (one site on two
// origins, one signed-in user each), each sees its own variant's title, one clicks, buys, and the run's report puts
// the conversion and its revenue on that variant, as a direct conversion. Then issue 17's saved message in German,
// and issue 13's abandoned-checkout automation fired by the site store's own alarm.

describe('an A/B campaign with a conversion goal in a real Firefox', () => {
	let stack: MultiOriginStack;
	const users = ['ann', 'ben'];
	let ids: string[] = [];
	const api = <T>(path: string, init: RequestInit = {}) => stack.api<T>(path, init);

	beforeAll(async () => {
		// A German Firefox (navigator.language de-DE): the widget reports it as each subscriber's locale.
		stack = await startMultiOriginSite(2, 'Two shops', { 'intl.accept_languages': 'de-DE, de' });
	});

	afterAll(async () => {
		await stack?.close();
	});

	it('subscribes two signed-in users, one per origin', async () => {
		ids = await stack.subscribe(users);
		await expect
			.poll(
				async () =>
					(
						await api<{ subscribers: Array<{ externalUserId: string | null; status: string }> }>(
							'/subscribers',
						)
					).subscribers
						.filter((s) => s.status === 'allowed')
						.map((s) => s.externalUserId)
						.sort(),
				{ timeout: 15_000 },
			)
			.toEqual(users);
	});

	it('sends each its variant; a click then a purchase counts on the clicked variant, with its revenue', async () => {
		await api('/users/ann', { method: 'PUT', body: JSON.stringify({ attributes: { first_name: 'Ann' } }) });
		await api('/users/ben', { method: 'PUT', body: JSON.stringify({ attributes: { first_name: 'Ben' } }) });
		// The variant is a hash of (campaign, subscriber): make drafts until the two land in different variants.
		let campaignId = '';
		for (let tries = 0; tries < 12 && !campaignId; tries++) {
			const draft = await api<{ campaignId: string }>('/campaigns', {
				method: 'POST',
				body: JSON.stringify({
					name: `Spring sale ${tries}`,
					message: {
						title: 'Spring sale, {{ user.first_name }}',
						body: 'Oak boards 20 % off',
						url: `${stack.hosts[0]?.origin}/sale`,
					},
					audience: { all: true },
					schedule: { type: 'now' },
					experiment: {
						variants: [
							{ weight: 1 },
							{ name: 'Urgent', weight: 1, message: { title: 'Last day, {{ user.first_name }}!' } },
						],
						goal: { event: 'purchase', windowHours: 24, revenueProperty: 'total' },
					},
				}),
			});
			const split = new Set(ids.map((id) => variantOf(draft.campaignId, id, [1, 1])));
			if (split.size === 2) campaignId = draft.campaignId;
			else await api(`/campaigns/${draft.campaignId}`, { method: 'DELETE' });
		}
		expect(campaignId).not.toBe('');
		const urgentIndex = ids.findIndex((id) => variantOf(campaignId, id, [1, 1]) === 1);
		const urgentUser = users[urgentIndex] as string;
		const plainIndex = 1 - urgentIndex;
		const name = (u: string) => u.charAt(0).toUpperCase() + u.slice(1);

		await api(`/campaigns/${campaignId}/schedule`, { method: 'POST' });
		const [plain, urgent] = await Promise.all([
			stack.firefox.waitForNotification(
				(n) => n.title.startsWith('Spring sale'),
				20_000,
				stack.hosts[plainIndex]?.origin,
			),
			stack.firefox.waitForNotification(
				(n) => n.title.startsWith('Last day'),
				20_000,
				stack.hosts[urgentIndex]?.origin,
			),
		]);
		expect(plain.title).toBe(`Spring sale, ${name(users[plainIndex] as string)}`);
		expect(urgent.title).toBe(`Last day, ${name(urgentUser)}!`);

		await stack.firefox.clickNotification(urgent.title, 15_000);
		await expect
			.poll(
				async () =>
					(await api<{ run: { counts: { clicked: number } } }>(`/campaigns/${campaignId}/runs/1/report`)).run
						.counts.clicked,
				{ timeout: 20_000 },
			)
			.toBe(1);
		// The shop reports the order (after the click: a direct conversion, whenever the click reaches the store).
		await api('/events', {
			method: 'POST',
			body: JSON.stringify({
				events: [{ name: 'purchase', userId: urgentUser, properties: { total: 49.9 } }],
			}),
		});
		await expect
			.poll(
				async () =>
					(
						await api<{
							conversions: {
								variants: Array<{ name: string; converted: number; direct: number; revenue: number }>;
							};
						}>(`/campaigns/${campaignId}/runs/1/report`)
					).conversions.variants,
				{ timeout: 15_000 },
			)
			.toEqual([
				expect.objectContaining({ name: 'A', converted: 0, direct: 0, revenue: 0 }),
				expect.objectContaining({ name: 'Urgent', converted: 1, direct: 1, revenue: 49.9 }),
			]);
	});

	it('a send from a saved message with a German variant reaches the German browser in German', async () => {
		const subscribers = await api<{ subscribers: Array<{ locale: string | null }> }>('/subscribers');
		expect(subscribers.subscribers.map((s) => s.locale)).toEqual(['de-DE', 'de-DE']);
		const resource = await api<{ resourceId: string }>('/resources', {
			method: 'POST',
			body: JSON.stringify({
				name: 'Winter sale',
				message: { title: 'Winter sale, {{ user.first_name }}', body: 'Walnut spoons 30 % off' },
				locales: {
					de: { title: 'Winterschlussverkauf, {{ user.first_name }}', body: 'Walnusslöffel 30 % günstiger' },
					fr: { title: 'Soldes d’hiver' },
				},
			}),
		});
		const sent = await api<{ notificationId: string }>('/notifications', {
			method: 'POST',
			body: JSON.stringify({ resource: resource.resourceId, audience: { userIds: ['ann'] } }),
		});
		const shown = await stack.firefox.waitForNotification(
			(n) => n.title.startsWith('Winterschlussverkauf'),
			20_000,
			stack.hosts[0]?.origin,
		);
		expect(shown.title).toBe('Winterschlussverkauf, Ann');
		expect(shown.body).toBe('Walnusslöffel 30 % günstiger');
		const view = await api<{ resource: { version: number; name: string }; locales: string[] }>(
			`/notifications/${sent.notificationId}`,
		);
		expect(view).toMatchObject({ resource: { name: 'Winter sale', version: 1 }, locales: ['de', 'fr'] });
	});

	it('an abandoned-checkout automation reaches the shopper who did not buy in time, with the link back, and not the one who did', async () => {
		const automation = await api<{ automationId: string }>('/automations', {
			method: 'POST',
			body: JSON.stringify({
				name: 'Abandoned checkout (seconds)',
				enabled: true,
				trigger: {
					type: 'inaction',
					event: 'checkout_started',
					without: 'purchase',
					withinSeconds: 3,
					key: 'checkout_id',
				},
				steps: [
					{
						message: {
							title: '{{ user.first_name }}, your {{ event.item_title }} is waiting',
							url: '{{ event.checkout_url }}',
						},
					},
				],
				goal: { event: 'purchase', valueProperty: 'total' },
			}),
		});
		const origin = (i: number) => stack.hosts[i]?.origin as string;
		const started = (user: string, i: number) => ({
			name: 'checkout_started',
			userId: user,
			properties: {
				checkout_id: `co-${user}`,
				item_title: 'oak board',
				checkout_url: `${origin(i)}/checkout/${user}`,
			},
		});
		await api('/events', {
			method: 'POST',
			body: JSON.stringify({ events: [started('ann', 0), started('ben', 1)] }),
		});
		// Ben buys within the 3 seconds (the same checkout): his journey ends before any push.
		await api('/events', {
			method: 'POST',
			body: JSON.stringify({
				events: [{ name: 'purchase', userId: 'ben', properties: { checkout_id: 'co-ben', total: 12 } }],
			}),
		});
		// The site store's own alarm fires Ann's journey when the 3 seconds are up.
		const shown = await stack.firefox.waitForNotification(
			(n) => n.title.endsWith('is waiting'),
			20_000,
			origin(0),
		);
		expect(shown.title).toBe('Ann, your oak board is waiting');
		const report = await api<{
			trigger: { entered: number; exited: number };
			steps: Array<{ sent: number }>;
		}>(`/automations/${automation.automationId}/report`);
		expect(report.trigger).toMatchObject({ entered: 2, exited: 0, converted: 1 });
		await expect
			.poll(
				async () =>
					(await api<{ steps: Array<{ sent: number }> }>(`/automations/${automation.automationId}/report`))
						.steps[0]?.sent,
				{ timeout: 15_000 },
			)
			.toBe(1);
		await stack.firefox.clickNotification(shown.title, 15_000);
		await stack.firefox.waitForPage((url) => url === `${origin(0)}/checkout/ann`, 15_000);
	});
});
