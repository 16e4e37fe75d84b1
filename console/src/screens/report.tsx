import { useEffect, useState } from 'preact/hooks';
import type { Audience, NotificationView } from '#wire';
import { useConsole } from '../context';
import { fmt, rate, sleep, sprintf, when } from '../ui/format';
import { ErrorNote, Progress, Screen, useT } from '../ui/parts';
import { handled, watchNotification } from '../ui/watch';
import { StatusBadge } from './history';
import { SavedMessageLink } from './saved-message-link';

/** Words for an audience. */
export function describeAudience(a: Audience, t: (text: string) => string): string {
	const base =
		'all' in a
			? t('All subscribers')
			: 'categories' in a
				? sprintf(t('Subscribers of topics: %s'), a.categories.join(', '))
				: 'userIds' in a
					? sprintf(t('Users: %s'), a.userIds.join(', '))
					: 'subscriberIds' in a
						? sprintf(t('Subscribers: %s'), a.subscriberIds.join(', '))
						: 'segment' in a
							? sprintf(t('Segment %s'), a.segment)
							: 'test' in a
								? t('Testers only')
								: sprintf(t('Filter: %s'), JSON.stringify(a.filter));
	return a.exclude ? sprintf(t('%1$s, except: %2$s'), base, JSON.stringify(a.exclude)) : base;
}

/** How long after a send its report keeps following engagement counts. */
const ENGAGEMENT_WINDOW_MS = 86_400_000;

/** One notification: its message, audience, counts, failures and times; polls while it is not done. */
export function Report({ id }: { id: string }) {
	const { api } = useConsole();
	const t = useT();
	const [n, setN] = useState<NotificationView | null>(null);
	const [error, setError] = useState<unknown>(null);
	useEffect(() => {
		let stop = false;
		const follow = async () => {
			const done = await watchNotification(api, id, setN, () => stop, 2000);
			// Shown, clicked and closed keep coming in from browsers after the send is done: while the report is
			// open on a send of the last day, it is read again every 10 s (not in a background tab).
			while (done && !stop && Date.now() - Date.parse(done.createdAt) < ENGAGEMENT_WINDOW_MS) {
				await sleep(10_000);
				if (stop) break;
				if (!document.hidden)
					setN(await api.call<NotificationView>(`/notifications/${encodeURIComponent(id)}`));
			}
		};
		follow().catch((e) => {
			if (!stop) setError(e);
		});
		return () => {
			stop = true;
		};
	}, [api, id]);

	if (!n)
		return (
			<Screen title={t('Report')}>
				<ErrorNote error={error} />
				{!error && <p class="loading">{t('Loading…')}</p>}
			</Screen>
		);
	const c = n.counts;
	// [key (data-figure), label, value, hint]
	const figures: Array<[string, string, string, string?]> = [
		['targeted', t('Targeted'), fmt(c.targeted)],
		['sent', t('Sent'), fmt(c.sent)],
		['failed', t('Failed'), fmt(c.failed)],
		['gone', t('Gone'), fmt(c.gone)],
		['shown', t('Shown'), fmt(c.shown)],
		['clicked', t('Clicked'), fmt(c.clicked)],
		['closed', t('Closed'), fmt(c.closed)],
		['ctr', t('CTR'), rate(c.clicked, c.sent), t('clicked / sent')],
	];
	const failures = Object.entries(c.failures ?? {}).filter(([, k]) => k > 0);
	const m = n.message;
	return (
		<Screen title={t('Report')} actions={<a href="#/notifications">{t('Back to history')}</a>}>
			<ErrorNote error={error} />
			<div class="grid">
				<section class="card" aria-labelledby="msg-title">
					<h2 id="msg-title">{t('Message')}</h2>
					<dl class="facts">
						<dt>{t('Title')}</dt>
						<dd dir="auto" class="title-text" data-testid="report-title">
							{m.title}
						</dd>
						<dt>{t('Message')}</dt>
						<dd dir="auto">{m.body || '–'}</dd>
						{n.resource && (
							<>
								<dt>{t('Saved message')}</dt>
								<dd data-testid="report-resource">
									<SavedMessageLink used={n.resource} />
									{n.locales && n.locales.length > 0 && (
										<span class="muted small"> · {n.locales.join(', ')}</span>
									)}
								</dd>
							</>
						)}
						<dt>{t('Link')}</dt>
						<dd class="break">{m.url ?? t('The page each subscriber last visited')}</dd>
						{m.image && (
							<>
								<dt>{t('Image')}</dt>
								<dd class="break">{m.image}</dd>
							</>
						)}
						{m.actions && m.actions.length > 0 && (
							<>
								<dt>{t('Buttons')}</dt>
								<dd dir="auto">{m.actions.map((a) => a.title).join(' · ')}</dd>
							</>
						)}
						<dt>{t('Audience')}</dt>
						<dd class="break">{describeAudience(n.audience, t)}</dd>
						<dt>{t('Status')}</dt>
						<dd data-testid="report-status">
							<StatusBadge status={n.status} />
						</dd>
						<dt>{t('Created')}</dt>
						<dd>{when(n.createdAt)}</dd>
						<dt>{t('Finished')}</dt>
						<dd>{when(n.finishedAt)}</dd>
					</dl>
				</section>
				<section class="card" aria-labelledby="counts-title">
					<h2 id="counts-title">{t('Delivery')}</h2>
					<Progress
						label={t('Handled recipients')}
						done={handled(n)}
						total={c.targeted}
						finished={n.status === 'done'}
					/>
					<dl class="figures-grid" data-testid="report-counts">
						{figures.map(([key, label, v, hint]) => (
							<div key={key} class="figure">
								<dt class="figure-label">
									{label}
									{hint && <span class="sr-only"> ({hint})</span>}
								</dt>
								<dd class="figure-n" data-figure={key}>
									{v}
								</dd>
							</div>
						))}
					</dl>
					<h3>{t('Failures by reason')}</h3>
					{failures.length === 0 ? (
						<p class="muted">{t('None.')}</p>
					) : (
						<ul class="plain">
							{failures.map(([reason, k]) => (
								<li key={reason}>
									<span class="break">{reason}</span>: <b>{fmt(k)}</b>
								</li>
							))}
						</ul>
					)}
					{n.error && (
						<p class="notice notice-error">
							{n.error.code}: {n.error.message}
						</p>
					)}
				</section>
			</div>
		</Screen>
	);
}
