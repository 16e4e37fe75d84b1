import { useEffect, useState } from 'preact/hooks';
import type { ResourceView } from '#wire';
import { isStatus } from '../api';
import { can, useConsole } from '../context';
import { go } from '../router';
import { sprintf, value } from '../ui/format';
import { ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { BrowserPreviews } from './browser-previews';
import { EMPTY, type Fields } from './draft';
import { FieldError, MessageFields } from './message-fields';
import { messageIn, NEW_RESOURCE, type ResourceForm, resourceBody, resourceFormOf } from './resource-form';
import { AddLanguage, LanguageSwitch, useLanguageLabel } from './resource-languages';
import { ResourceHistory, ResourceUses } from './resource-side';
import { placeError, resourcePath } from './resource-words';

/**
 * Creates or edits a saved message (push resource): name, labels, the default message and its language variants,
 * with each browser's preview of the language being edited; saved ones show their versions and uses.
 */
export function ResourceEditor({ id }: { id: string }) {
	const { api, site, token, host } = useConsole();
	const t = useT();
	const languageLabel = useLanguageLabel();
	const isNew = id === 'new';
	const [loaded, loadError] = useLoad(
		() => (isNew ? Promise.resolve(null) : api.call<ResourceView>(resourcePath(id))),
		[id],
	);
	const [resource, setResource] = useState<ResourceView | null>(null);
	const [form, setForm] = useState<ResourceForm>(NEW_RESOURCE);
	const [tab, setTab] = useState('');
	const [error, setError] = useState<unknown>(null);
	const [saving, setSaving] = useState(false);
	const mayEdit = can(token.role, 'editor');

	useEffect(() => {
		if (!loaded) return;
		setResource(loaded);
		setForm(resourceFormOf(loaded));
	}, [loaded]);

	const placed = placeError(error);
	const at = (where: 'name' | 'labels') => (placed?.at === where ? placed.text : undefined);
	const variant = form.locales.find((l) => l.tag === tab);
	const setFields = (patch: Partial<Fields>) =>
		setForm({
			...form,
			...(variant
				? {
						locales: form.locales.map((l) =>
							l === variant ? { ...l, fields: { ...l.fields, ...patch } } : l,
						),
					}
				: { fields: { ...form.fields, ...patch } }),
		});

	const save = async (e: Event) => {
		e.preventDefault();
		setError(null);
		setSaving(true);
		try {
			const body = resourceBody(form);
			const saved = resource
				? await api.call<ResourceView>(resourcePath(resource.resourceId), { method: 'PATCH', body })
				: await api.call<ResourceView>('/resources', { method: 'POST', body });
			host.toast(sprintf(t('Saved message saved (version %d)'), saved.version));
			if (resource) {
				setResource(saved);
				setForm(resourceFormOf(saved));
			} else go(`/messages/${encodeURIComponent(saved.resourceId)}`);
		} catch (err) {
			setError(err);
			const where = placeError(err);
			if (where?.at === 'message' && (where.tag === '' || form.locales.some((l) => l.tag === where.tag)))
				setTab(where.tag);
		} finally {
			setSaving(false);
		}
	};

	const ready = isNew || resource !== null;
	const messageError = placed?.at === 'message' && placed.tag === tab ? placed : null;
	const errorTags = placed?.at === 'message' ? [placed.tag] : [];
	return (
		<Screen
			title={resource ? resource.name : t('New saved message')}
			actions={<a href="#/messages">{t('Back to saved messages')}</a>}
		>
			{isStatus(loadError, 404) ? (
				<p class="notice notice-info" role="alert">
					{t('This saved message does not exist (any more).')}
				</p>
			) : (
				<ErrorNote error={loadError} />
			)}
			{!mayEdit && (
				<p class="notice notice-info">{t('Your role can read saved messages but not change them.')}</p>
			)}
			{ready && (
				<div class="split">
					<div class="steps">
						<form class="steps" aria-label={t('Saved message')} data-testid="resource-form" onSubmit={save}>
							<section class="card form" aria-labelledby="resource-name-title">
								<h2 id="resource-name-title">{t('Name and labels')}</h2>
								<div class="row">
									<label class="grow">
										{t('Name')} <span class="hint">{t('for you, unique on the site')}</span>
										<input
											id="resource-name"
											required
											maxLength={100}
											dir="auto"
											value={form.name}
											onInput={(e) => setForm({ ...form, name: value(e) })}
											aria-invalid={at('name') ? true : undefined}
											aria-describedby={at('name') ? 'resource-name-error' : undefined}
										/>
										<FieldError id="resource-name-error" error={at('name')} />
									</label>
									<label>
										{t('Labels')} <span class="hint">{t('comma-separated, optional')}</span>
										<input
											id="resource-labels"
											dir="auto"
											value={form.labels}
											onInput={(e) => setForm({ ...form, labels: value(e) })}
											aria-invalid={at('labels') ? true : undefined}
											aria-describedby={at('labels') ? 'resource-labels-error' : undefined}
										/>
										<FieldError id="resource-labels-error" error={at('labels')} />
									</label>
								</div>
							</section>
							<section class="card form" aria-labelledby="resource-message-title">
								<h2 id="resource-message-title">{t('Message')}</h2>
								<LanguageSwitch
									tags={form.locales.map((l) => l.tag)}
									current={variant ? tab : ''}
									onPick={setTab}
									legend={t('Language to edit')}
									marked={errorTags}
								/>
								{variant ? (
									<div class="language-head">
										<p class="hint" data-testid="language-hint">
											{sprintf(
												t(
													'What subscribers whose browser is in %s get. Fill in only what changes; an empty field keeps the default’s.',
												),
												languageLabel(variant.tag),
											)}
										</p>
										<button
											type="button"
											class="link"
											data-testid="remove-language"
											onClick={() => {
												setForm({ ...form, locales: form.locales.filter((l) => l !== variant) });
												setTab('');
											}}
										>
											{sprintf(t('Remove %s'), languageLabel(variant.tag))}
										</button>
									</div>
								) : (
									<p class="hint">
										{t(
											'The default message: for subscribers whose language has no variant. Liquid is allowed: {{ user.first_name | default: "there" }}.',
										)}
									</p>
								)}
								<MessageFields
									key={tab}
									fields={variant ? variant.fields : form.fields}
									set={setFields}
									prefix={variant ? `locale-${variant.tag}-` : ''}
									inherit={variant ? form.fields : undefined}
									errors={messageError?.field ? { [messageError.field]: messageError.text } : {}}
								/>
								{messageError && !messageError.field && <ErrorNote error={messageError.text} />}
								<AddLanguage
									taken={form.locales.map((l) => l.tag)}
									disabled={!mayEdit}
									onAdd={(tag) => {
										setForm({ ...form, locales: [...form.locales, { tag, fields: EMPTY, extras: {} }] });
										setTab(tag);
									}}
								/>
							</section>
							<div class="card form campaign-save">
								{placed?.at === 'message' && placed.tag !== tab && (
									<ErrorNote error={`${languageLabel(placed.tag)}: ${placed.text}`} />
								)}
								<ErrorNote error={placed ? (placed.at === 'other' ? placed.text : null) : error} />
								<div class="actions">
									<button type="submit" class="primary" disabled={!mayEdit || saving}>
										{saving
											? t('Saving…')
											: resource
												? sprintf(t('Save as version %d'), resource.version + 1)
												: t('Create saved message')}
									</button>
								</div>
							</div>
						</form>
						{resource && <ResourceHistory resource={resource} />}
						{resource && <ResourceUses resource={resource} />}
					</div>
					<div class="side">
						<BrowserPreviews
							message={messageIn(form, variant ? tab : '')}
							site={site}
							heading={sprintf(t('Preview in each browser: %s'), languageLabel(variant ? tab : ''))}
						/>
					</div>
				</div>
			)}
		</Screen>
	);
}
