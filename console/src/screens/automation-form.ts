import type {
	Audience,
	AutomationCondition,
	AutomationStep,
	AutomationTrigger,
	AutomationView,
	AutomationWait,
	Delivery,
	Message,
	MessageFields,
	QuietHoursRule,
} from '#wire';
import { UNITS, type Unit } from './automation-words';
import { extrasOf, labelsOf } from './campaign-body';
import { type Fields, fromMessage, toMessage } from './draft';
import { messageBody, type Picked, pickedOfUse } from './resource-picker';
import { numberOf } from './timing-form';

// An automation as its editor holds it (strings, as inputs give them), and the rules between that form and the API.
// What the API would refuse is sent as typed, so its 400 names the field.

/** A duration as typed: a number and its unit. */
export interface Duration {
	n: string;
	unit: Unit;
}

/** The inputs of a duration in seconds: its largest whole unit (minutes with a fraction when none fits; 0 days). */
export function durationOf(seconds: number): Duration {
	const unit = seconds === 0 ? UNITS[0] : (UNITS.find(([, s]) => seconds % s === 0) ?? UNITS[2]);
	return { n: String(seconds / unit[1]), unit: unit[0] };
}

/** The seconds of a duration typed; what is no number yet stays text. */
export function secondsOf(d: Duration): number {
	const n = numberOf(d.n);
	const unit = UNITS.find(([u]) => u === d.unit)?.[1] ?? 60;
	return typeof n === 'number' ? Math.round(n * unit) : n;
}

/** One step being edited: its wait and its message (inline, or a saved message with the fields changed). */
export interface StepForm {
	wait: 'none' | 'after' | 'until';
	after: Duration;
	/** HH:MM. */
	until: string;
	fields: Fields;
	/** The message fields the form does not show, kept as they are. */
	extras: Partial<Message>;
	picked: Picked | null;
	/** The saved message's overrides as stored, sent as they are until its text is loaded. */
	kept: MessageFields;
	delivery: Delivery | null;
	/** The discount code the step offers, as typed (blank: none). */
	discountCode: string;
}

/** The trigger's inputs, all kinds at once (switching kind keeps what was typed). */
export interface TriggerForm {
	type: AutomationTrigger['type'];
	event: string;
	without: string;
	within: Duration;
	where: AutomationCondition[];
	segment: string;
	key: string;
	source: 'attribute' | 'event';
	attribute: string;
	property: string;
	offsetDays: string;
	at: string;
}

/** The editor's form. */
export interface AutomationForm {
	name: string;
	template: string | null;
	trigger: TriggerForm;
	steps: StepForm[];
	/** Comma-separated. */
	exitEvents: string;
	exitSegment: string;
	goalOn: boolean;
	goalEvent: string;
	goalValue: string;
	goalWindow: Duration;
	reentry: 'never' | 'after';
	reentryAfter: Duration;
	holdoutOn: boolean;
	holdout: string;
	quiet: 'site' | 'none' | 'own';
	quietStart: string;
	quietEnd: string;
	quietAction: QuietHoursRule['action'];
	ignoreCap: boolean;
	timezone: string;
	/** Who gets each step: the person it happened to, or a broadcast's audience. */
	recipients: 'person' | 'all' | 'segment' | 'kept';
	audienceSegment: string;
	/** A broadcast audience the form has no inputs for (categories, a filter…), kept as it is. */
	keptAudience: Audience | null;
	categoriesFrom: string;
}

/** Most steps an automation has (the API's limit). */
export const MAX_STEPS = 5;

/** What a form starts from: a stored automation, or a template's body (steps without resource or delivery). */
export type AutomationSource = Partial<Omit<AutomationView, 'steps' | 'goal'>> & {
	steps?: Array<{
		wait?: AutomationWait;
		message: Partial<Message>;
		resource?: AutomationStep['resource'];
		delivery?: Delivery;
		discountCode?: string;
	}>;
	goal?: { event: string; valueProperty?: string; windowSeconds?: number } | null;
};

