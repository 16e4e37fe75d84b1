import { useState } from 'preact/hooks';
import type { CampaignState, CampaignView } from '#wire';
import { query } from '../api';
import { can, useConsole } from '../context';
import { fmt, value, when } from '../ui/format';
import { CAMPAIGN_STATES, campaignStateLabel } from '../ui/labels';
import { ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { campaignHref } from './campaign-words';
import { FrequencyCap } from './frequency-cap';
import { QuietHoursDefault } from './quiet-hours';

/** A campaign's state as a badge. */
export function StateBadge({ state }: { state: CampaignState }) {
	const t = useT();
	return (
		<span class={`badge badge-${state}`} data-state={state}>
			{campaignStateLabel(t, state)}
		</span>
	);
}

/** A campaign's labels as chips. */
export function LabelChips({ labels }: { labels: string[] }) {
	if (labels.length === 0) return <span class="muted">–</span>;
	return (
		<span class="chips">
			{labels.map((l) => (
				<span key={l} class="chip" dir="auto">
					{l}
				</span>
			))}
		</span>
	);
}

/** The site's campaigns, most recently changed first, filtered by state and label. */
export function Campaigns() {
	const { api, token } = useConsole();
	const t = useT();
	const [state, setState] = useState('');
	const [label, setLabel] = useState('');
	const [applied, setApplied] = useState({ state: '', label: '' });
	const [data, error, reload] = useLoad(
		() => api.call<{ campaigns: CampaignView[] }>(`/campaigns${query(applied)}`),
		[applied.state, applied.label],
	);
	const list = data?.campaigns;
	const filtered = applied.state !== '' || applied.label !== '';
	return (
		<Screen
			title={t('Campaigns')}
			actions={
				<>
					<button type="button" onClick={reload}>
						{t('Refresh')}
					</button>
					<a class="button" href="#/campaigns/calendar" data-testid="campaign-calendar">
						{t('Calendar')}
					</a>
					{can(token.role, 'editor') && (
						<a class="button primary" href="#/campaigns/new" data-testid="new-campaign">
							{t('New campaign')}
						</a>
					)}
				</>
			}
		>
			<p class="muted">
				{t(
					'A campaign is a message, an audience and a schedule: now, once, on several dates or recurring. Each run is a notification of its own, with its report in the history.',
				)}
			</p>
			<form
				class="card filters"
				aria-label={t('Filter campaigns')}
				onSubmit={(e) => {
					e.preventDefault();
					setApplied({ state, label: label.trim() });
				}}
			>
				<label>
					{t('State')}
					<select
						id="campaign-state-filter"
						value={state}
						onChange={(e) => {
							setState(value(e));
							setApplied({ state: value(e), label: label.trim() });
						}}
					>
						<option value="">{t('Any')}</option>
						{CAMPAIGN_STATES.map((s) => (
							<option key={s} value={s}>
								{campaignStateLabel(t, s)}
							</option>
						))}
					</select>
				</label>
				<label class="grow">
					{t('Label')}
					<input
						id="campaign-label-filter"
						type="search"
						dir="auto"
						value={label}
						onInput={(e) => setLabel(value(e))}
					/>
				</label>
				<div class="filter-actions">
					<button type="submit">{t('Filter')}</button>
				</div>
			</form>
			<ErrorNote error={error} />
			{!list ? (
				!error && <p class="loading">{t('Loading…')}</p>
			) : list.length === 0 ? (
				<p class="card muted">
					<span data-testid="no-campaigns">
						{filtered ? t('No campaign matches these filters.') : t('No campaigns yet.')}
					</span>
					{!filtered && can(token.role, 'editor') && (
						<>
							{' '}
							<a href="#/campaigns/new">{t('Create the first one')}</a>
						</>
					)}
				</p>
			) : (
				<div class="card table-wrap">
					<table class="table" data-testid="campaigns">
						<thead>
							<tr>
								<th scope="col">{t('Campaign')}</th>
								<th scope="col">{t('State')}</th>
								<th scope="col">{t('Labels')}</th>
								<th scope="col">{t('Next run')}</th>
								<th scope="col" class="num">
									{t('Runs')}
								</th>
								<th scope="col">{t('Updated')}</th>
							</tr>
						</thead>
						<tbody>
							{list.map((c) => (
								<tr key={c.campaignId} data-campaign={c.campaignId}>
									<td class="cell-title">
										<a href={campaignHref(c.campaignId)} dir="auto">
											<b>{c.name}</b>
										</a>
									</td>
									<td data-label={t('State')}>
										<StateBadge state={c.state} />
									</td>
									<td data-label={t('Labels')}>
										<LabelChips labels={c.labels} />
									</td>
									<td data-label={t('Next run')} class="nowrap" data-testid="next-run">
										{when(c.nextRunAt)}
									</td>
									<td data-label={t('Runs')} class="num">
										{fmt(c.runCount)}
									</td>
									<td data-label={t('Updated')} class="nowrap">
										{when(c.updatedAt)}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			<FrequencyCap />
			<QuietHoursDefault />
		</Screen>
	);
}
