import { useState } from 'preact/hooks';
import { useConsole } from '../context';
import { useInbox } from '../staff/inbox-feed';
import { StaffTabs } from '../staff/staff-tabs';
import { kindText } from '../staff/words';
import { fmt, sprintf, when } from '../ui/format';
import { ErrorNote, Screen, useT, useTn } from '../ui/parts';

/**
 * The signed-in member's alerts, newest first, live from the console's one alert poll (the navigation's badge reads
 * the same); opening one marks it (and its conversation) read.
 */
export function StaffAlerts() {
	const { api } = useConsole();
	const t = useT();
	const tn = useTn();
	const [data, loadError, reload] = useInbox(api);
	const [error, setError] = useState<unknown>(null);

	const read = async (ids?: string[]) => {
		setError(null);
		try {
			await api.call('/staff/me/notifications/read', {
				method: 'POST',
				body: ids ? { notificationIds: ids } : {},
			});
			await reload();
		} catch (err) {
			setError(err);
		}
	};

	const unread = data?.unread ?? 0;
	return (
		<Screen
			title={t('Staff alerts')}
			actions={
				<button type="button" disabled={unread === 0} onClick={() => read()}>
					{t('Mark all read')}
				</button>
			}
		>
			<StaffTabs />
			<p class="muted" role="status" data-testid="unread-status">
				{data &&
					(unread === 0
						? t('Everything is read.')
						: sprintf(tn('%s unread alert', '%s unread alerts', unread), fmt(unread)))}
			</p>
			<ErrorNote error={error ?? loadError} />
			{data && data.notifications.length === 0 && (
				<p class="card muted" data-testid="alerts-empty">
					{t(
						'No alerts yet. New conversations, messages, orders and other news for you appear here as they happen, per your preferences.',
					)}
				</p>
			)}
			{data && data.notifications.length > 0 && (
				<ul class="card alert-list" data-testid="alerts">
					{data.notifications.map((n) => {
						const isUnread = n.readAt === null;
						const title = (
							<>
								{isUnread && <span class="sr-only">{t('Unread:')} </span>}
								<span dir="auto">{n.title}</span>
							</>
						);
						return (
							<li
								key={n.notificationId}
								class={isUnread ? 'alert-item unread' : 'alert-item'}
								data-notification={n.notificationId}
								data-unread={isUnread ? 'true' : 'false'}
							>
								<span class="alert-dot" aria-hidden="true" />
								<div class="grow">
									<div class="alert-meta">
										<span class="badge">{kindText(n.kind, t)}</span>{' '}
										<time class="hint" dateTime={n.createdAt}>
											{when(n.createdAt)}
										</time>
									</div>
									<h2 class="alert-title">
										{n.url ? (
											<a
												href={n.url}
												target="_blank"
												rel="noopener noreferrer"
												onClick={() => {
													if (isUnread) void read([n.notificationId]);
												}}
											>
												{title}
												<span class="sr-only"> {t('(opens in a new tab)')}</span>
											</a>
										) : (
											title
										)}
									</h2>
									{n.body && (
										<p class="alert-body" dir="auto">
											{n.body}
										</p>
									)}
								</div>
								{isUnread && (
									<button type="button" class="link alert-mark" onClick={() => read([n.notificationId])}>
										{t('Mark read')}
									</button>
								)}
							</li>
						);
					})}
				</ul>
			)}
		</Screen>
	);
}
