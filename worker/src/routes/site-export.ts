import { parseQuery } from '../api/parse';
import { exportQuery, importQuery } from '../api/schemas/site-export';
import type { Env } from '../env';
import { isOperator, requireOperator, requireSiteAdmin } from '../http/auth';
import { HttpError } from '../http/errors';
import { allowAnyOrigin, requireSite } from '../http/public';
import { siteExport } from '../services/site-export';
import { importSite, MAX_IMPORT_BYTES } from '../services/site-import';
import { siteView } from '../services/sites';

/**
 * GET /v1/sites/:siteId/export?keys=sealed|clear (a full API key, an admin console token or the operator): the
 * whole site as NDJSON. `keys=clear` writes the VAPID private key and the identity secret in clear.
 */
export async function exportSiteRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	if (await isOperator(request, env)) allowAnyOrigin(request);
	else await requireSiteAdmin(request, env, siteId, 'admin');
	const { keys = 'sealed' } = parseQuery(exportQuery, new URL(request.url).searchParams);
	const site = await requireSite(env, siteId);
	const day = new Date().toISOString().slice(0, 10);
	return new Response(await siteExport(env, site, keys), {
		headers: {
			'content-type': 'application/x-ndjson; charset=utf-8',
			'content-disposition': `attachment; filename="beckon-${siteId}-${day}.ndjson"`,
			'cache-control': 'no-store',
		},
	});
}

/** POST /v1/sites/import?withoutKeys= (operator): a new site made of an export; 201 as POST /v1/sites answers. */
export async function importSiteRoute(request: Request, env: Env): Promise<Response> {
	allowAnyOrigin(request);
	await requireOperator(request, env);
	const { withoutKeys } = parseQuery(importQuery, new URL(request.url).searchParams);
	if (Number(request.headers.get('content-length') ?? '0') > MAX_IMPORT_BYTES)
		throw new HttpError(413, 'body_too_large', `The import is larger than ${MAX_IMPORT_BYTES} bytes`);
	if (!request.body)
		throw new HttpError(400, 'invalid_import', 'line 1: the body is empty; send an export (NDJSON)');
	const made = await importSite(env, request.body, { withoutKeys: withoutKeys === 'true' });
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
