// npm start: the whole product locally. Ctrl-C stops it; data stays in .beckon/state between runs.
import { startLocal } from './local.mjs';
import { startSmtpSink } from './smtp-sink.mjs';

const port = Number(process.env.PORT ?? 8787);
// Staff reminder emails go to a local SMTP sink; the console reads its inbox through /v1/dev/outbox.
const mail = await startSmtpSink();
const vars = {
	EMAIL_FROM: 'Beckon (local) <beckon@localhost>',
	SMTP_HOST: '127.0.0.1',
	SMTP_PORT: String(mail.smtpPort),
	SMTP_SECURITY: 'none',
	DEV_OUTBOX_URL: mail.url,
};
const local = await startLocal({ port, log: process.stdout, logLevel: 'info', vars });
console.log(`
Beckon is running locally (workerd with local D1, Durable Objects and Queues).

  Demo store   ${local.url}/
  Console      ${local.url}/console/#site=${local.demo.siteId}&key=${local.demo.apiKey}
  API          ${local.url}/v1/…   (operator token: ADMIN_TOKEN in .dev.vars)
  Outbox       ${local.url}/v1/dev/outbox   (mail caught by the SMTP sink on 127.0.0.1:${mail.smtpPort})
               also in the console: Staff alerts → Outbox

  Demo site id ${local.demo.siteId}
  API key      ${local.demo.apiKey}

Press Ctrl-C to stop.`);
const shutdown = async () => {
	await local.stop();
	await mail.close();
	process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
