import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const assets = join(process.cwd(), 'dist', 'assets');
const gz = (file: string) => gzipSync(readFileSync(join(assets, file)), { level: 9 }).byteLength;

describe('widget size budget (built files; npm test builds them first)', () => {
	it('keeps the preact UI chunk within 6 KB gzip and the always-loaded core small', () => {
		const sizes = { core: gz('beckon.js'), ui: gz('beckon-ui.js'), sw: gz('sw.js') };
		console.log(`widget gzip bytes: ${JSON.stringify(sizes)}`);
		expect(sizes.ui).toBeLessThanOrEqual(6 * 1024);
		expect(sizes.core).toBeLessThanOrEqual(4 * 1024);
		expect(sizes.sw).toBeLessThanOrEqual(2 * 1024);
	});

	it('contains preact in the UI chunk and not in the core', () => {
		const ui = readFileSync(join(assets, 'beckon-ui.js'), 'utf8');
		const core = readFileSync(join(assets, 'beckon.js'), 'utf8');
		expect(ui).toContain('beckon-widget');
		expect(ui).toMatch(/attachShadow/);
		expect(core).not.toMatch(/attachShadow/);
		expect(core).toContain('beckon-ui.js');
	});
});
