import { describe, expect, it } from 'vitest';
import { generateVapidKeys } from '../../../worker/src/push/vapid';
import { EXPORT_TABLES, NOT_EXPORTED } from '../../../worker/src/store/site-export';
import { decryptRecorded } from '../decrypt';
import {
	call,
	createSite,
	json,
	makeSubscription,
	OPERATOR,
	problem,
	seedSubscribers,
	send,
	sinkLog,
	siteApi,
	storeSql,
	subscribe,
	type TestSite,
	tableRowCounts,
	waitDone,
} from '../helpers';

// Moving a site (issue 15): GET /v1/sites/:siteId/export writes everything of a site as NDJSON, POST
// /v1/sites/import makes a new site of it. A round trip loses nothing, and the new site reaches the same browsers
// with the same VAPID key.

type Line = Record<string, unknown> & { type: string };

async function exportText(site: TestSite, query = '', key = site.apiKey): Promise<Response> {
	return call(`/v1/sites/${site.siteId}/export${query}`, { key });
}

/** The body as text (read as bytes: workerd warns when .text() reads a type it does not take for text). */
const textOf = async (response: Response) => new TextDecoder().decode(await response.arrayBuffer());

const parseLines = (text: string): Line[] =>
	text
		.trim()
		.split('\n')
		.map((l) => JSON.parse(l) as Line);

/** The header's site fields. */
const siteOf = (lines: Line[]) => (lines[0]?.site ?? {}) as Record<string, unknown>;

function importBody(body: string, query = '', key = OPERATOR): Promise<Response> {
	return call(`/v1/sites/import${query}`, {
		method: 'POST',
		key,
		body,
		headers: { 'content-type': 'application/x-ndjson' },
	});
}

async function imported(body: string, query = ''): Promise<TestSite & { warnings: Array<{ code: string }> }> {
	const response = await importBody(body, query);
	if (response.status !== 201) throw new Error(`import: ${response.status} ${await response.text()}`);
	const site = await json<TestSite & { origins: string[]; warnings: Array<{ code: string }> }>(response);
	return { ...site, origin: site.origins[0] as string };
}

async function ok(response: Response | Promise<Response>, status = 201): Promise<Record<string, unknown>> {
	const r = await response;
	if (r.status !== status) throw new Error(`${r.url}: ${r.status} ${await r.text()}`);
	return json(r);
}

/** A site with a bit of everything: subscribers, a user with attributes, a segment, a resource, campaigns, an automation, a sent notification. */
async function furnishedSite() {
	const site = await createSite();
	await ok(
		siteApi(site, '/settings', 'PATCH', { events: { retentionDays: 45 }, staff: { reminderMinutes: 12 } }),
		200,
	);
	await ok(
		siteApi(site, '/automations', 'POST', {
			name: 'Welcome',
			enabled: true,
			trigger: { type: 'event', event: 'subscribed' },
			steps: [{ message: { title: 'Welcome' } }],
		}),
	);
	const sub = await makeSubscription();
	const subscriberId = await subscribe(site, sub, {
		categories: ['news'],
		timezone: 'Europe/Paris',
		locale: 'fr',
	});
	await seedSubscribers(site.siteId, [
		{
			id: 'sub_seeded',
			endpoint: 'https://push.example/seeded',
			p256dh: 'x',
			auth: 'y',
			externalUserId: 'u1',
		},
	]);
	await ok(siteApi(site, '/users/u1', 'PUT', { attributes: { plan: 'pro', first_name: 'Ada' } }), 200);
	await ok(
		siteApi(site, '/segments', 'POST', {
			name: 'Pro plan',
			filter: { attribute: 'plan', op: 'eq', value: 'pro' },
		}),
	);
	const resource = await ok(
		siteApi(site, '/resources', 'POST', {
			name: 'Spring sale',
			message: { title: 'Spring sale', body: '20 % off' },
			locales: { de: { title: 'Frühlingsangebot' } },
		}),
	);
	await ok(
		siteApi(site, `/resources/${resource.resourceId}`, 'PATCH', { message: { title: 'Spring sale!' } }),
		200,
	);
	const at = new Date(Date.now() + 3_600_000).toISOString();
	const campaign = await ok(
		siteApi(site, '/campaigns', 'POST', {
			name: 'Later',
			message: { title: 'Later' },
			audience: { all: true },
			schedule: { type: 'once', at },
		}),
	);
	await ok(siteApi(site, `/campaigns/${campaign.campaignId}/schedule`, 'POST'), 200);
	await ok(
		siteApi(site, '/campaigns', 'POST', {
			name: 'Draft',
			message: { title: 'Draft' },
			audience: { all: true },
		}),
	);
	await waitDone(site, await send(site, { title: 'Before the move' }));
	return { site, sub, subscriberId, campaignId: campaign.campaignId as string };
}

