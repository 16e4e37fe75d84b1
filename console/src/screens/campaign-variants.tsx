import type { ConversionReport, Counts } from '#wire';
import { amount, fmt, locale, percent, rate, sprintf, sprintfNodes, when } from '../ui/format';
import { useT } from '../ui/parts';
import { letter } from './experiment-form';

/** A figure of a figures grid: label above, value below (`data-figure` for tests). */
export function Figure(props: { id: string; label: string; value: string }) {
	return (
		<div class="figure">
			<dt class="figure-label">{props.label}</dt>
			<dd class="figure-n" data-figure={props.id}>
				{props.value}
			</dd>
		</div>
	);
}

/** Lift as a signed percentage (+25 %). */
const signed = (x: number) =>
	new Intl.NumberFormat(locale(), {
		style: 'percent',
		maximumFractionDigits: 1,
		signDisplay: 'exceptZero',
	}).format(x);

/** The control group's figures and the lift, with a sentence saying what it means. */
function Lift({ c }: { c: ConversionReport }) {
	const t = useT();
	if (!c.control)
		return (
			<p class="muted" data-testid="no-control">
				{t('No control group: turn one on in the editor’s Experiment step to measure the lift.')}
			</p>
		);
	const lift = c.lift;
	return (
		<>
			<dl class="figures-grid" data-testid="control">
				<Figure id="control-members" label={t('Held out')} value={fmt(c.control.members)} />
				<Figure id="control-converted" label={t('Converted anyway')} value={fmt(c.control.converted)} />
				<Figure id="control-rate" label={t('Their conversion rate')} value={percent(c.control.rate)} />
				<Figure id="lift" label={t('Lift')} value={lift === null ? '–' : signed(lift)} />
			</dl>
			<p data-testid="lift-text">
				{lift === null
					? t('No lift yet: nobody in the control group has converted, so there is nothing to compare with.')
					: sprintf(
							lift >= 0
								? t(
										'The people the run went to converted at %1$s, the control group (who got nothing) at %2$s: they converted %3$s more often. That is the lift, what the campaign added.',
									)
								: t(
										'The people the run went to converted at %1$s, the control group (who got nothing) at %2$s: they converted %3$s less often. That is the lift, here a loss.',
									),
							percent(c.rate),
							percent(c.control.rate),
							percent(Math.abs(lift)),
						)}
			</p>
		</>
	);
}

/** The goal, whether its window is over, the run's conversions and revenue, and the control group with the lift. */
export function Conversions({ c }: { c: ConversionReport }) {
	const t = useT();
	return (
		<section class="card" aria-labelledby="conversions-title" data-testid="conversions">
			<h2 id="conversions-title">{t('Conversions')}</h2>
			<p data-testid="goal">
				{sprintfNodes(
					t('Goal: the event %1$s within %2$d hours of the run’s start.'),
					<b class="mono">{c.goal.event}</b>,
					c.goal.windowHours,
				)}{' '}
				{c.goal.revenueProperty &&
					sprintfNodes(
						t('Revenue: the sum of its property %s.'),
						<b class="mono">{c.goal.revenueProperty}</b>,
					)}
			</p>
			<p
				class={c.final ? 'notice notice-success' : 'notice notice-info'}
				data-testid="window-state"
				data-final={String(c.final)}
			>
				{c.final
					? sprintf(t('The window ended on %s: these figures are final.'), when(c.windowEndsAt))
					: sprintf(t('The window is open until %s: these figures can still change.'), when(c.windowEndsAt))}
			</p>
			<dl class="figures-grid" data-testid="conversion-figures">
				<Figure id="recipients" label={t('People reached')} value={fmt(c.recipients)} />
				<Figure id="converted" label={t('Converted')} value={fmt(c.converted)} />
				<Figure id="direct" label={t('After a click')} value={fmt(c.direct)} />
				<Figure id="influenced" label={t('Without a click')} value={fmt(c.influenced)} />
				<Figure id="rate" label={t('Conversion rate')} value={percent(c.rate)} />
				<Figure id="revenue" label={t('Revenue')} value={amount(c.revenue)} />
			</dl>
			<h3>{t('Control group and lift')}</h3>
			<Lift c={c} />
		</section>
	);
}

