import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A page a test wants the host site to serve. */
export interface HostPage {
	head?: string;
	body?: string;
	/** Attributes of the Beckon script tag besides src (e.g. data-identity). */
	attributes?: Record<string, string>;
}

/** A third-party site (another origin than the worker) that embeds Beckon the way a customer's site would. */
export interface HostSite {
	origin: string;
	/** Sets what `/` (and any other path) serves next. */
	page(page: HostPage): void;
	close(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** Serves pages with the widget tag and the one-line service-worker stub at /beckon-sw.js. */
export async function startHostSite(workerUrl: string, siteId: () => string): Promise<HostSite> {
	let current: HostPage = {};
	const server: Server = createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://host').pathname;
		if (path === '/beckon-sw.js') {
			res.writeHead(200, {
				'content-type': 'text/javascript',
				'service-worker-allowed': '/',
				'cache-control': 'no-cache',
			});
			res.end(`importScripts('${workerUrl}/v1/sites/${siteId()}/sw.js');\n`);
			return;
		}
		if (path === '/favicon.ico') {
			res.writeHead(404).end();
			return;
		}
		const attrs = Object.entries({ 'data-site': siteId(), 'data-sw': '/beckon-sw.js', ...current.attributes })
			.map(([k, v]) => ` ${k}="${esc(v)}"`)
			.join('');
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
		res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Host shop</title>${current.head ?? ''}<script async src="${workerUrl}/beckon.js"${attrs}></script></head>
<body><header style="padding:16px;background:#f3f4f6">Host shop <a href="#" data-beckon-subscribe>Get notifications</a></header>
<main style="padding:16px"><h1>Autumn collection</h1><p>${'Wool, linen and oak. '.repeat(40)}</p>${current.body ?? ''}</main></body></html>`);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		origin: `http://127.0.0.1:${port}`,
		page: (page) => {
			current = page;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
