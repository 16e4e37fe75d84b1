import type { Message } from '#wire';
import type { Draft } from './preview';

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

/** The message fields of a send or a campaign: the filled-in fields only, buttons numbered in order. */
export function toMessage(f: Fields): Partial<Message> & { title: string } {
	const m: Partial<Message> & { title: string } = { title: f.title };
	if (f.body) m.body = f.body;
	if (f.url) m.url = f.url;
	if (f.icon) m.icon = f.icon;
	if (f.image) m.image = f.image;
	const actions = f.buttons
		.filter((b) => b.title.trim())
		.map((b, i) => ({ action: `button-${i + 1}`, title: b.title.trim(), ...(b.url ? { url: b.url } : {}) }));
	if (actions.length) m.actions = actions;
	return m;
}

/** The form's fields for a stored message (a campaign being edited). */
export function fromMessage(m: Message): Fields {
	return {
		title: m.title,
		body: m.body ?? '',
		url: m.url ?? '',
		icon: m.icon ?? '',
		image: m.image ?? '',
		buttons: (m.actions ?? []).map((a) => ({ title: a.title, url: a.url ?? '' })),
	};
}

/** An empty form. */
export const EMPTY: Fields = { title: '', body: '', url: '', icon: '', image: '', buttons: [] };

/** What the previews draw for these fields: texts through `fill` (Liquid), the site's icon when none is set. */
export function previewOf(
	f: Fields,
	fill: (text: string) => string,
	site: { homeUrl: string; iconUrl: string | null },
): Draft {
	let origin: string;
	try {
		origin = new URL(f.url || site.homeUrl).host;
	} catch {
		origin = new URL(site.homeUrl).host;
	}
	return {
		title: fill(f.title),
		body: fill(f.body),
		icon: f.icon || site.iconUrl || undefined,
		image: f.image || undefined,
		actions: f.buttons.filter((b) => b.title.trim()).map((b) => ({ title: fill(b.title) })),
		origin,
	};
}
