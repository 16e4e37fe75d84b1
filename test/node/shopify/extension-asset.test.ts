import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMBED_ASSETS } from './render-embed.ts';

/** Theme Check's limit for an app block's JavaScript (AssetSizeAppBlockJavaScript): bytes on disk, not gzip. */
const APP_BLOCK_JS_LIMIT = 10_000;

const committed = () => readFileSync(join(EMBED_ASSETS, 'beckon.js'), 'utf8');

describe('shopify theme app extension asset (built files; npm test builds them first)', () => {
	it('is the freshly built storefront core, byte for byte', () => {
		const built = readFileSync(join(process.cwd(), 'dist/assets/beckon.js'), 'utf8');
		// `shopify app deploy` uploads the extension folder as is, so the core is committed there.
		expect(
			committed() === built,
			'shopify-app/extensions/beckon-embed/assets/beckon.js is stale: run `npm run build` and commit it',
		).toBe(true);
	});

	it(`stays within Theme Check's ${APP_BLOCK_JS_LIMIT} B app block JavaScript limit`, () => {
		const size = Buffer.byteLength(committed());
		console.log(`extension core: ${size} B (limit ${APP_BLOCK_JS_LIMIT} B)`);
		expect(size).toBeLessThanOrEqual(APP_BLOCK_JS_LIMIT);
	});
});
