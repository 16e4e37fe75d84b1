import { expect } from 'vitest';
import type { FuzzRequest } from './requests';

type Json = Record<string, unknown>;

/** A push resource as the API shows it. */
const resourceView = (b: Json | null) =>
	expect(b).toMatchObject({
		resourceId: expect.stringMatching(/^res_/),
		name: expect.any(String),
		labels: expect.any(Array),
		message: { title: expect.any(String) },
		locales: expect.any(Object),
		version: expect.any(Number),
		usedBy: expect.any(Array),
	});

/** An automation as the API shows it: 1–5 steps, each a message (inline or a resource's) with its delivery. */
const automationView = (b: Json | null) => {
	expect(b).toMatchObject({
		automationId: expect.stringMatching(/^aut_/),
		name: expect.any(String),
		enabled: expect.any(Boolean),
		trigger: { type: expect.stringMatching(/^(event|inaction|date)$/) },
		exit: { events: expect.any(Array) },
		ignoreFrequencyCap: expect.any(Boolean),
		timezone: expect.any(String),
		counts: {
			active: expect.any(Number),
			entered: expect.any(Number),
			converted: expect.any(Number),
			revenue: expect.any(Number),
		},
		createdAt: expect.any(String),
		updatedAt: expect.any(String),
	});
	const steps = b?.steps as Json[];
	expect(steps.length).toBeGreaterThanOrEqual(1);
	expect(steps.length).toBeLessThanOrEqual(5);
	for (const step of steps) {
		expect(step).toMatchObject({ message: { title: expect.any(String) }, delivery: expect.any(Object) });
		if (step.resource !== null)
			expect(step.resource).toMatchObject({ resourceId: expect.stringMatching(/^res_/) });
	}
};

/** One row of an automation's report. */
const reportRow = (step: number) => ({
	step,
	entered: expect.any(Number),
	sent: expect.any(Number),
	shown: expect.any(Number),
	clicked: expect.any(Number),
	exited: expect.any(Number),
	converted: expect.any(Number),
	revenue: expect.any(Number),
});

