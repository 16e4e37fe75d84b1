import { useEffect, useState } from 'preact/hooks';
import type { AutomationReport, AutomationView } from '#wire';
import { isStatus } from '../api';
import { can, useConsole } from '../context';
import { go } from '../router';
import { ConfirmButton, ErrorNote, Screen, useEvery, useLoad, useT } from '../ui/parts';
import { AutomationReportView } from './automation-report';
import { AutomationSummary } from './automation-summary';
import { AutomationSwitch } from './automation-switch';
import { automationHref, automationPath } from './automation-words';
import { useSegments } from './segments';

/** One automation: its switch, what it does, edit and delete, and its report (read again every 15 seconds). */
export function AutomationPage({ id }: { id: string }) {
	const { api, token, host } = useConsole();
	const t = useT();
	const [loaded, loadError, reloadAutomation] = useLoad(
		() => api.call<AutomationView>(automationPath(id)),
		[id],
	);
	const [report, reportError, reloadReport] = useLoad(
		() => api.call<AutomationReport>(`${automationPath(id)}/report`),
		[id],
	);
	const [segments] = useSegments();
	const [a, setA] = useState<AutomationView | null>(null);
	const [error, setError] = useState<unknown>(null);
	useEffect(() => setA(loaded), [loaded]);
	useEvery(() => {
		reloadAutomation();
		reloadReport();
	}, 15_000);
	const mayEdit = can(token.role, 'editor');
	const why = mayEdit ? undefined : t('Editors and admins change automations');

	const remove = async () => {
		setError(null);
		try {
			await api.call(automationPath(id), { method: 'DELETE' });
			host.toast(t('Automation deleted'));
			go('/automations');
		} catch (e) {
			setError(e);
		}
	};

	const back = <a href="#/automations">{t('Back to automations')}</a>;
	if (!a)
		return (
			<Screen title={t('Automation')} actions={back}>
				{isStatus(loadError, 404) ? (
					<p class="notice notice-info" role="alert">
						{t('This automation does not exist (any more).')}
					</p>
				) : (
					<ErrorNote error={loadError} />
				)}
				{!loadError && <p class="loading">{t('Loading…')}</p>}
			</Screen>
		);

	return (
		<Screen title={a.name} actions={back}>
			{a.lastError && (
				<p class="notice notice-warning" role="alert" data-testid="automation-last-error">
					{a.lastError}
				</p>
			)}
			<section class="card" aria-labelledby="automation-summary-title">
				<div class="summary-head">
					<h2 id="automation-summary-title">{t('Summary')}</h2>
					<AutomationSwitch
						automation={a}
						onChange={(next) => {
							setA(next);
							reloadReport();
						}}
						words={[t('On: new events start journeys'), t('Off: nothing starts or sends')]}
					/>
				</div>
				<AutomationSummary a={a} segments={segments ?? []} />
				<ErrorNote error={error} />
				<div class="actions campaign-actions" data-testid="automation-actions">
					{mayEdit && (
						<a class="button" href={`${automationHref(a.automationId)}/edit`} data-testid="edit-automation">
							{t('Edit')}
						</a>
					)}
					<ConfirmButton
						label={t('Delete')}
						confirm={t('Delete this automation? Journeys under way stop; its pushes stay in the history.')}
						yes={t('Yes, delete')}
						danger
						disabled={!mayEdit}
						title={why}
						onConfirm={remove}
					/>
				</div>
			</section>
			<ErrorNote error={reportError} />
			{report && <AutomationReportView a={a} r={report} />}
		</Screen>
	);
}
