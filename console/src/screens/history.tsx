import type { NotificationView } from '#wire';
import { useConsole } from '../context';
import { fmt, rate, when } from '../ui/format';
import { ErrorNote, Screen, useLoad } from '../ui/parts';

/** The status word as a badge. */
export function StatusBadge({ status }: { status: NotificationView['status'] }) {
	return <span class={`badge badge-${status}`}>{status}</span>;
}

/** The most recent notifications with their counts. */
export function History() {
	const { api } = useConsole();
	const [data, error, reload] = useLoad(
		() => api.call<{ notifications: NotificationView[] }>('/notifications?limit=100'),
		[],
	);
	const list = data?.notifications;
	return (
		<Screen
			title="History"
			actions={
				<button type="button" onClick={reload}>
					Refresh
				</button>
			}
		>
			<ErrorNote error={error} />
			{!list ? (
				!error && <p class="loading">Loading…</p>
			) : list.length === 0 ? (
				<p class="card muted">
					Nothing sent yet. <a href="#/send">Send a notification</a>
				</p>
			) : (
				<div class="card table-wrap">
					<table class="table" data-testid="history">
						<thead>
							<tr>
								<th scope="col">Notification</th>
								<th scope="col">Status</th>
								<th scope="col" class="num">
									Targeted
								</th>
								<th scope="col" class="num">
									Sent
								</th>
								<th scope="col" class="num">
									Failed
								</th>
								<th scope="col" class="num">
									Clicked
								</th>
								<th scope="col">Date</th>
							</tr>
						</thead>
						<tbody>
							{list.map((n) => (
								<tr key={n.notificationId}>
									<td class="cell-title">
										<a href={`#/notifications/${n.notificationId}`} dir="auto" class="title-text">
											{n.message.title}
										</a>
									</td>
									<td data-label="Status">
										<StatusBadge status={n.status} />
									</td>
									<td data-label="Targeted" class="num">
										{fmt(n.counts.targeted)}
									</td>
									<td data-label="Sent" class="num">
										{fmt(n.counts.sent)}
									</td>
									<td data-label="Failed" class="num">
										{fmt(n.counts.failed)}
									</td>
									<td data-label="Clicked" class="num">
										{fmt(n.counts.clicked)}{' '}
										<span class="muted small">{rate(n.counts.clicked, n.counts.sent)}</span>
									</td>
									<td data-label="Date" class="nowrap">
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
