import type { Prompt as PromptSettings, Texts as PromptTexts } from '#wire';
import { type PromptPatch, TRIGGER_MAX } from '../api/schemas/prompt';
import { badRequest } from '../http/errors';

// The shapes are the wire's (worker/src/wire): one definition for the worker that validates them and the browser
// code that reads them. The patch is checked by its schema (api/schemas/prompt.ts); what depends on the current
// settings is checked here, after merging.
export type PromptCategory = PromptSettings['categories'][number];
export type { PromptPatch, PromptSettings, PromptTexts };

/** Defaults a site starts with. */
export const DEFAULT_PROMPT: PromptSettings = {
	variant: 'simple',
	texts: {
		title: 'Get notified',
		text: 'Hear about new arrivals, restocks and offers. You can turn this off at any time.',
		subscribe: 'Subscribe',
		later: 'Maybe later',
		save: 'Save',
		bellSubscribe: 'Get notifications',
		bellSubscribed: 'You are subscribed',
		bellUnsubscribe: 'Unsubscribe',
		bellBlocked: 'Notifications are blocked in your browser settings',
		iosHint: 'To get notifications, tap Share and then "Add to Home Screen", and open this site from there.',
	},
	translations: {},
	image: null,
	categories: [],
	trigger: { type: 'seconds', value: 5 },
	laterDays: 7,
	bell: { enabled: false, position: 'bottom-right' },
	theme: { accent: '#1d4ed8', background: '#ffffff', text: '#1f2937', radius: 12 },
	dir: 'auto',
};

/** Applies a checked partial update to prompt settings; throws a 400 naming the field for what depends on both. */
export function mergePromptSettings(current: PromptSettings, patch: PromptPatch): PromptSettings {
	const next: PromptSettings = structuredClone(current);
	if (patch.variant) next.variant = patch.variant;
	if (patch.texts) next.texts = { ...next.texts, ...patch.texts };
	if (patch.translations) next.translations = patch.translations;
	if (patch.image !== undefined) next.image = patch.image;
	if (patch.categories) {
		next.categories = patch.categories.map(({ id, label, translations }) => ({
			id,
			label,
			translations: translations ?? {},
		}));
	}
	if (patch.trigger) {
		const type = patch.trigger.type ?? next.trigger.type;
		const value = patch.trigger.value ?? (type === next.trigger.type ? next.trigger.value : 0);
		const max = type === 'seconds' ? TRIGGER_MAX.seconds : TRIGGER_MAX.other;
		if (value > max) throw badRequest('prompt.trigger.value', `must be a whole number from 0 to ${max}`);
		next.trigger = { type, value };
	}
	if (patch.laterDays !== undefined) next.laterDays = patch.laterDays;
	if (patch.bell) {
		next.bell = {
			enabled: patch.bell.enabled ?? next.bell.enabled,
			position: patch.bell.position ?? next.bell.position,
		};
	}
	if (patch.theme) {
		for (const key of ['accent', 'background', 'text', 'radius'] as const) {
			const value = patch.theme[key];
			if (value !== undefined) (next.theme as Record<typeof key, string | number>)[key] = value;
		}
	}
	if (patch.dir) next.dir = patch.dir;
	if (next.variant === 'categories' && next.categories.length === 0) {
		throw badRequest('prompt.categories', 'the categories variant needs at least one category');
	}
	return next;
}

/** The prompt settings stored on a site, with defaults for anything missing. */
export function promptOf(settings: Record<string, unknown>): PromptSettings {
	const stored = (settings.prompt ?? {}) as Partial<PromptSettings>;
	return {
		...DEFAULT_PROMPT,
		...stored,
		texts: { ...DEFAULT_PROMPT.texts, ...stored.texts },
		trigger: { ...DEFAULT_PROMPT.trigger, ...stored.trigger },
		bell: { ...DEFAULT_PROMPT.bell, ...stored.bell },
		theme: { ...DEFAULT_PROMPT.theme, ...stored.theme },
	};
}
