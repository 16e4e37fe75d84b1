import type { CampaignView, MessageFields, ResourceView } from '#wire';
import { sprintf, value } from '../ui/format';
import { useT } from '../ui/parts';
import { type Fields, fromMessage, toMessage } from './draft';
import { FieldError } from './message-fields';
import { mergeFields, overridesOf } from './resource-form';
import { useLanguageLabel } from './resource-languages';
import { resourceHref, resourceText } from './resource-words';
import { useResources } from './resources';

/** A saved message a send or campaign starts from: which, and its default message as the form's fields. */
export interface Picked {
	resourceId: string;
	name: string;
	version: number | null;
	/** The saved message's default message; null while it loads (or when it is gone). */
	base: Fields | null;
	locales: string[];
}

/** What a picked resource is. */
export const pickedOf = (r: ResourceView): Picked => ({
	resourceId: r.resourceId,
	name: r.name,
	version: r.version,
	base: fromMessage(r.message),
	locales: Object.keys(r.locales),
});

/** A campaign's saved message as stored: its text still to be loaded. */
export const pickedOfUse = (used: NonNullable<CampaignView['resource']>): Picked => ({
	resourceId: used.resourceId,
	name: used.name ?? used.resourceId,
	version: used.version,
	base: null,
	locales: [],
});

/**
 * The message part of a send or campaign body: `{resource, …the fields changed}` from a saved message, else the
 * fields. While the saved message's text is unknown, `kept` (the overrides stored) are sent as they are.
 */
export function messageBody(
	fields: Fields,
	picked: Picked | null,
	kept: MessageFields = {},
): Record<string, unknown> {
	if (!picked) return toMessage(fields);
	return { resource: picked.resourceId, ...(picked.base ? overridesOf(fields, picked.base) : kept) };
}

/** What the preview shows: the saved message with the fields changed over it (an emptied field keeps its text). */
export const shownFields = (fields: Fields, picked: Picked | null): Fields =>
	picked?.base ? mergeFields(picked.base, fields) : fields;

/**
 * "Start from a saved message": picking one fills the form with its default message; what is then changed is sent
 * beside it as overrides, for every language.
 */
export function SavedMessagePicker(props: {
	picked: Picked | null;
	onPick: (p: Picked | null) => void;
	/** The select's id (several pickers on a page). */
	id?: string;
	/** The API's error about the saved message. */
	error?: string | undefined;
}) {
	const t = useT();
	const languageLabel = useLanguageLabel();
	const [list, error] = useResources();
	const { picked } = props;
	const id = props.id ?? 'saved-message';
	if (!picked && !props.error && (error || !list || list.length === 0)) return null;
	const options = list ?? [];
	const missing = picked && !options.some((r) => r.resourceId === picked.resourceId);
	return (
		<div class="saved-pick" data-testid="saved-message">
			<label>
				{t('Start from a saved message')}
				<select
					id={id}
					aria-invalid={props.error ? true : undefined}
					aria-describedby={props.error ? `${id}-error` : undefined}
					value={picked?.resourceId ?? ''}
					onChange={(e) => {
						const r = options.find((x) => x.resourceId === value(e));
						props.onPick(r ? pickedOf(r) : null);
					}}
				>
					<option value="">{t('None: write a new message')}</option>
					{missing && (
						<option value={picked.resourceId}>{resourceText(t, picked.name, picked.version)}</option>
					)}
					{options.map((r) => (
						<option key={r.resourceId} value={r.resourceId}>
							{resourceText(t, r.name, r.version)}
						</option>
					))}
				</select>
				<FieldError id={`${id}-error`} error={props.error} />
			</label>
			{picked && (
				<p class="hint" data-testid="saved-message-hint">
					{picked.locales.length > 0 &&
						sprintf(t('It has its own text for %s.'), picked.locales.map(languageLabel).join(', '))}{' '}
					{t(
						'Fields you change here replace the saved message’s in every language; an emptied field keeps its text.',
					)}{' '}
					<a href={resourceHref(picked.resourceId)}>{t('Open the saved message')}</a>
				</p>
			)}
		</div>
	);
}
