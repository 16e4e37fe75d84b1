import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Dispatcher } from '../../../worker/src/objects/dispatcher';
import { EMPTY_STORE, json, storeRowCounts, storeSql } from '../helpers';
import { deliverWebhook, install, newStore, shopOf, siteApi, useFakeShopify } from './helpers';

const dispatcherOf = (notificationId: string) =>
	env.DISPATCHER.get(env.DISPATCHER.idFromName(notificationId));

/** Rows left in a dispatcher's own SQLite tables (its meta and batches), whatever tables still exist. */
function rowsLeft(sql: SqlStorage): number {
	const tables = sql
		.exec<{ name: string }>(
			"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'batches')",
		)
		.toArray();
	return tables.reduce(
		(n, { name }) => n + (sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${name}`).one().n ?? 0),
		0,
	);
}

describe('shop/redact', () => {
	beforeEach(() => {
		useFakeShopify();
	});

	it('purges every notification’s dispatcher (message, audience, alarm) before deleting the rows', async () => {
		const store = newStore();
		const shop = shopOf(store);
		const installed = await install(store);
		const { siteId } = installed;
		const ids: string[] = [];
		for (const audience of [{ all: true }, { userIds: ['42'] }]) {
			const sent = await siteApi(installed, '/notifications', {
				method: 'POST',
				body: JSON.stringify({ title: 'Secret sale', body: 'for you', audience }),
			});
			expect(sent.status).toBe(202);
			ids.push((await json<{ notificationId: string }>(sent)).notificationId);
		}
		expect((await storeRowCounts(siteId)).notifications).toBe(2);
		for (const id of ids) {
			await runInDurableObject(dispatcherOf(id), async (instance: Dispatcher, state) => {
				expect(await instance.status()).not.toBeNull();
				expect(rowsLeft(state.storage.sql)).toBeGreaterThan(0);
				// A pending alarm (as while sending) must go too.
				await state.storage.setAlarm(Date.now() + 3600_000);
			});
		}

		const payload = { shop_id: 1, shop_domain: shop };
		const first = await deliverWebhook('shop/redact', shop, payload);
		expect(await json(first)).toEqual({ ok: true, shopRedacted: true, dispatchersPurged: 2 });
		const again = await deliverWebhook('shop/redact', shop, payload);
		expect(await json(again)).toEqual({ ok: true, shopRedacted: false, dispatchersPurged: 0 });

		for (const id of ids) {
			expect(await dispatcherOf(id).status()).toBeNull();
			await runInDurableObject(dispatcherOf(id), async (_instance: Dispatcher, state) => {
				expect(rowsLeft(state.storage.sql)).toBe(0);
				expect(await state.storage.getAlarm()).toBeNull();
			});
			expect(await storeSql(siteId, 'SELECT id FROM notifications WHERE id = ?', id)).toEqual([]);
		}
		expect(await storeRowCounts(siteId)).toEqual(EMPTY_STORE);
	});
});