/** An export with what must differ between two sites left out: the ids and times of the site itself. */
function comparable(lines: Line[]): Line[] {
	return lines.map((line) => {
		if (line.type === 'beckon-export') {
			const { siteId: _id, createdAt: _at, ...site } = line.site as Record<string, unknown>;
			return { ...line, exportedAt: 'x', site };
		}
		return line;
	});
}

describe('site export and import', { timeout: 60_000 }, () => {
	it('decides on every table of the store: exported, or left out with a reason', async () => {
		const site = await createSite();
		const tables = await storeSql<{ name: string }>(
			site.siteId,
			`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`,
		);
		const decided = [...EXPORT_TABLES.map((t) => t.table), ...Object.keys(NOT_EXPORTED)].sort();
		expect(tables.map((t) => t.name).sort()).toEqual(decided);
	});

	it('round-trips everything into a new site that sends to the same browsers with the same key', async () => {
		const { site, sub, subscriberId, campaignId } = await furnishedSite();
		const response = await exportText(site, '?keys=clear');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
		const text = await textOf(response);
		const lines = parseLines(text);
		expect(lines[0]).toMatchObject({ type: 'beckon-export', version: 1, keys: 'clear' });
		expect(siteOf(lines).identitySecret).toBe(site.identitySecret);
		expect(lines[1]).toMatchObject({ type: 'vapid_key', publicKey: site.vapidPublicKey, current: true });
		expect(typeof lines[1]?.privateKey).toBe('string');
		const trailer = lines.at(-1) as Line;
		expect(trailer.type).toBe('end');
		expect(trailer.counts).toMatchObject({
			vapid_key: 1,
			subscriber: 2,
			user: 1,
			segment: 1,
			resource: 1,
			resource_version: 2,
			campaign: 2,
			automation: 1,
		});
		expect((trailer.counts as Record<string, number>).notification).toBeGreaterThanOrEqual(1);
		expect(text).not.toContain('bk_');
		const exportedSub = lines.find((l) => l.type === 'subscriber' && l.id === subscriberId);
		expect(exportedSub).toMatchObject({
			endpoint: sub.json.endpoint,
			p256dh: sub.json.keys.p256dh,
			auth: sub.json.keys.auth,
			categories: ['news'],
			timezone: 'Europe/Paris',
			locale: 'fr',
		});

		const moved = await imported(text);
		expect(moved.siteId).not.toBe(site.siteId);
		expect(moved.vapidPublicKey).toBe(site.vapidPublicKey);
		expect(moved.identitySecret).toBe(site.identitySecret);

		const again = parseLines(await textOf(await exportText(moved, '?keys=clear')));
		const want = comparable(lines).map((l) =>
			l.type === 'campaign' && l.id === campaignId ? { ...l, state: 'paused', nextRunAt: null } : l,
		);
		expect(comparable(again)).toEqual(want);
		const settings = await ok(siteApi(moved, ''), 200);
		expect(settings.settings).toMatchObject({
			events: { retentionDays: 45 },
			staff: { reminderMinutes: 12 },
		});
		// The store's reminder timer runs on the carried interval too.
		expect(
			await storeSql(
				moved.siteId,
				"SELECT v FROM meta WHERE k IN ('staff_reminder_minutes', 'event_retention_days') ORDER BY k",
			),
		).toEqual([{ v: '45' }, { v: '12' }]);

		// Nothing of the old schedule runs by itself; a send from the new site reaches the same browser.
		const ntf = await send(moved, {
			title: 'From the new site',
			audience: { subscriberIds: [subscriberId] },
		});
		expect((await waitDone(moved, ntf)).counts).toMatchObject({ sent: 1, failed: 0 });
		const log = await sinkLog(sub.json.endpoint);
		const last = log.at(-1);
		expect(last?.headers.authorization).toContain(`k=${site.vapidPublicKey}`);
		expect(await decryptRecorded(last?.body ?? '', sub)).toMatchObject({ title: 'From the new site' });
	});

	it('carries the key pairs imported from another tool, so their subscribers are still sent to with the old key', async () => {
		const site = await createSite();
		const old = await generateVapidKeys();
		const sub = await makeSubscription();
		await ok(
			siteApi(site, '/subscribers/import', 'POST', {
				vapidPublicKey: old.publicKey,
				vapidPrivateKey: old.privateKey,
				label: 'Old tool',
				subscriptions: [sub.json],
			}),
			200,
		);
		const text = await textOf(await exportText(site, '?keys=clear'));
		const keyLines = parseLines(text).filter((l) => l.type === 'vapid_key');
		expect(keyLines.map((l) => [l.current, l.publicKey, l.label ?? null])).toEqual([
			[true, site.vapidPublicKey, null],
			[false, old.publicKey, 'Old tool'],
		]);
		// Sealed (the default), the old key's private half is not in the file.
		expect(await textOf(await exportText(site))).not.toContain(old.privateKey);

		const moved = await imported(text);
		const keys = await ok(siteApi(moved, '/vapid-keys'), 200);
		expect(keys).toMatchObject({
			vapidKeys: expect.arrayContaining([
				expect.objectContaining({ publicKey: old.publicKey, subscribers: 1 }),
			]),
		});
		const id = await send(moved, { title: 'Still here' });
		expect((await waitDone(moved, id)).counts.sent).toBe(1);
		const pushes = await sinkLog(sub.json.endpoint);
		expect(pushes.at(-1)?.headers.authorization).toContain(`k=${old.publicKey}`);
		expect((await decryptRecorded(pushes.at(-1)?.body ?? '', sub)).title).toBe('Still here');
	});

	it('pages through thousands of rows (composite keys too) and imports them in batches, none lost or doubled', async () => {
		const site = await createSite();
		const n = 2_345;
		const ids = Array.from({ length: n }, (_, k) => `sub_${String(k).padStart(6, '0')}`);
		await seedSubscribers(
			site.siteId,
			ids.map((id) => ({ id, endpoint: `https://push.example/${id}`, p256dh: 'p', auth: 'a' })),
		);
		// 1,200 event days over 3 names x 400 days: keyset pages over (subject, name, day).
		await storeSql(
			site.siteId,
			`WITH RECURSIVE k(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM k WHERE x < 1199)
			INSERT INTO event_days (subject, name, day, n, first_at, last_at, recent)
			SELECT 's:sub_000001', 'e' || (x % 3), 20000 + x / 3, 1, 0, 0, '[]' FROM k`,
		);
		const lines = parseLines(await textOf(await exportText(site, '?keys=clear')));
		const subscribers = lines.filter((l) => l.type === 'subscriber').map((l) => l.id);
		expect(subscribers).toEqual(ids);
		expect(lines.filter((l) => l.type === 'event_day')).toHaveLength(1_200);
		expect(lines.at(-1)?.counts).toMatchObject({ subscriber: n, event_day: 1_200 });

		const moved = await imported(lines.map((l) => JSON.stringify(l)).join('\n'));
		const [held] = await storeSql<{ subscribers: number; events: number; allowed: number }>(
			moved.siteId,
			`SELECT (SELECT count(*) FROM subscribers) AS subscribers, (SELECT count(*) FROM event_days) AS events,
				(SELECT n FROM counts WHERE key = 'status:allowed') AS allowed`,
		);
		expect(held).toEqual({ subscribers: n, events: 1_200, allowed: n });
		// Endpoints are found by their hash, as a browser's next report finds its row.
		const [found] = await storeSql<{ id: string }>(
			moved.siteId,
			'SELECT id FROM subscribers WHERE endpoint_hash IS NOT NULL AND endpoint = ?',
			`https://push.example/${ids[7]}`,
		);
		expect(found?.id).toBe(ids[7]);
	});

	it('exports gzipped on request and imports a gzipped body; a body that is not gzip is a 400', async () => {
		const site = await createSite();
		const subscriberId = await subscribe(site, await makeSubscription());
		const response = await exportText(site, '?keys=clear&gzip=true');
		expect(response.headers.get('content-type')).toBe('application/gzip');
		expect(response.headers.get('content-disposition')).toMatch(/\.ndjson\.gz"$/);
		const gzipped = new Uint8Array(await response.arrayBuffer());
		expect([gzipped[0], gzipped[1]]).toEqual([0x1f, 0x8b]);
		for (const headers of [{ 'content-encoding': 'gzip' }, { 'content-type': 'application/gzip' }] as Array<
			Record<string, string>
		>) {
			const made = await call('/v1/sites/import', { method: 'POST', key: OPERATOR, body: gzipped, headers });
			expect(made.status).toBe(201);
			const moved = await json<TestSite>(made);
			expect((await ok(siteApi(moved, `/subscribers/${subscriberId}`), 200)).status).toBe('allowed');
		}
		const notGzip = await call('/v1/sites/import', {
			method: 'POST',
			key: OPERATOR,
			body: '{"type":"beckon-export"}',
			headers: { 'content-encoding': 'gzip' },
		});
		expect(await problem(notGzip)).toMatchObject({
			status: 400,
			message: expect.stringMatching(/^line 1: the body could not be read/),
		});
	});

	it('writes the private key sealed by default, which this deployment opens again', async () => {
		const site = await createSite();
		const text = await textOf(await exportText(site));
		const lines = parseLines(text);
		expect(lines[0]).toMatchObject({ keys: 'sealed' });
		expect(siteOf(lines).identitySecret).toBeUndefined();
		expect(lines[1]).toMatchObject({
			type: 'vapid_key',
			publicKey: site.vapidPublicKey,
			sealedFor: site.siteId,
		});
		expect(lines[1]?.privateKey).toBeUndefined();
		expect(text).not.toContain(site.identitySecret);

		const moved = await imported(text);
		expect(moved.vapidPublicKey).toBe(site.vapidPublicKey);
		expect(moved.identitySecret).not.toBe(site.identitySecret);

		// Sealed by a MASTER_KEY this deployment does not have: refused, unless a new key pair is asked for.
		const foreign = [lines[0], { ...lines[1], sealedFor: 'site_elsewhere' }, ...lines.slice(2)]
			.map((l) => JSON.stringify(l))
			.join('\n');
		expect(await problem(await importBody(foreign))).toMatchObject({ status: 400, code: 'vapid_key_sealed' });
		const rekeyed = await imported(foreign, '?withoutKeys=true');
		expect(rekeyed.vapidPublicKey).not.toBe(site.vapidPublicKey);
		expect(rekeyed.warnings.map((w) => w.code)).toContain('vapid_key_replaced');
	});

	it('lets only a full key, an admin console token or the operator export, and only the operator import', async () => {
		const site = await createSite();
		for (const scope of ['read', 'send']) {
			const key = await ok(siteApi(site, '/api-keys', 'POST', { name: scope, scope }));
			const refused = await problem(await exportText(site, '?keys=clear', key.apiKey as string));
			expect(refused).toMatchObject({ status: 403 });
			expect(refused.message).toContain(`the ${scope} scope`);
		}
		const token = await ok(siteApi(site, '/console-tokens', 'POST', { role: 'editor' }));
		expect((await exportText(site, '', token.token as string)).status).toBe(403);
		const admin = await ok(siteApi(site, '/console-tokens', 'POST', { role: 'admin' }));
		expect((await exportText(site, '', admin.token as string)).status).toBe(200);
		const byOperator = await exportText(site, '?keys=clear', OPERATOR);
		expect(byOperator.status).toBe(200);
		expect((await problem(await exportText(site, '?keys=plain'))).message).toMatch(/^keys: /);
		expect((await importBody(await textOf(byOperator), '', site.apiKey)).status).toBe(401);
	});

	it('refuses a bad line with a 400 that names it, and keeps nothing of the import', async () => {
		const site = await createSite();
		await subscribe(site, await makeSubscription());
		await subscribe(site, await makeSubscription());
		const lines = parseLines(await textOf(await exportText(site, '?keys=clear')));
		const subscriberAt = lines.findIndex((l) => l.type === 'subscriber');
		const at = subscriberAt + 1;
		const body = (edit: (ls: Array<Line | string>) => Array<Line | string>) =>
			edit(structuredClone(lines))
				.map((l) => (typeof l === 'string' ? l : JSON.stringify(l)))
				.join('\n');
		const before = await tableRowCounts(['sites', 'api_keys']);
		const cases: Array<[string, string, RegExp]> = [
			[
				'not JSON',
				body((ls) => ls.toSpliced(subscriberAt, 1, '{"type":')),
				new RegExp(`^line ${at}: is not valid JSON`),
			],
			['no header', body((ls) => ls.slice(1)), /^line 1: must be the header/],
			[
				'a reminder interval out of range',
				body((ls) =>
					ls.toSpliced(0, 1, {
						...(ls[0] as Line),
						site: { ...siteOf(lines), settings: { staff: { reminderMinutes: 0 } } },
					} as Line),
				),
				/^line 1: site\.settings\.staff\.reminderMinutes: must be a whole number from 1 to 1440/,
			],
			[
				'unknown type',
				body((ls) => ls.toSpliced(subscriberAt, 0, { type: 'webhook' })),
				new RegExp(`^line ${at}: type: unknown record type "webhook"`),
			],
			[
				'missing field',
				body((ls) =>
					ls.toSpliced(subscriberAt, 1, { ...(ls[subscriberAt] as Line), status: undefined } as Line),
				),
				new RegExp(`^line ${at}: status: is required`),
			],
			[
				'unknown field',
				body((ls) => ls.toSpliced(subscriberAt, 1, { ...(ls[subscriberAt] as Line), colour: 'red' } as Line)),
				new RegExp(`^line ${at}: colour: not a field of a subscriber record`),
			],
			[
				'a list that is not one',
				body((ls) => ls.toSpliced(subscriberAt, 1, { ...(ls[subscriberAt] as Line), categories: 'news' })),
				new RegExp(`^line ${at}: categories: must be an array`),
			],
			[
				'status SQLite refuses',
				body((ls) =>
					ls.toSpliced(subscriberAt + 1, 1, { ...(ls[subscriberAt + 1] as Line), status: 'maybe' } as Line),
				),
				new RegExp(`^line ${at + 1}: .*CHECK constraint`),
			],
			[
				'duplicate id',
				body((ls) =>
					ls.toSpliced(subscriberAt + 1, 1, {
						...(ls[subscriberAt + 1] as Line),
						id: (ls[subscriberAt] as Line).id,
					} as Line),
				),
				new RegExp(`^line ${at + 1}: .*UNIQUE`),
			],
			[
				'cut short',
				body((ls) => ls.slice(0, -1)),
				new RegExp(`^line ${lines.length}: the trailer .* is missing`),
			],
			[
				'counts differ',
				body((ls) => ls.toSpliced(subscriberAt, 1)),
				new RegExp(
					`^line ${lines.length - 1}: counts.subscriber: the trailer says 2 records, the file holds 1`,
				),
			],
			[
				'a line too long',
				body((ls) => ls.toSpliced(subscriberAt, 0, 'x'.repeat(300_000))),
				new RegExp(`^line ${at}: is longer than`),
			],
			[
				'a bad private key',
				body((ls) => ls.toSpliced(1, 1, { ...(ls[1] as Line), privateKey: 'AAAA' } as Line)),
				/^line 2: VAPID private key must be 32 bytes/,
			],
		];
		for (const [name, text, message] of cases) {
			const refused = await problem(await importBody(text));
			expect({ name, status: refused.status }).toEqual({ name, status: 400 });
			expect(refused.message, name).toMatch(message);
		}
		expect(await tableRowCounts(['sites', 'api_keys'])).toEqual(before);
	});
});