/** A step of a stored automation or a template. */
function stepFormOf(step: NonNullable<AutomationSource['steps']>[number]): StepForm {
	const message = { title: '', body: '', ...step.message };
	const wait = step.wait;
	return {
		wait: !wait || ('seconds' in wait && wait.seconds === 0) ? 'none' : 'seconds' in wait ? 'after' : 'until',
		after: durationOf(wait && 'seconds' in wait && wait.seconds > 0 ? wait.seconds : 86_400),
		until: wait && 'until' in wait ? wait.until : '09:00',
		fields: fromMessage(message),
		extras: extrasOf(message),
		picked: step.resource ? pickedOfUse(step.resource) : null,
		kept: step.resource?.overrides ?? {},
		delivery: step.delivery ?? null,
		discountCode: step.discountCode ?? '',
	};
}

/** A new step: at once, an empty message. */
export const newStep = (): StepForm => stepFormOf({ message: {} });

/** The trigger's inputs; those of the other kinds get defaults. */
function triggerFormOf(t: AutomationTrigger | undefined): TriggerForm {
	return {
		type: t?.type ?? 'event',
		event: t?.event ?? '',
		without: t?.type === 'inaction' ? t.without : '',
		within: durationOf(t?.type === 'inaction' ? t.withinSeconds : 3_600),
		where: t?.where ?? [],
		segment: t && 'segment' in t ? (t.segment ?? '') : '',
		key: t?.key ?? '',
		source: t?.type === 'date' && !t.attribute ? 'event' : 'attribute',
		attribute: t?.type === 'date' ? (t.attribute ?? '') : '',
		property: t?.type === 'date' ? (t.property ?? '') : '',
		offsetDays: t?.type === 'date' ? String(t.offsetDays) : '-1',
		at: t?.type === 'date' ? t.at : '09:00',
	};
}

/** The form for a stored automation or a template's body; `zone` is the time zone a new one starts with. */
export function formOf(a: AutomationSource, zone: string): AutomationForm {
	const quiet = a.quietHours;
	return {
		name: a.name ?? '',
		template: a.template ?? null,
		trigger: triggerFormOf(a.trigger),
		steps: (a.steps?.length ? a.steps : [{ message: {} }]).map(stepFormOf),
		exitEvents: (a.exit?.events ?? []).join(', '),
		exitSegment: a.exit?.segment ?? '',
		goalOn: !!a.goal,
		goalEvent: a.goal?.event ?? 'purchase',
		goalValue: a.goal?.valueProperty ?? '',
		goalWindow: durationOf(a.goal?.windowSeconds ?? 3 * 86_400),
		reentry: a.reentryAfterSeconds === null || a.reentryAfterSeconds === undefined ? 'never' : 'after',
		reentryAfter: durationOf(a.reentryAfterSeconds ?? 86_400),
		holdoutOn: !!a.holdoutPercent,
		holdout: String(a.holdoutPercent ?? 10),
		quiet: quiet === undefined ? 'site' : quiet === null ? 'none' : 'own',
		quietStart: quiet?.start ?? '21:00',
		quietEnd: quiet?.end ?? '08:00',
		quietAction: quiet?.action ?? 'delay',
		ignoreCap: a.ignoreFrequencyCap ?? false,
		timezone: a.timezone ?? zone,
		recipients: recipientsOf(a.audience),
		audienceSegment: a.audience && 'segment' in a.audience ? a.audience.segment : '',
		keptAudience: a.audience ?? null,
		categoriesFrom: a.categoriesFrom ?? '',
	};
}

/** The recipients option an audience is shown as. */
export function recipientsOf(audience: Audience | null | undefined): AutomationForm['recipients'] {
	if (!audience) return 'person';
	if ('all' in audience && !audience.exclude) return 'all';
	if ('segment' in audience && !audience.exclude) return 'segment';
	return 'kept';
}

