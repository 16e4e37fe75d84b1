import { buildMessage, newEnvelope } from './mime';
import { type Reply, type SmtpSecurity, SmtpSession } from './smtp-session';
import { EmailError, type EmailMessage, type EmailProvider, type Mailbox } from './types';

/** Where and how to reach the SMTP server. */
export interface SmtpSettings {
	from: Mailbox;
	host: string;
	port: number;
	security: SmtpSecurity;
	user: string | null;
	password: string | null;
	timeoutMs: number;
}

/** Lines that start with "." get one more (RFC 5321 4.5.2); the message ends with CRLF "." CRLF. */
export function dotStuff(message: string): string {
	const body = message.endsWith('\r\n') ? message : `${message}\r\n`;
	return `${body.replace(/^\./gm, '..')}.\r\n`;
}

/** The same text in every error about a reply: what was sent and what the server said (never credentials). */
function refused(step: string, reply: Reply): EmailError {
	const text = reply.lines.join(' ').slice(0, 200);
	// 4xx: try again later (RFC 5321 4.2.1); 5xx: this message will not go through as it is.
	return new EmailError(
		`SMTP server refused ${step}: ${reply.code} ${text}`,
		reply.code >= 400 && reply.code < 500,
	);
}

function expect(step: string, reply: Reply, ...codes: number[]): Reply {
	if (!codes.includes(reply.code)) throw refused(step, reply);
	return reply;
}

/** Sends each message over its own SMTP connection (reminders are few; one connection per digest is enough). */
export function smtpProvider(settings: SmtpSettings): EmailProvider {
	return {
		kind: 'smtp',
		async send(message: EmailMessage) {
			const envelope = newEnvelope(settings.from);
			const data = dotStuff(buildMessage(message, envelope));
			const session = new SmtpSession(settings.host, settings.port, settings.security, settings.timeoutMs);
			try {
				await session.opened();
				expect('the connection', await session.reply('greeting'), 220);
				await converse(session, settings, message, data);
				return { messageId: envelope.messageId };
			} finally {
				await session.close();
			}
		},
	};
}

async function converse(
	session: SmtpSession,
	s: SmtpSettings,
	message: EmailMessage,
	data: string,
): Promise<void> {
	const helo = `EHLO ${s.from.email.slice(s.from.email.lastIndexOf('@') + 1)}`;
	let ehlo = expect('EHLO', await session.command(helo), 250);
	if (s.security === 'starttls') {
		// Never fall back to plain text: a server (or someone in between) that hides STARTTLS gets no password.
		if (!hasExtension(ehlo, 'STARTTLS')) throw new EmailError('SMTP server does not offer STARTTLS', false);
		expect('STARTTLS', await session.command('STARTTLS'), 220);
		session.upgrade();
		ehlo = expect('EHLO', await session.command(helo), 250);
	}
	if (s.user !== null) await authenticate(session, ehlo, s.user, s.password ?? '');
	expect('MAIL FROM', await session.command(`MAIL FROM:<${s.from.email}>`), 250);
	for (const to of message.to)
		expect(`RCPT TO <${to.email}>`, await session.command(`RCPT TO:<${to.email}>`), 250, 251);
	expect('DATA', await session.command('DATA'), 354);
	await session.write(data, 'message data');
	expect('the message', await session.reply('message data'), 250);
	// The message is accepted; a slow or missing answer to QUIT changes nothing.
	await session.command('QUIT').catch(() => undefined);
}

function hasExtension(ehlo: Reply, name: string): string | null {
	for (const line of ehlo.lines.slice(1)) {
		const [keyword, ...params] = line.trim().split(/\s+/);
		if (keyword?.toUpperCase() === name) return params.join(' ').toUpperCase() || name;
	}
	return null;
}

async function authenticate(
	session: SmtpSession,
	ehlo: Reply,
	user: string,
	password: string,
): Promise<void> {
	const methods = (hasExtension(ehlo, 'AUTH') ?? '').split(' ');
	const b64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
	let reply: Reply;
	if (methods.includes('PLAIN')) {
		reply = await session.command(`AUTH PLAIN ${b64(`\0${user}\0${password}`)}`, 'AUTH PLAIN');
	} else if (methods.includes('LOGIN')) {
		expect('AUTH LOGIN', await session.command('AUTH LOGIN'), 334);
		expect('AUTH LOGIN', await session.command(b64(user), 'AUTH LOGIN user'), 334);
		reply = await session.command(b64(password), 'AUTH LOGIN password');
	} else {
		throw new EmailError(
			'SMTP server offers neither AUTH PLAIN nor AUTH LOGIN; check SMTP_SECURITY and SMTP_PORT',
			false,
		);
	}
	if (reply.code === 535)
		throw new EmailError(
			'SMTP server refused the credentials (535); check SMTP_USER and SMTP_PASSWORD',
			false,
		);
	expect('authentication', reply, 235);
}
