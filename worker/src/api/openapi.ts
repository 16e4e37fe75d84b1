import * as z from 'zod';
import { version } from '../../../package.json';
import type { Auth, ErrorStatus, RouteSpec } from './route-spec';
import { ROUTES } from './routes';
import { apiError } from './schemas/common';
import { category, prompt, promptPatch, settingsPatch } from './schemas/prompt';
import {
	audience,
	audienceRequest,
	counts,
	delivery,
	message,
	notificationView,
	sendRequest,
	sendResult,
} from './schemas/send';
import {
	apiKeyView,
	consoleToken,
	createdSite,
	newApiKey,
	publicConfig,
	settings,
	siteSummary,
	siteView,
} from './schemas/sites';
import { pushSubscription, siteStats, subscriberPage, subscriberView } from './schemas/subscribers';

// Builds the OpenAPI 3.1 document from the route registry and its zod schemas (JSON Schema draft 2020-12, the
// dialect OpenAPI 3.1 uses). Pure: no bindings, no `cloudflare:` imports, so a node test can lint it too.

type Json = Record<string, unknown>;

/** Request schemas shown once under components/schemas by name (converted as input: what a client may send). */
const NAMED_REQUESTS: ReadonlyArray<[z.ZodType, string]> = [
	[sendRequest, 'SendRequest'],
	[audienceRequest, 'AudienceRequest'],
	[settingsPatch, 'SettingsPatch'],
	[promptPatch, 'PromptPatch'],
	[pushSubscription, 'PushSubscription'],
];
/** Response schemas shown by name; any other body gets a name from its operation (`GetSiteResponse`). */
const NAMED_RESPONSES: ReadonlyArray<[z.ZodType, string]> = [
	[apiError, 'Error'],
	[prompt, 'Prompt'],
	[category, 'Category'],
	[settings, 'Settings'],
	[siteView, 'Site'],
	[createdSite, 'CreatedSite'],
	[siteSummary, 'SiteSummary'],
	[publicConfig, 'PublicConfig'],
	[message, 'Message'],
	[audience, 'Audience'],
	[delivery, 'Delivery'],
	[counts, 'Counts'],
	[notificationView, 'Notification'],
	[sendResult, 'SendResult'],
	[subscriberView, 'Subscriber'],
	[subscriberPage, 'SubscriberPage'],
	[siteStats, 'SiteStats'],
	[consoleToken, 'ConsoleToken'],
	[apiKeyView, 'ApiKey'],
	[newApiKey, 'NewApiKey'],
];

const SECURITY_SCHEMES: Record<Exclude<Auth, 'none'>, Json> = {
	operatorToken: {
		type: 'http',
		scheme: 'bearer',
		description: "The deployment's ADMIN_TOKEN secret: creates and lists sites",
	},
	siteApiKey: {
		type: 'http',
		scheme: 'bearer',
		description:
			"A site's API key (`bk_…`) and its scope: full (the admin role), send (reads; POST …/notifications, POST …/events, PUT …/users/{userId}) or read (GET only)",
	},
	consoleToken: {
		type: 'http',
		scheme: 'bearer',
		description:
			'A short-lived console token (`bct.…`) from POST /v1/sites/{siteId}/console-tokens: a staff member and a role',
	},
	shopifySessionToken: {
		type: 'http',
		scheme: 'bearer',
		bearerFormat: 'JWT',
		description: "The embedded admin page's App Bridge session token",
	},
};

const TAGS: Record<string, string> = {
	Meta: 'The API itself',
	Development: 'Local development (`npm start`, DEMO=true) only',
	Operator: "The deployment's operator (ADMIN_TOKEN)",
	Sites: "A site's settings and counters (site API key or console token)",
	Access: 'API keys and console tokens',
	Subscribers: "A site's subscribers, for its admins",
	Users: 'Signed users: profile attributes and custom events, for audiences',
	Audience: 'Saved segments (filter trees, docs/SEGMENTS.md) and reach estimates',
	Notifications: 'Sending, and what became of each send',
	Campaigns:
		'Scheduled and recurring sends: a message, an audience and a schedule; each run is a notification',
	Resources:
		'Push resources: saved, named messages with language variants, sent by sends and campaigns in place of an inline message',
	Automations:
		'Journeys that run by themselves: a trigger (event, inaction within a time, date), 1–5 steps of waits and pushes, exit rules, conversions per step',
	Staff:
		'Staff alerts: staff members, teams, alert preferences, console presence, staff devices, the in-console list, and the events of a chat or helpdesk',
	Webhooks:
		"Outbound webhooks: the site's events posted to your endpoints, signed per the Standard Webhooks scheme, retried for 24 hours",
	Public:
		"Browser-facing: called by the widget from the site's own origins (CORS), rate-limited per IP × site",
	Shopify: 'The Shopify embedded admin page (App Bridge session token)',
};

const ERRORS: Record<ErrorStatus, string> = {
	400: 'Bad input; the message starts with the field at fault, e.g. `title: is required`',
	401: 'Missing or invalid credentials',
	403: "Not allowed: another site's token, too small a role, or a browser origin that is not the site's",
	404: 'No such site, subscriber, notification, segment or key',
	409: 'Conflicts with the current state (the last API key; a site without an identity secret; a segment name taken or in use; a campaign action its state does not allow)',
	413: 'The body, or the notification payload, is too large',
	429: 'Too many requests from this address',
	503: 'The deployment lacks a secret (ADMIN_TOKEN or MASTER_KEY)',
};

const PATH_PARAMS: Record<string, string> = {
	siteId: 'A site id (`site_…`)',
	subscriberId: 'A subscriber id (`sub_…`)',
	notificationId: 'A notification id (`ntf_…`)',
	keyId: 'An API key id',
	vapidKeyId: 'A VAPID key id (the first 16 characters of its public key)',
};

