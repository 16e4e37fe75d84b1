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
					// Two files at a time (vitest's default on a 2-core machine is one): the worker files are CPU-bound in
					// workerd and each waits on its own stores and queues, so two overlap well (590 s instead of ~740 s
					// for this project on the 2-core CI machine). The e2e files stay one at a time after these.
					maxWorkers: 2,
				},
			},
			{
				test: {
					name: 'e2e',
					include: ['test/node/**/*.test.ts', 'test/e2e/**/*.test.ts'],
					environment: 'node',
					testTimeout: 120_000,
					hookTimeout: 180_000,
					fileParallelism: false,
				},
			},
		],
	},
});
