import type { D1Migration } from 'cloudflare:test';
import type { Env as BeckonEnv } from '../../worker/src/env';

declare global {
	namespace Cloudflare {
		interface Env extends BeckonEnv {
			TEST_MIGRATIONS: D1Migration[];
			PUSH_SINK_URL: string;
			/** HTTP side of the SMTP sink (scripts/smtp-sink.mjs): GET/DELETE /messages. */
			SMTP_SINK_URL: string;
			SMTP_UNUSED_PORT: string;
		}
	}
}
