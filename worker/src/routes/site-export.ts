import { parseQuery } from '../api/parse';
import { exportQuery, importQuery } from '../api/schemas/site-export';
import type { Env } from '../env';
import { isOperator, requireOperator, requireSiteAdmin } from '../http/auth';
import { HttpError } from '../http/errors';
import { allowAnyOrigin, requireSite } from '../http/public';
import { siteExport } from '../services/site-export';
import { importSite } from '../services/site-import';
import { siteView } from '../services/sites';

/**
 * GET /v1/sites/:siteId/export?keys=sealed|clear&gzip= (a full API key, an admin console token or the operator):
 * the whole site as NDJSON, or that file gzipped with `gzip=true` (a large site's export then fits the platform's
 * request body limit when it is imported). `keys=clear` writes the VAPID private key and the identity secret in
 * clear.
 */
export async function exportSiteRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	if (await isOperator(request, env)) allowAnyOrigin(request);
	else await requireSiteAdmin(request, env, siteId, 'admin');
	const { keys = 'sealed', gzip } = parseQuery(exportQuery, new URL(request.url).searchParams);
	const site = await requireSite(env, siteId);
	const day = new Date().toISOString().slice(0, 10);
	const ndjson = await siteExport(env, site, keys);
	const name = `beckon-${siteId}-${day}.ndjson`;
	if (gzip === 'true') {
		return new Response(ndjson.pipeThrough(new CompressionStream('gzip')), {
			headers: {
				'content-type': 'application/gzip',
				'content-disposition': `attachment; filename="${name}.gz"`,
				'cache-control': 'no-store',
			},
		});
	}
	return new Response(ndjson, {
		headers: {
			'content-type': 'application/x-ndjson; charset=utf-8',
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'no-store',
		},
	});
}

/** POST /v1/sites/import?withoutKeys= (operator): a new site made of an export; 201 as POST /v1/sites answers. */
export async function importSiteRoute(request: Request, env: Env): Promise<Response> {
	allowAnyOrigin(request);
	await requireOperator(request, env);
	const { withoutKeys } = parseQuery(importQuery, new URL(request.url).searchParams);
	if (!request.body)
		throw new HttpError(400, 'invalid_import', 'line 1: the body is empty; send an export (NDJSON)');
	const made = await importSite(env, importBody(request, request.body), {
		withoutKeys: withoutKeys === 'true',
	});
	return Response.json(
		{
			...siteView(made.site),
			apiKey: made.apiKey,
			identitySecret: made.identitySecret,
			warnings: made.warnings,
			imported: made.imported,
		},
		{ status: 201 },
	);
}

/** The NDJSON of an import body: as sent, or gunzipped (`Content-Encoding: gzip` or `Content-Type: application/gzip`). */
function importBody(request: Request, body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
	const gzipped =
		/\bgzip\b/i.test(request.headers.get('content-encoding') ?? '') ||
		/^application\/(x-)?gzip\b/i.test(request.headers.get('content-type') ?? '');
	return gzipped ? body.pipeThrough(new DecompressionStream('gzip')) : body;
}
