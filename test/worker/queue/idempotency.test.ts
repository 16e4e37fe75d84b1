import {
	createExecutionContext,
	createMessageBatch,
	getQueueResult,
	runInDurableObject,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../../worker/src/index';
import type { Dispatcher } from '../../../worker/src/objects/dispatcher';
import type { PushBatch } from '../../../worker/src/queue/messages';
import { createSite, makeSubscription, recipientOf, send, sinkLog, subscribe, waitDone } from '../helpers';

async function deliver(messages: PushBatch[]) {
	const batch = createMessageBatch<PushBatch>(
		'beckon-push',
		messages.map((body, i) => ({
			id: `m${i}-${crypto.randomUUID()}`,
			timestamp: new Date(),
			attempts: 2,
			body,
		})),
	);
	const ctx = createExecutionContext();
	await worker.queue(batch, env);
	return getQueueResult(batch, ctx);
}

describe('queue consumer idempotency', () => {
	it('does not send again when a finished batch is redelivered', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const id = await subscribe(site, sub);
		const nid = await send(site, {});
		await waitDone(site, nid);
		expect(await sinkLog(sub.json.endpoint)).toHaveLength(1);
		const redelivered: PushBatch = {
			notificationId: nid,
			batchId: 1,
			attempt: 0,
			recipients: [recipientOf(sub, id, site.origin)],
		};
		const result = await deliver([redelivered, redelivered]);
		expect(result.retryMessages).toEqual([]);
		expect(result.explicitAcks).toHaveLength(2);
		expect(await sinkLog(sub.json.endpoint)).toHaveLength(1);
	});

	it('sends a batch once when two copies arrive at the same time', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const id = await subscribe(site, sub);
		const other = await makeSubscription();
		await subscribe(site, other);
		const nid = await send(site, { audience: { subscriberIds: [await subscribe(site, other)] } });
		await waitDone(site, nid);
		// A batch the dispatcher has handed to the queue but nobody has reported yet.
		const stub = env.DISPATCHER.get(env.DISPATCHER.idFromName(nid));
		const recipients = [recipientOf(sub, id, site.origin)];
		const batchId = await runInDurableObject(
			stub,
			(_instance: Dispatcher, state) =>
				state.storage.sql
					.exec<{ id: number }>(
						"INSERT INTO batches (attempt, recipients, state, due_at) VALUES (0, ?, 'queued', ?) RETURNING id",
						JSON.stringify(recipients),
						Date.now(),
					)
					.one().id,
		);
		const copy: PushBatch = { notificationId: nid, batchId, attempt: 0, recipients };
		await deliver([copy, copy]);
		expect(await sinkLog(sub.json.endpoint)).toHaveLength(1);
		const done = await runInDurableObject(
			stub,
			(_i: Dispatcher, state) =>
				state.storage.sql.exec<{ state: string }>('SELECT state FROM batches WHERE id = ?', batchId).one()
					.state,
		);
		expect(done).toBe('done');
	});

	it('acks messages of unknown notifications without sending', async () => {
		const result = await deliver([{ notificationId: 'ntf_unknown', batchId: 1, attempt: 0, recipients: [] }]);
		expect(result.explicitAcks).toHaveLength(1);
	});
});
