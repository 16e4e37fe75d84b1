import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { EmailError, emailProvider, emailSettings } from '../../../worker/src/email';
import type { Env } from '../../../worker/src/env';

const none: Partial<Env> = {
	EMAIL_FROM: undefined,
	SMTP_HOST: undefined,
	SMTP_PORT: undefined,
	SMTP_SECURITY: undefined,
	EMAIL_HTTP_URL: undefined,
};

function settingsError(vars: Partial<Env>): EmailError {
	try {
		emailSettings({ ...env, ...none, ...vars });
	} catch (error) {
		expect(error).toBeInstanceOf(EmailError);
		expect((error as EmailError).retryable).toBe(false);
		return error as EmailError;
	}
	throw new Error('expected a settings error');
}

describe('emailProvider', () => {
	it('is null when no email is configured', () => {
		expect(emailProvider({ ...env, ...none })).toBeNull();
	});

	it('reads SMTP settings with defaults by security', () => {
		const s = emailSettings({
			...env,
			...none,
			EMAIL_FROM: 'alerts@example.com',
			SMTP_HOST: 'smtp.example.com',
		});
		expect(s).toMatchObject({
			kind: 'smtp',
			host: 'smtp.example.com',
			port: 587,
			security: 'starttls',
			user: null,
		});
		expect(
			emailSettings({
				...env,
				...none,
				EMAIL_FROM: 'a@example.com',
				SMTP_HOST: 'h.example',
				SMTP_SECURITY: 'tls',
			}),
		).toMatchObject({ port: 465, from: { email: 'a@example.com' } });
	});

	it('refuses SMTP_SECURITY=none for a host that is not loopback', () => {
		const error = settingsError({
			EMAIL_FROM: 'a@example.com',
			SMTP_HOST: 'smtp.example.com',
			SMTP_SECURITY: 'none',
		});
		expect(error.message).toBe(
			'email settings: SMTP_SECURITY=none is only allowed for a loopback host (127.0.0.1, localhost), not smtp.example.com',
		);
		for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
			expect(
				emailSettings({
					...env,
					...none,
					EMAIL_FROM: 'a@example.com',
					SMTP_HOST: host,
					SMTP_SECURITY: 'none',
				}),
			).toMatchObject({ security: 'none', port: 25 });
		}
	});

	it('says which setting is wrong, never echoing a password', () => {
		expect(settingsError({ SMTP_HOST: 'smtp.example.com' }).message).toMatch(/EMAIL_FROM is needed/);
		expect(settingsError({ EMAIL_FROM: 'not an address', SMTP_HOST: 'h.example' }).message).toMatch(
			/EMAIL_FROM: "not an address" is not a valid email address/,
		);
		expect(
			settingsError({ EMAIL_FROM: 'a@example.com', SMTP_HOST: 'h.example', SMTP_SECURITY: 'ssl' }).message,
		).toMatch(/SMTP_SECURITY must be tls, starttls or none/);
		expect(
			settingsError({ EMAIL_FROM: 'a@example.com', SMTP_HOST: 'h.example', SMTP_PORT: '99999' }).message,
		).toMatch(/SMTP_PORT/);
		expect(
			settingsError({
				EMAIL_FROM: 'a@example.com',
				SMTP_HOST: 'h.example',
				SMTP_USER: 'u',
				SMTP_PASSWORD: '',
			}).message,
		).toMatch(/SMTP_PASSWORD is needed/);
		expect(
			settingsError({
				EMAIL_FROM: 'a@example.com',
				EMAIL_HTTP_URL: 'http://mail.example.com/emails',
				EMAIL_HTTP_TOKEN: 'secret-tok',
			}).message,
		).toMatch(/must be https/);
		expect(
			settingsError({ EMAIL_FROM: 'a@example.com', EMAIL_HTTP_URL: 'https://api.resend.com/emails' }).message,
		).toMatch(/EMAIL_HTTP_TOKEN is needed/);
		expect(
			settingsError({
				EMAIL_FROM: 'a@example.com',
				SMTP_HOST: 'h.example',
				EMAIL_HTTP_URL: 'https://api.resend.com/emails',
			}).message,
		).toMatch(/not both/);
	});

	it('reads EMAIL_FROM with a display name', () => {
		const s = emailSettings({
			...env,
			...none,
			EMAIL_FROM: '"Café Støre" <shop@example.com>',
			SMTP_HOST: 'h.example',
		});
		expect(s?.from).toEqual({ email: 'shop@example.com', name: 'Café Støre' });
	});
});
