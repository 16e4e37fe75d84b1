import type { Audience } from '#wire';

/** A notification button being written. */
export interface Button {
	title: string;
	url: string;
}

/** The form's fields. */
export interface Fields {
	title: string;
	body: string;
	url: string;
	icon: string;
	image: string;
	buttons: Button[];
}

/** The POST body for these fields and audience. */
export function payload(f: Fields, audience: Audience): Record<string, unknown> {
	const p: Record<string, unknown> = { title: f.title, audience };
	if (f.body) p.body = f.body;
	if (f.url) p.url = f.url;
	if (f.icon) p.icon = f.icon;
	if (f.image) p.image = f.image;
	const actions = f.buttons
		.filter((b) => b.title.trim())
		.map((b, i) => ({ action: `button-${i + 1}`, title: b.title.trim(), ...(b.url ? { url: b.url } : {}) }));
	if (actions.length) p.actions = actions;
	return p;
}

/** An empty form. */
export const EMPTY: Fields = { title: '', body: '', url: '', icon: '', image: '', buttons: [] };
