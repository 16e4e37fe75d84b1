import { openApiDocument } from '../api/openapi';

let document: string | null = null;

/**
 * GET /v1/openapi.json: the OpenAPI 3.1 description of the API, generated once per isolate from the route
 * registry and its schemas. Public and cacheable: it holds no secrets and changes only with a deploy.
 */
export function getOpenApi(): Response {
	document ??= JSON.stringify(openApiDocument());
	return new Response(document, {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'access-control-allow-origin': '*',
			'cache-control': 'public, max-age=300',
		},
	});
}
