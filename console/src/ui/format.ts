import type { ComponentChildren } from 'preact';

/**
 * The page's language for Intl (`<html lang>`, which WordPress sets to the admin's locale); undefined (the
 * browser's own) when it is missing or not a valid language tag.
 */
export function locale(): string | undefined {
	const lang = typeof document === 'undefined' ? '' : document.documentElement.lang;
	try {
		return lang ? Intl.getCanonicalLocales(lang)[0] : undefined;
	} catch {
		return undefined;
	}
}

/** A count with the language's digit grouping. */
export const fmt = (n: number) => n.toLocaleString(locale());

/** A date and time, short, in the page's language. */
export const when = (iso: string | null) =>
	iso
		? new Date(iso).toLocaleString(locale(), {
				year: 'numeric',
				month: 'short',
				day: 'numeric',
				hour: '2-digit',
				minute: '2-digit',
			})
		: '–';

/** A time of day, short, in the page's language (for a moment within the hour). */
export const clockTime = (iso: string) =>
	new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });

/** A percentage of a whole (one decimal at most), or a dash when the whole is zero. */
export const rate = (part: number, whole: number) =>
	whole > 0
		? new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(part / whole)
		: '–';

/** `%s`, `%d`, `%1$s`/`%1$d` (positional) and `%%`, as in WordPress's `sprintf` (@wordpress/i18n). */
const SPEC = /%(?:(\d+)\$)?([sd])|%%/g;

/** Splits a format into its literal parts and the arguments its placeholders take, in order. */
function fill<T>(format: string, args: T[], piece: (arg: T | undefined, type: string) => T | string) {
	const out: Array<T | string> = [];
	let next = 0;
	let last = 0;
	for (const m of format.matchAll(SPEC)) {
		if (m.index > last) out.push(format.slice(last, m.index));
		last = m.index + m[0].length;
		if (m[0] === '%%') {
			out.push('%');
			continue;
		}
		const index = m[1] ? Number(m[1]) - 1 : next++;
		out.push(piece(args[index], m[2] ?? 's'));
	}
	if (last < format.length) out.push(format.slice(last));
	return out;
}

const asText = (arg: unknown, type: string) =>
	type === 'd' ? String(Math.trunc(Number(arg))) : arg === undefined || arg === null ? '' : String(arg);

/**
 * Puts values into a translated text: `sprintf(t('Sent %1$s of %2$s'), a, b)`. The whole sentence is one
 * translatable text, so translators can reorder its parts.
 */
export function sprintf(format: string, ...args: Array<string | number>): string {
	return fill<string | number>(format, args, asText).join('');
}

/** sprintf for markup: the arguments may be elements (a link, a `dir="auto"` span) and stay elements. */
export function sprintfNodes(format: string, ...args: ComponentChildren[]): ComponentChildren[] {
	return fill<ComponentChildren>(format, args, (arg, type) =>
		typeof arg === 'string' || typeof arg === 'number' || arg === undefined || arg === null
			? asText(arg, type)
			: arg,
	);
}

/** The value of an input event's target. */
export const value = (e: Event) => (e.target as HTMLInputElement).value;

/** Whether an input event's target (a checkbox or radio) is checked. */
export const checked = (e: Event) => (e.target as HTMLInputElement).checked;

/** A random idempotency key. */
export const newKey = () => crypto.randomUUID();

/** Waits ms milliseconds. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Marks a text kept in a list (navigation, labels) for translation: it returns the text unchanged, and the
 * translation template's extractor (test/support/wordpress/pot.ts) collects its argument. Show it with `t(label)`.
 */
export const translatable = (text: string): string => text;

/** A share (0.25) as a percentage, one decimal at most. */
export const percent = (share: number) =>
	new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(share);

/** An amount (revenue, in the shop's own currency), two decimals at most. */
export const amount = (n: number) => n.toLocaleString(locale(), { maximumFractionDigits: 2 });
