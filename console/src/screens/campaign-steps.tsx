import type { Audience, Category, SegmentView } from '#wire';
import { value } from '../ui/format';
import { ErrorNote, useT } from '../ui/parts';
import type { AudienceChoice } from './audience-choice';
import { AudiencePicker } from './audience-picker';
import type { Fields } from './draft';
import { MessageFields } from './message-fields';
import { type Estimate, Reach } from './reach';
import { describeAudience } from './report';
import { type Picked, SavedMessagePicker } from './resource-picker';

/** A step's heading in the campaign editor: its number and title. */
export function Step(props: { id: string; n: number; title: string }) {
	return (
		<h2 id={props.id}>
			<span class="step-n" aria-hidden="true">
				{props.n}
			</span>{' '}
			{props.title}
		</h2>
	);
}

/** The first step: the campaign's name and its labels (comma-separated). */
export function NameStep(props: {
	name: string;
	onName: (name: string) => void;
	labels: string;
	onLabels: (labels: string) => void;
}) {
	const t = useT();
	return (
		<section class="card form" aria-labelledby="step-name">
			<Step id="step-name" n={1} title={t('Name and labels')} />
			<div class="row">
				<label class="grow">
					{t('Name')} <span class="hint">{t('for you, not shown to subscribers')}</span>
					<input
						id="campaign-name"
						required
						maxLength={200}
						dir="auto"
						value={props.name}
						onInput={(e) => props.onName(value(e))}
					/>
				</label>
				<label>
					{t('Labels')} <span class="hint">{t('comma-separated, optional')}</span>
					<input
						id="campaign-labels"
						dir="auto"
						value={props.labels}
						onInput={(e) => props.onLabels(value(e))}
					/>
				</label>
			</div>
		</section>
	);
}

/**
 * The audience step: the composer's picker with live reach; an audience the picker cannot show (made through the
 * API: ids, a filter) is kept as it is until another is chosen.
 */
export function AudienceStep(props: {
	choice: AudienceChoice;
	onChoice: (choice: AudienceChoice) => void;
	kept: Audience | null;
	onDropKept: () => void;
	estimate: Estimate;
	categories: Category[];
	segments: SegmentView[];
	active: number | null;
}) {
	const { choice, onChoice, kept, segments } = props;
	const t = useT();
	return (
		<section class="card form" aria-labelledby="step-audience">
			<Step id="step-audience" n={2} title={t('Audience')} />
			{kept ? (
				<>
					<p class="notice notice-info" data-testid="kept-audience">
						{t('This audience was set through the API:')}{' '}
						<span class="break">{describeAudience(kept, t)}</span>
					</p>
					<button type="button" class="align-start" onClick={props.onDropKept}>
						{t('Choose another audience')}
					</button>
					<Reach estimate={props.estimate} />
				</>
			) : (
				<AudiencePicker
					categories={props.categories}
					active={props.active}
					target={choice.target}
					chosen={choice.chosen}
					onTarget={(target) =>
						onChoice({
							...choice,
							target,
							segment: choice.segment || (target === 'segment' ? (segments[0]?.segmentId ?? '') : ''),
						})
					}
					onChosen={(chosen) => onChoice({ ...choice, chosen })}
					segments={segments}
					segment={choice.segment}
					onSegment={(segment) => onChoice({ ...choice, segment })}
					exclude={choice.exclude}
					onExclude={(exclude) => onChoice({ ...choice, exclude })}
					estimate={props.estimate}
				/>
			)}
		</section>
	);
}

/** The message step: written here, or started from a saved message (the fields changed override it). */
export function MessageStep(props: {
	n: number;
	fields: Fields;
	set: (patch: Partial<Fields>) => void;
	picked: Picked | null;
	onPick: (picked: Picked | null) => void;
}) {
	const t = useT();
	return (
		<section class="card form" aria-labelledby="step-message">
			<Step id="step-message" n={props.n} title={t('Message')} />
			<SavedMessagePicker picked={props.picked} onPick={props.onPick} />
			<MessageFields fields={props.fields} set={props.set} inherit={props.picked?.base ?? undefined} />
			<p class="hint">
				{t(
					'Personalise with Liquid in the title, message, link and button labels: {{ user.first_name | default: "there" }}, {{ subscriber.last_url }}.',
				)}
			</p>
		</section>
	);
}

/** The editor's save bar: save a draft or save and schedule it; a scheduled campaign saves its changes. */
export function SaveStep(props: {
	error: unknown;
	finished: boolean;
	/** A draft (or a campaign not saved yet). */
	draft: boolean;
	disabled: boolean;
	/** Why it is disabled (a viewer's role). */
	why: string | undefined;
	onSchedule: () => void;
}) {
	const t = useT();
	const { disabled, why } = props;
	return (
		<div class="card form campaign-save">
			<ErrorNote error={props.error} />
			{!props.finished && (
				<div class="actions">
					{props.draft ? (
						<>
							<button type="submit" disabled={disabled} title={why}>
								{t('Save draft')}
							</button>
							<button
								type="button"
								class="primary"
								disabled={disabled}
								title={why}
								onClick={props.onSchedule}
								data-testid="save-schedule"
							>
								{t('Save and schedule')}
							</button>
						</>
					) : (
						<button type="submit" class="primary" disabled={disabled} title={why}>
							{t('Save changes')}
						</button>
					)}
				</div>
			)}
		</div>
	);
}
