import { useEffect, useState } from 'preact/hooks';
import type { AutomationView, ResourceView } from '#wire';
import { isStatus } from '../api';
import { can, useConsole } from '../context';
import { go } from '../router';
import { sprintf } from '../ui/format';
import { ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { AutomationDelivery } from './automation-delivery';
import { errorStep, placeAutomationError } from './automation-errors';
import { ExitStep } from './automation-exit';
import { TextField } from './automation-fields';
import {
	type AutomationForm,
	type AutomationSource,
	automationBody,
	formOf,
	newStep,
	previewOf,
	type StepForm,
	stepMessage,
} from './automation-form';
import { useTemplates } from './automation-gallery';
import { type StepActions, StepsStep } from './automation-steps';
import { TriggerStep } from './automation-trigger';
import { automationHref, automationPath } from './automation-words';
import { BrowserPreviews } from './browser-previews';
import { Step } from './campaign-steps';
import { pickedOf, shownFields } from './resource-picker';
import { resourcePath } from './resource-words';
import { browserZone } from './schedule-form';
import { useSegments } from './segments';

/**
 * Creates (blank, or from a template's body) or edits an automation: name, trigger, steps, exit and goal,
 * delivery; the open step's message as each browser shows it beside the form. Errors of a save show at their field.
 */
export function AutomationEditor({ id, template }: { id: string; template: string | null }) {
	const { api, site, token, host } = useConsole();
	const t = useT();
	const isNew = id === 'new';
	const [templates, templatesError] = useTemplates(isNew && template !== null);
	const [loaded, loadError] = useLoad(
		() => (isNew ? Promise.resolve(null) : api.call<AutomationView>(automationPath(id))),
		[id],
	);
	const [segments] = useSegments();
	const [form, setForm] = useState<AutomationForm | null>(null);
	const [open, setOpen] = useState(0);
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);
	const mayEdit = can(token.role, 'editor');
	const chosen = templates?.find((x) => x.id === template);

	useEffect(() => {
		if (isNew && template !== null && !chosen) return;
		if (!isNew && !loaded) return;
		const source: AutomationSource = loaded ?? (chosen ? (chosen.body as AutomationSource) : {});
		const start = formOf(source, browserZone());
		setForm(chosen ? { ...start, template: chosen.id } : start);
		// Steps from saved messages: their text, to tell the fields changed from theirs.
		const ids = new Set(start.steps.flatMap((s) => (s.picked ? [s.picked.resourceId] : [])));
		for (const resourceId of ids)
			api.call<ResourceView>(resourcePath(resourceId)).then(
				(r) => {
					const known = (x: StepForm) =>
						x.picked?.resourceId === r.resourceId ? { ...x, picked: pickedOf(r) } : x;
					setForm((f) => f && { ...f, steps: f.steps.map(known) });
				},
				() => {},
			);
	}, [loaded, chosen]);

	const placed = placeAutomationError(error);
	const set = (patch: Partial<AutomationForm>) => setForm((f) => f && { ...f, ...patch });
	const steps = form?.steps ?? [];
	const setSteps = (next: StepForm[], openAt: number) => {
		set({ steps: next });
		setOpen(Math.max(0, Math.min(openAt, next.length - 1)));
	};
	const actions: StepActions = {
		set: (i, patch) => set({ steps: steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) }),
		add: () => setSteps([...steps, newStep()], steps.length),
		remove: (i) =>
			setSteps(
				steps.filter((_, j) => j !== i),
				i - 1,
			),
		move: (i, by) => {
			const next = [...steps];
			const [moved] = next.splice(i, 1);
			if (moved) next.splice(i + by, 0, moved);
			setSteps(next, i + by);
		},
	};

	const save = async (enable: boolean) => {
		if (!form) return;
		setError(null);
		setBusy(true);
		try {
			const body = automationBody(form);
			const saved = loaded
				? await api.call<AutomationView>(automationPath(loaded.automationId), { method: 'PATCH', body })
				: await api.call<AutomationView>('/automations', {
						method: 'POST',
						body: { ...body, ...(form.template ? { template: form.template } : {}), enabled: enable },
					});
			host.toast(
				loaded
					? t('Automation saved')
					: enable
						? t('Automation created and on')
						: t('Automation created (off)'),
			);
			go(`/automations/${encodeURIComponent(saved.automationId)}`);
		} catch (e) {
			setError(e);
			const at = errorStep(placeAutomationError(e));
			if (at !== null) setOpen(at);
		} finally {
			setBusy(false);
		}
	};

	const back = loaded ? (
		<a href={automationHref(loaded.automationId)}>{t('Back to the automation')}</a>
	) : (
		<a href={template ? '#/automations/templates' : '#/automations'}>
			{template ? t('Back to the templates') : t('Back to automations')}
		</a>
	);
	const failed = loadError ?? templatesError;
	const step = steps[open];
	const why = mayEdit ? undefined : t('Editors and admins change automations');
	return (
		<Screen title={loaded ? sprintf(t('Edit %s'), loaded.name) : t('New automation')} actions={back}>
			{isStatus(failed, 404) ? (
				<p class="notice notice-info" role="alert">
					{t('This automation does not exist (any more).')}
				</p>
			) : (
				<ErrorNote error={failed} />
			)}
			{templates && template !== null && !chosen && (
				<p class="notice notice-info" role="alert">
					{t('There is no such template.')}
				</p>
			)}
			{!mayEdit && (
				<p class="notice notice-info">{t('Your role can read automations but not change them.')}</p>
			)}
			{chosen && (
				<p class="notice notice-info" data-testid="from-template">
					{sprintf(t('A copy of the template “%s”: change what you like, then save it.'), chosen.name)}
				</p>
			)}
			{form && (
				<div class="split">
					<form
						class="steps"
						aria-label={t('Automation')}
						data-testid="automation-form"
						noValidate
						onSubmit={(e) => {
							e.preventDefault();
							void save(false);
						}}
					>
						<section class="card form" aria-labelledby="step-name">
							<Step id="step-name" n={1} title={t('Name')} />
							<TextField
								id="automation-name"
								label={t('Name')}
								hint={t('for you, not shown to subscribers')}
								value={form.name}
								onChange={(name) => set({ name })}
								error={placed?.path === 'name' ? placed.text : undefined}
							/>
						</section>
						<TriggerStep
							form={form.trigger}
							set={(patch) => set({ trigger: { ...form.trigger, ...patch } })}
							segments={segments ?? []}
							broadcast={form.recipients !== 'person'}
							error={placed}
						/>
						<StepsStep steps={steps} open={open} onOpen={setOpen} actions={actions} error={placed} />
						<ExitStep form={form} set={set} segments={segments ?? []} error={placed} />
						<AutomationDelivery
							form={form}
							set={set}
							siteRule={site.settings.campaigns?.quietHours ?? null}
							segments={segments ?? []}
							error={placed}
						/>
						<div class="card form campaign-save">
							{placed ? (
								<p class="notice notice-error" data-testid="save-error">
									{sprintf(t('Not saved: %s'), placed.text)}
								</p>
							) : (
								<ErrorNote error={error} />
							)}
							<div class="actions">
								{loaded ? (
									<button type="submit" class="primary" disabled={!mayEdit || busy} title={why}>
										{t('Save changes')}
									</button>
								) : (
									<>
										<button type="submit" disabled={!mayEdit || busy} title={why}>
											{t('Save, turned off')}
										</button>
										<button
											type="button"
											class="primary"
											disabled={!mayEdit || busy}
											title={why}
											data-testid="save-enable"
											onClick={() => save(true)}
										>
											{t('Save and turn on')}
										</button>
									</>
								)}
							</div>
						</div>
					</form>
					<div class="side">
						{step && (
							<BrowserPreviews
								message={previewOf(stepMessage({ ...step, fields: shownFields(step.fields, step.picked) }))}
								site={site}
								heading={sprintf(t('Preview of step %d in each browser'), open + 1)}
							/>
						)}
					</div>
				</div>
			)}
		</Screen>
	);
}
