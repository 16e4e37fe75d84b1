import type { Prompt, Texts } from './types';

const RTL = /^(ar|he|fa|ur|ps|yi|dv|ku|sd|ug)\b/i;

/** The best translation for the browser's languages: exact tag, then base language, then the defaults. */
export function textsFor(
	prompt: Prompt,
	languages: readonly string[],
): { texts: Texts; labels: Record<string, string>; lang: string } {
	let lang = '';
	for (const l of languages) {
		const tag = l.toLowerCase();
		const base = tag.split('-')[0] as string;
		if (prompt.translations[tag]) lang = tag;
		else if (prompt.translations[base]) lang = base;
		if (lang) break;
	}
	const texts = { ...prompt.texts, ...(lang ? prompt.translations[lang] : {}) };
	const labels: Record<string, string> = {};
	for (const c of prompt.categories) labels[c.id] = (lang && c.translations[lang]) || c.label;
	return { texts, labels, lang };
}

/** Writing direction: the setting, else the page's, else from the chosen language. */
export function direction(prompt: Prompt, lang: string): 'ltr' | 'rtl' {
	if (prompt.dir !== 'auto') return prompt.dir;
	const page = document.documentElement.dir || document.body?.dir;
	if (page === 'rtl' || page === 'ltr') return page;
	return RTL.test(lang || document.documentElement.lang || '') ? 'rtl' : 'ltr';
}
