import { useState } from 'preact/hooks';
import type { Prompt, SiteView } from '#wire';
import { can, useConsole } from '../context';
import { sprintf, translatable, value } from '../ui/format';
import { roleLabel } from '../ui/labels';
import { ErrorNote, Screen, useT } from '../ui/parts';
import { PromptLook } from './prompt-look';
import { PromptPreview } from './prompt-preview';
import { PromptTopics } from './prompt-topics';

const TRIGGERS: Array<[Prompt['trigger']['type'], string]> = [
	['seconds', translatable('After some seconds on the page')],
	['pageviews', translatable('After some page views')],
	['scroll', translatable('After scrolling (percent of the page)')],
	['manual', translatable('Only from a button or the bell')],
];

type TextKey = 'title' | 'text' | 'subscribe' | 'later';

/** The subscribe prompt and bell: texts, topics, timing and theme, with a live preview; Save → PATCH settings. */
export function PromptSettings() {
	const { api, site, setSite, host, token } = useConsole();
	const t = useT();
	const [p, setP] = useState<Prompt>(site.settings.prompt);
	const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
	const [error, setError] = useState<unknown>(null);
	const mayEdit = can(token.role, 'editor');

	const update = (patch: Partial<Prompt>) => {
		setP({ ...p, ...patch });
		setState('idle');
	};
	const text = (key: TextKey, label: string, long = false) => {
		const props = {
			id: `pp-${key}`,
			dir: 'auto' as const,
			value: p.texts[key],
			maxLength: long ? 300 : 80,
			onInput: (e: Event) => update({ texts: { ...p.texts, [key]: value(e) } }),
		};
		return (
			// biome-ignore lint/a11y/noLabelWithoutControl: the control is one of the two branches below
			<label>
				{label}
				{long ? <textarea rows={2} {...props} /> : <input {...props} />}
			</label>
		);
	};

	const save = async (e: Event) => {
		e.preventDefault();
		setState('saving');
		setError(null);
		try {
			const body = {
				prompt: {
					variant: p.variant,
					texts: {
						title: p.texts.title,
						text: p.texts.text,
						subscribe: p.texts.subscribe,
						later: p.texts.later,
					},
					categories: p.categories,
					trigger: p.trigger.type === 'manual' ? { type: 'manual', value: 0 } : p.trigger,
					laterDays: p.laterDays,
					bell: p.bell,
					theme: p.theme,
				},
			};
			const saved = await api.call<{ settings: SiteView['settings'] }>('/settings', {
				method: 'PATCH',
				body,
			});
			setSite({ ...site, settings: saved.settings });
			setP(saved.settings.prompt);
			setState('saved');
			host.toast(t('Prompt settings saved'));
		} catch (err) {
			setState('idle');
			setError(err);
		}
	};

	return (
		<Screen title={t('Prompt & widget')}>
			{!mayEdit && (
				<p class="notice notice-info">
					{sprintf(t('Your role (%s) can read but not change settings.'), roleLabel(t, token.role))}
				</p>
			)}
			<div class="split">
				<form class="card form" onSubmit={save} aria-label={t('Prompt settings')}>
					<fieldset disabled={!mayEdit}>
						<legend>{t('Texts')}</legend>
						{text('title', t('Heading'))}
						{text('text', t('Text'), true)}
						<div class="row">
							{text('subscribe', t('Subscribe button'))}
							{text('later', t('Later button'))}
						</div>
					</fieldset>
					<PromptTopics prompt={p} update={update} disabled={!mayEdit} />
					<fieldset disabled={!mayEdit}>
						<legend>{t('When to ask')}</legend>
						<div class="row">
							<label class="grow">
								{t('Trigger')}
								<select
									id="pp-trigger"
									value={p.trigger.type}
									onChange={(e) =>
										update({ trigger: { ...p.trigger, type: value(e) as Prompt['trigger']['type'] } })
									}
								>
									{TRIGGERS.map(([type, label]) => (
										<option key={type} value={type}>
											{t(label)}
										</option>
									))}
								</select>
							</label>
							{p.trigger.type !== 'manual' && (
								<label>
									{p.trigger.type === 'seconds'
										? t('Seconds')
										: p.trigger.type === 'pageviews'
											? t('Page views')
											: t('Percent')}
									<input
										id="pp-trigger-value"
										type="number"
										min={0}
										max={p.trigger.type === 'seconds' ? 3600 : 100}
										value={p.trigger.value}
										onInput={(e) => update({ trigger: { ...p.trigger, value: Number(value(e)) } })}
									/>
								</label>
							)}
							<label>
								{t('Ask again after (days)')}
								<input
									id="pp-later-days"
									type="number"
									min={1}
									max={365}
									value={p.laterDays}
									onInput={(e) => update({ laterDays: Number(value(e)) })}
								/>
							</label>
						</div>
					</fieldset>
					<PromptLook prompt={p} update={update} disabled={!mayEdit} />
					<ErrorNote error={error} />
					<div class="actions">
						{state === 'saved' && (
							<span class="muted small" role="status">
								{t('Saved; sites pick it up within a minute')}
							</span>
						)}
						<button type="submit" class="primary" disabled={!mayEdit || state === 'saving'}>
							{state === 'saving' ? t('Saving…') : t('Save')}
						</button>
					</div>
				</form>
				<div class="side sticky">
					<PromptPreview prompt={p} />
				</div>
			</div>
		</Screen>
	);
}
