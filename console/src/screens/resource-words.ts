import { type BrowserSupport, droppedBy, type PreviewMessage } from '../../../worker/src/wire/browsers';
import { ApiError } from '../api-error';
import { sprintf } from '../ui/format';
import type { FieldName } from './message-fields';

type T = (text: string) => string;
type Tn = (single: string, plural: string, n: number) => string;

/** The API path of a saved message (push resource). */
export const resourcePath = (id: string) => `/resources/${encodeURIComponent(id)}`;

/** The console address of a saved message. */
export const resourceHref = (id: string) => `#/messages/${encodeURIComponent(id)}`;

/** A send's or a campaign's saved message: "Spring sale v2". */
export const resourceText = (t: T, name: string, version: number | null) =>
	version === null ? name : sprintf(t('%1$s v%2$d'), name, version);

/**
 * What a browser drops or cuts of a message, in one line: "Drops: image, 2 buttons; title cut at 40 characters"
 * (droppedBy in the browser table decides; this only words it).
 */
export function dropsText(browser: BrowserSupport, message: PreviewMessage, t: T, tn: Tn): string {
	const d = droppedBy(browser, message);
	const words = d.fields.map((field) => {
		switch (field) {
			case 'actions':
				return sprintf(tn('%d button', '%d buttons', d.actionsDropped), d.actionsDropped);
			case 'icon':
				return t('icon');
			case 'image':
				return t('image');
			case 'badge':
				return t('badge');
			case 'requireInteraction':
				return t('staying on screen');
			default:
				return field;
		}
	});
	const parts: string[] = [];
	if (words.length) parts.push(sprintf(t('Drops: %s'), words.join(', ')));
	if (d.titleCut) parts.push(sprintf(t('title cut at %d characters'), browser.titleLength));
	if (d.bodyCut) parts.push(sprintf(t('message cut at %d characters'), browser.bodyLength));
	if (!parts.length) return t('Shows all of it.');
	const line = parts.join('; ');
	return line.charAt(0).toLocaleUpperCase() + line.slice(1);
}

/** Where an error of saving a resource belongs in its editor. */
export interface PlacedError {
	at: 'name' | 'labels' | 'message' | 'other';
	/** With `message`: the language ('' for the default). */
	tag: string;
	/** With `message`: the field, when the form has it. */
	field: FieldName | null;
	text: string;
}

const FIELDS: Record<string, FieldName> = {
	title: 'title',
	body: 'body',
	url: 'url',
	icon: 'icon',
	image: 'image',
	actions: 'buttons',
};

/** The form's field for a message field an API error names (`actions` → buttons), or null. */
export const messageField = (name: string): FieldName | null => FIELDS[name] ?? null;

/**
 * Places an error of POST/PATCH …/resources at its input: a 400 names the field first (`locales.de.title: …`), a
 * 409 is a taken name. Anything else stays with the save button.
 */
export function placeError(error: unknown): PlacedError | null {
	if (!(error instanceof ApiError)) return null;
	const text = error.message;
	if (error.status === 409 && error.code !== 'resource_in_use')
		return { at: 'name', tag: '', field: null, text };
	if (error.status !== 400 || !text) return null;
	const path = text.split(':', 1)[0] ?? '';
	if (/^name\b/.test(path)) return { at: 'name', tag: '', field: null, text };
	if (/^labels\b/.test(path)) return { at: 'labels', tag: '', field: null, text };
	const m = /^(?:message|locales\.([^.[\s]+))(?:[.[]([A-Za-z]+))?/.exec(path);
	if (m) return { at: 'message', tag: m[1] ?? '', field: messageField(m[2] ?? ''), text };
	return { at: 'other', tag: '', field: null, text };
}
