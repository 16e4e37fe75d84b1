// npm start: the whole product locally. Ctrl-C stops it; data stays in .beckon/state between runs.
import { startLocal } from './local.mjs';

const port = Number(process.env.PORT ?? 8787);
const local = await startLocal({ port, log: process.stdout, logLevel: 'info' });
console.log(`
Beckon is running locally (workerd with local D1, Durable Objects and Queues).

  Demo store   ${local.url}/
  Console      ${local.url}/console/#site=${local.demo.siteId}&key=${local.demo.apiKey}
  API          ${local.url}/v1/…   (operator token: ADMIN_TOKEN in .dev.vars)

  Demo site id ${local.demo.siteId}
  API key      ${local.demo.apiKey}

Press Ctrl-C to stop.`);
const shutdown = async () => {
	await local.stop();
	process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
