import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { limiter } from '../../../worker/src/lib/limit';
import type { DispatchInput } from '../../../worker/src/objects/dispatcher';
import { sendBatch } from '../../../worker/src/queue/consumer';
import type { Recipient } from '../../../worker/src/queue/messages';
import type { RenderContext } from '../../../worker/src/sending/liquid';
import { decryptRecorded } from '../decrypt';
import {
	createSite,
	makeSubscription,
	recipientOf,
	send,
	sinkLog,
	subscribe,
	type TestSubscription,
	waitDone,
} from '../helpers';

async function received(sub: TestSubscription): Promise<Array<Record<string, unknown>>> {
	const log = await sinkLog(sub.json.endpoint);
	return Promise.all(log.map((r) => decryptRecorded(r.body, sub)));
}

function contextOf(id: string, user: RenderContext['user'], event?: RenderContext['event']): RenderContext {
	const ctx: RenderContext = {
		subscriber: {
			id,
			browser: 'Firefox',
			os: 'Linux',
			locale: 'en-GB',
			timezone: null,
			last_url: null,
			categories: [],
		},
		user,
	};
	if (event) ctx.event = event;
	return ctx;
}

describe('a personalised notification in the queue consumer', () => {
	it('renders each recipient with its own context, and fails alone the one whose message grows too large', async () => {
		const site = await createSite();
		const subs = await Promise.all([makeSubscription(), makeSubscription(), makeSubscription()]);
		const [ada, grace, verbose] = subs as [TestSubscription, TestSubscription, TestSubscription];
		const recipients: Recipient[] = [
			{
				...recipientOf(ada, 'sub_ada', `${site.origin}/a`),
				ctx: contextOf('sub_ada', { id: 'u1', first_name: 'Ada' }),
			},
			{
				...recipientOf(grace, 'sub_grace', `${site.origin}/g`),
				ctx: contextOf('sub_grace', null, { product: 'Boots & socks' }),
			},
			{
				...recipientOf(verbose, 'sub_verbose', `${site.origin}/v`),
				ctx: contextOf('sub_verbose', { id: 'u3', first_name: 'x'.repeat(2000) }),
			},
		];
		const input: DispatchInput = {
			notificationId: 'ntf_personalised',
			siteId: site.siteId,
			message: {
				title: 'Hi {{ user.first_name | default: "there" }}',
				body: '{{ event.product | default: "New in" }}: {{ user.first_name }}',
				url: '{{ user.page }}',
			},
			audience: { all: true },
			delivery: { ttl: 600, urgency: 'normal' },
			homeUrl: `${site.origin}/`,
			iconUrl: null,
			createdAt: Date.now(),
		};

		const report = await sendBatch(env, input, 0, recipients, limiter(6));

		expect(report).toMatchObject({ sent: 2, gone: 0, failures: { payload_too_large: 1 }, retry: [] });
		expect(await received(ada)).toEqual([
			expect.objectContaining({
				title: 'Hi Ada',
				body: 'New in: Ada',
				url: `${site.origin}/a`,
				sid: 'sub_ada',
			}),
		]);
		expect(await received(grace)).toEqual([
			expect.objectContaining({ title: 'Hi there', body: 'Boots & socks:', url: `${site.origin}/g` }),
		]);
		expect(await sinkLog(verbose.json.endpoint)).toEqual([]);
	});

	it('renders the subscriber context the store pages, from the send API to the push service', async () => {
		const site = await createSite();
		const subs = await Promise.all([makeSubscription(), makeSubscription(), makeSubscription()]);
		const [first, second, long] = subs as [TestSubscription, TestSubscription, TestSubscription];
		await subscribe(site, first, { url: `${site.origin}/first` });
		await subscribe(site, second, { url: `${site.origin}/second` });
		// Within the URL limit, but three times over it is past the push size limit.
		await subscribe(site, long, { url: `${site.origin}/${'p'.repeat(900)}` });

		const id = await send(site, {
			title: 'Hi {{ user.first_name | default: "there" }}',
			body: '{{ subscriber.last_url }} {{ subscriber.last_url }} {{ subscriber.last_url }}',
			// Renders blank for everyone: each click opens the subscriber's last page, as without a URL.
			url: '{{ user.page }}',
		});
		const view = await waitDone(site, id);

		expect(view.counts).toMatchObject({ targeted: 3, sent: 2, failed: 1 });
		expect(view.counts.failures).toEqual({ payload_too_large: 1 });
		const bodies = await Promise.all([received(first), received(second)]);
		expect(bodies.map((b) => b.map((p) => [p.title, p.body, p.url]))).toEqual([
			[
				[
					'Hi there',
					`${site.origin}/first ${site.origin}/first ${site.origin}/first`,
					`${site.origin}/first`,
				],
			],
			[
				[
					'Hi there',
					`${site.origin}/second ${site.origin}/second ${site.origin}/second`,
					`${site.origin}/second`,
				],
			],
		]);
		expect(await sinkLog(long.json.endpoint)).toEqual([]);
	});
});
