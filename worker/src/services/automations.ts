import type * as z from 'zod';
import type { AutomationReport, AutomationView, Message } from '#wire';
import { parse } from '../api/parse';
import { automationCreate, automationPatch } from '../api/schemas/automations';
import { findTemplate } from '../automations/templates';
import { isZone } from '../campaigns/timing';
import type { Env } from '../env';
import { badRequest, HttpError } from '../http/errors';
import { newId } from '../lib/ids';
import { siteStore } from '../objects/site-store';
import { type LiftedUrls, liftUrlTemplates } from '../sending/liquid';
import type { AutomationInput, StoredStep } from '../store/automations';
import { DEFAULT_GOAL_WINDOW_S } from '../store/automations';
import type { Site } from '../store/sites';
import { campaignMessageOf, stripUndefined } from './campaigns';
import { unwrap } from './segments';

// The automation service (issue 13): definitions checked here (messages exactly as a send's), journeys in the site's
// store (store/automations.ts), run by its alarm.

type CreateBody = z.output<typeof automationCreate>;

export function automationNotFound(id: string): HttpError {
	return new HttpError(404, 'automation_not_found', `No automation ${id} on this site`);
}

/**
 * Parses a body with each step's templated URLs set aside (the URL schema would refuse `{{ event.url }}`), then put
 * back for the Liquid check.
 */
function parseBody<T extends { steps?: Array<{ message: unknown }> | undefined }>(
	schema: z.ZodType<T>,
	body: unknown,
): T {
	if (body === null || typeof body !== 'object' || !Array.isArray((body as { steps?: unknown }).steps)) {
		return parse(schema, body);
	}
	const steps = [...(body as { steps: unknown[] }).steps];
	const restores: Array<(parsed: T) => void> = [];
	steps.forEach((step, i) => {
		const message = (step as { message?: unknown } | null)?.message;
		if (!message || typeof message !== 'object' || Array.isArray(message)) return;
		const lifted = liftStepUrls(message as Record<string, unknown>, `steps[${i}].message.`);
		steps[i] = { ...(step as object), message: lifted.body };
		restores.push((parsed) => {
			const target = parsed.steps?.[i]?.message;
			if (target) lifted.restore(target as Message);
		});
	});
	const parsed = parse(schema, { ...(body as object), steps });
	for (const restore of restores) restore(parsed);
	return parsed;
}

/** {@link liftUrlTemplates}, its 400s naming the step's field (`steps[0].message.url`, not `url`). */
function liftStepUrls(message: Record<string, unknown>, prefix: string): LiftedUrls {
	try {
		return liftUrlTemplates(message);
	} catch (error) {
		if (error instanceof HttpError && error.status === 400) {
			throw new HttpError(400, error.code, `${prefix}${error.message}`);
		}
		throw error;
	}
}

/** Checks what the schema cannot: the date trigger's source, zones. */
function checkDefinition(input: Partial<CreateBody>): void {
	const t = input.trigger;
	if (t?.type === 'date') {
		if (t.attribute && (t.event || t.property)) {
			throw badRequest('trigger.attribute', 'give a date attribute, or an event and its property, not both');
		}
		if (t.event && !t.property)
			throw badRequest('trigger.property', 'is required: the event property holding the date');
		if (t.property && !t.event)
			throw badRequest('trigger.event', 'is required: the event carrying the date property');
		if (!t.attribute && !(t.event && t.property)) {
			throw badRequest('trigger.attribute', 'is required: a date attribute (or event and property)');
		}
	}
	if (t?.type === 'inaction' && t.without === t.event) {
		throw badRequest('trigger.without', 'must differ from the trigger event');
	}
	if (input.audience) {
		// A broadcast: started by site events, one journey per key; nobody to measure or hold out per person.
		if (t && t.type !== 'event')
			throw badRequest('trigger.type', 'a broadcast (audience) starts on an event');
		if (t && !t.key)
			throw badRequest(
				'trigger.key',
				'is required for a broadcast: the property that tells its journeys apart, such as post_id',
			);
		if (t && 'segment' in t && t.segment)
			throw badRequest('trigger.segment', 'a broadcast has no person to check; use the audience');
		if (input.goal) throw badRequest('goal', 'a broadcast measures no goal yet');
		if (input.holdoutPercent) throw badRequest('holdoutPercent', 'a broadcast has no control group yet');
		if (input.exit?.segment) throw badRequest('exit.segment', 'a broadcast has no person to check');
	} else if (input.categoriesFrom && (input.audience === null || input.trigger)) {
		// Without an audience (or taking it away) the automation speaks to a person, who has no categories to pick.
		throw badRequest(
			'categoriesFrom',
			'only a broadcast (with an audience) sends to the categories of its event',
		);
	}
	if (input.timezone !== undefined && !isZone(input.timezone)) {
		throw badRequest('timezone', 'is not an IANA time zone (such as Europe/Berlin)');
	}
	if (input.quietHours && input.quietHours !== 'site' && input.quietHours.start === input.quietHours.end) {
		throw badRequest('quietHours.end', 'must differ from start (the window would be empty or all day)');
	}
}

