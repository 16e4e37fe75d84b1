import { useState } from 'preact/hooks';
import { ApiError, api, toast } from './api';
import type { Category, Prompt } from './types';

const TRIGGERS: Array<[Prompt['trigger']['type'], string]> = [
	['seconds', 'After some seconds on the page'],
	['pageviews', 'After some page views'],
	['scroll', 'After scrolling (percent of the page)'],
	['manual', 'Only from a button or the bell'],
];

const slug = (label: string) =>
	label
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 40) || 'topic';

/** The soft prompt's texts, topics and timing; saved settings reach the storefront widget within a minute. */
export function PromptSettings(props: { prompt: Prompt; onSaved: (prompt: Prompt) => void }) {
	const [texts, setTexts] = useState(props.prompt.texts);
	const [categories, setCategories] = useState<Category[]>(props.prompt.categories);
	const [trigger, setTrigger] = useState(props.prompt.trigger);
	const [laterDays, setLaterDays] = useState(props.prompt.laterDays);
	const [newTopic, setNewTopic] = useState('');
	const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
	const [error, setError] = useState('');

	const text = (key: keyof Prompt['texts'], label: string, long = false) => {
		const onInput = (e: Event) => setTexts({ ...texts, [key]: (e.target as HTMLInputElement).value });
		return long ? (
			<label>
				{label}
				<textarea rows={2} value={texts[key]} onInput={onInput} />
			</label>
		) : (
			<label>
				{label}
				<input value={texts[key]} onInput={onInput} />
			</label>
		);
	};

	const addTopic = () => {
		const label = newTopic.trim();
		if (!label) return;
		let id = slug(label);
		while (categories.some((c) => c.id === id)) id = `${id}-2`;
		setCategories([...categories, { id, label, translations: {} }]);
		setNewTopic('');
	};

	const save = async (event: Event) => {
		event.preventDefault();
		setState('saving');
		setError('');
		const prompt = {
			variant: categories.length > 0 ? 'categories' : 'simple',
			texts: { title: texts.title, text: texts.text, subscribe: texts.subscribe, later: texts.later },
			categories,
			trigger: trigger.type === 'manual' ? { type: 'manual', value: 0 } : trigger,
			laterDays,
		};
		try {
			const saved = await api<{ settings: { prompt: Prompt } }>('/settings', {
				method: 'PATCH',
				body: JSON.stringify({ prompt }),
			});
			props.onSaved(saved.settings.prompt);
			setState('saved');
			toast('Prompt settings saved');
		} catch (e) {
			setState('idle');
			setError(e instanceof ApiError ? e.message : 'Could not save; try again');
		}
	};

	return (
		<section class="card" aria-labelledby="prompt-title">
			<h2 id="prompt-title">Subscribe prompt</h2>
			<form class="form" onSubmit={save}>
				{text('title', 'Heading')}
				{text('text', 'Text', true)}
				<div class="row">
					{text('subscribe', 'Subscribe button')}
					{text('later', 'Later button')}
				</div>
				<div class="label">
					<span>
						Topics <span class="hint">optional; shoppers pick what they want to hear about</span>
					</span>
					<ul class="topics" data-testid="topics">
						{categories.map((c) => (
							<li key={c.id}>
								{c.label}
								<button
									type="button"
									aria-label={`Remove ${c.label}`}
									onClick={() => setCategories(categories.filter((x) => x.id !== c.id))}
								>
									×
								</button>
							</li>
						))}
					</ul>
					<div class="row">
						<input
							placeholder="e.g. Restocks"
							aria-label="New topic"
							value={newTopic}
							onInput={(e) => setNewTopic((e.target as HTMLInputElement).value)}
						/>
						<button type="button" onClick={addTopic}>
							Add topic
						</button>
					</div>
				</div>
				<div class="row">
					<label>
						When to ask
						<select
							id="trigger"
							value={trigger.type}
							onChange={(e) =>
								setTrigger({
									...trigger,
									type: (e.target as HTMLSelectElement).value as Prompt['trigger']['type'],
								})
							}
						>
							{TRIGGERS.map(([type, label]) => (
								<option key={type} value={type}>
									{label}
								</option>
							))}
						</select>
					</label>
					{trigger.type !== 'manual' && (
						<label>
							{trigger.type === 'seconds'
								? 'Seconds'
								: trigger.type === 'pageviews'
									? 'Page views'
									: 'Percent'}
							<input
								id="trigger-value"
								type="number"
								min={0}
								max={trigger.type === 'seconds' ? 3600 : 100}
								value={trigger.value}
								onInput={(e) =>
									setTrigger({ ...trigger, value: Number((e.target as HTMLInputElement).value) })
								}
							/>
						</label>
					)}
					<label>
						Ask again after (days)
						<input
							type="number"
							min={1}
							max={365}
							value={laterDays}
							onInput={(e) => setLaterDays(Number((e.target as HTMLInputElement).value))}
						/>
					</label>
				</div>
				{error && (
					<p class="error" role="alert">
						{error}
					</p>
				)}
				<div class="actions">
					{state === 'saved' && (
						<span class="muted small">Saved — the storefront picks it up within a minute</span>
					)}
					<button type="submit" class="primary" disabled={state === 'saving'}>
						Save prompt
					</button>
				</div>
			</form>
		</section>
	);
}
