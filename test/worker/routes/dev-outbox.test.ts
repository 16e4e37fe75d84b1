import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { emailProvider } from '../../../worker/src/email';
import { devOutbox, siteDevOutbox } from '../../../worker/src/routes/dev-outbox';
import type { SinkMessage } from '../../support/smtp-sink';
import { call, createSite } from '../helpers';

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

describe('GET /v1/sites/:siteId/dev/outbox', () => {
	const demo = { ...env, DEMO: 'true', DEV_OUTBOX_URL: env.SMTP_SINK_URL };
	const ask = (siteId: string, key?: string) =>
		new Request(`https://beckon.test/v1/sites/${siteId}/dev/outbox`, {
			headers: { origin: 'https://wp-admin.example', ...(key ? { authorization: `Bearer ${key}` } : {}) },
		});

	it('answers 404 on a deployment without looking at the token, readable from another origin', async () => {
		const site = await createSite();
		for (const key of [undefined, site.apiKey]) {
			const response = await call(`/v1/sites/${site.siteId}/dev/outbox`, {
				...(key ? { key } : {}),
				headers: { origin: 'https://wp-admin.example' },
			});
			expect(response.status).toBe(404);
			expect(response.headers.get('access-control-allow-origin')).toBe('https://wp-admin.example');
			expect(await response.json()).toMatchObject({
				error: { code: 'not_found', message: 'The outbox exists only in local development (npm start)' },
			});
		}
	});

	it('lists the sink’s mail for a console token or key of the site, and refuses anyone else', async () => {
		const site = await createSite();
		const other = await createSite();
		const to = `console-outbox-${crypto.randomUUID()}@example.com`;
		await emailProvider(env)?.send({ to: [{ email: to }], subject: 'For the console', text: 'seen' });
		const response = await siteDevOutbox(ask(site.siteId, site.apiKey), demo, site.siteId);
		expect(response.status).toBe(200);
		const messages = (await response.json()) as SinkMessage[];
		expect(messages.find((m) => m.envelope.to.includes(to))).toMatchObject({ subject: 'For the console' });
		await expect(siteDevOutbox(ask(site.siteId), demo, site.siteId)).rejects.toMatchObject({ status: 401 });
		await expect(siteDevOutbox(ask(site.siteId, other.apiKey), demo, site.siteId)).rejects.toMatchObject({
			status: 403,
		});
		await expect(
			siteDevOutbox(ask(site.siteId, site.apiKey), { ...demo, DEV_OUTBOX_URL: '' }, site.siteId),
		).rejects.toMatchObject({ status: 503, code: 'not_configured' });
	});
});
