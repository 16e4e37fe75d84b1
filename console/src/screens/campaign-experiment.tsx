import { rate, sprintf, value } from '../ui/format';
import { useT } from '../ui/parts';
import { Check } from './campaign-delivery';
import { Step } from './campaign-steps';
import {
	type ExperimentForm,
	letter,
	MAX_VARIANTS,
	newVariant,
	shares,
	type VariantForm,
} from './experiment-form';

/** One variant: name, weight and (after the first) the title and text it uses instead of the campaign's. */
function Variant(props: {
	i: number;
	v: VariantForm;
	share: number;
	base: { title: string; body: string };
	set: (patch: Partial<VariantForm>) => void;
	onRemove: (() => void) | null;
}) {
	const { i, v, set } = props;
	const t = useT();
	const n = i + 1;
	const changes = i > 0 || v.title !== '' || v.body !== '';
	return (
		<fieldset class="variant" data-variant={i}>
			<legend>
				{sprintf(t('Variant %s'), v.name || letter(i))}{' '}
				<span class="hint">{sprintf(t('%s of the audience'), rate(props.share, 1))}</span>
			</legend>
			<div class="row">
				<label>
					{t('Name')}
					<input
						id={`variant-${n}-name`}
						maxLength={40}
						dir="auto"
						value={v.name}
						onInput={(e) => set({ name: value(e) })}
					/>
				</label>
				<label class="short">
					{t('Weight')} <span class="hint">{t('1–100')}</span>
					<input
						id={`variant-${n}-weight`}
						type="number"
						min={1}
						max={100}
						step="any"
						required
						value={v.weight}
						onInput={(e) => set({ weight: value(e) })}
					/>
				</label>
			</div>
			{changes ? (
				<>
					<label>
						{t('Title')} <span class="hint">{t('empty: the campaign’s')}</span>
						<input
							id={`variant-${n}-title`}
							maxLength={200}
							dir="auto"
							placeholder={props.base.title}
							value={v.title}
							onInput={(e) => set({ title: value(e) })}
						/>
					</label>
					<label>
						{t('Message')} <span class="hint">{t('empty: the campaign’s')}</span>
						<textarea
							id={`variant-${n}-body`}
							rows={2}
							maxLength={1000}
							dir="auto"
							placeholder={props.base.body}
							value={v.body}
							onInput={(e) => set({ body: value(e) })}
						/>
					</label>
				</>
			) : (
				<p class="hint">{t('Sends the message of step 3 as it is.')}</p>
			)}
			{props.onRemove && (
				<button
					type="button"
					class="link align-start"
					aria-label={sprintf(t('Remove variant %s'), v.name || letter(i))}
					onClick={props.onRemove}
				>
					{t('Remove')}
				</button>
			)}
		</fieldset>
	);
}

/** The experiment step: a control group, A/B variants (A is the campaign's message) and a conversion goal. */
export function ExperimentStep(props: {
	n: number;
	form: ExperimentForm;
	set: (patch: Partial<ExperimentForm>) => void;
	base: { title: string; body: string };
}) {
	const { form, set } = props;
	const t = useT();
	const variants = form.variants;
	const split = shares(variants);
	const setVariant = (i: number) => (patch: Partial<VariantForm>) =>
		set({ variants: variants.map((v, j) => (j === i ? { ...v, ...patch } : v)) });
	const add = () => {
		const first = variants[0] ?? newVariant([]);
		const list = variants.length === 0 ? [first] : variants;
		set({ variants: [...list, newVariant(list)] });
	};
	// Fewer than two variants is no A/B test.
	const remove = (i: number) => () => {
		const left = variants.filter((_, j) => j !== i);
		set({ variants: left.length < 2 ? [] : left });
	};
	return (
		<section class="card form" aria-labelledby="step-experiment" data-testid="experiment">
			<Step id="step-experiment" n={props.n} title={t('Experiment')} />
			<Check
				id="experiment-holdout-on"
				checked={form.holdoutOn}
				onChange={(holdoutOn) => set({ holdoutOn })}
				label={t('Control group')}
				hint={t('part of the audience gets nothing, to measure what the campaign changes')}
			/>
			{form.holdoutOn && (
				<label class="indent short">
					{t('Percent held out')} <span class="hint">{t('0.01–50; the same people every run')}</span>
					<input
						id="experiment-holdout"
						type="number"
						min={0.01}
						max={50}
						step="any"
						required
						value={form.holdout}
						onInput={(e) => set({ holdout: value(e) })}
					/>
				</label>
			)}
			<fieldset data-testid="variants">
				<legend>
					{t('A/B variants')}{' '}
					<span class="hint">
						{sprintf(t('up to %d; each subscriber always gets the same one'), MAX_VARIANTS)}
					</span>
				</legend>
				{variants.length === 0 && (
					<p class="hint">{t('No A/B test: everyone gets the message of step 3.')}</p>
				)}
				{variants.map((v, i) => (
					<Variant
						key={i}
						i={i}
						v={v}
						share={split[i] ?? 0}
						base={props.base}
						set={setVariant(i)}
						onRemove={i > 0 ? remove(i) : null}
					/>
				))}
				{variants.length < MAX_VARIANTS && (
					<button type="button" onClick={add} data-testid="add-variant">
						{variants.length === 0 ? t('Add a variant B') : t('Add a variant')}
					</button>
				)}
			</fieldset>
			<Check
				id="experiment-goal-on"
				checked={form.goalOn}
				onChange={(goalOn) => set({ goalOn })}
				label={t('Conversion goal')}
				hint={t('an event people do after a run, such as a purchase')}
			/>
			{form.goalOn && (
				<div class="indent row">
					<label>
						{t('Event')}
						<input
							id="goal-event"
							required
							maxLength={64}
							spellcheck={false}
							value={form.goalEvent}
							onInput={(e) => set({ goalEvent: value(e) })}
						/>
					</label>
					<label class="short">
						{t('Window (hours)')} <span class="hint">{t('1–720')}</span>
						<input
							id="goal-window"
							type="number"
							min={1}
							max={720}
							step={1}
							required
							value={form.goalWindow}
							onInput={(e) => set({ goalWindow: value(e) })}
						/>
					</label>
					<label>
						{t('Revenue property')} <span class="hint">{t('optional, such as total')}</span>
						<input
							id="goal-revenue"
							maxLength={64}
							spellcheck={false}
							value={form.goalRevenue}
							onInput={(e) => set({ goalRevenue: value(e) })}
						/>
					</label>
				</div>
			)}
		</section>
	);
}
