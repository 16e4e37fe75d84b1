import { parse } from '../api/parse';
import { migrateRequest } from '../api/schemas/sites';
import type { Env } from '../env';
import { requireOperator } from '../http/auth';
import { readJsonObject } from '../http/body';
import { limiter } from '../lib/limit';
import { siteStore } from '../objects/site-store';
import type { LegacyCounts } from '../store/legacy';

/** Sites handled per call by default (each may copy many rows; at most 100, see the schema). */
const DEFAULT_SITES = 20;

/** One site's copy out of D1 as the migration reports it. */
export interface SiteMigration {
	siteId: string;
	ok: boolean;
	importedAt: string | null;
	d1: LegacyCounts | null;
	copied: LegacyCounts | null;
	error?: string;
}

/**
 * POST /v1/admin/storage/migrate (operator) `{after?, limit?}`: makes sure the next `limit` sites (by id, after
 * `after`) have their rows in their own store, copying them out of D1 where that has not happened yet (a store
 * also does this by itself on its first request). Idempotent: a verified site only reports its counts. Call again
 * with `next` until it is null; `ok: false` rows are tried again by the next run.
 */
export async function migrateStorage(request: Request, env: Env): Promise<Response> {
	await requireOperator(request, env);
	const input = parse(migrateRequest, await readJsonObject(request, 1024, { optional: true }));
	const after = input.after ?? '';
	const limit = input.limit ?? DEFAULT_SITES;
	const { results } = await env.DB.prepare('SELECT id FROM sites WHERE id > ? ORDER BY id LIMIT ?')
		.bind(after, limit)
		.all<{ id: string }>();
	const run = limiter(4);
	const sites = await Promise.all(
		results.map(({ id }) =>
			run(async (): Promise<SiteMigration> => {
				try {
					const state = await siteStore(env, id).importState(id);
					return {
						siteId: id,
						ok: true,
						importedAt: new Date(state.importedAt).toISOString(),
						d1: state.d1,
						copied: state.copied,
					};
				} catch (error) {
					console.error('storage migration failed', id, error instanceof Error ? error.message : error);
					return {
						siteId: id,
						ok: false,
						importedAt: null,
						d1: null,
						copied: null,
						error: error instanceof Error ? error.message : 'copy failed',
					};
				}
			}),
		),
	);
	const next = results.length === limit ? (results.at(-1)?.id ?? null) : null;
	return Response.json({ sites, next, failed: sites.filter((s) => !s.ok).length });
}
