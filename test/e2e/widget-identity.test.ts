import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirefoxSession, launchFirefox } from '../support/firefox/launch.ts';
import { type MozillaPushServer, startMozillaPushServer } from '../support/firefox/mozilla-push-server.ts';
import { type HostSite, startHostSite } from '../support/host-site.ts';
import { signIdentityToken } from '../support/identity.ts';
import { type LocalWorker, startWorker } from '../support/local-worker.ts';

interface Site {
	siteId: string;
	apiKey: string;
	identitySecret: string;
}

describe('widget identity in a real Firefox: subscribe → identify → suspend', () => {
	let push: MozillaPushServer;
	let worker: LocalWorker;
	let firefox: FirefoxSession;
	let host: HostSite;
	let site: Site;

	const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
		const r = await fetch(`${worker.url}/v1/sites/${site.siteId}${path}`, {
			...init,
			headers: { authorization: `Bearer ${site.apiKey}`, 'content-type': 'application/json' },
		});
		if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
		return (await r.json()) as T;
	};
	const sid = () => firefox.page.evaluate((id) => localStorage.getItem(`beckon:${id}:sid`), site.siteId);
	const subscriber = async () =>
		api<{ status: string; externalUserId: string | null; categories: string[] }>(
			`/subscribers/${await sid()}`,
		);

	beforeAll(async () => {
		push = await startMozillaPushServer();
		[worker, firefox] = await Promise.all([startWorker(), launchFirefox({ pushServerUrl: push.url })]);
		host = await startHostSite(worker.url, () => site.siteId);
		const r = await fetch(`${worker.url}/v1/sites`, {
			method: 'POST',
			headers: { authorization: `Bearer ${worker.adminToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'Host shop', origins: [host.origin], platform: 'custom' }),
		});
		site = (await r.json()) as Site;
		await api('/settings', {
			method: 'PATCH',
			body: JSON.stringify({
				prompt: {
					trigger: { type: 'manual', value: 0 },
					categories: [
						{ id: 'sale', label: 'Sales' },
						{ id: 'new', label: 'New arrivals' },
					],
					bell: { enabled: true },
				},
			}),
		});
	});

	afterAll(async () => {
		await firefox?.close();
		await host?.close();
		await worker?.stop();
		await push?.close();
	});

	it('subscribes and identifies the signed-in user from the script tag', async () => {
		host.page({ attributes: { 'data-identity': signIdentityToken(site.identitySecret, 'alice') } });
		await firefox.page.goto(`${host.origin}/`);
		await expect.poll(async () => (await sid()) !== null, { timeout: 15_000 }).toBe(true);
		await expect.poll(async () => (await subscriber()).externalUserId, { timeout: 10_000 }).toBe('alice');
		expect((await subscriber()).status).toBe('allowed');
		expect(await firefox.page.evaluate(() => window.Beckon.getState())).toBe('allowed');
		await firefox.page.evaluate(() => window.Beckon.setCategories(['sale']));
		expect((await subscriber()).categories).toEqual(['sale']);
	});

	it('moves the subscription to the next user and suspends the previous one', async () => {
		host.page({ attributes: { 'data-identity': signIdentityToken(site.identitySecret, 'bob') } });
		await firefox.page.reload();
		await expect.poll(async () => (await subscriber()).externalUserId, { timeout: 10_000 }).toBe('bob');
		const stats = await api<{ byStatus: Record<string, number> }>('/stats');
		expect(stats.byStatus).toMatchObject({ allowed: 1, suspended: 1 });

		const toAlice = await api<{ notificationId: string }>('/notifications', {
			method: 'POST',
			body: JSON.stringify({ title: 'For Alice', audience: { userIds: ['alice'] } }),
		});
		const toBob = await api<{ notificationId: string }>('/notifications', {
			method: 'POST',
			body: JSON.stringify({
				title: 'Your order shipped, Bob',
				body: 'Tracking inside',
				audience: { userIds: ['bob'] },
			}),
		});
		const shown = await firefox.waitForNotification(
			(n) => n.title === 'Your order shipped, Bob',
			15_000,
			firefox.page,
		);
		expect(shown.body).toBe('Tracking inside');
		await expect
			.poll(
				async () =>
					(await api<{ counts: { targeted: number } }>(`/notifications/${toAlice.notificationId}`)).counts
						.targeted,
			)
			.toBe(0);
		expect((await firefox.notifications(firefox.page)).some((n) => n.title === 'For Alice')).toBe(false);
		expect(toBob.notificationId).toMatch(/^ntf_/);
	});

	it('identifies once per user, not once per page, though each page carries a fresh token', async () => {
		const identifies: string[] = [];
		const count = (r: { url(): string }) => {
			if (r.url().endsWith('/identify')) identifies.push(r.url());
		};
		firefox.page.on('request', count);
		try {
			host.page({ attributes: { 'data-identity': signIdentityToken(site.identitySecret, 'bob', 900) } });
			await firefox.page.reload();
			await firefox.page.waitForFunction(() => window.Beckon?.getState() === 'allowed');
			await new Promise((r) => setTimeout(r, 1500));
			expect(identifies).toEqual([]);
			host.page({ attributes: { 'data-identity': signIdentityToken(site.identitySecret, 'bob', 1200) } });
			await firefox.page.reload();
			await new Promise((r) => setTimeout(r, 1500));
			expect(identifies).toEqual([]);
			expect((await subscriber()).externalUserId).toBe('bob');
		} finally {
			firefox.page.off('request', count);
		}
	});

	it('rejects forged and expired identity tokens with a clear error', async () => {
		const tryToken = (token: string) =>
			firefox.page.evaluate(
				(t) =>
					window.Beckon.identify(t).then(
						() => 'accepted',
						(e: Error) => e.message,
					),
				token,
			);
		expect(await tryToken(signIdentityToken('bis_forged-secret', 'mallory'))).toContain(
			'signature does not match',
		);
		expect(await tryToken(signIdentityToken(site.identitySecret, 'bob', -60))).toContain('expired');
		expect((await subscriber()).externalUserId).toBe('bob');
	});

	it('lets a subscriber change categories and unsubscribe from the bell', async () => {
		const inShadow = (selector: string, action: 'click' | 'text') =>
			firefox.page.evaluate(
				(sel, act) => {
					const el = document
						.querySelector('beckon-widget')
						?.shadowRoot?.querySelector(sel) as HTMLElement | null;
					if (!el) return null;
					if (act === 'click') el.click();
					return el.textContent;
				},
				selector,
				action,
			);
		await expect.poll(() => inShadow('button.b', 'text'), { timeout: 10_000 }).not.toBeNull();
		await inShadow('button.b', 'click');
		await expect.poll(() => inShadow('.k h2', 'text')).toBe('You are subscribed');
		const boxes = await firefox.page.evaluate(() =>
			[...(document.querySelector('beckon-widget')?.shadowRoot?.querySelectorAll('.k input') ?? [])].map(
				(i) => (i as HTMLInputElement).checked,
			),
		);
		expect(boxes).toEqual([true, false]);
		await inShadow('.k label:nth-child(2) input', 'click');
		await inShadow('.k button.a', 'click');
		await expect.poll(async () => (await subscriber()).categories).toEqual(['sale', 'new']);

		const id = await sid();
		await inShadow('button.b', 'click');
		await inShadow('.k button:not(.a)', 'click');
		await expect.poll(() => firefox.page.evaluate(() => window.Beckon.getState())).toBe('ask');
		const gone = await fetch(`${worker.url}/v1/sites/${site.siteId}/subscribers/${id}`, {
			headers: { authorization: `Bearer ${site.apiKey}` },
		});
		expect(gone.status).toBe(404);
	});
});
