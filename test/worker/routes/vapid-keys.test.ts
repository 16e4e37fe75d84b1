import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { openSecret } from '../../../worker/src/lib/secrets';
import { decodeBase64Url } from '../../../worker/src/push/base64url';
import { generateVapidKeys } from '../../../worker/src/push/vapid';
import { decryptRecorded } from '../decrypt';
import {
	call,
	createSite,
	json,
	makeSubscription,
	problem,
	send,
	sinkLog,
	siteApi,
	storeRowCounts,
	storeSql,
	subscribe,
	type TestSite,
	type TestSubscription,
	waitDone,
} from '../helpers';

// Importing subscribers with another tool's VAPID key pair, signing each with its key, and retiring old keys
// (issue 15).

const row = (sub: TestSubscription, extra: Record<string, unknown> = {}) => ({ ...sub.json, ...extra });

async function importRows(site: TestSite, keys: { publicKey: string; privateKey: string }, body: object) {
	return siteApi(site, '/subscribers/import', 'POST', {
		vapidPublicKey: keys.publicKey,
		vapidPrivateKey: keys.privateKey,
		...body,
	});
}

/** The `k=` key and whether the JWT of a recorded push verifies against `publicKey`. */
async function signedWith(authorization: string, publicKey: string): Promise<boolean> {
	const match = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(authorization);
	if (!match) throw new Error(`not a vapid header: ${authorization}`);
	const [, h = '', c = '', s = '', k = ''] = match;
	if (k !== publicKey) return false;
	const key = await crypto.subtle.importKey(
		'raw',
		decodeBase64Url(publicKey),
		{ name: 'ECDSA', namedCurve: 'P-256' },
		false,
		['verify'],
	);
	return crypto.subtle.verify(
		{ name: 'ECDSA', hash: 'SHA-256' },
		key,
		decodeBase64Url(s),
		new TextEncoder().encode(`${h}.${c}`),
	);
}

