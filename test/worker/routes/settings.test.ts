import { describe, expect, it } from 'vitest';
import type { SiteView } from '../../../worker/src/wire';
import { call, createSite, json, storeSql, type TestSite } from '../helpers';

function patch(site: TestSite, body: unknown, key = site.apiKey) {
	return call(`/v1/sites/${site.siteId}/settings`, { method: 'PATCH', key, body: JSON.stringify(body) });
}

interface Prompt {
	variant: string;
	texts: Record<string, string>;
	translations: Record<string, Record<string, string>>;
	categories: Array<{ id: string; label: string }>;
	trigger: { type: string; value: number };
	bell: { enabled: boolean; position: string };
	theme: Record<string, string | number>;
	laterDays: number;
}

describe('PATCH /v1/sites/:siteId/settings', () => {
	it('merges prompt settings over the defaults and serves them in the public config', async () => {
		const site = await createSite();
		const response = await patch(site, {
			prompt: {
				variant: 'categories',
				texts: { title: 'Stay in the loop' },
				translations: { de: { title: 'Bleib informiert', subscribe: 'Abonnieren' } },
				categories: [
					{ id: 'sale', label: 'Sales', translations: { de: 'Angebote' } },
					{ id: 'new', label: 'New arrivals' },
				],
				trigger: { type: 'pageviews', value: 2 },
				bell: { enabled: true },
				theme: { accent: '#0a7d44' },
				laterDays: 3,
			},
		});
		expect(response.status).toBe(200);
		const config = await json<{ prompt: Prompt }>(await call(`/v1/sites/${site.siteId}/config`));
		expect(config.prompt).toMatchObject({
			variant: 'categories',
			texts: { title: 'Stay in the loop', subscribe: 'Subscribe', later: 'Maybe later' },
			translations: { de: { title: 'Bleib informiert', subscribe: 'Abonnieren' } },
			trigger: { type: 'pageviews', value: 2 },
			bell: { enabled: true, position: 'bottom-right' },
			theme: { accent: '#0a7d44', background: '#ffffff' },
			laterDays: 3,
		});
		expect(config.prompt.categories.map((c) => c.id)).toEqual(['sale', 'new']);

		await patch(site, { prompt: { texts: { later: 'Not now' } } });
		const again = await json<{ prompt: Prompt }>(await call(`/v1/sites/${site.siteId}/config`));
		expect(again.prompt.texts).toMatchObject({ title: 'Stay in the loop', later: 'Not now' });
	});

	it.each([
		[{ prompt: { variant: 'modal' } }, 'prompt.variant'],
		[{ prompt: { variant: 'categories' } }, 'prompt.categories'],
		[{ prompt: { theme: { accent: 'red;}body{display:none' } } }, 'prompt.theme.accent'],
		[{ prompt: { trigger: { type: 'seconds', value: -1 } } }, 'value'],
		[{ prompt: { texts: { headline: 'x' } } }, 'prompt.texts.headline'],
		[{ prompt: { categories: [{ id: 'Sale Items', label: 'x' }] } }, 'prompt.categories[0].id'],
		[{ prompt: { image: 'http://insecure.example/x.png' } }, 'prompt.image'],
		[{ prompt: { colour: 'x' } }, 'prompt.colour'],
		[{ theme: {} }, 'theme'],
	])('answers 400 naming the field for %j and changes nothing', async (body, field) => {
		const site = await createSite();
		const response = await patch(site, body);
		expect(response.status).toBe(400);
		expect((await json<{ error: { message: string } }>(response)).error.message).toContain(field);
		const config = await json<{ prompt: Prompt }>(await call(`/v1/sites/${site.siteId}/config`));
		expect(config.prompt.variant).toBe('simple');
	});

	it("refuses another site's key", async () => {
		const a = await createSite();
		const b = await createSite();
		expect((await patch(a, { prompt: { laterDays: 2 } }, b.apiKey)).status).toBe(403);
	});
});

describe('event retention (settings.events.retentionDays)', () => {
	it('is set alone, kept in the settings and the store, and housekeeping deletes older event days', async () => {
		const { storeOf, storeSql } = await import('../helpers');
		const site = await createSite();
		const now = Date.now();
		const day = Math.floor(now / 86_400_000);
		// Two event days: 20 and 40 days old.
		await storeSql(
			site.siteId,
			`INSERT INTO event_days (subject, name, day, n, first_at, last_at, recent) VALUES
				('u:a', 'purchase', ${day - 20}, 1, ${now - 20 * 86_400_000}, ${now - 20 * 86_400_000}, '[]'),
				('u:a', 'purchase', ${day - 40}, 1, ${now - 40 * 86_400_000}, ${now - 40 * 86_400_000}, '[]')`,
		);
		await storeOf(site.siteId).housekeep(site.siteId, now);
		expect(await storeSql(site.siteId, 'SELECT day FROM event_days ORDER BY day')).toHaveLength(2);

		const response = await patch(site, { events: { retentionDays: 30 } });
		expect(response.status).toBe(200);
		const body = await json<{ settings: { events: unknown; prompt: Prompt } }>(response);
		expect(body.settings.events).toEqual({ retentionDays: 30 });
		expect(body.settings.prompt.variant).toBeTypeOf('string');
		const site2 = await json<{ settings: { events: unknown } }>(
			await call(`/v1/sites/${site.siteId}`, { key: site.apiKey }),
		);
		expect(site2.settings.events).toEqual({ retentionDays: 30 });
		expect(await storeOf(site.siteId).eventRetentionDays(site.siteId)).toBe(30);

		await storeOf(site.siteId).housekeep(site.siteId, now + 86_400_000 * 2);
		expect(await storeSql(site.siteId, 'SELECT day FROM event_days ORDER BY day')).toEqual([
			{ day: day - 20 },
		]);
	});

	it('refuses an empty change and a retention out of range, naming the field', async () => {
		const site = await createSite();
		const message = async (body: unknown) =>
			(await json<{ error: { message: string } }>(await patch(site, body))).error.message;
		expect(await message({})).toBe(
			'prompt: is required: the prompt settings (or events.retentionDays, campaigns.frequencyCap, staff.reminderMinutes) to change',
		);
		expect(await message({ events: { retentionDays: 0 } })).toMatch(
			/^events\.retentionDays: must be a whole number from 1 to 730/,
		);
		expect(await message({ events: { keep: 3 } })).toMatch(/^events\.keep: /);
	});
});

