import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { startPushSink } from './test/support/push-sink.ts';

export default defineConfig({
	test: {
		projects: [
			{
				plugins: [
					cloudflareTest(async () => {
						const sink = await startPushSink();
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
