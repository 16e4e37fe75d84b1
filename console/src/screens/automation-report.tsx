import type { AutomationReport, AutomationStepReport, AutomationView } from '#wire';
import { amount, fmt, rate, sprintf } from '../ui/format';
import { useT } from '../ui/parts';
import { NumCell, NumHeads } from '../ui/table';
import { waitText } from './automation-words';
import { Figure } from './campaign-variants';

/** Converted over entered, of the journeys that sent (the trigger's and every step's conversions). */
function sentRate(r: AutomationReport): [number, number] {
	const converted = r.trigger.converted + r.steps.reduce((n, s) => n + s.converted, 0);
	return [converted, r.trigger.entered];
}

/** Revenue of the journeys that sent. */
const revenueOf = (r: AutomationReport) => r.steps.reduce((n, s) => n + s.revenue, r.trigger.revenue);

/** A row of the steps table: the trigger's leaves the push columns empty. */
function Row(props: { label: preact.ComponentChildren; row: AutomationStepReport; trigger?: boolean }) {
	const t = useT();
	const { row } = props;
	const push = (n: number) => (props.trigger ? '–' : fmt(n));
	const cells: Array<[string, string, string]> = [
		[t('Entered'), 'entered', fmt(row.entered)],
		[t('Sent'), 'sent', push(row.sent)],
		[t('Shown'), 'shown', push(row.shown)],
		[t('Clicked'), 'clicked', push(row.clicked)],
		[t('Left'), 'exited', fmt(row.exited)],
		[t('Converted'), 'converted', fmt(row.converted)],
		[t('Revenue'), 'revenue', amount(row.revenue)],
	];
	return (
		<tr data-step={row.step}>
			<th scope="row" class="cell-title">
				{props.label}
			</th>
			{cells.map(([label, count, n]) => (
				<NumCell key={count} label={label} count={count}>
					{n}
				</NumCell>
			))}
		</tr>
	);
}

/** The control group: journeys held out, their conversions, and the rate beside that of the journeys that sent. */
function Control({ r }: { r: AutomationReport }) {
	const t = useT();
	const c = r.control;
	if (!c) return null;
	const [converted, entered] = sentRate(r);
	return (
		<section class="card" aria-labelledby="control-title" data-testid="automation-control">
			<h2 id="control-title">{t('Control group')}</h2>
			<dl class="figures-grid">
				<Figure id="control-entered" label={t('Held out')} value={fmt(c.entered)} />
				<Figure id="control-converted" label={t('Converted anyway')} value={fmt(c.converted)} />
				<Figure id="control-revenue" label={t('Revenue')} value={amount(c.revenue)} />
			</dl>
			<p data-testid="control-text">
				{sprintf(
					t('Journeys that sent converted at %1$s; the control group, which got nothing, at %2$s.'),
					rate(converted, entered),
					rate(c.converted, c.entered),
				)}
			</p>
		</section>
	);
}

/**
 * An automation's report: journeys waiting now, then a row for the trigger (journeys entered; those that left or
 * converted before the first push) and one per step, and the control group when it has one.
 */
export function AutomationReportView({ a, r }: { a: AutomationView; r: AutomationReport }) {
	const t = useT();
	const [converted, entered] = sentRate(r);
	return (
		<>
			<section class="card" aria-labelledby="report-title" data-testid="automation-report">
				<h2 id="report-title">{t('Report')}</h2>
				<dl class="figures-grid">
					<Figure id="active" label={t('Active journeys')} value={fmt(r.active)} />
					<Figure id="entered" label={t('Entered')} value={fmt(r.trigger.entered)} />
					<Figure id="converted" label={t('Converted')} value={fmt(converted)} />
					<Figure id="rate" label={t('Conversion rate')} value={a.goal ? rate(converted, entered) : '–'} />
					<Figure id="revenue" label={t('Revenue')} value={amount(revenueOf(r))} />
				</dl>
				{!a.goal && (
					<p class="muted" data-testid="no-goal">
						{t('No conversion goal: set one in the editor to count conversions and revenue.')}
					</p>
				)}
			</section>
			<section class="card table-wrap" aria-labelledby="report-steps-title">
				<h2 id="report-steps-title" class="table-title">
					{t('By step')}
				</h2>
				<table class="table" data-testid="automation-steps-report">
					<thead>
						<tr>
							<th scope="col">{t('Step')}</th>
							<NumHeads
								labels={[
									t('Entered'),
									t('Sent'),
									t('Shown'),
									t('Clicked'),
									t('Left'),
									t('Converted'),
									t('Revenue'),
								]}
							/>
						</tr>
					</thead>
					<tbody>
						<Row label={t('Trigger')} row={r.trigger} trigger />
						{r.steps.map((row, i) => (
							<Row
								key={row.step}
								row={row}
								label={
									<>
										{sprintf(t('Step %d'), i + 1)}
										<span class="muted small block">{waitText(a.steps[i]?.wait, t)}</span>
										<span class="muted small block title-text" dir="auto">
											{a.steps[i]?.message.title}
										</span>
									</>
								}
							/>
						))}
					</tbody>
				</table>
				<p class="hint table-title table-foot">
					{t(
						'Trigger: journeys started, and those that left or converted before the first push. Left: ended after that step by an exit event, a segment left or the awaited event. Conversions count people; sent, shown and clicked count devices.',
					)}
				</p>
			</section>
			<Control r={r} />
		</>
	);
}