/** Documented 2xx shapes by method and path (README "API reference"). */
const SHAPES: Array<[string, RegExp, (status: number, body: Json | null, headers: Headers) => void]> = [
	[
		'POST',
		/^\/v1\/sites\/?$/,
		(status, b) => {
			expect(status).toBe(201);
			expect(b).toMatchObject({
				siteId: expect.stringMatching(/^site_/),
				apiKey: expect.stringMatching(/^bk_/),
			});
			expect(b?.origins).toEqual(expect.any(Array));
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ siteId: expect.any(String), vapidPublicKey: expect.any(String) });
			expect(b).not.toHaveProperty('apiKey');
		},
	],
	[
		'PATCH',
		/^\/v1\/sites\/[^/]+\/settings\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ settings: { prompt: { variant: expect.any(String) } } });
		},
	],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/identity-secret\/?$/,
		(status, b) => {
			expect(status).toBe(201);
			expect(b).toMatchObject({ identitySecret: expect.stringMatching(/^bis_/) });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/config\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ siteId: expect.any(String), vapidPublicKey: expect.any(String), prompt: {} });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/sw\.js\/?$/,
		(status, _b, headers) => {
			expect(status).toBe(200);
			expect(headers.get('content-type')).toMatch(/^text\/javascript/);
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/stats\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ byStatus: {}, active: expect.any(Number), daily: expect.any(Array) });
		},
	],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/subscribers\/?$/,
		(status, b) => {
			expect([200, 201]).toContain(status);
			expect(b).toMatchObject({ subscriberId: expect.stringMatching(/^sub_/), status: expect.any(String) });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/subscribers\/[^/]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ subscriberId: expect.any(String), status: expect.any(String) });
			for (const secret of ['endpoint', 'p256dh', 'auth']) expect(b).not.toHaveProperty(secret);
		},
	],
	['DELETE', /^\/v1\/sites\/[^/]+\/subscribers\/[^/]+\/?$/, (status) => expect(status).toBe(204)],
	[
		'PUT',
		/^\/v1\/sites\/[^/]+\/users\/[^/]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ userId: expect.any(String), attributes: {} });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/users\/[^/]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({
				userId: expect.any(String),
				subscribers: expect.any(Array),
				events: expect.any(Array),
			});
		},
	],
	['DELETE', /^\/v1\/sites\/[^/]+\/users\/[^/]+\/?$/, (status) => expect(status).toBe(204)],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/events\/?$/,
		(status, b) => {
			expect(status).toBe(202);
			expect(b).toMatchObject({
				accepted: expect.any(Number),
				duplicates: expect.any(Number),
				rejected: expect.any(Array),
			});
		},
	],
	[
		'PATCH',
		/^\/v1\/sites\/[^/]+\/subscribers\/[^/]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			// From the browser: the topics kept; with a token: the subscriber (a tester marked or not).
			expect(b).toMatchObject({ subscriberId: expect.any(String) });
			expect(Array.isArray(b?.categories) || typeof b?.test === 'boolean').toBe(true);
		},
	],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/segments\/?$/,
		(status, b) => {
			expect(status).toBe(201);
			expect(b).toMatchObject({ segmentId: expect.stringMatching(/^seg_/), name: expect.any(String) });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/segments\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ segments: expect.any(Array) });
		},
	],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/resources\/?$/,
		(status, b) => {
			expect(status).toBe(201);
			resourceView(b);
			expect(b).toMatchObject({ version: 1, usedBy: [] });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/resources\/?(\?.*)?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b?.resources).toEqual(expect.any(Array));
			for (const r of (b?.resources ?? []) as Json[]) resourceView(r);
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/resources\/[^/?]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			resourceView(b);
		},
	],
	[
		'PATCH',
		/^\/v1\/sites\/[^/]+\/resources\/[^/?]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			resourceView(b);
		},
	],
	['DELETE', /^\/v1\/sites\/[^/]+\/resources\/[^/?]+\/?$/, (status) => expect(status).toBe(204)],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/resources\/[^/?]+\/versions\/[^/?]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({
				resourceId: expect.stringMatching(/^res_/),
				version: expect.any(Number),
				name: expect.any(String),
				message: { title: expect.any(String) },
				locales: expect.any(Object),
			});
		},
	],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/automations\/?$/,
		(status, b) => {
			expect(status).toBe(201);
			automationView(b);
			expect(b).toMatchObject({ counts: { active: 0, entered: 0, converted: 0, revenue: 0 } });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/automations\/?(\?.*)?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b?.automations).toEqual(expect.any(Array));
			for (const a of (b?.automations ?? []) as Json[]) automationView(a);
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/automations\/[^/?]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			automationView(b);
		},
	],
	[
		'PATCH',
		/^\/v1\/sites\/[^/]+\/automations\/[^/?]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			automationView(b);
		},
	],
	['DELETE', /^\/v1\/sites\/[^/]+\/automations\/[^/?]+\/?$/, (status) => expect(status).toBe(204)],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/automations\/[^/?]+\/enable\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			automationView(b);
			expect(b?.enabled).toBe(true);
		},
	],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/automations\/[^/?]+\/disable\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			automationView(b);
			expect(b).toMatchObject({ enabled: false, counts: { active: 0 } });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/automations\/[^/?]+\/report\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({
				automationId: expect.stringMatching(/^aut_/),
				active: expect.any(Number),
				trigger: reportRow(-1),
			});
			((b?.steps ?? null) as Json[]).forEach((row, i) => {
				expect(row).toMatchObject(reportRow(i));
			});
			if (b?.control !== null)
				expect(b?.control).toEqual({
					entered: expect.any(Number),
					converted: expect.any(Number),
					revenue: expect.any(Number),
				});
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/automation-templates\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			const templates = b?.templates as Json[];
			expect(templates.length).toBeGreaterThan(0);
			for (const t of templates)
				expect(t).toMatchObject({
					id: expect.any(String),
					name: expect.any(String),
					body: expect.any(Object),
				});
		},
	],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/campaigns\/?$/,
		(status, b) => {
			expect(status).toBe(201);
			expect(b).toMatchObject({
				campaignId: expect.stringMatching(/^cmp_/),
				state: 'draft',
				message: { title: expect.any(String) },
				runCount: 0,
			});
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/campaigns\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ campaigns: expect.any(Array) });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/campaigns\/[^/]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ campaignId: expect.stringMatching(/^cmp_/), runs: expect.any(Array) });
		},
	],
	['DELETE', /^\/v1\/sites\/[^/]+\/campaigns\/[^/]+\/?$/, (status) => expect(status).toBe(204)],
	[
		'PATCH',
		/^\/v1\/sites\/[^/]+\/campaigns\/[^/]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ campaignId: expect.stringMatching(/^cmp_/), state: expect.any(String) });
		},
	],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/audience\/estimate\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ count: expect.any(Number), reachable: expect.any(Number), byBrowser: {} });
			expect(b?.reachable as number).toBeLessThanOrEqual(b?.count as number);
		},
	],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/subscribers\/[^/]+\/identify\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ subscriberId: expect.any(String), status: expect.any(String) });
		},
	],
	['POST', /^\/v1\/sites\/[^/]+\/subscribers\/[^/]+\/events\/?$/, (status) => expect(status).toBe(202)],
	[
		'POST',
		/^\/v1\/sites\/[^/]+\/notifications\/?$/,
		(status, b) => {
			expect([200, 202]).toContain(status);
			expect(b).toMatchObject({ notificationId: expect.stringMatching(/^ntf_/), status: expect.any(String) });
			if (status === 200) expect(b).toMatchObject({ duplicate: true });
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/notifications\/?(\?.*)?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b?.notifications).toEqual(expect.any(Array));
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/notifications\/[^/?]+\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ notificationId: expect.any(String), status: expect.any(String), counts: {} });
		},
	],
	['OPTIONS', /^\/v1\/sites\/[^/]+(\/.*)?$/, (status) => expect(status).toBe(204)],
	// The operator routes' preflight: bearer tokens only, so any origin may ask.
	['OPTIONS', /^\/v1\/sites\/?$/, (status) => expect(status).toBe(204)],
	[
		'GET',
		/^\/v1\/sites\/?(\?.*)?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b?.sites).toEqual(expect.any(Array));
		},
	],
	[
		'GET',
		/^\/v1\/sites\/[^/]+\/data-requests\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b?.dataRequests).toEqual(expect.any(Array));
		},
	],
	[
		'POST',
		/^\/shopify\/api\/console-token\/?$/,
		(status, b) => {
			expect(status).toBe(201);
			expect(b).toMatchObject({
				token: expect.stringMatching(/^bct\./),
				expiresAt: expect.any(String),
				siteId: expect.stringMatching(/^site_/),
				staff: { id: expect.stringMatching(/^shopify:/) },
				role: 'admin',
			});
		},
	],
	[
		'POST',
		/^\/shopify\/webhooks\/?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toMatchObject({ ok: true });
		},
	],
	[
		'GET',
		/^\/shopify\/proxy\/sw\.js(\?.*)?$/,
		(status, _b, headers) => {
			expect(status).toBe(200);
			expect(headers.get('content-type')).toMatch(/^text\/javascript/);
		},
	],
	[
		'GET',
		/^\/shopify\/proxy\/identity(\?.*)?$/,
		(status, b) => {
			expect(status).toBe(200);
			expect(b).toHaveProperty('token');
		},
	],
];

/** Checks a 2xx against the documented shape of the route its method and path reached. */
export function expectSuccessShape(
	req: FuzzRequest,
	status: number,
	text: string,
	headers: Headers,
	where: string,
) {
	const path =
		new URL(req.path, 'https://beckon.test').pathname + new URL(req.path, 'https://beckon.test').search;
	const shape = SHAPES.find(([m, re]) => m === req.method && re.test(path));
	if (!shape) throw new Error(`unexpected success: ${where}`);
	let body: Json | null = null;
	if (text !== '' && headers.get('content-type')?.startsWith('application/json'))
		body = JSON.parse(text) as Json;
	try {
		shape[2](status, body, headers);
	} catch (error) {
		throw new Error(`wrong success shape: ${where}\n${(error as Error).message}`);
	}
}
