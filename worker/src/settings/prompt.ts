import type { Prompt as PromptSettings, Texts as PromptTexts } from '../../../widget/src/types';
import { badRequest } from '../http/errors';
import {
	optBoolean,
	optEnum,
	optInteger,
	optObject,
	optString,
	parseHttpUrl,
	within,
} from '../http/validate';

// The shapes are the widget's own (widget/src/types.ts): one definition for the worker that validates them and
// the browser code that reads them.
export type PromptCategory = PromptSettings['categories'][number];
export type { PromptSettings, PromptTexts };

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

const TEXT_KEYS = Object.keys(DEFAULT_PROMPT.texts) as Array<keyof PromptTexts>;
const LANG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const COLOR = /^#([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

function texts(obj: Record<string, unknown>, field: string): Partial<PromptTexts> {
	const out: Partial<PromptTexts> = {};
	for (const key of Object.keys(obj)) {
		if (!TEXT_KEYS.includes(key as keyof PromptTexts))
			throw badRequest(`${field}.${key}`, `is not a text; use ${TEXT_KEYS.join(', ')}`);
		const value = within(field, () => optString(obj, key, key === 'text' || key === 'iosHint' ? 300 : 80));
		if (value !== undefined) out[key as keyof PromptTexts] = value;
	}
	return out;
}

/** Applies a partial update to prompt settings; throws a 400 naming the field. */
export function mergePromptSettings(current: PromptSettings, input: Record<string, unknown>): PromptSettings {
	return within('prompt', () => merge(current, input));
}

function merge(current: PromptSettings, input: Record<string, unknown>): PromptSettings {
	const next: PromptSettings = structuredClone(current);
	const known = [
		'variant',
		'texts',
		'translations',
		'image',
		'categories',
		'trigger',
		'laterDays',
		'bell',
		'theme',
		'dir',
	];
	for (const key of Object.keys(input)) if (!known.includes(key)) throw badRequest(key, 'is not a setting');
	next.variant = optEnum(input, 'variant', ['simple', 'categories'] as const) ?? next.variant;
	const t = optObject(input, 'texts');
	if (t) next.texts = { ...next.texts, ...texts(t, 'texts') };
	const tr = optObject(input, 'translations');
	if (tr) {
		next.translations = {};
		for (const [lang, value] of Object.entries(tr)) {
			if (!LANG.test(lang))
				throw badRequest(`translations.${lang}`, 'must be keyed by a language tag such as de or pt-BR');
			if (typeof value !== 'object' || value === null)
				throw badRequest(`translations.${lang}`, 'must be an object of texts');
			next.translations[lang.toLowerCase()] = texts(value as Record<string, unknown>, `translations.${lang}`);
		}
	}
	if (input.image === null) next.image = null;
	else if (input.image !== undefined) {
		const url = parseHttpUrl(optString(input, 'image', 1024) ?? '', 'image');
		if (url.protocol !== 'https:') throw badRequest('image', 'must be an https URL');
		next.image = url.href;
	}
	if (input.categories !== undefined) next.categories = parseCategories(input.categories);
	const trigger = optObject(input, 'trigger');
	if (trigger) {
		next.trigger = within('trigger', () => parseTrigger(trigger, next.trigger));
	}
	next.laterDays = optInteger(input, 'laterDays', 1, 365) ?? next.laterDays;
	const bell = optObject(input, 'bell');
	if (bell) {
		const current = next.bell;
		next.bell = within('bell', () => ({
			enabled: optBoolean(bell, 'enabled') ?? current.enabled,
			position: optEnum(bell, 'position', ['bottom-right', 'bottom-left'] as const) ?? current.position,
		}));
	}
	const theme = optObject(input, 'theme');
	if (theme) {
		for (const key of ['accent', 'background', 'text'] as const) {
			const value = within('theme', () => optString(theme, key, 9));
			if (value === undefined) continue;
			if (!COLOR.test(value)) throw badRequest(`theme.${key}`, 'must be a hex colour such as #1d4ed8');
			next.theme[key] = value;
		}
		next.theme.radius = within('theme', () => optInteger(theme, 'radius', 0, 32)) ?? next.theme.radius;
	}
	next.dir = optEnum(input, 'dir', ['auto', 'ltr', 'rtl'] as const) ?? next.dir;
	if (next.variant === 'categories' && next.categories.length === 0) {
		throw badRequest('categories', 'the categories variant needs at least one category');
	}
	return next;
}

function parseCategories(value: unknown): PromptCategory[] {
	if (!Array.isArray(value)) throw badRequest('categories', 'must be an array of {id, label}');
	if (value.length > 12) throw badRequest('categories', 'at most 12 categories');
	const seen = new Set<string>();
	return value.map((item, i) => {
		const field = `categories[${i}]`;
		if (typeof item !== 'object' || item === null) throw badRequest(field, 'must be an object {id, label}');
		const obj = item as Record<string, unknown>;
		const id = within(field, () => optString(obj, 'id', 64));
		if (!id || !/^[a-z0-9][a-z0-9_-]*$/.test(id))
			throw badRequest(`${field}.id`, 'must be lowercase letters, digits, - or _');
		if (seen.has(id)) throw badRequest(`${field}.id`, `"${id}" is used twice`);
		seen.add(id);
		const label = within(field, () => optString(obj, 'label', 60));
		if (!label) throw badRequest(`${field}.label`, 'is required');
		const translations: Record<string, string> = {};
		const tr = within(field, () => optObject(obj, 'translations')) ?? {};
		for (const lang of Object.keys(tr)) {
			if (!LANG.test(lang))
				throw badRequest(`${field}.translations.${lang}`, 'must be keyed by a language tag');
			const text = within(`${field}.translations`, () => optString(tr, lang, 60));
			if (text) translations[lang.toLowerCase()] = text;
		}
		return { id, label, translations };
	});
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

function parseTrigger(
	input: Record<string, unknown>,
	current: PromptSettings['trigger'],
): PromptSettings['trigger'] {
	const type = optEnum(input, 'type', ['seconds', 'pageviews', 'scroll', 'manual'] as const) ?? current.type;
	const max = type === 'seconds' ? 3600 : 100;
	const value = optInteger(input, 'value', 0, max) ?? (type === current.type ? current.value : 0);
	return { type, value };
}
