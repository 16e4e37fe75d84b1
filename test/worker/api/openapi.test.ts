import { describe, expect, it } from 'vitest';
import { version } from '../../../package.json';
import { ROUTES } from '../../../worker/src/api/routes';
import { publicConfig, siteView } from '../../../worker/src/api/schemas/sites';
import { subscriberPage } from '../../../worker/src/api/schemas/subscribers';
import indexSource from '../../../worker/src/index.ts?raw';
import shopifySource from '../../../worker/src/shopify/router.ts?raw';
import { call, createSite, json, makeSubscription, subscribe } from '../helpers';

interface Document {
	openapi: string;
	info: { version: string };
	paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

/** `METHOD /path/{}` of every route a router source declares under `prefix` (params as `{}`; no OPTIONS). */
function routesIn(source: string, prefix: string, base = ''): string[] {
	return [...source.matchAll(/\.(get|post|put|patch|delete)\(\s*'([^']+)'/g)]
		.map(([, method = '', path = '']) => `${method.toUpperCase()} ${base}${path}`)
		.filter((route) => route.split(' ')[1]?.startsWith(prefix))
		.map((route) => route.replace(/:\w+/g, '{}'));
}

const documented = (doc: Document) =>
	Object.entries(doc.paths).flatMap(([path, item]) =>
		Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{\w+\}/g, '{}')}`),
	);

async function openApi(): Promise<{ response: Response; doc: Document }> {
	const response = await call('/v1/openapi.json');
	const text = await response.clone().text();
	return { response, doc: JSON.parse(text) as Document };
}

describe('GET /v1/openapi.json', () => {
	it('serves an OpenAPI 3.1 document to anyone, cacheable for five minutes', async () => {
		const { response, doc } = await openApi();
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^application\/json/);
		expect(response.headers.get('access-control-allow-origin')).toBe('*');
		expect(response.headers.get('cache-control')).toBe('public, max-age=300');
		expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
		expect(doc.info.version).toBe(version);
	});

	it('documents every /v1 route the router answers and every Shopify admin API route', async () => {
		const { doc } = await openApi();
		const shopify = routesIn(shopifySource, '/shopify/api/', '/shopify').filter((r) => !r.endsWith('/*'));
		// The embedded page (the one console) only trades its session token; then it uses the /v1 admin API.
		expect(shopify).toEqual(['POST /shopify/api/console-token']);
		const answered = [...routesIn(indexSource, '/v1/').filter((r) => !r.endsWith('/v1/*')), ...shopify];
		expect(answered.length).toBeGreaterThan(25);
		expect(documented(doc).sort()).toEqual([...new Set(answered)].sort());
	});

	it('gives every route a unique operationId and every route that takes input a 4xx', () => {
		const ids = ROUTES.map((r) => r.operationId);
		expect(new Set(ids).size).toBe(ids.length);
		for (const route of ROUTES) {
			if (route.tag === 'Meta') continue;
			expect(route.errors.length, route.operationId).toBeGreaterThan(0);
		}
	});
});

describe('validation through the schemas', () => {
	it.each<[string, string, Record<string, unknown>, string]>([
		[
			'POST',
			'/notifications',
			{ title: 'x', audience: { all: true }, actions: [{ action: 'a' }] },
			'actions[0].title: is required',
		],
		[
			'POST',
			'/notifications',
			{ title: 'x', audience: { userIds: [''] } },
			'audience.userIds[0]: must be a non-empty string',
		],
		[
			'POST',
			'/notifications',
			{ title: 'x', audience: { all: true, everyone: 1 } },
			'audience.everyone: is not an audience',
		],
		[
			'PATCH',
			'/settings',
			{ prompt: { theme: { accent: 'red' } } },
			'prompt.theme.accent: must be a hex colour',
		],
		[
			'PATCH',
			'/settings',
			{ prompt: { translations: { 'not a tag': {} } } },
			'prompt.translations.not a tag: must be keyed by a language tag',
		],
		[
			'PATCH',
			'/settings',
			{ prompt: { trigger: { type: 'scroll', value: 500 } } },
			'prompt.trigger.value: must be a whole number from 0 to 100',
		],
		['POST', '/api-keys', { name: 7 }, 'name: must be a string'],
		['POST', '/console-tokens', { staff: { id: 'x', email: 3 } }, 'staff.email: must be a string'],
	])('%s …%s answers 400 naming the field for %j', async (method, path, body, message) => {
		const site = await createSite();
		const response = await call(`/v1/sites/${site.siteId}${path}`, {
			method,
			key: site.apiKey,
			body: JSON.stringify(body),
		});
		expect(response.status).toBe(400);
		const { error } = await json<{ error: { code: string; message: string } }>(response);
		expect(error.code).toBe('invalid_request');
		expect(error.message.startsWith(message), error.message).toBe(true);
	});

	it('names nested fields of public bodies, with CORS on the 400', async () => {
		const site = await createSite();
		const sub = await makeSubscription();
		const noKeys = await call(`/v1/sites/${site.siteId}/subscribers`, {
			method: 'POST',
			headers: { origin: site.origin },
			body: JSON.stringify({ permission: 'granted', subscription: { endpoint: sub.json.endpoint } }),
		});
		expect(noKeys.status).toBe(400);
		expect(noKeys.headers.get('access-control-allow-origin')).toBe(site.origin);
		expect((await json<{ error: { message: string } }>(noKeys)).error.message).toBe(
			'subscription.keys.p256dh: is required',
		);
		const id = await subscribe(site, sub);
		const noType = await call(`/v1/sites/${site.siteId}/subscribers/${id}/events`, {
			method: 'POST',
			headers: { origin: site.origin },
			body: JSON.stringify({}),
		});
		expect(noType.status).toBe(400);
		expect((await json<{ error: { message: string } }>(noType)).error.message).toMatch(/^type: is required/);
	});

	it('answers with bodies the response schemas describe', async () => {
		const site = await createSite();
		await subscribe(site, await makeSubscription());
		const get = (path: string) => call(`/v1/sites/${site.siteId}${path}`, { key: site.apiKey });
		expect(siteView.safeParse(await json(await get(''))).error).toBeUndefined();
		expect(publicConfig.safeParse(await json(await get('/config'))).error).toBeUndefined();
		expect(subscriberPage.safeParse(await json(await get('/subscribers'))).error).toBeUndefined();
	});
});
