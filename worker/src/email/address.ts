import { EmailError, type Mailbox } from './types';

// Addresses are kept to plain ASCII `local@domain` (what every SMTP server and API accepts without SMTPUTF8): no
// spaces, quotes, angle brackets or line breaks, so an address can never end a header or an SMTP command early.
const ADDRESS =
	/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Throws a non-retryable `EmailError` unless `email` is a plain `local@domain` address. */
export function checkAddress(email: string, what: string): string {
	if (email.length > 254 || !ADDRESS.test(email)) {
		throw new EmailError(
			`${what}: ${JSON.stringify(email.slice(0, 80))} is not a valid email address`,
			false,
		);
	}
	return email;
}

/** Throws when a header value (a subject, a display name) holds a line break or another control character. */
export function checkHeaderText(value: string, what: string): string {
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		// Tab is the one control character a header may hold.
		if ((c < 32 && c !== 9) || c === 127) {
			throw new EmailError(`${what} may not contain line breaks or control characters`, false);
		}
	}
	return value;
}

/** Reads `Name <addr@example.com>` or `addr@example.com` (the EMAIL_FROM setting). */
export function parseMailbox(value: string, what: string): Mailbox {
	const trimmed = value.trim();
	const m = /^(.*?)\s*<([^<>]*)>$/.exec(trimmed);
	if (!m) return { email: checkAddress(trimmed, what) };
	const name = (m[1] ?? '').replace(/^"(.*)"$/, '$1').trim();
	return { email: checkAddress(m[2] ?? '', what), name: name ? checkHeaderText(name, what) : null };
}

/** Checks every part of a mailbox that ends up in a header or an SMTP command. */
export function checkMailbox(mailbox: Mailbox, what: string): Mailbox {
	checkAddress(mailbox.email, what);
	if (mailbox.name) checkHeaderText(mailbox.name, `${what} name`);
	return mailbox;
}