async function stepsOf(env: Env, site: Site, steps: CreateBody['steps']): Promise<StoredStep[]> {
	const out: StoredStep[] = [];
	for (const [i, step] of steps.entries()) {
		const checked = await campaignMessageOf(
			env,
			site,
			step.message as Record<string, unknown>,
			step.delivery as Record<string, unknown> | undefined,
			`steps[${i}].message`,
		);
		const stored: StoredStep = {
			message: checked.message,
			resource: checked.resource,
			delivery: checked.delivery,
		};
		if (step.wait) stored.wait = stripUndefined(step.wait);
		if (step.discountCode) stored.discountCode = step.discountCode;
		out.push(stored);
	}
	return out;
}

function goalOf(goal: CreateBody['goal']): AutomationInput['goal'] {
	if (!goal) return null;
	return {
		event: goal.event,
		valueProperty: goal.valueProperty ?? 'value',
		windowSeconds: goal.windowSeconds ?? DEFAULT_GOAL_WINDOW_S,
	};
}

/**
 * A body that names a template and no trigger takes the template's body under its own fields (`{template,
 * enabled}` makes the ready-made automation as it is): every host makes one the same way, from one definition.
 */
function withTemplate(body: unknown): unknown {
	if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
	const given = body as Record<string, unknown>;
	if (typeof given.template !== 'string' || 'trigger' in given) return body;
	const template = findTemplate(given.template);
	if (!template) throw badRequest('template', `is not a ready-made automation (GET …/automation-templates)`);
	return { ...template.body, ...given };
}

export async function createAutomation(env: Env, site: Site, body: unknown): Promise<AutomationView> {
	const input = parseBody(automationCreate, withTemplate(body));
	checkDefinition(input);
	const automation: AutomationInput = {
		name: input.name,
		enabled: input.enabled ?? false,
		template: input.template ?? null,
		trigger: stripUndefined(input.trigger),
		steps: await stepsOf(env, site, input.steps),
		exit: stripUndefined({ events: input.exit?.events ?? [], segment: input.exit?.segment }),
		goal: goalOf(input.goal),
		reentryAfterSeconds: input.reentryAfterSeconds ?? null,
		holdoutPercent: input.holdoutPercent ?? null,
		ignoreFrequencyCap: input.ignoreFrequencyCap ?? false,
		timezone: input.timezone ?? 'UTC',
	};
	if (input.audience) automation.audience = input.audience;
	if (input.categoriesFrom) automation.categoriesFrom = input.categoriesFrom;
	if (input.quietHours !== undefined && input.quietHours !== 'site') automation.quietHours = input.quietHours;
	return unwrap(
		await siteStore(env, site.id).createAutomation(site.id, newId('aut'), automation, Date.now()),
	);
}

export async function updateAutomation(
	env: Env,
	site: Site,
	id: string,
	body: unknown,
): Promise<AutomationView> {
	const input = parseBody(automationPatch, body);
	checkDefinition(input);
	const patch: Partial<AutomationInput> = {};
	if (input.name !== undefined) patch.name = input.name;
	if (input.trigger !== undefined) patch.trigger = stripUndefined(input.trigger);
	if (input.steps !== undefined) patch.steps = await stepsOf(env, site, input.steps);
	if (input.exit !== undefined)
		patch.exit = stripUndefined({ events: input.exit.events ?? [], segment: input.exit.segment });
	if (input.goal !== undefined) patch.goal = goalOf(input.goal);
	if (input.reentryAfterSeconds !== undefined) patch.reentryAfterSeconds = input.reentryAfterSeconds;
	if (input.holdoutPercent !== undefined) patch.holdoutPercent = input.holdoutPercent;
	// 'site': back to the site's default quiet hours (the key is then left out of the stored definition).
	if (input.quietHours === 'site') patch.quietHours = undefined;
	else if (input.quietHours !== undefined) patch.quietHours = input.quietHours;
	if (input.ignoreFrequencyCap !== undefined) patch.ignoreFrequencyCap = input.ignoreFrequencyCap;
	if (input.timezone !== undefined) patch.timezone = input.timezone;
	if (input.audience !== undefined) patch.audience = input.audience;
	if (input.categoriesFrom !== undefined) patch.categoriesFrom = input.categoriesFrom;
	const view = unwrap(await siteStore(env, site.id).updateAutomation(site.id, id, patch, Date.now()));
	if (!view) throw automationNotFound(id);
	return view;
}

/** Turns an automation on or off (off stops every journey under way). */
export async function setAutomationEnabled(
	env: Env,
	siteId: string,
	id: string,
	enabled: boolean,
): Promise<AutomationView> {
	const view = unwrap(await siteStore(env, siteId).updateAutomation(siteId, id, { enabled }, Date.now()));
	if (!view) throw automationNotFound(id);
	return view;
}

export async function readAutomation(env: Env, siteId: string, id: string): Promise<AutomationView> {
	const view = await siteStore(env, siteId).automation(siteId, id);
	if (!view) throw automationNotFound(id);
	return view;
}

export async function listAutomations(env: Env, siteId: string): Promise<AutomationView[]> {
	return siteStore(env, siteId).automations(siteId);
}

export async function deleteAutomation(env: Env, siteId: string, id: string): Promise<void> {
	if (!(await siteStore(env, siteId).deleteAutomation(siteId, id))) throw automationNotFound(id);
}

export async function automationReport(env: Env, siteId: string, id: string): Promise<AutomationReport> {
	const report = await siteStore(env, siteId).automationReport(siteId, id);
	if (!report) throw automationNotFound(id);
	return report;
}
