import { CONSOLE_TOKEN_TTL } from '../api/schemas/sites';
import type { Env } from '../env';
import { mintConsoleToken } from '../services/access';
import { adminContext } from './admin-context';

// The embedded admin page's only JSON route. The page is the one console: once it holds a console token it
// calls the public admin API (/v1/sites/:siteId/...) like on every other host (STYLE habit 9: one
// implementation of stats, sending and settings).

/**
 * POST /shopify/api/console-token: exchanges the verified App Bridge session token for a console token of the
 * shop's site, so the console calls the public admin API like on every other host. The staff member is the
 * Shopify user the session token names (`sub`). The first call after install (or a reinstall) also installs
 * the shop: it exchanges the session token for an offline token and creates the site (adminContext).
 */
export async function consoleToken(request: Request, env: Env): Promise<Response> {
	const ctx = await adminContext(request, env);
	const token = await mintConsoleToken(
		env,
		ctx.shop.siteId,
		{ id: `shopify:${ctx.userId ?? 'staff'}`, name: null, email: null },
		'admin',
		CONSOLE_TOKEN_TTL.default,
	);
	return Response.json(token, { status: 201 });
}