describe('staff alert settings (settings.staff.reminderMinutes)', () => {
	const minutesOf = async (site: TestSite) =>
		(await json<SiteView>(await call(`/v1/sites/${site.siteId}`, { key: site.apiKey }))).settings.staff
			.reminderMinutes;
	const storedMinutes = async (site: TestSite) =>
		(await storeSql<{ v: string }>(site.siteId, "SELECT v FROM meta WHERE k = 'staff_reminder_minutes'"))[0]
			?.v ?? null;

	it('reads 5 until set, then what was set, in the settings and the store', async () => {
		const site = await createSite();
		expect(await minutesOf(site)).toBe(5);
		const response = await patch(site, { staff: { reminderMinutes: 15 } });
		expect(response.status).toBe(200);
		const body = await json<{ settings: SiteView['settings'] }>(response);
		expect(body.settings.staff).toEqual({ reminderMinutes: 15 });
		expect(body.settings.prompt.variant).toBe('simple');
		expect(await minutesOf(site)).toBe(15);
		expect(await storedMinutes(site)).toBe('15');
		// Another setting leaves it be.
		expect((await patch(site, { events: { retentionDays: 30 } })).status).toBe(200);
		expect(await minutesOf(site)).toBe(15);
		expect((await patch(site, { staff: { reminderMinutes: 1440 } })).status).toBe(200);
		expect(await minutesOf(site)).toBe(1440);
	});

	it.each([
		[{ staff: { reminderMinutes: 0 } }, 'staff.reminderMinutes: must be a whole number from 1 to 1440'],
		[{ staff: { reminderMinutes: 1441 } }, 'staff.reminderMinutes: must be a whole number from 1 to 1440'],
		[{ staff: { reminderMinutes: 2.5 } }, 'staff.reminderMinutes: must be a whole number from 1 to 1440'],
		[{ staff: { reminderMinutes: '10' } }, 'staff.reminderMinutes: must be a whole number from 1 to 1440'],
		[{ staff: {} }, 'staff.reminderMinutes: must be a whole number from 1 to 1440'],
		[{ staff: { reminderMinutes: 10, digest: true } }, 'staff.digest: is not a setting; use reminderMinutes'],
		[{ staff: 10 }, 'staff: must be an object'],
		// The whole change is refused: the valid part is not written either.
		[
			{ events: { retentionDays: 30 }, staff: { reminderMinutes: -1 } },
			'staff.reminderMinutes: must be a whole number from 1 to 1440',
		],
	])('answers 400 naming the field for %j and writes nothing', async (body, message) => {
		const site = await createSite();
		const response = await patch(site, body);
		expect(response.status).toBe(400);
		const { message: said } = (await json<{ error: { message: string } }>(response)).error;
		expect(said.slice(0, message.length)).toBe(message);
		expect(await minutesOf(site)).toBe(5);
		expect(await storedMinutes(site)).toBeNull();
		const settings = (await json<SiteView>(await call(`/v1/sites/${site.siteId}`, { key: site.apiKey })))
			.settings;
		expect(settings.events).toBeUndefined();
	});

	it('is for admins: an editor’s console token gets 403 and changes nothing', async () => {
		const site = await createSite();
		const tokenOf = async (role: string) =>
			(
				await json<{ token: string }>(
					await call(`/v1/sites/${site.siteId}/console-tokens`, {
						method: 'POST',
						key: site.apiKey,
						body: JSON.stringify({ role, staff: { id: `s-${role}` } }),
					}),
				)
			).token;
		const editor = await patch(site, { staff: { reminderMinutes: 2 } }, await tokenOf('editor'));
		expect(editor.status).toBe(403);
		expect((await json<{ error: { message: string } }>(editor)).error.message).toMatch(
			/^staff: only an admin/,
		);
		expect(await minutesOf(site)).toBe(5);
		expect((await patch(site, { staff: { reminderMinutes: 2 } }, await tokenOf('admin'))).status).toBe(200);
		expect(await minutesOf(site)).toBe(2);
	});
});
