import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { emailProvider } from '../../../worker/src/email';
import { devOutbox } from '../../../worker/src/routes/dev-outbox';
import type { SinkMessage } from '../../support/smtp-sink';
import { call } from '../helpers';

const request = new Request('https://beckon.test/v1/dev/outbox');

describe('GET /v1/dev/outbox', () => {
	it('answers 404 unless DEMO is on', async () => {
		const response = await call('/v1/dev/outbox');
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
	});

	it('lists what the SMTP sink caught when DEMO is on', async () => {
		const to = `outbox-${crypto.randomUUID()}@example.com`;
		await emailProvider(env)?.send({ to: [{ email: to }], subject: 'Outbox check', text: 'seen' });
		const demo = { ...env, DEMO: 'true', DEV_OUTBOX_URL: env.SMTP_SINK_URL };
		const response = await devOutbox(request, demo);
		expect(response.status).toBe(200);
		const messages = (await response.json()) as SinkMessage[];
		expect(messages.find((m) => m.envelope.to.includes(to))).toMatchObject({ subject: 'Outbox check' });
	});

	it('answers 503 with a hint when the sink is not set or something else answers', async () => {
		const unset = await devOutbox(request, { ...env, DEMO: 'true', DEV_OUTBOX_URL: '' }).catch(
			(e: unknown) => e,
		);
		expect(unset).toMatchObject({ status: 503 });
		// Another server on that address (here the push sink, which has no /messages).
		const wrong = await devOutbox(request, { ...env, DEMO: 'true', DEV_OUTBOX_URL: env.PUSH_SINK_URL }).catch(
			(e: unknown) => e,
		);
		expect(wrong).toMatchObject({
			status: 503,
			code: 'outbox_unavailable',
			message: 'The local SMTP sink answered 404',
		});
	});
});
