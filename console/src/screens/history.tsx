import type { NotificationView } from '#wire';
import { useConsole } from '../context';
import { fmt, rate, when } from '../ui/format';
import { notificationStatusLabel } from '../ui/labels';
import { ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { SavedMessageLine } from './saved-message-link';

/** The status word as a badge. */
export function StatusBadge({ status }: { status: NotificationView['status'] }) {
	const t = useT();
	return <span class={`badge badge-${status}`}>{notificationStatusLabel(t, status)}</span>;
}

/** The most recent notifications with their counts. */
export function History() {
	const { api } = useConsole();
	const t = useT();
	const [data, error, reload] = useLoad(
		() => api.call<{ notifications: NotificationView[] }>('/notifications?limit=100'),
		[],
	);
	const list = data?.notifications;
	return (
		<Screen
			title={t('History')}
			actions={
				<button type="button" onClick={reload}>
					{t('Refresh')}
				</button>
			}
		>
			<ErrorNote error={error} />
			{!list ? (
				!error && <p class="loading">{t('Loading…')}</p>
			) : list.length === 0 ? (
				<p class="card muted">
					{t('Nothing sent yet.')} <a href="#/send">{t('Send a notification')}</a>
				</p>
			) : (
				<div class="card table-wrap">
					<table class="table" data-testid="history">
						<thead>
							<tr>
								<th scope="col">{t('Notification')}</th>
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
								<th scope="col">{t('Date')}</th>
							</tr>
						</thead>
						<tbody>
							{list.map((n) => (
								<tr key={n.notificationId}>
									<td class="cell-title">
										<a href={`#/notifications/${n.notificationId}`} dir="auto" class="title-text">
											{n.message.title}
										</a>
										{n.resource && <SavedMessageLine used={n.resource} />}
									</td>
									<td data-label={t('Status')}>
										<StatusBadge status={n.status} />
									</td>
									<td data-label={t('Targeted')} class="num">
										{fmt(n.counts.targeted)}
									</td>
									<td data-label={t('Sent')} class="num">
										{fmt(n.counts.sent)}
									</td>
									<td data-label={t('Failed')} class="num">
										{fmt(n.counts.failed)}
									</td>
									<td data-label={t('Clicked')} class="num">
										{fmt(n.counts.clicked)}{' '}
										<span class="muted small">{rate(n.counts.clicked, n.counts.sent)}</span>
									</td>
									<td data-label={t('Date')} class="nowrap">
										{when(n.createdAt)}
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
