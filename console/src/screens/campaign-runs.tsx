import type { CampaignRunView } from '#wire';
import { fmt, rate, sprintf, when } from '../ui/format';
import { useT } from '../ui/parts';
import { runHref } from './campaign-words';
import { StatusBadge } from './history';

/** The latest runs: when, status, counts, and links to each run's delivery report and results. */
export function Runs(props: { campaignId: string; runs: CampaignRunView[]; total: number }) {
	const { campaignId, runs, total } = props;
	const t = useT();
	return (
		<section class="card table-wrap" aria-labelledby="campaign-runs-title">
			<h2 id="campaign-runs-title" class="table-title">
				{t('Runs')} <span class="muted small">{fmt(total)}</span>
			</h2>
			{runs.length === 0 ? (
				<p class="muted table-title" data-testid="no-runs">
					{t('No runs yet.')}
				</p>
			) : (
				<table class="table" data-testid="campaign-runs">
					<thead>
						<tr>
							<th scope="col">{t('Run')}</th>
							<th scope="col">{t('Scheduled for')}</th>
							<th scope="col">{t('Started')}</th>
							<th scope="col">{t('Status')}</th>
							<th scope="col" class="num">
								{t('Targeted')}
							</th>
							<th scope="col" class="num">
								{t('Sent')}
							</th>
							<th scope="col" class="num">
								{t('Failed')}
							</th>
							<th scope="col" class="num">
								{t('Clicked')}
							</th>
						</tr>
					</thead>
					<tbody>
						{runs.map((r) => (
							<tr key={r.run} data-run={r.run}>
								<td class="cell-title">
									<a
										href={`#/notifications/${encodeURIComponent(r.notificationId)}`}
										data-testid="run-report"
									>
										{`#${fmt(r.run)}`} <span class="small">{t('Report')}</span>
									</a>{' '}
									<span aria-hidden="true" class="muted">
										·
									</span>{' '}
									<a
										href={runHref(campaignId, r.run)}
										data-testid="run-results"
										aria-label={sprintf(t('Results of run %s'), `#${fmt(r.run)}`)}
										class="small"
									>
										{t('Results')}
									</a>
								</td>
								<td data-label={t('Scheduled for')} class="nowrap">
									{when(r.scheduledFor)}
								</td>
								<td data-label={t('Started')} class="nowrap">
									{when(r.startedAt)}
								</td>
								<td data-label={t('Status')}>
									<StatusBadge status={r.status} />
								</td>
								<td data-label={t('Targeted')} class="num" data-count="targeted">
									{fmt(r.counts.targeted)}
								</td>
								<td data-label={t('Sent')} class="num" data-count="sent">
									{fmt(r.counts.sent)}
								</td>
								<td data-label={t('Failed')} class="num" data-count="failed">
									{fmt(r.counts.failed)}
								</td>
								<td data-label={t('Clicked')} class="num" data-count="clicked">
									{fmt(r.counts.clicked)}{' '}
									<span class="muted small">{rate(r.counts.clicked, r.counts.sent)}</span>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</section>
	);
}
