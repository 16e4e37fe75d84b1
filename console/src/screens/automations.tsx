import { useEffect, useState } from 'preact/hooks';
import type { AutomationView } from '#wire';
import { can, useConsole } from '../context';
import { amount, fmt, translatable, when } from '../ui/format';
import { ErrorNote, Screen, useEvery, useLoad, useT } from '../ui/parts';
import { NumCell, NumHeads } from '../ui/table';
import { AutomationSwitch } from './automation-switch';
import { automationHref, triggerText } from './automation-words';

/** The figure columns: label, `data-count`, value. */
const FIGURES: Array<[string, string, (a: AutomationView) => string]> = [
	[translatable('Steps'), 'steps', (a) => fmt(a.steps.length)],
	[translatable('Active journeys'), 'active', (a) => fmt(a.counts.active)],
	[translatable('Entered'), 'entered', (a) => fmt(a.counts.entered)],
	[translatable('Converted'), 'converted', (a) => fmt(a.counts.converted)],
	[translatable('Revenue'), 'revenue', (a) => amount(a.counts.revenue)],
];

/** The site's automations, most recently changed first, with their live counts and each one's switch. */
export function Automations() {
	const { api, token } = useConsole();
	const t = useT();
	const [data, error, reload] = useLoad(
		async () => (await api.call<{ automations: AutomationView[] }>('/automations')).automations,
		[],
	);
	const [list, setList] = useState<AutomationView[] | null>(null);
	useEffect(() => setList(data), [data]);
	useEvery(reload, 30_000);
	const mayEdit = can(token.role, 'editor');
	const replace = (next: AutomationView) =>
		setList((l) => l?.map((a) => (a.automationId === next.automationId ? next : a)) ?? null);
	return (
		<Screen
			title={t('Automations')}
			actions={
				<>
					<button type="button" onClick={reload}>
						{t('Refresh')}
					</button>
					<a class="button" href="#/automations/templates" data-testid="automation-templates">
						{t('Templates')}
					</a>
					{mayEdit && (
						<a class="button primary" href="#/automations/new" data-testid="new-automation">
							{t('New automation')}
						</a>
					)}
				</>
			}
		>
			<p class="muted">
				{t(
					'An automation sends on its own. An event (or one that does not follow), or a date, starts a journey for that person: one to five steps, each a wait and a push, until the last step, an exit event or the goal ends it.',
				)}
			</p>
			<ErrorNote error={error} />
			{!list ? (
				!error && <p class="loading">{t('Loading…')}</p>
			) : list.length === 0 ? (
				<div class="card empty">
					<p class="muted" data-testid="no-automations">
						{t(
							'No automations yet. Start from a template: abandoned checkout, back in stock, price drop, shipping updates, a welcome series.',
						)}
					</p>
					<a class="button primary" href="#/automations/templates">
						{t('Browse the templates')}
					</a>
				</div>
			) : (
				<div class="card table-wrap">
					<table class="table" data-testid="automations">
						<thead>
							<tr>
								<th scope="col">{t('Automation')}</th>
								<th scope="col">{t('Status')}</th>
								<NumHeads labels={FIGURES.map(([label]) => t(label))} />
								<th scope="col">{t('Updated')}</th>
							</tr>
						</thead>
						<tbody>
							{list.map((a) => (
								<tr key={a.automationId} data-automation={a.automationId}>
									<td class="cell-title">
										<a href={automationHref(a.automationId)} dir="auto">
											<b>{a.name}</b>
										</a>
										<span class="muted small block" data-testid="trigger-summary">
											{triggerText(a.trigger, t)}
										</span>
										{a.lastError && (
											<span class="field-error" data-testid="automation-last-error">
												{a.lastError}
											</span>
										)}
									</td>
									<td data-label={t('Status')}>
										<AutomationSwitch automation={a} onChange={replace} />
									</td>
									{FIGURES.map(([label, count, n]) => (
										<NumCell key={count} label={t(label)} count={count}>
											{n(a)}
										</NumCell>
									))}
									<td data-label={t('Updated')} class="nowrap">
										{when(a.updatedAt)}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
		</Screen>
	);
}
