import { useState } from 'preact/hooks';
import { locale, value } from '../ui/format';
import { useT } from '../ui/parts';
import { Tabs } from '../ui/tabs';
import { languageName, languageTag } from './resource-form';

/** The name of a tab: "Default", or the language's ("German (de)"). */
export function useLanguageLabel(): (tag: string) => string {
	const t = useT();
	return (tag) => (tag ? languageName(tag, locale()) : t('Default'));
}

/** A row of tabs: the default message and each language; `marked` ones carry an error. */
export function LanguageSwitch(props: {
	tags: string[];
	current: string;
	onPick: (tag: string) => void;
	legend: string;
	marked?: string[];
}) {
	const label = useLanguageLabel();
	return (
		<Tabs
			tabs={['', ...props.tags].map((tag) => ({
				key: tag || 'default',
				label: label(tag),
				marked: props.marked?.includes(tag),
			}))}
			current={props.current || 'default'}
			onPick={(key) => props.onPick(key === 'default' ? '' : key)}
			legend={props.legend}
			name="lang"
			testid="languages"
		/>
	);
}

/**
 * Adds a language by its tag (`de`, `pt-br`). It sits inside the editor's form: Enter adds, it does not save.
 */
export function AddLanguage(props: { taken: string[]; onAdd: (tag: string) => void; disabled: boolean }) {
	const t = useT();
	const [text, setText] = useState('');
	const [error, setError] = useState('');
	const add = () => {
		const tag = languageTag(text);
		if (!tag) setError(t('Write a language tag such as de, fr or pt-br.'));
		else if (props.taken.includes(tag)) setError(t('This language is already there.'));
		else {
			setError('');
			setText('');
			props.onAdd(tag);
		}
	};
	return (
		<div class="add-language">
			<div class="row">
				<label class="grow">
					{t('Add a language')} <span class="hint">{t('its tag: de, fr, pt-br')}</span>
					<input
						id="language-tag"
						spellcheck={false}
						autocomplete="off"
						value={text}
						disabled={props.disabled}
						aria-invalid={error ? true : undefined}
						aria-describedby={error ? 'language-tag-error' : undefined}
						onInput={(e) => setText(value(e))}
						onKeyDown={(e) => {
							if (e.key === 'Enter') {
								e.preventDefault();
								add();
							}
						}}
					/>
				</label>
				<button type="button" onClick={add} disabled={props.disabled} data-testid="add-language">
					{t('Add language')}
				</button>
			</div>
			{error && (
				<p class="field-error" id="language-tag-error" role="alert">
					{error}
				</p>
			)}
		</div>
	);
}
