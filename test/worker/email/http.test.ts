import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { EmailError, emailProvider } from '../../../worker/src/email';

interface Record {
	status: number;
	headers: { [name: string]: string };
	body: string;
}

function provider(behaviour: string, id: string) {
	const p = emailProvider({
		...env,
		SMTP_HOST: '',
		EMAIL_HTTP_URL: `${env.PUSH_SINK_URL}/push/${behaviour}/${id}`,
		EMAIL_HTTP_TOKEN: 're_test_token_123',
	});
	if (!p) throw new Error('configured above');
	return p;
}

async function recorded(behaviour: string, id: string): Promise<Record[]> {
	return (await fetch(`${env.PUSH_SINK_URL}/_log/${behaviour}/${id}`)).json();
}

/** The sink keeps bodies as base64url. */
function json(body = ''): { [key: string]: unknown } {
	const binary = atob(body.replace(/-/g, '+').replace(/_/g, '/'));
	return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

const message = {
	to: [{ email: 'ada@example.com', name: 'Ada' }, { email: 'bob@example.com' }],
	subject: 'Rappel — 2 messages ☕',
	text: 'Two unread.',
	html: '<p>Two unread.</p>',
};

describe('httpProvider', () => {
	it("posts Resend's /emails body with the bearer token", async () => {
		const id = crypto.randomUUID();
		const p = provider('201', id);
		expect(p.kind).toBe('http');
		const result = await p.send({ ...message, headers: { 'X-Beckon-Reminder': 'digest' } });
		expect(result.messageId).toBeTruthy();
		const [call] = await recorded('201', id);
		expect(call?.headers.authorization).toBe('Bearer re_test_token_123');
		expect(call?.headers['content-type']).toBe('application/json');
		expect(json(call?.body)).toEqual({
			from: 'Beckon Alerts <alerts@beckon.test>',
			to: ['ada@example.com', 'bob@example.com'],
			subject: message.subject,
			text: 'Two unread.',
			html: '<p>Two unread.</p>',
			headers: { 'X-Beckon-Reminder': 'digest' },
		});
	});

	it('leaves html out when there is none', async () => {
		const id = crypto.randomUUID();
		await provider('201', id).send({ to: [{ email: 'ada@example.com' }], subject: 's', text: 't' });
		const [call] = await recorded('201', id);
		expect(Object.keys(json(call?.body))).toEqual(['from', 'to', 'subject', 'text']);
	});

	it('fails retryably on 5xx and 429, for good on other 4xx, never showing the token', async () => {
		for (const [status, retryable] of [
			['500', true],
			['503', true],
			['429', true],
			['404', false],
			['413', false],
		] as const) {
			const error = await provider(status, crypto.randomUUID())
				.send(message)
				.then(
					() => null,
					(e: unknown) => e,
				);
			expect(error).toBeInstanceOf(EmailError);
			expect((error as EmailError).retryable, status).toBe(retryable);
			expect((error as EmailError).message).toContain(`answered ${status}`);
			expect((error as EmailError).message).not.toContain('re_test_token_123');
		}
	});

	it('refuses header injection before calling the API', async () => {
		const id = crypto.randomUUID();
		const error = await provider('201', id)
			.send({ ...message, subject: 'x\r\nBcc: victim@example.com' })
			.catch((e: unknown) => e);
		expect((error as EmailError).retryable).toBe(false);
		expect(await recorded('201', id)).toEqual([]);
	});
});
