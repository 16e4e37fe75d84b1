import { createServer } from 'node:net';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { startPushSink } from './test/support/push-sink.ts';
import { startSmtpSink } from './test/support/smtp-sink.ts';

/** A port nothing listens on (bound, then released), for the "wrong port" email test. */
async function unusedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** Browser files that run alone, after all the others (see the e2e-solo project). */
const SOLO = ['test/e2e/shopify-storefront-impact.test.ts', 'test/e2e/wordpress.test.ts'];

export default defineConfig({
	test: {
		projects: [
			{
				plugins: [
					cloudflareTest(async () => {
						const sink = await startPushSink();
						// Mail goes to a real SMTP server (smtp-server); AUTH is offered with these credentials, but optional.
						const mail = await startSmtpSink({ auth: { user: 'beckon-test', password: 'sink-password' } });
						return {
							wrangler: { configPath: './wrangler.toml' },
							miniflare: {
								bindings: {
									ADMIN_TOKEN: 'test-operator-token',
									MASTER_KEY: 'dGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzLWxvbmchISE',
									ALLOW_LOOPBACK_PUSH: 'true',
									PUSH_TIMEOUT_MS: '1500',
									// Webhook retries at once instead of over 24 hours; receivers answer within 1.5 s.
									WEBHOOK_RETRY_SCALE: '0',
									WEBHOOK_TIMEOUT_MS: '1500',
									PUSH_SINK_URL: sink.url,
									EMAIL_FROM: 'Beckon Alerts <alerts@beckon.test>',
									SMTP_HOST: '127.0.0.1',
									SMTP_PORT: String(mail.smtpPort),
									SMTP_SECURITY: 'none',
									EMAIL_TIMEOUT_MS: '3000',
									SMTP_SINK_URL: mail.url,
									SMTP_UNUSED_PORT: String(await unusedPort()),
									// The values @shopify/shopify-api's test helpers sign with (API_KEY, API_SECRET_KEY).
									SHOPIFY_API_KEY: 'testApiKey',
									SHOPIFY_API_SECRET: 'testApiSecretKey',
									SHOPIFY_APP_URL: 'https://beckon.test',
									TEST_MIGRATIONS: await readD1Migrations('./worker/migrations'),
								},
							},
						};
					}),
				],
				test: {
					name: 'worker',
					include: ['test/worker/**/*.test.ts'],
					setupFiles: ['./test/worker/setup.ts'],
					// Two files at a time, shared with the e2e project below (one group, one pool of two): the worker
					// files are CPU-bound in workerd and the browser files mostly wait on pushes, timers and pages, so
					// they overlap well on the 2-core CI machine.
					maxWorkers: 2,
					sequence: { groupOrder: 0 },
				},
			},
			{
				test: {
					name: 'e2e',
					include: ['test/node/**/*.test.ts', 'test/e2e/**/*.test.ts'],
					exclude: SOLO,
					environment: 'node',
					testTimeout: 120_000,
					hookTimeout: 180_000,
					maxWorkers: 2,
					sequence: { groupOrder: 0 },
				},
			},
			{
				test: {
					name: 'e2e-solo',
					include: SOLO,
					environment: 'node',
					testTimeout: 120_000,
					hookTimeout: 180_000,
					// After everything else, one at a time: Lighthouse's scores need the machine to themselves, and
					// WordPress starts MariaDB, PHP and two WordPress releases.
					maxWorkers: 1,
					sequence: { groupOrder: 1 },
				},
			},
		],
	},
});
