import { useState } from 'preact/hooks';
import type { Category, Prompt } from '#wire';
import { sprintf, value } from '../ui/format';
import { useT } from '../ui/parts';

const slug = (label: string) =>
	label
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 40) || 'topic';

/** The prompt's variant and its topics: add (label and optional id) and remove. */
export function PromptTopics(props: {
	prompt: Prompt;
	update: (patch: Partial<Prompt>) => void;
	disabled: boolean;
}) {
	const { prompt: p, update } = props;
	const t = useT();
	const [newId, setNewId] = useState('');
	const [newLabel, setNewLabel] = useState('');
	const addTopic = () => {
		const label = newLabel.trim();
		if (!label) return;
		let id = newId.trim() || slug(label);
		while (p.categories.some((c) => c.id === id)) id = `${id}-2`;
		const categories: Category[] = [...p.categories, { id, label, translations: {} }];
		update({ categories, variant: 'categories' });
		setNewId('');
		setNewLabel('');
	};
	return (
		<fieldset disabled={props.disabled}>
			<legend>{t('Variant and topics')}</legend>
			<label>
				{t('Variant')}
				<select
					id="pp-variant"
					value={p.variant}
					onChange={(e) => update({ variant: value(e) as Prompt['variant'] })}
				>
					<option value="simple">{t('Simple: one subscribe button')}</option>
					<option value="categories">{t('Topics: subscribers pick what they want')}</option>
				</select>
			</label>
			<ul class="topics" data-testid="topics">
				{p.categories.map((c) => (
					<li key={c.id}>
						<span dir="auto">{c.label}</span> <span class="muted small mono">{c.id}</span>
						<button
							type="button"
							class="link"
							aria-label={sprintf(t('Remove topic %s'), c.label)}
							onClick={() => update({ categories: p.categories.filter((x) => x.id !== c.id) })}
						>
							{t('Remove')}
						</button>
					</li>
				))}
			</ul>
			<div class="row">
				<label>
					{t('New topic label')}
					<input
						id="pp-new-label"
						dir="auto"
						maxLength={60}
						value={newLabel}
						onInput={(e) => setNewLabel(value(e))}
					/>
				</label>
				<label>
					{t('Id')} <span class="hint">{t('optional')}</span>
					<input
						id="pp-new-id"
						maxLength={64}
						pattern="[a-z0-9][a-z0-9_\-]*"
						spellcheck={false}
						placeholder={newLabel ? slug(newLabel) : t('restocks')}
						value={newId}
						onInput={(e) => setNewId(value(e))}
					/>
				</label>
				<button type="button" class="align-end" onClick={addTopic}>
					{t('Add topic')}
				</button>
			</div>
		</fieldset>
	);
}