describe('POST /v1/sites/:siteId/subscribers/import', { timeout: 60_000 }, () => {
	it('imports valid rows, counts duplicates, lists invalid rows with the reason, and is idempotent', async () => {
		const site = await createSite();
		const old = await generateVapidKeys();
		const [a, b] = await Promise.all([makeSubscription(), makeSubscription()]);
		const subscriptions = [
			row(a as TestSubscription, { externalUserId: 'user-7', createdAt: '2025-01-02T03:04:05Z' }),
			// Flat shape, and the same endpoint again (a duplicate inside the file).
			{ endpoint: b?.json.endpoint, p256dh: b?.json.keys.p256dh, auth: b?.json.keys.auth },
			row(a as TestSubscription),
			{ endpoint: 'https://evil.example/push', keys: a?.json.keys },
			{
				endpoint: a?.json.endpoint.replace('/push/', '/push2/'),
				keys: { p256dh: 'AAAA', auth: a?.json.keys.auth },
			},
			{ endpoint: `${a?.json.endpoint}x`, keys: { p256dh: a?.json.keys.p256dh, auth: 'AAAA' } },
			'not a row',
		];
		const response = await importRows(site, old, { label: 'Old tool', subscriptions });
		expect(response.status).toBe(200);
		const text = await response.text();
		expect(text).not.toContain(old.privateKey);
		expect(text).not.toContain(a?.json.endpoint);
		expect(JSON.parse(text)).toEqual({
			keyId: old.publicKey.slice(0, 16),
			imported: 2,
			duplicate: 1,
			invalid: [
				{ row: 4, reason: expect.stringMatching(/^endpoint must be an https URL of a known push service/) },
				{ row: 5, reason: expect.stringMatching(/^p256dh must be 65 bytes/) },
				{ row: 6, reason: 'auth must be 16 bytes, got 3' },
				{ row: 7, reason: 'must be an object with endpoint, p256dh and auth' },
			],
			invalidCount: 4,
		});
		const rows = await storeSql(
			site.siteId,
			'SELECT status, vapid_key_id, external_user_id, created_at FROM subscribers ORDER BY created_at',
		);
		expect(rows).toEqual([
			{
				status: 'allowed',
				vapid_key_id: old.publicKey.slice(0, 16),
				external_user_id: 'user-7',
				created_at: Date.parse('2025-01-02T03:04:05Z'),
			},
			expect.objectContaining({ status: 'allowed', vapid_key_id: old.publicKey.slice(0, 16) }),
		]);

		const again = await json(await importRows(site, old, { subscriptions }));
		expect(again).toMatchObject({ imported: 0, duplicate: 3, invalidCount: 4 });
		expect((await storeRowCounts(site.siteId)).subscribers).toBe(2);
		const keys = await json<{ vapidKeys: Array<Record<string, unknown>> }>(
			await siteApi(site, '/vapid-keys'),
		);
		expect(keys.vapidKeys).toEqual([
			expect.objectContaining({ publicKey: site.vapidPublicKey, current: true, subscribers: 0 }),
			expect.objectContaining({
				keyId: old.publicKey.slice(0, 16),
				publicKey: old.publicKey,
				label: 'Old tool',
				current: false,
				subscribers: 2,
			}),
		]);
		expect(JSON.stringify(keys)).not.toContain(old.privateKey);
	});

	it('reads CSV with a header in any column order, and standard base64 keys', async () => {
		const site = await createSite();
		const old = await generateVapidKeys();
		const sub = await makeSubscription();
		const b64 = (s: string) => s.replace(/-/g, '+').replace(/_/g, '/');
		const csv = `auth,endpoint,p256dh\r\n${b64(sub.json.keys.auth)}==,"${sub.json.endpoint}",${b64(sub.json.keys.p256dh)}\r\n\r\n,,\r\n`;
		const report = await json(await importRows(site, old, { csv }));
		expect(report).toMatchObject({
			imported: 1,
			duplicate: 0,
			invalid: [{ row: 2, reason: 'endpoint is required' }],
		});
		const [stored] = await storeSql(site.siteId, 'SELECT p256dh, auth FROM subscribers');
		expect(stored).toEqual({ p256dh: sub.json.keys.p256dh, auth: sub.json.keys.auth });

		const noHeader = await problem(await importRows(site, old, { csv: `${sub.json.endpoint},x,y\n` }));
		expect(noHeader).toMatchObject({
			status: 400,
			message: expect.stringMatching(/^csv: the header line must name/),
		});
	});

	it('refuses a key pair that does not sign and verify, naming the field, and writes nothing', async () => {
		const site = await createSite();
		const [a, b] = await Promise.all([generateVapidKeys(), generateVapidKeys()]);
		const sub = await makeSubscription();
		const subscriptions = [sub.json];
		expect(
			await problem(
				await importRows(site, { publicKey: a.publicKey, privateKey: b.privateKey }, { subscriptions }),
			),
		).toMatchObject({
			status: 400,
			message: expect.stringMatching(/^vapidPrivateKey: does not belong to vapidPublicKey/),
		});
		expect(
			await problem(
				await importRows(site, { publicKey: 'BAAA', privateKey: a.privateKey }, { subscriptions }),
			),
		).toMatchObject({ status: 400, message: expect.stringMatching(/^vapidPublicKey: /) });
		expect(
			await problem(
				await importRows(site, { publicKey: a.publicKey, privateKey: 'short' }, { subscriptions }),
			),
		).toMatchObject({
			status: 400,
			message: expect.stringMatching(/^vapidPrivateKey: must be base64url of the 32-byte/),
		});
		expect(await problem(await importRows(site, a, {}))).toMatchObject({
			status: 400,
			message: expect.stringMatching(/^subscriptions: give the rows either/),
		});
		const tooMany = Array.from({ length: 10_001 }, () => sub.json);
		expect(await problem(await importRows(site, a, { subscriptions: tooMany }))).toMatchObject({
			status: 400,
			message: expect.stringMatching(/^subscriptions: must hold at most 10000 rows/),
		});
		const huge = await call(`/v1/sites/${site.siteId}/subscribers/import`, {
			method: 'POST',
			key: site.apiKey,
			body: JSON.stringify({ csv: 'x'.repeat(6 * 1024 * 1024) }),
		});
		expect(await problem(huge)).toMatchObject({ status: 413, code: 'body_too_large' });
		expect((await storeRowCounts(site.siteId)).subscribers).toBe(0);
		expect(
			await env.DB.prepare('SELECT COUNT(*) AS n FROM vapid_keys WHERE site_id = ?')
				.bind(site.siteId)
				.first('n'),
		).toBe(0);
	});

	it('is refused to send and read API keys (403) and without a token (401)', async () => {
		const site = await createSite();
		const old = await generateVapidKeys();
		for (const scope of ['send', 'read']) {
			const made = await json<{ apiKey: string }>(
				await siteApi(site, '/api-keys', 'POST', { name: scope, scope }),
			);
			const response = await siteApi(
				site,
				'/subscribers/import',
				'POST',
				{ vapidPublicKey: old.publicKey, vapidPrivateKey: old.privateKey, subscriptions: [] },
				made.apiKey,
			);
			expect(response.status).toBe(403);
		}
		const anonymous = await call(`/v1/sites/${site.siteId}/subscribers/import`, {
			method: 'POST',
			body: '{}',
		});
		expect(anonymous.status).toBe(401);
	});

	it("imports with the site's own current key without adding a key", async () => {
		const site = await createSite();
		const sealed = await env.DB.prepare('SELECT vapid_private_key FROM sites WHERE id = ?')
			.bind(site.siteId)
			.first<string>('vapid_private_key');
		const own = {
			publicKey: site.vapidPublicKey,
			privateKey: await openSecret(env.MASTER_KEY ?? null, sealed ?? '', site.siteId),
		};
		const sub = await makeSubscription();
		const report = await json(await importRows(site, own, { subscriptions: [sub.json] }));
		expect(report).toMatchObject({ keyId: site.vapidPublicKey.slice(0, 16), imported: 1 });
		const keys = await json<{ vapidKeys: unknown[] }>(await siteApi(site, '/vapid-keys'));
		expect(keys.vapidKeys).toEqual([expect.objectContaining({ current: true, subscribers: 1 })]);
	});
});

