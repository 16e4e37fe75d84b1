import { ApiError } from '../api-error';
import type { FieldName } from './message-fields';
import { messageField } from './resource-words';

// Where an error of saving an automation is shown: a 400 (or a 404 of a segment or saved message) names its field
// first, `steps[1].message.url: …`; the editor shows it at that field, anything else beside the save button.

/** An error of saving, with the path of the field it names. */
export interface AutomationError {
	/** `trigger.event`, `steps[1].wait`, `goal.windowSeconds`… */
	path: string;
	text: string;
}

/** The paths the editor has a field for. */
const SHOWN = [
	/^name$/,
	/^trigger\.(event|without|withinSeconds|where|segment|key|attribute|property|offsetDays|at)\b/,
	/^steps\[\d+\]\.(wait|discountCode|message\.(title|body|url|icon|image|actions|resource))\b/,
	/^exit\.(events|segment)\b/,
	/^goal\.(event|valueProperty|windowSeconds)\b/,
	/^(reentryAfterSeconds|holdoutPercent|timezone|categoriesFrom)$/,
	/^audience\b/,
	/^quietHours\.(start|end|action)$/,
];

/** The error of a save when it names a field of the form; null for any other (shown beside the save button). */
export function placeAutomationError(error: unknown): AutomationError | null {
	if (!(error instanceof ApiError) || (error.status !== 400 && error.status !== 404)) return null;
	const path = /^([A-Za-z]\w*(?:\.\w+|\[\d+\])*)\s*:/.exec(error.message)?.[1];
	return path && SHOWN.some((re) => re.test(path)) ? { path, text: error.message } : null;
}

/** The error's text when it names this field or a part of it (`trigger.where` holds `trigger.where[0].op`). */
export function errorAt(e: AutomationError | null, field: string): string | undefined {
	if (!e) return undefined;
	const { path } = e;
	return path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`) ? e.text : undefined;
}

/** The step (from 0) an error names, or null. */
export function errorStep(e: AutomationError | null): number | null {
	const m = /^steps\[(\d+)\]/.exec(e?.path ?? '');
	return m ? Number(m[1]) : null;
}

/** The message field of step `i` an error names, as the message fields take it. */
export function stepFieldErrors(e: AutomationError | null, i: number): Partial<Record<FieldName, string>> {
	const m = /^steps\[(\d+)\]\.message\.(\w+)/.exec(e?.path ?? '');
	const field = m && Number(m[1]) === i ? messageField(m[2] ?? '') : null;
	return field && e ? { [field]: e.text } : {};
}
