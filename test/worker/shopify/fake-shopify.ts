// A stand-in for the parts of Shopify the app talks to: the token endpoint (token exchange and refresh) and the
// Admin GraphQL API (shop info, app-data metafields). Pure fetch handler, used through the library's abstract
// fetch hook in workerd and behind a local HTTP server in the e2e tests; also the headers of the webhooks Shopify
// delivers.

import { API_SECRET_KEY, getHmac } from '@shopify/shopify-api/test-helpers';

/** One request Shopify received. */
export interface FakeCall {
	kind: 'exchange' | 'refresh' | 'graphql';
	shop: string;
	/** GraphQL operation name, or the token request's grant details. */
	detail: string;
	body: Record<string, unknown>;
}

interface Token {
	shop: string;
	expiresAt: number;
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** Fake Shopify with switches for the failure cases the tests need. */
export class FakeShopify {
	readonly calls: FakeCall[] = [];
	readonly metafields = new Map<string, Record<string, string>>();
	/** Each shop's connected web pixel settings (JSON, as webPixelCreate / webPixelUpdate took them). */
	readonly pixels = new Map<string, string>();
	private readonly access = new Map<string, Token>();
	private readonly refresh = new Map<string, Token>();
	private counter = 0;
	/** Lifetime of issued access tokens (s); under 5 minutes counts as expired for the app. */
	accessTtlS = 3600;
	refreshTtlS = 90 * 86_400;
	/** When set, the token endpoint answers 400 invalid_subject_token to exchanges. */
	refuseExchange = false;
	/** When set, refresh requests answer 400 invalid_grant. */
	refuseRefresh = false;
	/** When set, metafieldsSet answers a user error (the app embed's settings are not written). */
	refuseEmbed = false;
	/** Storefront origin per shop (default https://<shop>). */
	primaryUrls = new Map<string, string>();
	/** Customers' first names by numeric id (BeckonCustomer); a missing one answers customer: null. */
	customers = new Map<string, string | null>();

	constructor(
		readonly apiKey: string,
		readonly apiSecret: string,
	) {}

	/** Calls of one kind. */
	count(kind: FakeCall['kind'], detail?: string): number {
		return this.calls.filter((c) => c.kind === kind && (detail === undefined || c.detail === detail)).length;
	}

	/** Makes every access token of a shop invalid (as after an uninstall). */
	revoke(shop: string): void {
		for (const [token, t] of this.access) if (t.shop === shop) this.access.delete(token);
	}

	/** Answers one request addressed to https://<shop>/…. */
	async handle(request: Request, shop: string): Promise<Response> {
		const path = new URL(request.url).pathname;
		const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
		if (request.method === 'POST' && path === '/admin/oauth/access_token') return this.token(shop, body);
		if (request.method === 'POST' && /^\/admin\/api\/[\w-]+\/graphql\.json$/.test(path)) {
			return this.graphql(shop, request.headers.get('x-shopify-access-token') ?? '', body);
		}
		return Response.json({ errors: 'Not Found' }, { status: 404 });
	}

	private issue(shop: string): Record<string, unknown> {
		const n = ++this.counter;
		const now = Date.now();
		const accessToken = `shpat_fake_${n}`;
		const refreshToken = `shprt_fake_${n}`;
		this.access.set(accessToken, { shop, expiresAt: now + this.accessTtlS * 1000 });
		this.refresh.set(refreshToken, { shop, expiresAt: now + this.refreshTtlS * 1000 });
		return {
			access_token: accessToken,
			scope:
				'read_customer_events,read_customers,read_fulfillments,read_orders,read_products,write_app_proxy,write_pixels',
			expires_in: this.accessTtlS,
			refresh_token: refreshToken,
			refresh_token_expires_in: this.refreshTtlS,
		};
	}

	private token(shop: string, body: Record<string, unknown>): Response {
		if (body.client_id !== this.apiKey || body.client_secret !== this.apiSecret) {
			return Response.json({ error: 'invalid_client' }, { status: 401 });
		}
		if (body.grant_type === TOKEN_EXCHANGE) {
			this.calls.push({ kind: 'exchange', shop, detail: `expiring=${body.expiring}`, body });
			if (this.refuseExchange) return Response.json({ error: 'invalid_subject_token' }, { status: 400 });
			return Response.json(this.issue(shop));
		}
		if (body.grant_type === 'refresh_token') {
			this.calls.push({ kind: 'refresh', shop, detail: String(body.refresh_token), body });
			const known = this.refresh.get(String(body.refresh_token));
			if (this.refuseRefresh || !known || known.shop !== shop || known.expiresAt < Date.now()) {
				return Response.json({ error: 'invalid_grant' }, { status: 400 });
			}
			this.refresh.delete(String(body.refresh_token));
			return Response.json(this.issue(shop));
		}
		return Response.json({ error: 'unsupported_grant_type' }, { status: 400 });
	}

