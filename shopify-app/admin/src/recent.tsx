import type { NotificationView } from './types';

const when = (iso: string) =>
	new Date(iso).toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

const rate = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : '–');

/** Recent notifications: sent (targeted), delivered (accepted by the push service), clicked. */
export function RecentNotifications({ notifications }: { notifications: NotificationView[] }) {
	return (
		<section class="card" aria-labelledby="recent-title">
			<h2 id="recent-title">Recent notifications</h2>
			{notifications.length === 0 ? (
				<p class="muted">Nothing sent yet.</p>
			) : (
				<table class="recent" data-testid="recent">
					<thead>
						<tr>
							<th>Notification</th>
							<th>Status</th>
							<th class="num">Sent</th>
							<th class="num">Delivered</th>
							<th class="num">Clicked</th>
						</tr>
					</thead>
					<tbody>
						{notifications.map((n) => (
							<tr key={n.notificationId}>
								<td>
									{/* dir=auto isolates the title: a right-to-left override in it ends with it. */}
									<b class="recent-title" dir="auto">
										{n.message.title}
									</b>
									<span class="muted small">{when(n.createdAt)}</span>
								</td>
								<td>
									<span class={`badge badge-${n.status}`}>{n.status}</span>
								</td>
								<td class="num">{n.counts.targeted}</td>
								<td class="num">{n.counts.sent}</td>
								<td class="num">
									{n.counts.clicked} <span class="muted small">{rate(n.counts.clicked, n.counts.sent)}</span>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</section>
	);
}
