import type { Env } from '../env';
import { parseMailbox } from './address';
import { type HttpSettings, httpProvider } from './http';
import { type SmtpSettings, smtpProvider } from './smtp';
import type { SmtpSecurity } from './smtp-session';
import { EmailError, type EmailProvider } from './types';

/** The email settings read from the bindings: SMTP, an HTTP API, or none. */
export type EmailSettings = ({ kind: 'smtp' } & SmtpSettings) | ({ kind: 'http' } & HttpSettings) | null;

const DEFAULT_PORTS: Record<SmtpSecurity, number> = { tls: 465, starttls: 587, none: 25 };
const TIMEOUT_MS = 15_000;

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts that may be reached without TLS. */
export function isLoopback(host: string): boolean {
	const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
	return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

const bad = (message: string) => new EmailError(`email settings: ${message}`, false);

/** Reads and checks the EMAIL_* / SMTP_* bindings; null when no email is configured. Throws on a bad setting. */
export function emailSettings(env: Env): EmailSettings {
	const host = env.SMTP_HOST?.trim() || '';
	const url = env.EMAIL_HTTP_URL?.trim() || '';
	if (!host && !url) return null;
	if (host && url) throw bad('set SMTP_HOST or EMAIL_HTTP_URL, not both');
	if (!env.EMAIL_FROM?.trim()) throw bad('EMAIL_FROM is needed (e.g. "Beckon <alerts@example.com>")');
	const from = parseMailbox(env.EMAIL_FROM, 'EMAIL_FROM');
	const timeout = Number.parseInt(env.EMAIL_TIMEOUT_MS ?? '', 10);
	const timeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout : TIMEOUT_MS;
	if (url) {
		let parsed: URL;
		try {
			parsed = new URL(url);
		} catch {
			throw bad('EMAIL_HTTP_URL is not a URL');
		}
		if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopback(parsed.hostname))) {
			throw bad('EMAIL_HTTP_URL must be https (http only for 127.0.0.1 or localhost)');
		}
		if (!env.EMAIL_HTTP_TOKEN) throw bad('EMAIL_HTTP_TOKEN is needed with EMAIL_HTTP_URL');
		return { kind: 'http', from, url, token: env.EMAIL_HTTP_TOKEN, timeoutMs };
	}
	const security = (env.SMTP_SECURITY?.trim() || 'starttls') as SmtpSecurity;
	if (!(security in DEFAULT_PORTS)) throw bad('SMTP_SECURITY must be tls, starttls or none');
	if (security === 'none' && !isLoopback(host)) {
		throw bad(`SMTP_SECURITY=none is only allowed for a loopback host (127.0.0.1, localhost), not ${host}`);
	}
	const port = env.SMTP_PORT ? Number(env.SMTP_PORT) : DEFAULT_PORTS[security];
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('SMTP_PORT must be a port number');
	const user = env.SMTP_USER || null;
	if (user && !env.SMTP_PASSWORD) throw bad('SMTP_PASSWORD is needed with SMTP_USER');
	return {
		kind: 'smtp',
		from,
		host,
		port,
		security,
		user,
		password: user ? (env.SMTP_PASSWORD ?? null) : null,
		timeoutMs,
	};
}

/** The configured email provider, or null when email is not set up. Throws `EmailError` on a bad setting. */
export function emailProvider(env: Env): EmailProvider | null {
	const settings = emailSettings(env);
	if (!settings) return null;
	return settings.kind === 'smtp' ? smtpProvider(settings) : httpProvider(settings);
}
