import { useEffect, useRef, useState } from 'preact/hooks';
import type {
	Audience,
	CampaignDetail,
	CampaignState,
	CampaignView,
	Message,
	MessageFields,
	ResourceView,
	SiteStats,
} from '#wire';
import { isStatus } from '../api';
import { can, useConsole } from '../context';
import { go } from '../router';
import { ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { type AudienceChoice, audienceOf, choiceOf, EVERYONE, isComplete } from './audience-choice';
import { extrasOf, labelsOf, sendIf, zoneOf } from './campaign-body';
import { DeliveryStep } from './campaign-delivery';
import { ExperimentStep } from './campaign-experiment';
import { CampaignPreview } from './campaign-preview';
import { AudienceStep, MessageStep, NameStep, SaveStep, Step } from './campaign-steps';
import { CampaignTest } from './campaign-test';
import { campaignHref, campaignPath, FINISHED } from './campaign-words';
import { EMPTY, type Fields, fromMessage, toMessage } from './draft';
import { type ExperimentForm, experimentFormOf, experimentOf } from './experiment-form';
import { fillTemplate, type PreviewContext, PreviewFor } from './personalise';
import { useEstimate } from './reach';
import { messageBody, type Picked, pickedOf, pickedOfUse, shownFields } from './resource-picker';
import { resourcePath } from './resource-words';
import { formOf, type ScheduleForm, scheduleOf } from './schedule-form';
import { SchedulePicker } from './schedule-picker';
import { useSegments } from './segments';
import { type TimingForm, timingFormOf, timingOf } from './timing-form';

/**
 * Creates or edits a campaign in six steps (name, audience, message, schedule, delivery, experiment) beside a live
 * preview.
 */
export function CampaignEditor({ id }: { id: string }) {
	const { api, site, token, host } = useConsole();
	const t = useT();
	const isNew = id === 'new';
	const [loaded, loadError] = useLoad(
		() => (isNew ? Promise.resolve(null) : api.call<CampaignDetail>(campaignPath(id))),
		[id],
	);
	const [stats] = useLoad(() => api.call<SiteStats>('/stats'), []);
	const [segmentList] = useSegments();
	const segments = segmentList ?? [];
	const [campaignId, setCampaignId] = useState<string | null>(isNew ? null : id);
	const [state, setState] = useState<CampaignState | null>(null);
	const [name, setName] = useState('');
	const [labels, setLabels] = useState('');
	const [fields, setFields] = useState<Fields>(EMPTY);
	const [extras, setExtras] = useState<Partial<Message>>({});
	const [picked, setPicked] = useState<Picked | null>(null);
	/** The saved message's overrides as stored, sent as they are until its text is loaded. */
	const [storedOverrides, setStoredOverrides] = useState<MessageFields>({});
	const [choice, setChoice] = useState<AudienceChoice>(EVERYONE);
	const [kept, setKept] = useState<Audience | null>(null);
	const [schedule, setSchedule] = useState<ScheduleForm>(() => formOf(null));
	/** The stored schedule as this form writes it: sent again only when it changed (a new one counts from now). */
	const [savedSchedule, setSavedSchedule] = useState('');
	const [timing, setTiming] = useState<TimingForm>(() => timingFormOf(null));
	const [experiment, setExperiment] = useState<ExperimentForm>(() => experimentFormOf(null));
	/** The stored timing and experiment as this form writes them (null: not saved yet). */
	const [savedParts, setSavedParts] = useState<{ timing: string; experiment: string } | null>(null);
	const [ready, setReady] = useState(isNew);
	const [dirty, setDirty] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<unknown>(null);
	const [previewCtx, setPreviewCtx] = useState<PreviewContext | null>(null);
	const [previewWho, setPreviewWho] = useState('');
	const form = useRef<HTMLFormElement>(null);
	const mayEdit = can(token.role, 'editor');

	useEffect(() => {
		if (!loaded) return;
		setState(loaded.state);
		setName(loaded.name);
		setLabels(loaded.labels.join(', '));
		setFields(fromMessage(loaded.message));
		setExtras(extrasOf(loaded.message));
		const used = loaded.resource;
		if (used) {
			setPicked(pickedOfUse(used));
			setStoredOverrides(used.overrides);
			// Its text, to tell the fields changed from the saved message's (a resource since deleted stays unknown).
			api.call<ResourceView>(resourcePath(used.resourceId)).then(
				(r) => setPicked(pickedOf(r)),
				() => {},
			);
		}
		const c = choiceOf(loaded.audience);
		if (c) setChoice(c);
		else setKept(loaded.audience);
		const stored = formOf(loaded.schedule);
		setSchedule(stored);
		setSavedSchedule(loaded.schedule ? JSON.stringify(scheduleOf(stored)) : '');
		const timingForm = timingFormOf(loaded.timing);
		const experimentForm = experimentFormOf(loaded.experiment);
		setTiming(timingForm);
		setExperiment(experimentForm);
		setSavedParts({
			timing: JSON.stringify(timingOf(timingForm, zoneOf(stored))),
			experiment: JSON.stringify(experimentOf(experimentForm)),
		});
		setReady(true);
	}, [loaded]);

	const touch =
		<T,>(set: (v: T) => void) =>
		(v: T) => {
			set(v);
			setDirty(true);
		};
	const audience = kept ?? audienceOf(choice);
	const estimate = useEstimate(kept || isComplete(choice) ? audience : null);
	const finished = state !== null && FINISHED.includes(state);
	const fill = (text: string) => fillTemplate(text, previewCtx);
	const shown = shownFields(fields, picked);

	/** Creates the campaign or saves its changes; returns its id. */
	const save = async (): Promise<string> => {
		const when = scheduleOf(schedule);
		const changed = JSON.stringify(when) !== savedSchedule;
		const parts = { timing: timingOf(timing, zoneOf(schedule)), experiment: experimentOf(experiment) };
		const body = {
			name: name.trim(),
			labels: labelsOf(labels),
			message: picked ? messageBody(fields, picked, storedOverrides) : { ...extras, ...toMessage(fields) },
			audience,
			...(campaignId && !changed ? {} : { schedule: when }),
			...sendIf('timing', parts.timing, savedParts?.timing ?? null),
			...sendIf('experiment', parts.experiment, savedParts?.experiment ?? null),
		};
		const saved = campaignId
			? await api.call<CampaignView>(campaignPath(campaignId), { method: 'PATCH', body })
			: await api.call<CampaignView>('/campaigns', { method: 'POST', body });
		setState(saved.state);
		setSavedSchedule(JSON.stringify(when));
		setSavedParts({ timing: JSON.stringify(parts.timing), experiment: JSON.stringify(parts.experiment) });
		setDirty(false);
		if (!campaignId) {
			setCampaignId(saved.campaignId);
			// The address becomes the campaign's, without a navigation that would rebuild this form.
			history.replaceState(history.state, '', `${campaignHref(saved.campaignId)}/edit`);
		}
		return saved.campaignId;
	};

	const run = async (andSchedule: boolean) => {
		if (!form.current?.reportValidity()) return;
		setError(null);
		setBusy(true);
		try {
			const saved = await save();
			if (andSchedule) {
				await api.call<CampaignView>(`${campaignPath(saved)}/schedule`, { method: 'POST' });
				host.toast(t('Campaign scheduled'));
				go(`/campaigns/${encodeURIComponent(saved)}`);
			} else host.toast(t('Campaign saved'));
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	};

	const readOnly = !mayEdit ? t('Editors and admins change campaigns') : undefined;
	return (
		<Screen
			title={campaignId ? t('Edit campaign') : t('New campaign')}
			actions={
				<a href={campaignId ? campaignHref(campaignId) : '#/campaigns'}>
					{campaignId ? t('Back to the campaign') : t('Back to campaigns')}
				</a>
			}
		>
			{isStatus(loadError, 404) ? (
				<p class="notice notice-info" role="alert">
					{t('This campaign does not exist (any more).')}
				</p>
			) : (
				<ErrorNote error={loadError} />
			)}
			{!mayEdit && <p class="notice notice-info">{t('Your role can read campaigns but not change them.')}</p>}
			{finished && (
				<p class="notice notice-info" data-testid="campaign-finished">
					{t('This campaign has ended; it can no longer be changed.')}
				</p>
			)}
			{ready && (
				<div class="split">
					<form
						ref={form}
						class="steps"
						aria-label={t('Campaign')}
						data-testid="campaign-form"
						onSubmit={(e) => {
							e.preventDefault();
							void run(false);
						}}
					>
						<NameStep name={name} onName={touch(setName)} labels={labels} onLabels={touch(setLabels)} />
						<AudienceStep
							choice={choice}
							onChoice={touch(setChoice)}
							kept={kept}
							onDropKept={() => touch(setKept)(null)}
							estimate={estimate}
							categories={site.settings.prompt.categories}
							segments={segments}
							active={stats?.active ?? null}
						/>
						<MessageStep
							n={3}
							fields={fields}
							set={(patch) => touch(setFields)({ ...fields, ...patch })}
							picked={picked}
							onPick={(p) => {
								setPicked(p);
								setStoredOverrides({});
								if (p?.base) setFields(p.base);
								setDirty(true);
							}}
						/>
						<section class="card form" aria-labelledby="step-schedule">
							<Step id="step-schedule" n={4} title={t('Schedule')} />
							<SchedulePicker
								form={schedule}
								set={(patch) => touch(setSchedule)({ ...schedule, ...patch })}
							/>
						</section>
						<DeliveryStep
							n={5}
							form={timing}
							set={(patch) => touch(setTiming)({ ...timing, ...patch })}
							zone={zoneOf(schedule)}
						/>
						<ExperimentStep
							n={6}
							form={experiment}
							set={(patch) => touch(setExperiment)({ ...experiment, ...patch })}
							base={{ title: shown.title, body: shown.body }}
						/>
						<SaveStep
							error={error}
							finished={finished}
							draft={state === null || state === 'draft'}
							disabled={!mayEdit || busy}
							why={readOnly}
							onSchedule={() => run(true)}
						/>
					</form>
					<div class="side">
						<CampaignPreview fields={shown} variants={experiment.variants} fill={fill} site={site} />
						<PreviewFor
							who={previewWho}
							onContext={(ctx, who) => {
								setPreviewCtx(ctx);
								setPreviewWho(who);
							}}
						/>
						<CampaignTest
							campaignId={campaignId}
							disabled={!mayEdit}
							why={readOnly ?? (campaignId ? undefined : t('Save the campaign first'))}
							note={
								!campaignId
									? t(
											'Save the campaign first: the test sends its saved message to the subscribers marked as testers.',
										)
									: dirty
										? t('Sends the saved message to the testers: save your changes first.')
										: t('Sends the saved message now to the subscribers marked as testers.')
							}
						/>
					</div>
				</div>
			)}
		</Screen>
	);
}
