import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variantOf } from '../../worker/src/campaigns/experiment';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server.ts';
import { type HostSite, startHostSite } from '../support/host-site.ts';
import { signIdentityToken } from '../support/identity.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

// Issue 12's end-to-end proof of experiments: an A/B campaign reaches two real Firefox subscriptions (one site on two
// origins, one signed-in user each), each sees its own variant's title, one clicks, buys, and the run's report puts
// the conversion and its revenue on that variant, as a direct conversion.

interface Site {
	siteId: string;
	apiKey: string;
	identitySecret: string;
}

describe('an A/B campaign with a conversion goal in a real Firefox', () => {
	let push: MozillaPushServer;
	let worker: LocalWorker;
	let firefox: FirefoxSession;
	const hosts: HostSite[] = [];
	let site: Site;
	const users = ['ann', 'ben'];
	const ids: string[] = [];

	const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
		const r = await fetch(`${worker.url}/v1/sites/${site.siteId}${path}`, {
			...init,
			headers: { authorization: `Bearer ${site.apiKey}`, 'content-type': 'application/json' },
		});
		if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
		return (r.status === 204 ? null : await r.json()) as T;
	};

	beforeAll(async () => {
		push = await startMozillaPushServer();
		[worker, firefox] = await Promise.all([startWorker(), launchFirefox({ pushServerUrl: push.url })]);
		for (let i = 0; i < 2; i++) hosts.push(await startHostSite(worker.url, () => site.siteId));
		const r = await fetch(`${worker.url}/v1/sites`, {
			method: 'POST',
			headers: { authorization: `Bearer ${worker.adminToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'Two shops', origins: hosts.map((h) => h.origin), platform: 'custom' }),
		});
		site = (await r.json()) as Site;
	});

	afterAll(async () => {
		await firefox?.close();
		for (const host of hosts) await host.close();
		await worker?.stop();
		await push?.close();
	});

	it('subscribes two signed-in users, one per origin', async () => {
		for (const [i, host] of hosts.entries()) {
			host.page({
				attributes: { 'data-identity': signIdentityToken(site.identitySecret, users[i] as string) },
			});
			const tab = i === 0 ? firefox.page : await firefox.browser.newPage();
			await tab.goto(`${host.origin}/`);
			ids.push(
				(await tab
					.waitForFunction(
						(id: string) => localStorage.getItem(`beckon:${id}:sid`),
						{ timeout: 15_000 },
						site.siteId,
					)
					.then((h) => h.jsonValue())) as string,
			);
		}
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
						url: `${hosts[0]?.origin}/sale`,
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
			firefox.waitForNotification(
				(n) => n.title.startsWith('Spring sale'),
				20_000,
				hosts[plainIndex]?.origin,
			),
			firefox.waitForNotification((n) => n.title.startsWith('Last day'), 20_000, hosts[urgentIndex]?.origin),
		]);
		expect(plain.title).toBe(`Spring sale, ${name(users[plainIndex] as string)}`);
		expect(urgent.title).toBe(`Last day, ${name(urgentUser)}!`);

		await firefox.clickNotification(urgent.title, 15_000);
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
});
