import { AUTOMATION_TEMPLATES } from '../automations/templates';
import type { Env } from '../env';
import { requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { requireSite } from '../http/public';
import {
	automationReport,
	createAutomation,
	deleteAutomation,
	listAutomations,
	readAutomation,
	setAutomationEnabled,
	updateAutomation,
} from '../services/automations';

/** An automation body: five steps of messages with their actions fit easily. */
const MAX_AUTOMATION_BODY_BYTES = 128 * 1024;

/** GET /v1/sites/:siteId/automations: most recently changed first, with live counts. */
export async function listAutomationsRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json({ automations: await listAutomations(env, siteId) });
}

/** POST /v1/sites/:siteId/automations (editor). */
export async function createAutomationRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const site = await requireSite(env, siteId);
	const body = await readJsonObject(request, MAX_AUTOMATION_BODY_BYTES);
	return Response.json(await createAutomation(env, site, body), { status: 201 });
}

/** GET /v1/sites/:siteId/automations/:automationId. */
export async function getAutomationRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json(await readAutomation(env, siteId, id));
}

/** PATCH /v1/sites/:siteId/automations/:automationId (editor). */
export async function patchAutomationRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const site = await requireSite(env, siteId);
	const body = await readJsonObject(request, MAX_AUTOMATION_BODY_BYTES);
	return Response.json(await updateAutomation(env, site, id, body));
}

/** DELETE /v1/sites/:siteId/automations/:automationId (editor). */
export async function deleteAutomationRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	await deleteAutomation(env, siteId, id);
	return new Response(null, { status: 204 });
}

/** POST /v1/sites/:siteId/automations/:automationId/enable|disable (editor). */
export async function automationSwitchRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
	enabled: boolean,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	return Response.json(await setAutomationEnabled(env, siteId, id, enabled));
}

/** GET /v1/sites/:siteId/automations/:automationId/report. */
export async function automationReportRoute(
	request: Request,
	env: Env,
	siteId: string,
	id: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json(await automationReport(env, siteId, id));
}

/** GET /v1/sites/:siteId/automation-templates: the ready-made automations (bodies for POST …/automations). */
export async function automationTemplatesRoute(
	request: Request,
	env: Env,
	siteId: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json({ templates: AUTOMATION_TEMPLATES });
}
