import { checkHeaderText, checkMailbox } from './address';
import { encodePhrase, encodeWords, quotedPrintable } from './encode';
import { EmailError, type EmailMessage, type Mailbox } from './types';

/** What the message needs besides its content: the sender and this message's own id, date and MIME boundary. */
export interface Envelope {
	from: Mailbox;
	messageId: string;
	date: Date;
	boundary: string;
}

// Headers the builder writes itself; a caller's extra headers may not replace them.
const RESERVED = new Set([
	'from',
	'to',
	'cc',
	'bcc',
	'subject',
	'date',
	'message-id',
	'mime-version',
	'content-type',
	'content-transfer-encoding',
	'sender',
	'return-path',
]);

/** `"Name" <addr>` or `addr`, folded before `<addr>` when the line would grow long. */
export function formatMailbox(mailbox: Mailbox): string {
	if (!mailbox.name) return mailbox.email;
	const phrase = encodePhrase(mailbox.name);
	// Folding before the address keeps an encoded name and a long address within 78-character lines.
	const fold = phrase.includes('\r\n') || phrase.length + mailbox.email.length > 66;
	return `${phrase}${fold ? '\r\n ' : ' '}<${mailbox.email}>`;
}

/** RFC 5322 date-time in UTC, e.g. `Wed, 02 Dec 2026 16:11:02 +0000`. */
export function formatDate(date: Date): string {
	return date.toUTCString().replace(/GMT$/, '+0000');
}

/** Checks a message before anything is sent: recipients, subject and extra headers (no header injection). */
export function checkMessage(message: EmailMessage): void {
	if (message.to.length === 0) throw new EmailError('to: at least one recipient is needed', false);
	for (const to of message.to) checkMailbox(to, 'to');
	checkHeaderText(message.subject, 'subject');
	for (const [name, value] of Object.entries(message.headers ?? {})) {
		if (!/^[!-9;-~]{1,76}$/.test(name))
			throw new EmailError(`header name ${JSON.stringify(name)} is not valid`, false);
		if (RESERVED.has(name.toLowerCase()))
			throw new EmailError(`header ${name} is set by Beckon itself`, false);
		checkHeaderText(value, `header ${name}`);
	}
}

/**
 * The whole RFC 5322 message with CRLF line ends: text/plain, or multipart/alternative (text, then HTML) when there
 * is HTML; bodies in quoted-printable UTF-8, non-ASCII headers as encoded words. Not yet dot-stuffed.
 */
export function buildMessage(message: EmailMessage, envelope: Envelope): string {
	checkMessage(message);
	checkMailbox(envelope.from, 'from');
	const headers = [
		`From: ${formatMailbox(envelope.from)}`,
		`To: ${message.to.map(formatMailbox).join(',\r\n ')}`,
		`Subject: ${encodeWords(message.subject)}`,
		`Date: ${formatDate(envelope.date)}`,
		`Message-ID: ${envelope.messageId}`,
		'MIME-Version: 1.0',
		...Object.entries(message.headers ?? {}).map(([name, value]) => `${name}: ${encodeWords(value)}`),
	];
	const part = (type: string, body: string) => [
		`Content-Type: ${type}; charset=utf-8`,
		'Content-Transfer-Encoding: quoted-printable',
		'',
		quotedPrintable(body),
	];
	if (message.html === undefined) return [...headers, ...part('text/plain', message.text), ''].join('\r\n');
	const b = envelope.boundary;
	return [
		...headers,
		`Content-Type: multipart/alternative;\r\n boundary="${b}"`,
		'',
		`--${b}`,
		...part('text/plain', message.text),
		`--${b}`,
		...part('text/html', message.html),
		`--${b}--`,
		'',
	].join('\r\n');
}

/** A fresh envelope: a random Message-ID at the sender's domain and a boundary no QP body can contain. */
export function newEnvelope(from: Mailbox): Envelope {
	const id = crypto.randomUUID();
	const domain = from.email.slice(from.email.lastIndexOf('@') + 1);
	// "=_" never appears in quoted-printable output, so the boundary cannot occur inside a part.
	return {
		from,
		messageId: `<${id}@${domain}>`,
		date: new Date(),
		boundary: `=_beckon_${id.replace(/-/g, '')}`,
	};
}