function audienceOf(f: AutomationForm): Audience | null {
	switch (f.recipients) {
		case 'all':
			return { all: true };
		case 'segment':
			return { segment: f.audienceSegment };
		case 'kept':
			return f.keptAudience;
		default:
			return null;
	}
}

/** Only the filled-in optional parts of a trigger. */
const optional = (parts: Record<string, string | AutomationCondition[]>) =>
	Object.fromEntries(Object.entries(parts).filter(([, v]) => v.length > 0));

function triggerOf(f: TriggerForm): Record<string, unknown> {
	const narrowing = optional({ where: f.where, key: f.key.trim() });
	switch (f.type) {
		case 'inaction':
			return {
				type: 'inaction',
				event: f.event.trim(),
				without: f.without.trim(),
				withinSeconds: secondsOf(f.within),
				...narrowing,
				...optional({ segment: f.segment }),
			};
		case 'date':
			return {
				type: 'date',
				...(f.source === 'attribute'
					? { attribute: f.attribute.trim() }
					: { event: f.event.trim(), property: f.property.trim() }),
				offsetDays: numberOf(f.offsetDays),
				at: f.at,
				...narrowing,
			};
		default:
			return { type: 'event', event: f.event.trim(), ...narrowing, ...optional({ segment: f.segment }) };
	}
}

/** The message a step sends, as the preview shows it. */
export const stepMessage = (s: StepForm): Message => ({ body: '', ...s.extras, ...toMessage(s.fields) });

/** A message as the previews can show it: an icon or image that is a template (`{{ event.image }}`) is no picture yet. */
export function previewOf(m: Message): Message {
	const out = { ...m };
	for (const field of ['icon', 'image'] as const) if (out[field]?.includes('{')) delete out[field];
	return out;
}

function stepOf(s: StepForm): Record<string, unknown> {
	const wait =
		s.wait === 'after' ? { seconds: secondsOf(s.after) } : s.wait === 'until' ? { until: s.until } : null;
	return {
		...(wait ? { wait } : {}),
		message: s.picked ? messageBody(s.fields, s.picked, s.kept) : { ...s.extras, ...toMessage(s.fields) },
		...(s.delivery ? { delivery: s.delivery } : {}),
		// As typed (the API trims it, and its 400 names the field); blank is none.
		...(s.discountCode.trim() ? { discountCode: s.discountCode } : {}),
	};
}

/**
 * The POST or PATCH body: every part (trigger, steps and exit are replaced whole). Quiet hours are left out for the
 * site's default, which a PATCH then leaves as it was.
 */
export function automationBody(f: AutomationForm): Record<string, unknown> {
	return {
		name: f.name.trim(),
		trigger: triggerOf(f.trigger),
		steps: f.steps.map(stepOf),
		exit: { events: labelsOf(f.exitEvents), ...optional({ segment: f.exitSegment }) },
		goal: f.goalOn
			? {
					event: f.goalEvent.trim(),
					...optional({ valueProperty: f.goalValue.trim() }),
					windowSeconds: secondsOf(f.goalWindow),
				}
			: null,
		reentryAfterSeconds: f.reentry === 'never' ? null : secondsOf(f.reentryAfter),
		holdoutPercent: f.holdoutOn ? numberOf(f.holdout) : null,
		// "site" (the site's default) also takes a saved automation's own quiet hours back to it.
		quietHours:
			f.quiet === 'site'
				? 'site'
				: f.quiet === 'none'
					? null
					: { start: f.quietStart, end: f.quietEnd, action: f.quietAction },
		ignoreFrequencyCap: f.ignoreCap,
		...optional({ timezone: f.timezone.trim() }),
		audience: audienceOf(f),
		categoriesFrom: f.recipients !== 'person' && f.categoriesFrom.trim() ? f.categoriesFrom.trim() : null,
	};
}
