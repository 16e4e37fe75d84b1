import type { StaffPreferences } from '#wire';
import { parse, parseQuery } from '../api/parse';
import {
	deviceRequest,
	inboxQuery,
	inboxRead,
	preferencesPut,
	presenceRequest,
	staffCreate,
	staffEventBatch,
	staffPatch,
	teamCreate,
	teamPatch,
} from '../api/schemas/staff';
import { config, type Env } from '../env';
import { type Principal, requireSiteAdmin } from '../http/auth';
import { readJsonObject } from '../http/body';
import { badRequest, HttpError } from '../http/errors';
import { parseUserAgent } from '../lib/user-agent';
import { siteStore } from '../objects/site-store';
import { validateSubscriptionKeys } from '../push/request';
import { pushServiceOf } from '../sending/push-hosts';
import type { Checked } from '../store/audience';
import type { StaffEvent } from '../store/staff';

// Staff alerts (issue 14; README "Staff alerts"). `me` in a path is the console token's own staff member; an
// admin manages everyone, anyone their own preferences, presence, devices and list.

const MAX_BODY_BYTES = 32 * 1024;
const MAX_EVENTS_BYTES = 1_048_576;

function unwrap<T>(result: Checked<T>): T {
	if (result.ok) return result.value;
	if (result.status === 400) throw badRequest(result.path.join('.'), result.message);
	throw new HttpError(result.status, result.code, result.message);
}

function notFound(id: string): HttpError {
	return new HttpError(404, 'not_found', `No staff member ${id} on this site`);
}

/** The staff member a path names: `me` is the caller (console tokens only); another needs an admin. */
async function whom(
	request: Request,
	env: Env,
	siteId: string,
	staffId: string,
	write: boolean,
): Promise<{ principal: Principal; id: string }> {
	const principal = await requireSiteAdmin(request, env, siteId);
	const self = principal.kind === 'console' ? principal.staff?.id : undefined;
	if (staffId === 'me') {
		if (!self || !principal.staff) {
			throw new HttpError(
				400,
				'invalid_request',
				'"me" names the signed-in staff member: use a console token',
			);
		}
		await siteStore(env, siteId).ensureStaff(siteId, principal.staff, Date.now());
		return { principal, id: self };
	}
	if (write && staffId !== self && principal.role !== 'admin') {
		throw new HttpError(403, 'forbidden', "Only an admin changes another staff member's settings");
	}
	return { principal, id: staffId };
}

/** GET /v1/sites/:siteId/staff: everyone, with their teams, presence and device count. */
export async function listStaffRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json({ staff: await siteStore(env, siteId).staffList(siteId, Date.now()) });
}

/** POST /v1/sites/:siteId/staff (admin): a staff member (e.g. one who has not opened the console yet). */
export async function createStaffRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const input = parse(staffCreate, await readJsonObject(request, MAX_BODY_BYTES));
	if (input.staffId === 'me') throw badRequest('staffId', '"me" is kept for the signed-in staff member');
	const store = siteStore(env, siteId);
	if (await store.staffMember(siteId, input.staffId, Date.now())) {
		throw new HttpError(409, 'staff_exists', `A staff member ${input.staffId} exists already`);
	}
	const { staffId, ...fields } = input;
	return Response.json(unwrap(await store.saveStaff(siteId, staffId, fields, Date.now())), { status: 201 });
}

/** GET /v1/sites/:siteId/staff/:staffId (`me`: the caller, made on first use). */
export async function getStaffRoute(
	request: Request,
	env: Env,
	siteId: string,
	staffId: string,
): Promise<Response> {
	const { id } = await whom(request, env, siteId, staffId, false);
	const view = await siteStore(env, siteId).staffMember(siteId, id, Date.now());
	if (!view) throw notFound(id);
	return Response.json(view);
}

