import type { Message, MessageFields } from '#wire';
import { extrasOf, labelsOf } from './campaign-body';
import { EMPTY, type Fields, fromMessage, toMessage } from './draft';

// A saved message (push resource) as its editor holds it, and the rules between that form and the API.

/** A language variant being edited: the fields it changes (blank: the default's) and those the form does not show. */
export interface LocaleForm {
	tag: string;
	fields: Fields;
	extras: MessageFields;
}

/** The resource editor's form. */
export interface ResourceForm {
	name: string;
	/** Comma-separated. */
	labels: string;
	fields: Fields;
	extras: Partial<Message>;
	locales: LocaleForm[];
}

/** A new saved message. */
export const NEW_RESOURCE: ResourceForm = { name: '', labels: '', fields: EMPTY, extras: {}, locales: [] };

/** The fields a variant changes, as the form shows them: blank where it keeps the default's. */
export function fieldsOfChanges(m: MessageFields): Fields {
	return fromMessage({ title: '', body: '', ...m });
}

/** The fields a variant (or a use) changes, as the API takes them: the filled-in ones only. */
export function changesOf(f: Fields): MessageFields {
	const m: MessageFields = toMessage(f);
	if (!f.title.trim()) delete m.title;
	return m;
}

/** The form for a stored resource or one of its versions. */
export function resourceFormOf(r: {
	name: string;
	labels?: string[];
	message: Message;
	locales: Record<string, MessageFields>;
}): ResourceForm {
	return {
		name: r.name,
		labels: (r.labels ?? []).join(', '),
		fields: fromMessage(r.message),
		extras: extrasOf(r.message),
		locales: Object.entries(r.locales).map(([tag, m]) => ({
			tag,
			fields: fieldsOfChanges(m),
			extras: extrasOf({ title: '', body: '', ...m }),
		})),
	};
}

/** The POST or PATCH body: every part, the message and the language map whole. */
export function resourceBody(form: ResourceForm) {
	return {
		name: form.name.trim(),
		labels: labelsOf(form.labels),
		message: { ...form.extras, ...toMessage(form.fields) },
		locales: Object.fromEntries(form.locales.map((l) => [l.tag, { ...l.extras, ...changesOf(l.fields) }])),
	};
}

/** A variant's whole message: what it changes over the default (a blank field keeps the default's). */
export function mergeFields(base: Fields, changes: Fields): Fields {
	return {
		title: changes.title.trim() ? changes.title : base.title,
		body: changes.body.trim() ? changes.body : base.body,
		url: changes.url.trim() ? changes.url : base.url,
		icon: changes.icon.trim() ? changes.icon : base.icon,
		image: changes.image.trim() ? changes.image : base.image,
		buttons: changes.buttons.some((b) => b.title.trim()) ? changes.buttons : base.buttons,
	};
}

/** The message a browser gets in one language (`''`: the default), extras included. */
export function messageIn(form: ResourceForm, tag: string): Message {
	const variant = form.locales.find((l) => l.tag === tag);
	const fields = variant ? mergeFields(form.fields, variant.fields) : form.fields;
	return { body: '', ...form.extras, ...variant?.extras, ...toMessage(fields) };
}

/**
 * The fields a use of a saved message changes: those filled in that differ from the saved message's. A field
 * emptied cannot be sent (blank reads as absent), so it keeps the saved message's.
 */
export function overridesOf(fields: Fields, base: Fields): MessageFields {
	const given = changesOf(fields);
	const saved = toMessage(base) as MessageFields;
	const out: MessageFields = {};
	for (const key of ['title', 'body', 'url', 'icon', 'image', 'actions'] as const)
		if (given[key] !== undefined && JSON.stringify(given[key]) !== JSON.stringify(saved[key]))
			Object.assign(out, { [key]: given[key] });
	return out;
}

/** A language tag as the API keys them (`de`, `pt-br`), or null when it is not one. */
export function languageTag(text: string): string | null {
	const tag = text.trim().toLowerCase().replace(/_/g, '-');
	return /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(tag) ? tag : null;
}

/** A language's name in the page's language with its tag ("German (de)"); the tag alone when Intl has none. */
export function languageName(tag: string, locale: string | undefined): string {
	try {
		const name = new Intl.DisplayNames(locale ? [locale] : undefined, { type: 'language' }).of(tag);
		return name && name.toLowerCase() !== tag ? `${name} (${tag})` : tag;
	} catch {
		return tag;
	}
}
