import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeShopify } from '../../worker/shopify/fake-shopify.ts';

/** The fake Shopify behind a local HTTP server; the worker reaches it through SHOPIFY_FAKE_ADMIN_ORIGIN. */
export interface FakeShopifyServer {
	origin: string;
	fake: FakeShopify;
	close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const headers = new Headers();
	for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
	return new Request(new URL(req.url ?? '/', origin), {
		method: req.method ?? 'GET',
		headers,
		...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
	});
}

/** Starts a fake Shopify (token endpoint and Admin GraphQL API) on 127.0.0.1. */
export async function startFakeShopify(apiKey: string, apiSecret: string): Promise<FakeShopifyServer> {
	const fake = new FakeShopify(apiKey, apiSecret);
	let origin = '';
	const server: Server = createServer((req, res) => {
		void (async () => {
			const shop = String(req.headers['x-shopify-test-shop'] ?? '');
			const response = await fake.handle(await toRequest(req, origin), shop);
			res.writeHead(response.status, {
				'content-type': response.headers.get('content-type') ?? 'text/plain',
			});
			res.end(Buffer.from(await response.arrayBuffer()));
		})().catch((error: Error) => {
			res.writeHead(500).end(error.message);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		origin,
		fake,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