	private graphql(shop: string, token: string, body: Record<string, unknown>): Response {
		const query = String(body.query ?? '');
		const operation = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous';
		this.calls.push({ kind: 'graphql', shop, detail: operation, body });
		const known = this.access.get(token);
		if (!known || known.shop !== shop || known.expiresAt < Date.now()) {
			return Response.json({ errors: '[API] Invalid API key or access token' }, { status: 401 });
		}
		const variables = (body.variables ?? {}) as Record<string, unknown>;
		const primary = this.primaryUrls.get(shop) ?? `https://${shop}`;
		switch (operation) {
			case 'BeckonShop':
				return Response.json({
					data: {
						shop: {
							name: `Shop ${shop.split('.')[0]}`,
							myshopifyDomain: shop,
							primaryDomain: { url: primary },
						},
						currentAppInstallation: { id: `gid://shopify/AppInstallation/${shop.length}` },
					},
				});
			case 'BeckonEmbed': {
				if (this.refuseEmbed) {
					const userErrors = [{ field: ['metafields'], message: 'Owner does not exist' }];
					return Response.json({ data: { metafieldsSet: { userErrors } } });
				}
				const set = this.metafields.get(shop) ?? {};
				for (const m of variables.metafields as Array<{ namespace: string; key: string; value: string }>) {
					set[`${m.namespace}.${m.key}`] = m.value;
				}
				this.metafields.set(shop, set);
				return Response.json({ data: { metafieldsSet: { userErrors: [] } } });
			}
			case 'BeckonPixelCreate': {
				if (this.pixels.has(shop)) {
					const userErrors = [{ code: 'TAKEN', field: ['webPixel'], message: 'Web pixel is taken.' }];
					return Response.json({ data: { webPixelCreate: { userErrors, webPixel: null } } });
				}
				this.pixels.set(shop, String(variables.settings));
				return Response.json({
					data: {
						webPixelCreate: { userErrors: [], webPixel: { id: `gid://shopify/WebPixel/${shop.length}` } },
					},
				});
			}
			case 'BeckonPixel':
				return Response.json({ data: { webPixel: { id: `gid://shopify/WebPixel/${shop.length}` } } });
			case 'BeckonPixelUpdate':
				this.pixels.set(shop, String(variables.settings));
				return Response.json({ data: { webPixelUpdate: { userErrors: [] } } });
			case 'BeckonCustomer': {
				const id = /^gid:\/\/shopify\/Customer\/(\d+)$/.exec(String(variables.id))?.[1] ?? '';
				const firstName = this.customers.get(id);
				return Response.json({ data: { customer: firstName === undefined ? null : { firstName } } });
			}
			default:
				return Response.json({ errors: [{ message: `unknown operation ${operation}` }] }, { status: 400 });
		}
	}
}

/** Options of a delivered webhook; by default a fresh id, signed with the app secret, triggered now. */
export interface WebhookOptions {
	webhookId?: string;
	secret?: string;
	/** The signature header; null: none. */
	hmac?: string | null;
	/** X-Shopify-Triggered-At; null: none. */
	triggeredAt?: string | null;
}

/**
 * The headers Shopify sends with a webhook whose JSON body is `body`, signed like Shopify signs it (the library's
 * getHmac with the app secret) unless `hmac` says otherwise (null: no signature). Runs in workerd and in Node.
 */
export function webhookHeaders(
	topic: string,
	shop: string,
	body: string,
	options: WebhookOptions = {},
): Record<string, string> {
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'x-shopify-topic': topic,
		'x-shopify-shop-domain': shop,
		'x-shopify-api-version': '2026-10',
		'x-shopify-webhook-id': options.webhookId ?? crypto.randomUUID(),
	};
	const triggeredAt = options.triggeredAt === undefined ? new Date().toISOString() : options.triggeredAt;
	if (triggeredAt !== null) headers['x-shopify-triggered-at'] = triggeredAt;
	const hmac = options.hmac === undefined ? getHmac(body, options.secret ?? API_SECRET_KEY) : options.hmac;
	if (hmac !== null) headers['x-shopify-hmac-sha256'] = hmac;
	return headers;
}
