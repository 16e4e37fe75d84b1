import { checkMessage } from './mime';
import { EmailError, type EmailMessage, type EmailProvider, type Mailbox } from './types';

/** An email API that takes Resend's `POST /emails` body and `Authorization: Bearer` token. */
export interface HttpSettings {
	from: Mailbox;
	url: string;
	token: string;
	timeoutMs: number;
}

/**
 * The request body, exactly Resend's `POST https://api.resend.com/emails` shape: `from` as `Name <addr>`, `to` an
 * array of addresses, `subject`, `text`, and `html` / `headers` only when given.
 */
export function httpBody(from: Mailbox, message: EmailMessage): Record<string, unknown> {
	checkMessage(message);
	return {
		from: from.name ? `${from.name.replace(/[<>"]/g, '')} <${from.email}>` : from.email,
		to: message.to.map((to) => to.email),
		subject: message.subject,
		text: message.text,
		...(message.html === undefined ? {} : { html: message.html }),
		...(message.headers && Object.keys(message.headers).length ? { headers: message.headers } : {}),
	};
}

/** Sends through an HTTP email API (Resend, or any service taking the same body). */
export function httpProvider(settings: HttpSettings): EmailProvider {
	const host = new URL(settings.url).host;
	return {
		kind: 'http',
		async send(message: EmailMessage) {
			const body = JSON.stringify(httpBody(settings.from, message));
			let response: Response;
			try {
				response = await fetch(settings.url, {
					method: 'POST',
					headers: { authorization: `Bearer ${settings.token}`, 'content-type': 'application/json' },
					body,
					signal: AbortSignal.timeout(settings.timeoutMs),
				});
			} catch (error) {
				const reason =
					error instanceof Error && error.name === 'TimeoutError'
						? `no answer within ${settings.timeoutMs} ms`
						: String((error as Error)?.message ?? error);
				throw new EmailError(`email API ${host} could not be reached: ${reason}`, true);
			}
			const text = await response.text();
			if (!response.ok) {
				// 429 and 5xx pass; any other 4xx is about this message or the token and will not pass unchanged.
				const retryable = response.status === 429 || response.status >= 500;
				const detail = text.replaceAll(settings.token, '…').slice(0, 200);
				throw new EmailError(`email API ${host} answered ${response.status}: ${detail}`, retryable);
			}
			let id: unknown;
			try {
				id = (JSON.parse(text) as { id?: unknown }).id;
			} catch {
				id = undefined;
			}
			return { messageId: typeof id === 'string' && id ? id : `${host}:${response.status}` };
		},
	};
}