describe('sending to imported subscribers', { timeout: 60_000 }, () => {
	it('signs each push with the key its subscription was made with, and moves a browser to the current key in place', async () => {
		const site = await createSite();
		const old = await generateVapidKeys();
		const [imported, native] = await Promise.all([makeSubscription(), makeSubscription()]);
		await subscribe(site, native);
		const report = await json(
			await importRows(site, old, { subscriptions: [row(imported, { externalUserId: 'user-9' })] }),
		);
		expect(report).toMatchObject({ imported: 1 });
		const [before] = await storeSql<{ id: string }>(
			site.siteId,
			'SELECT id FROM subscribers WHERE external_user_id = ?',
			'user-9',
		);

		const first = await send(site, { title: 'Hello from the old key' });
		expect((await waitDone(site, first)).counts).toMatchObject({ targeted: 2, sent: 2, failed: 0 });
		const [oldPush] = await sinkLog(imported.json.endpoint);
		expect(await signedWith(oldPush?.headers.authorization ?? '', old.publicKey)).toBe(true);
		expect(await decryptRecorded(oldPush?.body ?? '', imported)).toMatchObject({
			title: 'Hello from the old key',
		});
		const [nativePush] = await sinkLog(native.json.endpoint);
		expect(await signedWith(nativePush?.headers.authorization ?? '', site.vapidPublicKey)).toBe(true);

		// The widget on the site: unsubscribes the old-key subscription, subscribes with the current key and reports
		// the new subscription with the old endpoint: the imported row is updated in place.
		const counts = await storeRowCounts(site.siteId);
		const renewed = await makeSubscription();
		const id = await subscribe(site, renewed, { oldEndpoint: imported.json.endpoint });
		expect(id).toBe(before?.id);
		expect(await storeRowCounts(site.siteId)).toEqual(counts);
		const [after] = await storeSql(
			site.siteId,
			'SELECT endpoint, vapid_key_id, external_user_id, status FROM subscribers WHERE id = ?',
			id,
		);
		expect(after).toEqual({
			endpoint: renewed.json.endpoint,
			vapid_key_id: site.vapidPublicKey.slice(0, 16),
			external_user_id: 'user-9',
			status: 'allowed',
		});
		const keys = await json<{ vapidKeys: Array<{ subscribers: number }> }>(
			await siteApi(site, '/vapid-keys'),
		);
		expect(keys.vapidKeys.map((k) => k.subscribers)).toEqual([2, 0]);

		const second = await send(site, { title: 'Hello from the current key' });
		expect((await waitDone(site, second)).counts).toMatchObject({ targeted: 2, sent: 2 });
		const [newPush] = await sinkLog(renewed.json.endpoint);
		expect(await signedWith(newPush?.headers.authorization ?? '', site.vapidPublicKey)).toBe(true);
	});

	it('fails only the subscribers of a key that is gone, counted as vapid_key_unknown', async () => {
		const site = await createSite();
		const old = await generateVapidKeys();
		const [imported, native] = await Promise.all([makeSubscription(), makeSubscription()]);
		await subscribe(site, native);
		await importRows(site, old, { subscriptions: [imported.json] });
		await env.DB.prepare('DELETE FROM vapid_keys WHERE site_id = ?').bind(site.siteId).run();
		const id = await send(site, { title: 'Hello' });
		const view = await waitDone(site, id);
		expect(view.status).toBe('done');
		expect(view.counts).toMatchObject({ sent: 1, failed: 1, failures: { vapid_key_unknown: 1 } });
	});
});

