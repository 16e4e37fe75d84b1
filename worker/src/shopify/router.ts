import { type IRequest, Router } from 'itty-router';
import type { Env } from '../env';
import { HttpError } from '../http/errors';
import { consoleToken, dataRequests, links, overview, progress, send, settings } from './admin-routes';
import { appPage, bouncePage } from './app-page';
import { proxyIdentity, proxyServiceWorker } from './proxy';
import { webhook } from './webhooks';

type Args = [Env, ExecutionContext];

/**
 * The Shopify app's routes, mounted at /shopify by the main router: the embedded page (application_url), its
 * session-token API, the app proxy (storefront) and webhooks. Anything else under /shopify (but /api, /proxy
 * and /webhooks) falls through to the static assets (the admin page's script and styles).
 */
export const shopifyRouter = Router<IRequest, Args>({ base: '/shopify' })
	.get('/app', (req, env) => appPage(req, env))
	.get('/app/bounce', (req, env) => bouncePage(req, env))
	.post('/api/console-token', (req, env) => consoleToken(req, env))
	.get('/api/overview', (req, env) => overview(req, env))
	.post('/api/notifications', (req, env) => send(req, env))
	.get('/api/notifications/:id', (req, env) => progress(req, env, req.params.id as string))
	.patch('/api/settings', (req, env) => settings(req, env))
	.get('/api/links', (req, env) => links(req, env))
	.get('/api/data-requests', (req, env) => dataRequests(req, env))
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
