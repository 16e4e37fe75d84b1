/** One recipient: an address and, optionally, the name shown beside it. */
export interface Mailbox {
	email: string;
	name?: string | null;
}

/** An email as the rest of the worker hands it over; providers turn it into SMTP or an API call. */
export interface EmailMessage {
	to: Mailbox[];
	subject: string;
	text: string;
	html?: string;
	/** Extra headers (e.g. `List-Unsubscribe`); names and values may not contain CR or LF. */
	headers?: Record<string, string>;
}

/** Sends email one message at a time; throws `EmailError` when a message does not go out. */
export interface EmailProvider {
	readonly kind: 'smtp' | 'http';
	send(message: EmailMessage): Promise<{ messageId: string }>;
}

/**
 * Why a message did not go out. `retryable` says whether sending the same message later may work (network trouble,
 * a 4xx SMTP reply, a 5xx or 429 from an API) or not (a refused address, a bad setting, wrong credentials). The
 * message never contains a password or token.
 */
export class EmailError extends Error {
	readonly retryable: boolean;

	constructor(message: string, retryable: boolean) {
		super(message);
		this.name = 'EmailError';
		this.retryable = retryable;
	}
}
