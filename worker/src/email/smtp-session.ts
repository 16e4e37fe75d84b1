import { connect } from 'cloudflare:sockets';
import { EmailError } from './types';

/** One SMTP reply: its code and the text of all its lines. */
export interface Reply {
	code: number;
	lines: string[];
}

/** How the connection is protected: TLS from the start (465), upgraded with STARTTLS (587), or plain (loopback). */
export type SmtpSecurity = 'tls' | 'starttls' | 'none';

const encoder = new TextEncoder();

/**
 * One SMTP connection over `cloudflare:sockets`: writes commands, reads (multi-line) replies, each wait bounded by
 * `timeoutMs`. Failures of the connection itself are retryable `EmailError`s naming the server, never a command.
 */
export class SmtpSession {
	private socket: Socket;
	private reader!: ReadableStreamDefaultReader<Uint8Array>;
	private writer!: WritableStreamDefaultWriter<Uint8Array>;
	private decoder = new TextDecoder();
	private buffer = '';
	private readonly where: string;

	constructor(
		host: string,
		port: number,
		security: SmtpSecurity,
		private readonly timeoutMs: number,
	) {
		this.where = `SMTP server ${host}:${port}`;
		this.socket = connect(
			{ hostname: host, port },
			{
				secureTransport: security === 'tls' ? 'on' : security === 'starttls' ? 'starttls' : 'off',
				allowHalfOpen: false,
			},
		);
		this.attach();
	}

	/** Waits for the connection (and the TLS handshake, with `tls`). */
	async opened(): Promise<void> {
		await this.bounded(this.socket.opened, 'connecting');
	}

	/** Sends one command line and returns the reply. */
	async command(line: string, what = line.split(' ')[0] ?? line): Promise<Reply> {
		await this.write(`${line}\r\n`, what);
		return this.reply(what);
	}

	/** Writes raw text (already CRLF-terminated). */
	async write(text: string, what: string): Promise<void> {
		await this.bounded(this.writer.write(encoder.encode(text)), what);
	}

	/** Reads one reply: lines `NNN-text` continue it, the line `NNN text` (or `NNN`) ends it. */
	async reply(what: string): Promise<Reply> {
		const lines: string[] = [];
		for (;;) {
			const line = await this.line(what);
			const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
			if (!m) throw new EmailError(`${this.where} sent an unreadable reply to ${what}`, true);
			lines.push(m[3] ?? '');
			if (m[2] !== '-') return { code: Number(m[1]), lines };
		}
	}

	/** Switches the connection to TLS after a 220 answer to STARTTLS. */
	upgrade(): void {
		// Anything that arrived before the handshake was not protected by it (a STARTTLS injection): refuse it.
		if (this.buffer) throw new EmailError(`${this.where} sent data before the TLS handshake`, false);
		this.reader.releaseLock();
		this.writer.releaseLock();
		this.socket = this.socket.startTls();
		this.attach();
	}

	private attach(): void {
		this.reader = this.socket.readable.getReader();
		this.writer = this.socket.writable.getWriter();
		// A refused or lost connection also rejects these; the step that waits reports it, so they need no handler.
		this.socket.closed.catch(() => undefined);
		this.writer.closed.catch(() => undefined);
	}

	/** Closes the connection (safe to call twice, never throws). */
	async close(): Promise<void> {
		try {
			await this.socket.close();
		} catch {
			// Already closed or never opened.
		}
	}

	private async line(what: string): Promise<string> {
		for (;;) {
			const end = this.buffer.indexOf('\n');
			if (end >= 0) {
				const line = this.buffer.slice(0, end).replace(/\r$/, '');
				this.buffer = this.buffer.slice(end + 1);
				return line;
			}
			if (this.buffer.length > 64 * 1024)
				throw new EmailError(`${this.where} sent an overlong reply line`, true);
			const { value, done } = await this.bounded(this.reader.read(), what);
			if (done) throw new EmailError(`${this.where} closed the connection during ${what}`, true);
			this.buffer += this.decoder.decode(value, { stream: true });
		}
	}

	private async bounded<T>(promise: Promise<T>, what: string): Promise<T> {
		let timer: ReturnType<typeof setTimeout> | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => {
				reject(new EmailError(`${this.where} did not answer within ${this.timeoutMs} ms (${what})`, true));
				void this.close();
			}, this.timeoutMs);
		});
		try {
			return await Promise.race([promise, timeout]);
		} catch (error) {
			if (error instanceof EmailError) throw error;
			const reason = error instanceof Error ? error.message : String(error);
			throw new EmailError(`${this.where}: ${what} failed: ${reason}`, true);
		} finally {
			clearTimeout(timer);
		}
	}
}