describe('DELETE /v1/sites/:siteId/vapid-keys/:vapidKeyId', { timeout: 60_000 }, () => {
	it('refuses the current key, asks for force while subscribers use a key, then deletes them with it', async () => {
		const site = await createSite();
		const old = await generateVapidKeys();
		const sub = await makeSubscription();
		await importRows(site, old, { subscriptions: [sub.json] });
		const keyId = old.publicKey.slice(0, 16);

		expect(
			await problem(await siteApi(site, `/vapid-keys/${site.vapidPublicKey.slice(0, 16)}`, 'DELETE')),
		).toMatchObject({
			status: 409,
			code: 'vapid_key_current',
		});
		expect(await problem(await siteApi(site, '/vapid-keys/nosuchkey', 'DELETE'))).toMatchObject({
			status: 404,
			code: 'vapid_key_not_found',
		});
		const inUse = await problem(await siteApi(site, `/vapid-keys/${keyId}`, 'DELETE'));
		expect(inUse).toMatchObject({
			status: 409,
			code: 'vapid_key_in_use',
			message: expect.stringMatching(/^1 subscriber/),
		});
		expect((await storeRowCounts(site.siteId)).subscribers).toBe(1);

		const forced = await siteApi(site, `/vapid-keys/${keyId}?force=true`, 'DELETE');
		expect(await json(forced)).toEqual({ keyId, subscribersDeleted: 1 });
		expect((await storeRowCounts(site.siteId)).subscribers).toBe(0);
		const keys = await json<{ vapidKeys: unknown[] }>(await siteApi(site, '/vapid-keys'));
		expect(keys.vapidKeys).toHaveLength(1);
	});

	it('deletes an unused key without force', async () => {
		const site = await createSite();
		const old = await generateVapidKeys();
		const sub = await makeSubscription();
		await importRows(site, old, { subscriptions: [sub.json] });
		await storeSql(site.siteId, 'DELETE FROM subscribers');
		const response = await siteApi(site, `/vapid-keys/${old.publicKey.slice(0, 16)}`, 'DELETE');
		expect(await json(response)).toEqual({ keyId: old.publicKey.slice(0, 16), subscribersDeleted: 0 });
	});
});
