import { useState } from 'preact/hooks';
import type { MessageFields, ResourceVersionView } from '#wire';
import { isStatus } from '../api';
import { useConsole } from '../context';
import { sprintf, when } from '../ui/format';
import { ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { BrowserPreviews } from './browser-previews';
import { messageIn, resourceFormOf } from './resource-form';
import { LanguageSwitch, useLanguageLabel } from './resource-languages';
import { resourceHref, resourcePath } from './resource-words';

/** A message's fields (or a variant's changes) as a read-only list; fields it does not set are left out. */
function MessageFacts({ m, testid }: { m: MessageFields; testid: string }) {
	const t = useT();
	const rows: Array<[string, string | undefined, boolean]> = [
		[t('Title'), m.title, true],
		[t('Message'), m.body, true],
		[t('Link'), m.url, false],
		[t('Icon'), m.icon, false],
		[t('Image'), m.image, false],
		[t('Buttons'), m.actions?.map((a) => a.title).join(' · '), true],
	];
	return (
		<dl class="facts" data-testid={testid}>
			{rows
				.filter(([, v]) => v)
				.map(([label, v, text]) => (
					<div key={label} class="fact">
						<dt>{label}</dt>
						<dd dir={text ? 'auto' : undefined} class="break">
							{v}
						</dd>
					</div>
				))}
		</dl>
	);
}

/** One kept version of a saved message, read-only: its default message, each language's changes and previews. */
export function ResourceVersion({ id, version }: { id: string; version: string }) {
	const { api, site } = useConsole();
	const t = useT();
	const languageLabel = useLanguageLabel();
	const [v, error] = useLoad(
		() => api.call<ResourceVersionView>(`${resourcePath(id)}/versions/${encodeURIComponent(version)}`),
		[id, version],
	);
	const [tab, setTab] = useState('');
	const back = <a href={resourceHref(id)}>{t('Back to the saved message')}</a>;
	if (!v)
		return (
			<Screen title={sprintf(t('Version %s'), version)} actions={back}>
				{isStatus(error, 404) ? (
					<p class="notice notice-info" role="alert">
						{t('This version does not exist.')}
					</p>
				) : (
					<ErrorNote error={error} />
				)}
				{!error && <p class="loading">{t('Loading…')}</p>}
			</Screen>
		);
	const form = resourceFormOf(v);
	const tags = Object.keys(v.locales);
	const shown = tags.includes(tab) ? tab : '';
	return (
		<Screen title={sprintf(t('%1$s, version %2$d'), v.name, v.version)} actions={back}>
			<p class="notice notice-info" data-testid="version-read-only">
				{sprintf(
					t('Version %1$d, saved %2$s. Read-only: this is what sends of this version used.'),
					v.version,
					when(v.createdAt),
				)}
			</p>
			<div class="split">
				<div class="steps">
					<section class="card" aria-labelledby="version-message-title">
						<h2 id="version-message-title">{t('Default message')}</h2>
						<MessageFacts m={v.message} testid="version-message" />
					</section>
					{tags.map((tag) => {
						const changes = v.locales[tag] ?? {};
						return (
							<section key={tag} class="card" aria-labelledby={`version-${tag}-title`} data-lang={tag}>
								<h2 id={`version-${tag}-title`}>{languageLabel(tag)}</h2>
								<p class="muted small">
									{t('The fields this language changes; the others are the default’s.')}
								</p>
								<MessageFacts m={changes} testid="version-locale" />
							</section>
						);
					})}
				</div>
				<div class="side">
					<BrowserPreviews
						message={messageIn(form, shown)}
						site={site}
						heading={sprintf(t('Preview in each browser: %s'), languageLabel(shown))}
					>
						{tags.length > 0 && (
							<LanguageSwitch tags={tags} current={shown} onPick={setTab} legend={t('Language to preview')} />
						)}
					</BrowserPreviews>
				</div>
			</div>
		</Screen>
	);
}