/** PATCH /v1/sites/:siteId/staff/:staffId: name, email, time zone (self or admin); teams (admin). */
export async function patchStaffRoute(
	request: Request,
	env: Env,
	siteId: string,
	staffId: string,
): Promise<Response> {
	const { principal, id } = await whom(request, env, siteId, staffId, true);
	const input = parse(staffPatch, await readJsonObject(request, MAX_BODY_BYTES));
	if (input.teams && principal.role !== 'admin')
		throw new HttpError(403, 'forbidden', 'Only an admin changes teams');
	return Response.json(unwrap(await siteStore(env, siteId).saveStaff(siteId, id, input, Date.now(), false)));
}

/** DELETE /v1/sites/:siteId/staff/:staffId (admin): the member, their devices, list and read state. */
export async function deleteStaffRoute(
	request: Request,
	env: Env,
	siteId: string,
	staffId: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	if (!(await siteStore(env, siteId).deleteStaff(siteId, staffId))) throw notFound(staffId);
	return new Response(null, { status: 204 });
}

/** GET /v1/sites/:siteId/staff/:staffId/preferences: every kind, defaults filled in. */
export async function getPreferencesRoute(
	request: Request,
	env: Env,
	siteId: string,
	staffId: string,
): Promise<Response> {
	const { id } = await whom(request, env, siteId, staffId, false);
	const prefs = await siteStore(env, siteId).staffPreferences(siteId, id);
	if (!prefs) throw notFound(id);
	return Response.json(prefs);
}

/** PUT /v1/sites/:siteId/staff/:staffId/preferences: the kinds given replace theirs (self or admin). */
export async function putPreferencesRoute(
	request: Request,
	env: Env,
	siteId: string,
	staffId: string,
): Promise<Response> {
	const { id } = await whom(request, env, siteId, staffId, true);
	const input = parse(preferencesPut, await readJsonObject(request, MAX_BODY_BYTES));
	const store = siteStore(env, siteId);
	const current = await store.staffPreferences(siteId, id);
	if (!current) throw notFound(id);
	const next = { ...current } as StaffPreferences;
	for (const [kind, pref] of Object.entries(input)) if (pref) next[kind as keyof StaffPreferences] = pref;
	return Response.json(await store.saveStaffPreferences(siteId, id, next, Date.now()));
}

/** POST /v1/sites/:siteId/staff/me/presence `{active}`: the console's heartbeat while a tab is visible and used. */
export async function presenceRoute(
	request: Request,
	env: Env,
	siteId: string,
	staffId: string,
): Promise<Response> {
	const { id } = await whom(request, env, siteId, staffId, true);
	if (staffId !== 'me') throw badRequest('staffId', 'presence is reported by the console, for "me" only');
	const { active } = parse(presenceRequest, await readJsonObject(request, 1024));
	await siteStore(env, siteId).setStaffPresence(siteId, id, active, Date.now());
	return new Response(null, { status: 204 });
}

/** GET /v1/sites/:siteId/staff/:staffId/devices. */
export async function listDevicesRoute(
	request: Request,
	env: Env,
	siteId: string,
	staffId: string,
): Promise<Response> {
	const { id } = await whom(request, env, siteId, staffId, false);
	return Response.json({ devices: await siteStore(env, siteId).staffDevices(siteId, id) });
}

/** POST /v1/sites/:siteId/staff/me/devices `{subscription}`: push on this browser for the signed-in member. */
export async function addDeviceRoute(
	request: Request,
	env: Env,
	siteId: string,
	staffId: string,
): Promise<Response> {
	const { id } = await whom(request, env, siteId, staffId, true);
	if (staffId !== 'me') throw badRequest('staffId', 'a device is added by its own browser, for "me" only');
	const { subscription } = parse(deviceRequest, await readJsonObject(request, MAX_BODY_BYTES));
	const endpoint = URL.parse(subscription.endpoint);
	if (!endpoint || !pushServiceOf(endpoint, config(env).allowLoopbackPush)) {
		throw badRequest('subscription.endpoint', 'must be the URL of a known push service');
	}
	const keys = await validateSubscriptionKeys(subscription.keys.p256dh, subscription.keys.auth);
	if (keys) throw badRequest('subscription.keys', keys);
	const { browser } = parseUserAgent(request.headers.get('user-agent') ?? '');
	const deviceId = await siteStore(env, siteId).addStaffDevice(
		siteId,
		id,
		{
			endpoint: subscription.endpoint,
			p256dh: subscription.keys.p256dh,
			auth: subscription.keys.auth,
			browser,
		},
		Date.now(),
	);
	return Response.json({ deviceId, browser, createdAt: new Date().toISOString() }, { status: 201 });
}