/** The index of the one best value above zero, or -1 (none, or a tie). */
function bestOf(scores: number[]): number {
	const top = Math.max(0, ...scores);
	const at = scores.flatMap((s, i) => (s === top && top > 0 ? [i] : []));
	return at.length === 1 ? (at[0] as number) : -1;
}

/** The A/B variants side by side; the best (by conversion rate, else click rate) marked. */
export function Variants(props: { counts: Counts; conversions: ConversionReport | null; names: string[] }) {
	const t = useT();
	const delivered = props.counts.variants ?? [];
	const converted = props.conversions?.variants ?? [];
	const n = Math.max(delivered.length, converted.length);
	if (n === 0) return null;
	const rows = Array.from({ length: n }, (_, i) => ({
		name: converted[i]?.name ?? props.names[i] ?? letter(i),
		d: delivered[i],
		c: converted[i],
	}));
	const byConversions = converted.some((v) => v.converted > 0);
	const best = bestOf(
		rows.map((r) => (byConversions ? (r.c?.rate ?? 0) : r.d && r.d.sent > 0 ? r.d.clicked / r.d.sent : 0)),
	);
	const goal = props.conversions !== null;
	return (
		<section class="card table-wrap" aria-labelledby="variants-title">
			<h2 id="variants-title" class="table-title">
				{t('Variants')}
			</h2>
			<table class="table" data-testid="variants-table">
				<thead>
					<tr>
						<th scope="col">{t('Variant')}</th>
						<th scope="col" class="num">
							{t('Sent')}
						</th>
						<th scope="col" class="num">
							{t('Shown')}
						</th>
						<th scope="col" class="num">
							{t('Clicked')}
						</th>
						<th scope="col" class="num">
							{t('Click rate')}
						</th>
						{goal && (
							<>
								<th scope="col" class="num">
									{t('Converted')}
								</th>
								<th scope="col" class="num">
									{t('Conversion rate')}
								</th>
								<th scope="col" class="num">
									{t('Revenue')}
								</th>
							</>
						)}
					</tr>
				</thead>
				<tbody>
					{rows.map((r, i) => (
						<tr key={i} data-variant={i} class={i === best ? 'best' : undefined}>
							<th scope="row" class="cell-title" dir="auto">
								{r.name}
								{i === best && <span class="badge badge-best">{t('Best')}</span>}
							</th>
							<td data-label={t('Sent')} class="num" data-count="sent">
								{fmt(r.d?.sent ?? 0)}
							</td>
							<td data-label={t('Shown')} class="num" data-count="shown">
								{fmt(r.d?.shown ?? 0)}
							</td>
							<td data-label={t('Clicked')} class="num" data-count="clicked">
								{fmt(r.d?.clicked ?? 0)}
							</td>
							<td data-label={t('Click rate')} class="num" data-count="click-rate">
								{rate(r.d?.clicked ?? 0, r.d?.sent ?? 0)}
							</td>
							{goal && (
								<>
									<td data-label={t('Converted')} class="num" data-count="converted">
										{fmt(r.c?.converted ?? 0)}
									</td>
									<td data-label={t('Conversion rate')} class="num" data-count="conversion-rate">
										{r.c ? percent(r.c.rate) : '–'}
									</td>
									<td data-label={t('Revenue')} class="num" data-count="revenue">
										{amount(r.c?.revenue ?? 0)}
									</td>
								</>
							)}
						</tr>
					))}
				</tbody>
			</table>
			<p class="hint table-title table-foot">
				{byConversions
					? t('Best: the highest conversion rate. Conversions count people; the other columns count devices.')
					: t('Best: the highest click rate (clicked ÷ sent).')}
			</p>
		</section>
	);
}
