import { describe, expect, it } from 'vitest';
import { createSite, makeSubscription, send, sinkLog, subscribe, waitDone } from './helpers';

describe('smoke', () => {
	it('sends one push end to end through D1, the dispatcher and the queue', async () => {
		const site = await createSite();
		const sub = await makeSubscription('201');
		await subscribe(site, sub);
		const id = await send(site, { title: 'Hi' });
		const view = await waitDone(site, id);
		expect(view.counts.sent).toBe(1);
		const log = await sinkLog(sub.json.endpoint);
		expect(log).toHaveLength(1);
	});
});