/** DELETE /v1/sites/:siteId/staff/:staffId/devices/:deviceId. */
export async function deleteDeviceRoute(
	request: Request,
	env: Env,
	siteId: string,
	staffId: string,
	deviceId: string,
): Promise<Response> {
	const { id } = await whom(request, env, siteId, staffId, true);
	if (!(await siteStore(env, siteId).deleteStaffDevice(siteId, id, deviceId))) {
		throw new HttpError(404, 'not_found', `No device ${deviceId} of ${id}`);
	}
	return new Response(null, { status: 204 });
}

/** GET /v1/sites/:siteId/staff/:staffId/notifications: the in-console list, newest first, with the unread count. */
export async function inboxRoute(
	request: Request,
	env: Env,
	siteId: string,
	staffId: string,
): Promise<Response> {
	const { id } = await whom(request, env, siteId, staffId, false);
	const { limit } = parseQuery(inboxQuery, new URL(request.url).searchParams);
	return Response.json(await siteStore(env, siteId).staffInbox(siteId, id, limit ?? 50));
}

/** POST /v1/sites/:siteId/staff/:staffId/notifications/read `{notificationIds?}`: read (and their conversations). */
export async function inboxReadRoute(
	request: Request,
	env: Env,
	siteId: string,
	staffId: string,
): Promise<Response> {
	const { id } = await whom(request, env, siteId, staffId, true);
	const { notificationIds } = parse(inboxRead, await readJsonObject(request, MAX_BODY_BYTES));
	const read = await siteStore(env, siteId).readStaffInbox(siteId, id, notificationIds ?? null, Date.now());
	return Response.json({ read });
}

/** GET /v1/sites/:siteId/teams. */
export async function listTeamsRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId);
	return Response.json({ teams: await siteStore(env, siteId).teams(siteId) });
}

/** POST /v1/sites/:siteId/teams (admin) `{teamId, name, members?}`. */
export async function createTeamRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const { teamId, ...fields } = parse(teamCreate, await readJsonObject(request, MAX_BODY_BYTES));
	const team = unwrap(await siteStore(env, siteId).saveTeam(siteId, teamId, fields, Date.now(), true));
	return Response.json(team, { status: 201 });
}

/** PATCH /v1/sites/:siteId/teams/:teamId (admin) `{name?, members?}`. */
export async function patchTeamRoute(
	request: Request,
	env: Env,
	siteId: string,
	teamId: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	const input = parse(teamPatch, await readJsonObject(request, MAX_BODY_BYTES));
	return Response.json(
		unwrap(await siteStore(env, siteId).saveTeam(siteId, teamId, input, Date.now(), false)),
	);
}

/** DELETE /v1/sites/:siteId/teams/:teamId (admin). */
export async function deleteTeamRoute(
	request: Request,
	env: Env,
	siteId: string,
	teamId: string,
): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'admin');
	if (!(await siteStore(env, siteId).deleteTeam(siteId, teamId))) {
		throw new HttpError(404, 'not_found', `No team ${teamId} on this site`);
	}
	return new Response(null, { status: 204 });
}

/** POST /v1/sites/:siteId/staff-events (editor; send keys too): 1–100 events from a chat or helpdesk integration. */
export async function staffEventsRoute(request: Request, env: Env, siteId: string): Promise<Response> {
	await requireSiteAdmin(request, env, siteId, 'editor');
	const { events } = parse(staffEventBatch, await readJsonObject(request, MAX_EVENTS_BYTES));
	const result = await siteStore(env, siteId).staffEvents(siteId, events as StaffEvent[], Date.now());
	return Response.json(result, { status: 202 });
}
