import type { D1Migration } from 'cloudflare:test';
import type { Env as BeckonEnv } from '../../worker/src/env';

declare global {
	namespace Cloudflare {
		interface Env extends BeckonEnv {
			TEST_MIGRATIONS: D1Migration[];
			PUSH_SINK_URL: string;
		}
	}
}
