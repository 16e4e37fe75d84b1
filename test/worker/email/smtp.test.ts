import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { EmailError, type EmailMessage, type EmailProvider, emailProvider } from '../../../worker/src/email';
import type { SinkMessage } from '../../support/smtp-sink';

/** The messages the SMTP sink received for one address. */
async function inbox(address: string): Promise<SinkMessage[]> {
	const response = await fetch(`${env.SMTP_SINK_URL}/messages?to=${encodeURIComponent(address)}`);
	return response.json();
}

function provider(overrides: Partial<Cloudflare.Env> = {}): EmailProvider {
	const p = emailProvider({ ...env, ...overrides });
	if (!p) throw new Error('email is configured in vitest.config.ts');
	return p;
}

async function failure(promise: Promise<unknown>): Promise<EmailError> {
	const error = await promise.then(
		() => null,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(EmailError);
	return error as EmailError;
}

describe('smtpProvider', () => {
	it('delivers a multipart message that a real SMTP server parses back to the same content', async () => {
		const to = `ada-${crypto.randomUUID()}@example.com`;
		const lines = Array.from({ length: 1000 }, (_, i) => `line ${i + 1}: ünïcödé ✓`);
		const text = ['Hello Ada,', '.', '.starts with a dot', ...lines, '.'].join('\n');
		const subject = 'Rappel : 3 messages non lus — café ☕ 🎉 in «Support»';
		const html = '<p>Hello <b>Ada</b> — 🎉</p>\n.<p>dot line</p>';
		const p = provider();
		expect(p.kind).toBe('smtp');
		const { messageId } = await p.send({
			to: [{ email: to, name: 'Ada Lovelace-Þórsdóttir' }],
			subject,
			text,
			html,
			headers: { 'X-Beckon-Reminder': 'digest' },
		});
		const [got, ...more] = await inbox(to);
		expect(more).toEqual([]);
		expect(got?.subject).toBe(subject);
		expect(got?.to).toEqual([{ address: to, name: 'Ada Lovelace-Þórsdóttir' }]);
		expect(got?.from).toEqual({ address: 'alerts@beckon.test', name: 'Beckon Alerts' });
		expect(got?.envelope).toEqual({ from: 'alerts@beckon.test', to: [to] });
		expect(got?.text.replace(/\n$/, '')).toBe(text);
		expect(got?.html?.trim()).toBe(html);
		expect(got?.messageId).toBe(messageId);
		expect(got?.headers['x-beckon-reminder']).toBe('digest');
		expect(got?.headers['mime-version']).toBe('1.0');
		expect(got?.headers['content-type']).toMatch(/^multipart\/alternative;\s+boundary=/);
		expect(Date.now() - Date.parse(got?.date ?? '')).toBeLessThan(60_000);
		expect(got?.user).toBeNull();
		// RFC 5322: CRLF only, no line over 78 characters in what Beckon wrote.
		const raw = got?.raw ?? '';
		expect(raw).not.toMatch(/[^\r]\n/);
		for (const line of raw.split('\r\n')) expect(line.length, line).toBeLessThanOrEqual(78);
	});

	it('sends plain text alone as text/plain', async () => {
		const to = `plain-${crypto.randomUUID()}@example.com`;
		await provider().send({ to: [{ email: to }], subject: 'Plain', text: 'Just text.' });
		const [got] = await inbox(to);
		expect(got?.headers['content-type']).toBe('text/plain; charset=utf-8');
		expect(got?.text.trim()).toBe('Just text.');
		expect(got?.html).toBeNull();
	});

	it('authenticates with SMTP_USER and SMTP_PASSWORD', async () => {
		const to = `auth-${crypto.randomUUID()}@example.com`;
		await provider({ SMTP_USER: 'beckon-test', SMTP_PASSWORD: 'sink-password' }).send({
			to: [{ email: to }],
			subject: 'Signed in',
			text: 'ok',
		});
		const [got] = await inbox(to);
		expect(got?.user).toBe('beckon-test');
	});

	it('fails for good, without the password in the message, when the credentials are wrong', async () => {
		const error = await failure(
			provider({ SMTP_USER: 'beckon-test', SMTP_PASSWORD: 'wrong-secret-123' }).send({
				to: [{ email: 'x@example.com' }],
				subject: 'x',
				text: 'x',
			}),
		);
		expect(error.retryable).toBe(false);
		expect(error.message).toMatch(/refused the credentials/);
		expect(error.message).not.toContain('wrong-secret-123');
	});

	it('fails retryably with a clear message when nothing listens on the port', async () => {
		const error = await failure(
			provider({ SMTP_PORT: env.SMTP_UNUSED_PORT }).send({
				to: [{ email: 'x@example.com' }],
				subject: 'x',
				text: 'x',
			}),
		);
		expect(error.retryable).toBe(true);
		expect(error.message).toContain(`SMTP server 127.0.0.1:${env.SMTP_UNUSED_PORT}`);
	});

	it('fails retryably when the server does not answer in time', async () => {
		// The push sink is an HTTP server: it accepts the connection and waits for a request, never greeting.
		const port = new URL(env.PUSH_SINK_URL).port;
		const error = await failure(
			provider({ SMTP_PORT: port, EMAIL_TIMEOUT_MS: '300' }).send({
				to: [{ email: 'x@example.com' }],
				subject: 'x',
				text: 'x',
			}),
		);
		expect(error.retryable).toBe(true);
		expect(error.message).toBe(`SMTP server 127.0.0.1:${port} did not answer within 300 ms (greeting)`);
	});

	it('never falls back to plain text when SMTP_SECURITY=starttls and the server does not offer it', async () => {
		const error = await failure(
			provider({ SMTP_SECURITY: 'starttls', SMTP_USER: 'beckon-test', SMTP_PASSWORD: 'sink-password' }).send({
				to: [{ email: 'x@example.com' }],
				subject: 'x',
				text: 'x',
			}),
		);
		expect(error.retryable).toBe(false);
		expect(error.message).toBe('SMTP server does not offer STARTTLS');
	});

	it('refuses header injection in the subject, names, addresses and extra headers before connecting', async () => {
		const p = provider({ SMTP_PORT: env.SMTP_UNUSED_PORT });
		const base = { to: [{ email: 'x@example.com' }], subject: 'ok', text: 'x' };
		const attempts: EmailMessage[] = [
			{ ...base, subject: 'Hi\r\nBcc: victim@example.com' },
			{ ...base, subject: 'Hi\nBcc: victim@example.com' },
			{ ...base, to: [{ email: 'x@example.com', name: 'Ada\r\nBcc: victim@example.com' }] },
			{ ...base, to: [{ email: 'x@example.com>\r\nRCPT TO:<victim@example.com' }] },
			{ ...base, to: [{ email: 'x@example.com\r\n' }] },
			{ ...base, headers: { 'X-Ok': 'a\r\nBcc: victim@example.com' } },
			{ ...base, headers: { 'X-Bad\r\nBcc': 'v' } },
			{ ...base, headers: { Bcc: 'victim@example.com' } },
			{ ...base, to: [] },
		];
		for (const attempt of attempts) {
			const error = await failure(p.send(attempt));
			expect(error.retryable).toBe(false);
			expect(error.message).not.toMatch(/SMTP server/);
		}
	});
});
