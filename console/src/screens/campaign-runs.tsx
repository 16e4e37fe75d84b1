import type { CampaignRunView } from '#wire';
import { fmt, rate, when } from '../ui/format';
import { useT } from '../ui/parts';
import { StatusBadge } from './history';

/** The latest runs: when, status, counts and a link to each run's report. */
export function Runs({ runs, total }: { runs: CampaignRunView[]; total: number }) {
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
