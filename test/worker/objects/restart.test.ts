import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DISPATCHER_MIGRATIONS, type Dispatcher } from '../../../worker/src/objects/dispatcher';
import { migrate } from '../../../worker/src/objects/schema';
import {
	call,
	createSite,
	makeSubscription,
	recipientOf,
	send,
	sinkLog,
	subscribe,
	waitDone,
} from '../helpers';

/** Throws the object's memory away, as an eviction, a crash or a deploy does; storage stays. */
async function restart(nid: string): Promise<DurableObjectStub<Dispatcher>> {
	const stub = env.DISPATCHER.get(env.DISPATCHER.idFromName(nid));
	await runInDurableObject(stub, (_instance: Dispatcher, state) => {
		try {
			state.abort('test restart');
		} catch {
			// abort() throws into the caller by design
		}
	}).catch(() => undefined);
	return env.DISPATCHER.get(env.DISPATCHER.idFromName(nid));
}

describe('Dispatcher across restarts', () => {
	it('keeps every answered shown, clicked and closed beacon when the object restarts right after', async () => {
		const site = await createSite();
		const sid = await subscribe(site, await makeSubscription());
		const nid = await send(site, {});
		await waitDone(site, nid);
		const events = ['shown', 'shown', 'clicked', 'closed', 'shown'];
		const answers = await Promise.all(
			events.map((type) =>
				call(`/v1/sites/${site.siteId}/subscribers/${sid}/events`, {
					method: 'POST',
					headers: { origin: site.origin },
					body: JSON.stringify({ type, notificationId: nid }),
				}),
			),
		);
		expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
		const stub = await restart(nid);
		const status = await stub.status();
		expect(status?.counts).toMatchObject({ shown: 3, clicked: 1, closed: 1 });
	});

	it('migrates a notification stored by the previous schema in flight and finishes it', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const sid = await subscribe(site, sub);
		const nid = await send(site, { audience: { subscriberIds: ['sub_nobody'] } });
		await waitDone(site, nid);
		// Rewind the object's storage to what the code before schema versioning left: no _schema table, batches
		// without `size`, and one batch queued an hour ago whose queue message was lost in the deploy.
		await runInDurableObject(env.DISPATCHER.get(env.DISPATCHER.idFromName(nid)), (_i: Dispatcher, state) => {
			const sql = state.storage.sql;
			sql.exec(`DROP TABLE _schema; DROP TABLE batches;
				CREATE TABLE batches (id INTEGER PRIMARY KEY, attempt INTEGER NOT NULL, recipients TEXT,
					state TEXT NOT NULL, due_at INTEGER NOT NULL);
				CREATE INDEX batches_queued ON batches (state, due_at);`);
			sql.exec(
				"INSERT INTO batches (attempt, recipients, state, due_at) VALUES (0, ?, 'queued', ?)",
				JSON.stringify([recipientOf(sub, sid, `${site.origin}/`)]),
				Date.now() - 3_600_000,
			);
			const saved = sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'state'").one().v;
			const old = { ...JSON.parse(saved), phase: 'sending', finishedAt: null };
			old.counts.targeted = 1;
			sql.exec("UPDATE meta SET v = ? WHERE k = 'state'", JSON.stringify(old));
		});

		const stub = await restart(nid);
		const schema = await runInDurableObject(stub, (_i: Dispatcher, state) => {
			const sql = state.storage.sql;
			const version = sql.exec<{ v: number }>('SELECT max(version) AS v FROM _schema').one().v;
			const sizes = sql.exec<{ size: number }>('SELECT size FROM batches').toArray();
			void state.storage.setAlarm(Date.now() + 60_000);
			return { version, sizes: sizes.map((r) => r.size) };
		});
		expect(schema).toEqual({ version: DISPATCHER_MIGRATIONS.at(-1)?.version, sizes: [1] });
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		const view = await waitDone(site, nid);
		expect(view.counts).toMatchObject({ targeted: 1, sent: 1, failed: 0 });
		expect(await sinkLog(sub.json.endpoint)).toHaveLength(1);
	});

	it('refuses to run on storage written by a newer schema rather than write to it', async () => {
		const site = await createSite();
		const nid = await send(site, {});
		await waitDone(site, nid);
		const stub = env.DISPATCHER.get(env.DISPATCHER.idFromName(nid));
		const older = DISPATCHER_MIGRATIONS.slice(0, -1);
		await runInDurableObject(stub, (_i: Dispatcher, state) => {
			expect(() => migrate(state.storage, older)).toThrow(/newer than this code/);
			expect(migrate(state.storage, DISPATCHER_MIGRATIONS)).toBe(DISPATCHER_MIGRATIONS.at(-1)?.version);
		});
	});
});
