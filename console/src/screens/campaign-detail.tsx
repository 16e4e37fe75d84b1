import { useEffect, useState } from 'preact/hooks';
import type { CampaignDetail, CampaignView } from '#wire';
import { isStatus } from '../api';
import { can, useConsole } from '../context';
import { go } from '../router';
import { when } from '../ui/format';
import { ConfirmButton, ErrorNote, Screen, useLoad, useT, useTn } from '../ui/parts';
import { Runs } from './campaign-runs';
import { CampaignTest } from './campaign-test';
import { ACTIVE, audienceWords, campaignHref, campaignPath, FINISHED } from './campaign-words';
import { LabelChips, StateBadge } from './campaigns';
import { SavedMessageLink } from './saved-message-link';
import { scheduleText } from './schedule-words';
import { useSegments } from './segments';
import { experimentText, timingText } from './timing-words';

type Action = 'schedule' | 'pause' | 'resume' | 'cancel';

/** How often the page reads the campaign again: often while a run sends or is due within a minute. */
function refreshMs(c: CampaignDetail): number | null {
	if (c.runs.some((r) => r.status !== 'done')) return 2000;
	if (c.nextRunAt && Date.parse(c.nextRunAt) - Date.now() < 60_000) return 2000;
	return ACTIVE.includes(c.state) ? 30_000 : null;
}

/** One campaign: what, who and when, the actions its state allows, and its runs with their counts and reports. */
export function CampaignPage({ id }: { id: string }) {
	const { api, site, token, host } = useConsole();
	const t = useT();
	const tn = useTn();
	const [c, loadError, reload] = useLoad(() => api.call<CampaignDetail>(campaignPath(id)), [id]);
	const [segments] = useSegments();
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<unknown>(null);
	const mayEdit = can(token.role, 'editor');
	const why = mayEdit ? undefined : t('Editors and admins change campaigns');

	useEffect(() => {
		const ms = c && refreshMs(c);
		if (!ms) return;
		const timer = setTimeout(() => {
			if (!document.hidden) reload();
		}, ms);
		return () => clearTimeout(timer);
	}, [c]);

	const act = async (action: Action) => {
		setError(null);
		setBusy(true);
		try {
			await api.call<CampaignView>(`${campaignPath(id)}/${action}`, { method: 'POST' });
			host.toast(
				action === 'schedule'
					? t('Campaign scheduled')
					: action === 'pause'
						? t('Campaign paused')
						: action === 'resume'
							? t('Campaign resumed')
							: t('Campaign cancelled'),
			);
			reload();
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	};

	const remove = async () => {
		setError(null);
		try {
			await api.call(campaignPath(id), { method: 'DELETE' });
			host.toast(t('Campaign deleted'));
			go('/campaigns');
		} catch (e) {
			setError(e);
		}
	};

	if (!c)
		return (
			<Screen title={t('Campaign')} actions={<a href="#/campaigns">{t('Back to campaigns')}</a>}>
				{isStatus(loadError, 404) ? (
					<p class="notice notice-info" role="alert">
						{t('This campaign does not exist (any more).')}
					</p>
				) : (
					<ErrorNote error={loadError} />
				)}
				{!loadError && <p class="loading">{t('Loading…')}</p>}
			</Screen>
		);

	const finished = FINISHED.includes(c.state);
	const lastError = c.lastError;
	const button = (action: Action, label: string, primary = false) => (
		<button
			type="button"
			class={primary ? 'primary' : ''}
			disabled={!mayEdit || busy}
			title={why}
			onClick={() => act(action)}
			data-action={action}
		>
			{label}
		</button>
	);
	return (
		<Screen title={c.name} actions={<a href="#/campaigns">{t('Back to campaigns')}</a>}>
			<ErrorNote error={loadError} />
			{lastError && (
				<p class="notice notice-warning" role="alert" data-testid="campaign-last-error">
					{lastError}
				</p>
			)}
			<section class="card" aria-labelledby="campaign-summary-title">
				<h2 id="campaign-summary-title">{t('Summary')}</h2>
				<dl class="facts" data-testid="campaign-summary">
					<dt>{t('State')}</dt>
					<dd data-testid="campaign-state">
						<StateBadge state={c.state} />
					</dd>
					<dt>{t('Schedule')}</dt>
					<dd data-testid="campaign-schedule">{scheduleText(c.schedule, t, tn)}</dd>
					<dt>{t('Delivery')}</dt>
					<dd data-testid="campaign-timing">{timingText(c.timing, t) || t('As soon as each run starts')}</dd>
					<dt>{t('Experiment')}</dt>
					<dd data-testid="campaign-experiment">{experimentText(c.experiment, t) || t('None')}</dd>
					<dt>{t('Next run')}</dt>
					<dd data-testid="campaign-next-run">{when(c.nextRunAt)}</dd>
					<dt>{t('Audience')}</dt>
					<dd class="break">
						{audienceWords(c.audience, t, tn, {
							categories: site.settings.prompt.categories,
							segments: segments ?? [],
						})}
					</dd>
					<dt>{t('Message')}</dt>
					<dd dir="auto" class="title-text">
						{c.message.title}
					</dd>
					{c.resource && (
						<>
							<dt>{t('Saved message')}</dt>
							<dd data-testid="campaign-resource">
								<SavedMessageLink used={c.resource} />
							</dd>
						</>
					)}
					<dt>{t('Labels')}</dt>
					<dd>
						<LabelChips labels={c.labels} />
					</dd>
					<dt>{t('Updated')}</dt>
					<dd>{when(c.updatedAt)}</dd>
				</dl>
				<ErrorNote error={error} />
				<div class="actions campaign-actions" data-testid="campaign-actions">
					{!finished && (
						<a class="button" href={`${campaignHref(c.campaignId)}/edit`}>
							{t('Edit')}
						</a>
					)}
					{c.state === 'draft' && button('schedule', t('Schedule'), true)}
					{ACTIVE.includes(c.state) && button('pause', t('Pause'))}
					{c.state === 'paused' && button('resume', t('Resume'), true)}
					{!finished && (
						<ConfirmButton
							label={t('Cancel campaign')}
							confirm={t('Cancel this campaign? It stops for good (a run that is sending stops too).')}
							yes={t('Yes, cancel it')}
							danger
							disabled={!mayEdit || busy}
							title={why}
							onConfirm={() => act('cancel')}
						/>
					)}
					{!ACTIVE.includes(c.state) && (
						<ConfirmButton
							label={t('Delete')}
							confirm={t('Delete this campaign? Its runs stay in the history.')}
							yes={t('Yes, delete')}
							danger
							disabled={!mayEdit}
							title={why}
							onConfirm={remove}
						/>
					)}
				</div>
			</section>
			<CampaignTest
				campaignId={c.campaignId}
				disabled={!mayEdit}
				why={why}
				note={t('Sends the message now to the subscribers marked as testers.')}
			/>
			<Runs campaignId={c.campaignId} runs={c.runs} total={c.runCount} />
		</Screen>
	);
}
