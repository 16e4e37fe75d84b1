import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain ESM script without types
import { startLocal } from '../../scripts/local.mjs';

/** A local Beckon worker (wrangler dev in workerd) for one test file, with its own state and secrets. */
export interface LocalWorker {
	url: string;
	adminToken: string;
	demo: { siteId: string; apiKey: string };
	stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/** Starts the worker with fresh local D1/DO/Queue state; assets must already be built (npm test does it). */
export async function startWorker(vars: Record<string, string> = {}): Promise<LocalWorker> {
	const dir = mkdtempSync(join(tmpdir(), 'beckon-e2e-'));
	let local: LocalWorker | undefined;
	// A port can be taken between choosing it and wrangler binding it (other test files start servers too): then
	// wrangler exits before answering, or another server answers; both are tried again on a fresh port.
	for (let attempt = 1; !local; attempt++) {
		try {
			local = (await startLocal({
				port: await freePort(),
				stateDir: join(dir, 'state'),
				secretsFile: join(dir, 'secrets.env'),
				skipBuild: true,
				vars: { RATE_LIMIT_PUBLIC: 'false', ...vars },
			})) as LocalWorker;
		} catch (error) {
			const code = (error as { code?: string }).code;
			if ((code !== 'BECKON_PORT_TAKEN' && code !== 'BECKON_EXITED_EARLY') || attempt >= 3) throw error;
		}
	}
	const started = local;
	return {
		...started,
		stop: async () => {
			await started.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
