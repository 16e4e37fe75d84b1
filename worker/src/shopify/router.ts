import { type IRequest, Router } from 'itty-router';
import type { Env } from '../env';
import { HttpError } from '../http/errors';
import { consoleToken } from './admin-routes';
import { appPage, bouncePage } from './app-page';
import { proxyIdentity, proxyServiceWorker } from './proxy';
import { webhook } from './webhooks';

type Args = [Env, ExecutionContext];

/**
 * The Shopify app's routes, mounted at /shopify by the main router: the embedded page (application_url), the
 * exchange of its session token for a console token (the console then uses the public /v1 admin API), the app
 * proxy (storefront) and webhooks. Anything else under /shopify (but /api, /proxy and /webhooks) falls through
 * to the static assets.
 */
export const shopifyRouter = Router<IRequest, Args>({ base: '/shopify' })
	.get('/app', (req, env) => appPage(req, env))
	.get('/app/bounce', (req, env) => bouncePage(req, env))
	.post('/api/console-token', (req, env) => consoleToken(req, env))
	.get('/proxy/sw.js', (req, env) => proxyServiceWorker(req, env))
	.get('/proxy/identity', (req, env) => proxyIdentity(req, env))
	.post('/webhooks', (req, env) => webhook(req, env))
	// API paths never fall through to the assets: a wrong method or path gets the JSON error envelope too.
	.all('/api/*', noRoute)
	.all('/proxy/*', noRoute)
	.all('/webhooks', noRoute);

function noRoute(request: IRequest): never {
	throw new HttpError(
		404,
		'not_found',
		`No Shopify route ${request.method} ${new URL(request.url).pathname}`,
	);
}