/** The OpenAPI 3.1 document of every route in the registry. */
export function openApiDocument(routes: readonly RouteSpec[] = ROUTES): Json {
	const names = new Map<z.ZodType, string>([...NAMED_REQUESTS, ...NAMED_RESPONSES]);
	const requests = z.registry<{ id: string }>();
	const responses = z.registry<{ id: string }>();
	const ref = (schema: z.ZodType, fallback: string, side: 'request' | 'response'): Json => {
		const name = names.get(schema) ?? fallback;
		names.set(schema, name);
		const registry = side === 'request' ? requests : responses;
		if (!registry.has(schema)) registry.add(schema, { id: name });
		return { $ref: `#/components/schemas/${name}` };
	};
	for (const [schema, id] of NAMED_REQUESTS) requests.add(schema, { id });
	for (const [schema, id] of NAMED_RESPONSES) responses.add(schema, { id });

	const paths: Record<string, Record<string, Json>> = {};
	const usedErrors = new Set<ErrorStatus>();
	for (const route of routes) {
		const id = route.operationId.charAt(0).toUpperCase() + route.operationId.slice(1);
		const operation: Json = {
			operationId: route.operationId,
			summary: route.summary,
			...(route.description ? { description: route.description } : {}),
			tags: [route.tag],
			security: route.auth.map((auth) => (auth === 'none' ? {} : { [auth]: [] })),
		};
		const parameters = [...pathParameters(route.path), ...queryParameters(route), ...headerParameters(route)];
		if (parameters.length > 0) operation.parameters = parameters;
		if (route.body) {
			operation.requestBody = {
				required: !route.bodyOptional,
				content: { 'application/json': { schema: ref(route.body, `${id}Request`, 'request') } },
			};
		} else if (route.bodyMediaType) {
			operation.requestBody = {
				required: true,
				content: { [route.bodyMediaType]: { schema: { type: 'string' } } },
			};
		}
		const answers: Record<string, Json> = {};
		for (const [status, answer] of Object.entries(route.responses)) {
			const content = answer.schema
				? { 'application/json': { schema: ref(answer.schema, `${id}Response`, 'response') } }
				: answer.mediaType
					? { [answer.mediaType]: { schema: { type: 'string' } } }
					: undefined;
			answers[status] = { description: answer.description, ...(content ? { content } : {}) };
		}
		for (const status of route.errors) {
			usedErrors.add(status);
			answers[String(status)] = { $ref: `#/components/responses/${errorName(status)}` };
		}
		operation.responses = answers;
		paths[route.path] ??= {};
		(paths[route.path] as Record<string, Json>)[route.method] = operation;
	}

	const usedTags = new Set(routes.map((r) => r.tag));
	return {
		openapi: '3.1.1',
		info: {
			title: 'Beckon API',
			version,
			summary: 'Self-hostable web push: sites, subscribers, notifications',
			description:
				'All bodies are JSON. Errors are `{"error":{"code","message"}}`; a 400 names the field at fault. Bad input never writes anything.',
			license: { name: 'MIT', identifier: 'MIT' },
		},
		servers: [{ url: '/', description: 'The worker this document was served by' }],
		tags: Object.entries(TAGS)
			.filter(([name]) => usedTags.has(name))
			.map(([name, description]) => ({ name, description })),
		paths,
		components: {
			schemas: { ...schemasOf(requests, 'input'), ...schemasOf(responses, 'output') },
			responses: Object.fromEntries(
				[...usedErrors].sort().map((status) => [errorName(status), errorResponse(status)]),
			),
			securitySchemes: SECURITY_SCHEMES,
		},
	};
}

function schemasOf(
	registry: z.core.$ZodRegistry<{ id: string }>,
	io: 'input' | 'output',
): Record<string, Json> {
	const { schemas } = z.toJSONSchema(registry, {
		io,
		unrepresentable: 'any',
		uri: (id) => `#/components/schemas/${id}`,
	});
	if ('__shared' in schemas) throw new Error('openapi: a schema was extracted to $defs; give it a name');
	return Object.fromEntries(
		Object.entries(schemas).map(([name, schema]) => {
			const { $schema: _, $id: __, ...rest } = schema as Json;
			return [name, rest];
		}),
	);
}

function pathParameters(path: string): Json[] {
	return [...path.matchAll(/\{(\w+)\}/g)].map(([, name = '']) => ({
		name,
		in: 'path',
		required: true,
		description: PATH_PARAMS[name] ?? name,
		schema: { type: 'string' },
	}));
}

function queryParameters(route: RouteSpec): Json[] {
	if (!route.query) return [];
	const object = z.toJSONSchema(route.query, { io: 'input', unrepresentable: 'any' }) as {
		properties?: Record<string, Json>;
		required?: string[];
	};
	return Object.entries(object.properties ?? {}).map(([name, schema]) => {
		const { description, ...rest } = schema;
		return {
			name,
			in: 'query',
			required: object.required?.includes(name) ?? false,
			...(description ? { description } : {}),
			schema: rest,
		};
	});
}

function headerParameters(route: RouteSpec): Json[] {
	return Object.entries(route.headers ?? {}).map(([name, header]) => ({
		name,
		in: 'header',
		required: false,
		description: header.description,
		schema: header.schema,
	}));
}

function errorName(status: ErrorStatus): string {
	return `Error${status}`;
}

function errorResponse(status: ErrorStatus): Json {
	return {
		description: ERRORS[status],
		...(status === 429
			? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
			: {}),
		content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
	};
}
