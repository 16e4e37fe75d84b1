import type { createECDH } from 'node:crypto';
import { createRequire } from 'node:module';

/** The independent `http_ece` package (no types of its own): the judge of our aes128gcm bodies in Node tests. */
export interface HttpEce {
	decrypt(
		buffer: Buffer,
		params: { version: 'aes128gcm'; privateKey: ReturnType<typeof createECDH>; authSecret: string },
	): Buffer;
}

/** `http_ece`, loaded once. */
export const ece = createRequire(import.meta.url)('http_ece') as HttpEce;
