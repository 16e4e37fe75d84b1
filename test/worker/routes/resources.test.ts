import { runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { variantOf } from '../../../worker/src/campaigns/experiment';
import { pickLocale } from '../../../worker/src/store/resources';
import { BROWSERS, droppedBy, MAX_ACTIONS } from '../../../worker/src/wire/browsers';
import { decryptRecorded } from '../decrypt';
import {
	siteApi as api,
	call,
	createSite,
	json,
	makeSubscription,
	problem,
	sinkLog,
	storeOf,
	subscribe,
	type TestSite,
	waitDone,
} from '../helpers';

// Push resources (issue 17): saved, named messages with language variants, used by sends and campaigns.

interface Resource {
	resourceId: string;
	name: string;
	labels: string[];
	version: number;
	message: Record<string, unknown>;
	locales: Record<string, Record<string, unknown>>;
	usedBy: Array<{ type: string; id: string; name: string; state: string }>;
}

const SPRING = {
	name: 'Spring sale',
	labels: ['promotions'],
	message: { title: 'Spring sale', body: '20 % off everything', url: 'https://shop.example/sale' },
	locales: { de: { title: 'Frühlingsangebot', body: '20 % auf alles' } },
};

async function createResource(site: TestSite, body: Record<string, unknown> = SPRING): Promise<Resource> {
	const response = await api(site, '/resources', 'POST', body);
	if (response.status !== 201) throw new Error(`create: ${response.status} ${await response.text()}`);
	return json<Resource>(response);
}

describe('push resources', () => {
	it('creates, lists, searches, changes (a version each time) and keeps every version', async () => {
		const site = await createSite();
		const created = await createResource(site);
		expect(created).toMatchObject({
			resourceId: expect.stringMatching(/^res_/),
			name: 'Spring sale',
			labels: ['promotions'],
			version: 1,
			message: { title: 'Spring sale', body: '20 % off everything', url: 'https://shop.example/sale' },
			locales: { de: { title: 'Frühlingsangebot', body: '20 % auf alles' } },
			usedBy: [],
		});
		await createResource(site, {
			name: 'Back in stock',
			labels: ['alerts'],
			message: { title: 'It is back' },
		});
		const all = await json<{ resources: Resource[] }>(await api(site, '/resources'));
		expect(all.resources.map((r) => r.name)).toEqual(['Back in stock', 'Spring sale']);
		const searched = await json<{ resources: Resource[] }>(await api(site, '/resources?q=SPRING'));
		expect(searched.resources.map((r) => r.name)).toEqual(['Spring sale']);
		const labelled = await json<{ resources: Resource[] }>(await api(site, '/resources?label=alerts'));
		expect(labelled.resources.map((r) => r.name)).toEqual(['Back in stock']);

		const id = created.resourceId;
		const changed = await json<Resource>(
			await api(site, `/resources/${id}`, 'PATCH', {
				message: { ...SPRING.message, title: 'Spring sale: last day' },
			}),
		);
		expect(changed.version).toBe(2);
		expect(changed.message.title).toBe('Spring sale: last day');
		// The German variant is kept and still changes only its own fields.
		expect(changed.locales).toEqual(SPRING.locales);
		// Saving the same content again adds no version.
		const same = await json<Resource>(await api(site, `/resources/${id}`, 'PATCH', { name: 'Spring sale' }));
		expect(same.version).toBe(2);
		const v1 = await json<{ version: number; message: { title: string } }>(
			await api(site, `/resources/${id}/versions/1`),
		);
		expect(v1).toMatchObject({ version: 1, message: { title: 'Spring sale' } });
		expect((await api(site, `/resources/${id}/versions/3`)).status).toBe(404);
		expect((await api(site, `/resources/${id}/versions/x`)).status).toBe(400);
		// Another site sees none of it.
		const other = await createSite();
		expect((await api(other, `/resources/${id}`)).status).toBe(404);
		expect((await api(site, `/resources/${id}`, 'GET', undefined, other.apiKey)).status).toBe(403);
	});

	it.each<[string, Record<string, unknown>, number, RegExp]>([
		['no name', { ...SPRING, name: '' }, 400, /^name: is required/],
		['no title', { ...SPRING, message: { body: 'x' } }, 400, /^message\.title: is required/],
		[
			'an unknown message field',
			{ ...SPRING, message: { title: 'x', colour: 'red' } },
			400,
			/^message\.colour: is not a message field/,
		],
		[
			'a bad language tag',
			{ ...SPRING, locales: { 'Deutsch!': { title: 'x' } } },
			400,
			/^locales\.Deutsch!: is not a language tag/,
		],
		[
			'a language that changes nothing',
			{ ...SPRING, locales: { de: {} } },
			400,
			/^locales\.de: changes no field/,
		],
		[
			'a bad field in a language',
			{ ...SPRING, locales: { de: { url: 'ftp://x' } } },
			400,
			/^locales\.de\.url: /,
		],
		[
			'Liquid that does not parse',
			{ ...SPRING, locales: { de: { title: 'Hallo {{ user.name' } } },
			400,
			/^locales\.de\.title: .*line 1/,
		],
		[
			'too many buttons',
			{
				...SPRING,
				message: {
					title: 'x',
					actions: Array.from({ length: MAX_ACTIONS + 1 }, (_, i) => ({ action: `a${i}`, title: 'A' })),
				},
			},
			400,
			/^message\.actions: at most/,
		],
		[
			'a language over the push size limit',
			{ ...SPRING, locales: { de: { body: 'ü'.repeat(1000), title: 'ü'.repeat(200) } } },
			413,
			/^locales\.de: The notification is \d+ bytes over/,
		],
	])('refuses %s with a 4xx naming the field, and writes nothing', async (_what, body, status, message) => {
		const site = await createSite();
		const refused = await problem(await api(site, '/resources', 'POST', body));
		expect(refused.status).toBe(status);
		expect(refused.message).toMatch(message);
		expect((await json<{ resources: unknown[] }>(await api(site, '/resources'))).resources).toEqual([]);
	});

	it('refuses a taken name (any case) with a 409', async () => {
		const site = await createSite();
		await createResource(site);
		const again = await problem(await api(site, '/resources', 'POST', { ...SPRING, name: 'SPRING SALE' }));
		expect(again).toMatchObject({ status: 409, code: 'resource_name_taken' });
		// Any script folds: "Über" and "über" are one name, and searching finds either.
		await createResource(site, { name: 'Über uns', message: { title: 'x' } });
		const umlaut = await problem(
			await api(site, '/resources', 'POST', { name: 'über uns', message: { title: 'y' } }),
		);
		expect(umlaut).toMatchObject({ status: 409, code: 'resource_name_taken' });
		const found = await json<{ resources: Resource[] }>(
			await api(site, `/resources?q=${encodeURIComponent('ÜBER')}`),
		);
		expect(found.resources.map((r) => r.name)).toEqual(['Über uns']);
		// A __proto__ key is refused by name, not dropped.
		const proto = await call(`/v1/sites/${site.siteId}/resources`, {
			method: 'POST',
			key: site.apiKey,
			body: '{"name":"P","message":{"title":"x"},"locales":{"__proto__":{"title":"y"}}}',
		});
		expect(await problem(proto)).toMatchObject({
			status: 400,
			message: expect.stringMatching(/^locales\.__proto__: /),
		});
	});

	it('reads null and blank overrides beside a resource as not set, and names a send body’s fields plainly', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		await subscribe(site, sub);
		const r = await createResource(site);
		const response = await api(site, '/notifications', 'POST', {
			resource: r.resourceId,
			title: null,
			body: '  ',
			url: '',
			audience: { all: true },
		});
		expect(response.status).toBe(202);
		const { notificationId } = await json<{ notificationId: string }>(response);
		const view = await json<{ message: Record<string, unknown> }>(
			await api(site, `/notifications/${notificationId}`),
		);
		expect(view.message).toMatchObject(SPRING.message);
		const bad = await problem(
			await api(site, '/notifications', 'POST', {
				resource: r.resourceId,
				title: {},
				audience: { all: true },
			}),
		);
		expect(bad).toMatchObject({ status: 400, message: expect.stringMatching(/^title: /) });
		// A blank resource is no resource: a plain send, which needs its title.
		const blank = await problem(
			await api(site, '/notifications', 'POST', { resource: ' ', audience: { all: true } }),
		);
		expect(blank.message).toMatch(/^title: is required/);
	});

	it('picks the language variant by the exact tag, then the language, else the default', () => {
		const tags = ['de', 'pt-br', 'fr-ca'];
		expect(pickLocale(tags, 'de-AT')).toBe('de');
		expect(pickLocale(tags, 'pt-BR')).toBe('pt-br');
		expect(pickLocale(tags, 'pt_BR')).toBe('pt-br');
		expect(pickLocale(tags, 'pt-PT')).toBeNull();
		expect(pickLocale(tags, 'fr')).toBeNull();
		expect(pickLocale(tags, 'en-US')).toBeNull();
		expect(pickLocale(tags, null)).toBeNull();
	});

	it('sends a resource in each subscriber’s language, records the version used, and applies overrides to all', async () => {
		const site = await createSite();
		const [de, en, at] = await Promise.all([makeSubscription(), makeSubscription(), makeSubscription()]);
		await subscribe(site, de, { locale: 'de-DE' });
		await subscribe(site, en, { locale: 'en-US' });
		await subscribe(site, at, { locale: 'de-AT' });
		const r = await createResource(site);
		const response = await api(site, '/notifications', 'POST', {
			resource: r.resourceId,
			url: 'https://shop.example/sale?from=push',
			audience: { all: true },
		});
		expect(response.status).toBe(202);
		const { notificationId } = await json<{ notificationId: string }>(response);
		const done = await waitDone(site, notificationId);
		expect(done.counts.sent).toBe(3);
		const view = await json<{ resource: unknown; locales: string[]; message: { title: string } }>(
			await api(site, `/notifications/${notificationId}`),
		);
		expect(view.resource).toEqual({ resourceId: r.resourceId, name: 'Spring sale', version: 1 });
		expect(view.locales).toEqual(['de']);
		expect(view.message.title).toBe('Spring sale');
		const payloadOf = async (sub: typeof de) => {
			const [push] = await sinkLog(sub.json.endpoint);
			return decryptRecorded(push?.body ?? '', sub);
		};
		expect(await payloadOf(de)).toMatchObject({ title: 'Frühlingsangebot', body: '20 % auf alles' });
		expect(await payloadOf(at)).toMatchObject({ title: 'Frühlingsangebot' });
		expect(await payloadOf(en)).toMatchObject({ title: 'Spring sale', body: '20 % off everything' });
		// The override reached every language.
		for (const sub of [de, en])
			expect((await payloadOf(sub)).url).toBe('https://shop.example/sale?from=push');

		// A change is a new version: the next send uses it, the first keeps showing version 1.
		await api(site, `/resources/${r.resourceId}`, 'PATCH', { message: { title: 'Spring sale II' } });
		const next = await json<{ notificationId: string }>(
			await api(site, '/notifications', 'POST', { resource: r.resourceId, audience: { all: true } }),
		);
		const nextView = await json<{ resource: { version: number } }>(
			await api(site, `/notifications/${next.notificationId}`),
		);
		expect(nextView.resource.version).toBe(2);
		const first = await json<{ resource: { version: number } }>(
			await api(site, `/notifications/${notificationId}`),
		);
		expect(first.resource.version).toBe(1);
	});

	it('refuses a send from a resource the site does not have, or with a bad override, writing nothing', async () => {
		const site = await createSite();
		const r = await createResource(site);
		const missing = await problem(
			await api(site, '/notifications', 'POST', { resource: 'res_nope', audience: { all: true } }),
		);
		expect(missing).toMatchObject({ status: 400 });
		expect(missing.message).toMatch(/^resource: no resource res_nope/);
		const bad = await problem(
			await api(site, '/notifications', 'POST', {
				resource: r.resourceId,
				url: 'javascript:x',
				audience: { all: true },
			}),
		);
		expect(bad.status).toBe(400);
		expect(bad.message).toMatch(/url/);
		const list = await json<{ notifications: unknown[] }>(await api(site, '/notifications'));
		expect(list.notifications).toEqual([]);
	});

	it('a campaign sends the resource’s current version at each run; deleting it is refused while scheduled', async () => {
		const site = await createSite();
		const de = await makeSubscription();
		await subscribe(site, de, { locale: 'de' });
		const r = await createResource(site);
		const created = await api(site, '/campaigns', 'POST', {
			name: 'Weekly sale',
			message: { resource: r.resourceId, body: 'Only this week' },
			audience: { all: true },
			schedule: { type: 'now' },
		});
		expect(created.status).toBe(201);
		const campaign = await json<{
			campaignId: string;
			message: { title: string; body: string };
			resource: unknown;
		}>(created);
		expect(campaign.message).toMatchObject({ title: 'Spring sale', body: 'Only this week' });
		expect(campaign.resource).toEqual({
			resourceId: r.resourceId,
			name: 'Spring sale',
			version: 1,
			overrides: { body: 'Only this week' },
		});
		// A draft does not hold the resource; a scheduled campaign does.
		expect((await json<Resource>(await api(site, `/resources/${r.resourceId}`))).usedBy).toEqual([]);
		await api(site, `/resources/${r.resourceId}`, 'PATCH', { locales: { de: { title: 'Wochenangebot' } } });
		const scheduled = await api(site, `/campaigns/${campaign.campaignId}/schedule`, 'POST', {});
		expect(scheduled.status).toBe(200);
		const refused = await problem(await api(site, `/resources/${r.resourceId}`, 'DELETE'));
		expect(refused).toMatchObject({ status: 409, code: 'resource_in_use' });
		expect(refused.message).toContain('"Weekly sale"');
		expect(refused.message).toContain(campaign.campaignId);
		expect((await json<Resource>(await api(site, `/resources/${r.resourceId}`))).usedBy).toMatchObject([
			{ type: 'campaign', id: campaign.campaignId, name: 'Weekly sale' },
		]);

		// The run reads version 2 (with its German title) and the campaign's override.
		let runs: Array<{ notificationId: string }> = [];
		for (let i = 0; i < 50 && runs.length === 0; i++) {
			await runDurableObjectAlarm(storeOf(site.siteId));
			runs = (
				await json<{ runs: Array<{ notificationId: string }> }>(
					await api(site, `/campaigns/${campaign.campaignId}`),
				)
			).runs;
			if (runs.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
		}
		const run = runs[0]?.notificationId as string;
		await waitDone(site, run);
		const view = await json<{ resource: { version: number } }>(await api(site, `/notifications/${run}`));
		expect(view.resource.version).toBe(2);
		const [push] = await sinkLog(de.json.endpoint);
		expect(await decryptRecorded(push?.body ?? '', de)).toMatchObject({
			title: 'Wochenangebot',
			body: 'Only this week',
		});
		// Once the campaign is done, the resource can go.
		await api(site, `/campaigns/${campaign.campaignId}/cancel`, 'POST');
		expect((await api(site, `/resources/${r.resourceId}`, 'DELETE')).status).toBe(204);
		expect((await api(site, `/resources/${r.resourceId}`)).status).toBe(404);
	});

	it('refuses a campaign whose resource does not exist, or without a title', async () => {
		const site = await createSite();
		const missing = await problem(
			await api(site, '/campaigns', 'POST', {
				name: 'x',
				message: { resource: 'res_gone' },
				audience: { all: true },
			}),
		);
		expect(missing).toMatchObject({ status: 400 });
		expect(missing.message).toMatch(/^message\.resource: no resource res_gone/);
		const noTitle = await problem(
			await api(site, '/campaigns', 'POST', { name: 'x', message: { body: 'b' }, audience: { all: true } }),
		);
		expect(noTitle.message).toMatch(/^message\.title: is required/);
		const variant = await problem(
			await api(site, '/campaigns', 'POST', {
				name: 'x',
				message: { title: 'A' },
				audience: { all: true },
				experiment: { variants: [{ weight: 1 }, { weight: 1, message: { resource: 'res_gone' } }] },
			}),
		);
		expect(variant.message).toMatch(/^experiment\.variants\[1\]\.message\.resource: no resource res_gone/);
	});

	it('an A/B variant may send a resource of its own, in each subscriber’s language', async () => {
		const site = await createSite();
		const subs = await Promise.all(Array.from({ length: 8 }, () => makeSubscription()));
		const ids: string[] = [];
		for (const [i, sub] of subs.entries())
			ids.push(await subscribe(site, sub, { locale: i % 2 ? 'de-DE' : 'en-GB' }));
		const winter = await createResource(site, {
			name: 'Winter sale',
			message: { title: 'Winter sale', body: 'Warm up' },
			locales: { de: { title: 'Winterschlussverkauf' } },
		});
		const created = await json<{ campaignId: string; experiment: { variants: unknown[] } }>(
			await api(site, '/campaigns', 'POST', {
				name: 'Which sale',
				message: { title: 'Spring sale', body: 'Fresh' },
				audience: { all: true },
				schedule: { type: 'now' },
				experiment: {
					variants: [
						{ weight: 1 },
						{ weight: 1, message: { resource: winter.resourceId, body: 'Last day' } },
					],
				},
			}),
		);
		expect(created.experiment.variants[1]).toEqual({
			name: 'B',
			weight: 1,
			message: { resource: winter.resourceId, body: 'Last day' },
		});
		await api(site, `/campaigns/${created.campaignId}/schedule`, 'POST', {});
		expect((await problem(await api(site, `/resources/${winter.resourceId}`, 'DELETE'))).status).toBe(409);
		let runs: Array<{ notificationId: string }> = [];
		for (let i = 0; i < 50 && runs.length === 0; i++) {
			await runDurableObjectAlarm(storeOf(site.siteId));
			runs = (
				await json<{ runs: Array<{ notificationId: string }> }>(
					await api(site, `/campaigns/${created.campaignId}`),
				)
			).runs;
			if (runs.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
		}
		await waitDone(site, runs[0]?.notificationId as string);
		const seen = new Set<string>();
		for (const [i, sub] of subs.entries()) {
			const [push] = await sinkLog(sub.json.endpoint);
			const payload = await decryptRecorded(push?.body ?? '', sub);
			const b = variantOf(created.campaignId, ids[i] as string, [1, 1]) === 1;
			const german = i % 2 === 1;
			const expected = b
				? { title: german ? 'Winterschlussverkauf' : 'Winter sale', body: 'Last day' }
				: { title: 'Spring sale', body: 'Fresh' };
			expect(payload).toMatchObject(expected);
			seen.add(`${b}-${german}`);
		}
		expect(seen.size).toBeGreaterThan(1);
	});
});

describe('browser support table', () => {
	it('says Safari drops icon, image and buttons, Firefox image and buttons, and Chrome on Windows nothing', () => {
		const message = {
			title: 'A title that is long enough to be cut on a Mac, surely',
			body: 'Short',
			icon: 'https://shop.example/i.png',
			image: 'https://shop.example/big.png',
			actions: [{ action: 'a' }, { action: 'b' }],
		};
		const by = Object.fromEntries(BROWSERS.map((b) => [b.id, droppedBy(b, message)]));
		expect(by['safari-macos']?.fields).toEqual(['icon', 'image', 'actions']);
		expect(by['safari-ios']?.fields).toEqual(['icon', 'image', 'actions']);
		expect(by.firefox?.fields).toEqual(['image', 'actions']);
		expect(by.firefox?.actionsDropped).toBe(2);
		expect(by['chrome-windows']).toEqual({ fields: [], actionsDropped: 0, titleCut: false, bodyCut: false });
		expect(by['chrome-macos']?.fields).toEqual(['image']);
		expect(by['chrome-macos']?.titleCut).toBe(true);
		// Code points, not UTF-16 units: 40 emoji fit a 40-character title.
		const mac = BROWSERS.find((b) => b.id === 'chrome-macos');
		expect(mac && droppedBy(mac, { title: '🎉'.repeat(40) }).titleCut).toBe(false);
	});
});
