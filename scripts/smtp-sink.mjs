// A local SMTP server that keeps what it receives in memory, for `npm start` and the tests: smtp-server takes the
// mail, mailparser reads it, and a small HTTP side lists it (GET /messages, DELETE /messages).
import { createServer } from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const KEEP = 200;

/** Mailparser's address object as plain `{ address, name }` pairs. */
function addresses(value) {
	const list = Array.isArray(value) ? value : value ? [value] : [];
	return list.flatMap((a) => a.value.map((m) => ({ address: m.address ?? '', name: m.name ?? '' })));
}

/**
 * Starts the sink on 127.0.0.1. Options: smtpPort, httpPort (0 = any free port), auth ({ user, password }: AUTH
 * is then offered and checked, yet still optional). Returns { smtpPort, url, messages, close() }; `url` is the HTTP
 * side, whose GET /messages answers the newest last, each with from, to, subject, text, html, date, messageId,
 * headers, envelope, user (who authenticated, or null) and raw (the message as received); `?to=addr` filters.
 */
export async function startSmtpSink(options = {}) {
	const messages = [];
	let next = 1;
	const smtp = new SMTPServer({
		logger: false,
		banner: 'Beckon SMTP sink',
		authOptional: true,
		allowInsecureAuth: true,
		authMethods: ['PLAIN', 'LOGIN'],
		disabledCommands: ['STARTTLS'],
		size: 10 * 1024 * 1024,
		onAuth(auth, _session, callback) {
			const ok =
				options.auth && auth.username === options.auth.user && auth.password === options.auth.password;
			if (ok) callback(null, { user: auth.username });
			else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
		},
		onData(stream, session, callback) {
			const chunks = [];
			stream.on('data', (c) => chunks.push(c));
			stream.on('end', async () => {
				try {
					const raw = Buffer.concat(chunks);
					const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
					messages.push({
						id: next++,
						from: addresses(mail.from)[0] ?? null,
						to: addresses(mail.to),
						subject: mail.subject ?? '',
						text: mail.text ?? '',
						html: typeof mail.html === 'string' ? mail.html : null,
						date: mail.date?.toISOString() ?? null,
						messageId: mail.messageId ?? null,
						headers: Object.fromEntries(
							mail.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(':') + 1).trim()]),
						),
						envelope: {
							from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
							to: session.envelope.rcptTo.map((r) => r.address),
						},
						user: session.user ?? null,
						raw: raw.toString('utf8'),
						receivedAt: new Date().toISOString(),
					});
					if (messages.length > KEEP) messages.splice(0, messages.length - KEEP);
					callback();
				} catch (error) {
					callback(error);
				}
			});
		},
	});
	await new Promise((resolve, reject) => {
		smtp.once('error', reject);
		smtp.listen(options.smtpPort ?? 0, '127.0.0.1', resolve);
	});
	smtp.server.unref();

	const http = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://sink');
		if (url.pathname !== '/messages') {
			res.statusCode = 404;
			res.end();
		} else if (req.method === 'GET') {
			const to = url.searchParams.get('to')?.toLowerCase();
			const list = to ? messages.filter((m) => m.envelope.to.some((a) => a.toLowerCase() === to)) : messages;
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify(list));
		} else if (req.method === 'DELETE') {
			messages.length = 0;
			res.statusCode = 204;
			res.end();
		} else {
			res.statusCode = 405;
			res.end();
		}
	});
	await new Promise((resolve) => http.listen(options.httpPort ?? 0, '127.0.0.1', resolve));
	http.unref();
	return {
		smtpPort: smtp.server.address().port,
		url: `http://127.0.0.1:${http.address().port}`,
		messages,
		close: () =>
			Promise.all([
				new Promise((resolve) => smtp.close(resolve)),
				new Promise((resolve) => {
					http.closeAllConnections();
					http.close(() => resolve());
				}),
			]),
	};
}
