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
