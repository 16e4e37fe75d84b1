// Builds what the worker serves from dist/assets (the page script, the service worker, the demo pages), and with
// `npm run build` also the Shopify theme app extension's copy of the page script.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { minify } from 'terser';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/assets');

/** Builds all assets into dist/assets. */
export async function buildAssets() {
	await rm(out, { recursive: true, force: true });
	await mkdir(out, { recursive: true });
	const common = {
		bundle: true,
		minify: true,
		format: 'iife',
		target: ['es2022'],
		legalComments: 'none',
		logLevel: 'warning',
	};
	await build({
		...common,
		entryPoints: [join(root, 'widget/src/beckon.ts')],
		outfile: join(out, 'beckon.js'),
	});
	// preact keeps its internals on `__x` properties; mangling them is safe inside one bundle and saves bytes.
	await build({
		...common,
		entryPoints: [join(root, 'widget/src/ui/widget.tsx')],
		outfile: join(out, 'beckon-ui.js'),
		jsx: 'transform',
		jsxFactory: 'h',
		mangleProps: /^__./,
	});
	await build({ ...common, entryPoints: [join(root, 'widget/sw/sw.ts')], outfile: join(out, 'sw.js') });
	// Loaded by the core only on pages that ask it to unregister a previous push tool's service workers.
	await build({
		...common,
		entryPoints: [join(root, 'widget/src/prev.ts')],
		outfile: join(out, 'beckon-prev.js'),
	});
	// A second, slower minifier pass on what every shop page downloads: ~80 bytes gzip that keep the UI chunk
	// (preact included) inside its 6 KB budget.
	for (const file of ['beckon.js', 'beckon-ui.js']) {
		const path = join(out, file);
		const { code } = await minify(await readFile(path, 'utf8'), {
			ecma: 2022,
			compress: { passes: 2 },
			format: { comments: false },
		});
		await writeFile(path, code);
	}

	const demo = join(root, 'demo');
	const layout = await readFile(join(demo, 'page.html'), 'utf8');
	const products = JSON.parse(await readFile(join(demo, 'products.json'), 'utf8'));
	const esc = (s) =>
		s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
	const page = (title, content) => layout.replace('{{title}}', esc(title)).replace('{{content}}', content);
	const cards = products
		.map(
			(p) =>
				`<div class="card"><h3>${esc(p.name)}</h3><p>${esc(p.price)}</p><a href="/products/${p.slug}">View</a></div>`,
		)
		.join('');
	await writeFile(join(out, 'index.html'), page('Shop', `<h1>Shop</h1><div class="grid">${cards}</div>`));
	await mkdir(join(out, 'products'), { recursive: true });
	for (const p of products) {
		const html = `<h1 id="product">${esc(p.name)}</h1><p>${esc(p.price)}</p><p>${esc(p.blurb)}</p><button type="button">Add to cart</button>`;
		await writeFile(join(out, 'products', `${p.slug}.html`), page(p.name, html));
	}
	await cp(join(demo, 'store.css'), join(out, 'store.css'));

	await buildConsole(common);
}

/** The admin console (preact), served at /console/ and embedded by the WordPress plugin and the Shopify app. */
async function buildConsole(common) {
	const src = join(root, 'console/src');
	const dest = join(out, 'console');
	await build({
		...common,
		format: 'esm',
		entryPoints: [join(src, 'main.tsx')],
		outfile: join(dest, 'console.js'),
		jsx: 'automatic',
		jsxImportSource: 'preact',
	});
	await cp(join(src, 'console.css'), join(dest, 'console.css'));
	// Staff pushes (issue 14): the console registers it on the worker's origin, scope /console/.
	await build({
		...common,
		entryPoints: [join(root, 'console/sw/staff-sw.ts')],
		outfile: join(dest, 'staff-sw.js'),
	});
	// WordPress loads the console from the backend's origin into wp-admin as a module script, which a browser runs
	// only with CORS: the bundle is public and sent without credentials, so any origin may have it.
	await writeFile(join(out, '_headers'), '/console/*\n  Access-Control-Allow-Origin: *\n');
	await writeFile(
		join(dest, 'index.html'),
		`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Beckon console</title>
<link rel="stylesheet" href="console.css">
<script type="module" src="console.js"></script>
</head>
<body>
<div id="beckon-console" data-host="standalone" data-api=""></div>
</body>
</html>
`,
	);
}

/** Where the Shopify theme app extension keeps the storefront core (`asset_url` in its app embed). */
export const shopifyCoreAsset = join(root, 'shopify-app/extensions/beckon-embed/assets/beckon.js');

/**
 * Copies the built core into the Shopify theme app extension, which `shopify app deploy` uploads as is: the file
 * is committed, and test/node/shopify/extension-asset.test.ts fails when it differs from a fresh build. Only
 * `npm run build` writes it (tests and benches never change tracked files).
 */
export async function buildShopifyExtension() {
	await mkdir(dirname(shopifyCoreAsset), { recursive: true });
	await cp(join(out, 'beckon.js'), shopifyCoreAsset);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	await buildAssets();
	await buildShopifyExtension();
	console.log('built dist/assets and shopify-app/extensions/beckon-embed/assets/beckon.js');
}
