import { useEffect, useState } from 'preact/hooks';
import type { Audience, NotificationView } from '#wire';
import { useConsole } from '../context';
import { fmt, rate, when } from '../ui/format';
import { ErrorNote, Progress, Screen } from '../ui/parts';
import { handled, watchNotification } from '../ui/watch';
import { StatusBadge } from './history';

/** Words for an audience. */
export function describeAudience(a: Audience): string {
	if ('all' in a) return 'All subscribers';
	if ('categories' in a) return `Subscribers of topics: ${a.categories.join(', ')}`;
	if ('userIds' in a) return `Users: ${a.userIds.join(', ')}`;
	return `Subscribers: ${a.subscriberIds.join(', ')}`;
}

/** One notification: its message, audience, counts, failures and times; polls while it is not done. */
export function Report({ id }: { id: string }) {
	const { api } = useConsole();
	const [n, setN] = useState<NotificationView | null>(null);
	const [error, setError] = useState<unknown>(null);
	useEffect(() => {
		let stop = false;
		watchNotification(api, id, setN, () => stop, 2000).catch((e) => {
			if (!stop) setError(e);
		});
		return () => {
			stop = true;
		};
	}, [api, id]);

	if (!n)
		return (
			<Screen title="Report">
				<ErrorNote error={error} />
				{!error && <p class="loading">Loading…</p>}
			</Screen>
		);
	const c = n.counts;
	const figures: Array<[string, string, string?]> = [
		['Targeted', fmt(c.targeted)],
		['Sent', fmt(c.sent)],
		['Failed', fmt(c.failed)],
		['Gone', fmt(c.gone)],
		['Shown', fmt(c.shown)],
		['Clicked', fmt(c.clicked)],
		['Closed', fmt(c.closed)],
		['CTR', rate(c.clicked, c.sent), 'clicked / sent'],
	];
	const failures = Object.entries(c.failures ?? {}).filter(([, k]) => k > 0);
	const m = n.message;
	return (
		<Screen title="Report" actions={<a href="#/notifications">Back to history</a>}>
			<ErrorNote error={error} />
			<div class="grid">
				<section class="card" aria-labelledby="msg-title">
					<h2 id="msg-title">Message</h2>
					<dl class="facts">
						<dt>Title</dt>
						<dd dir="auto" class="title-text" data-testid="report-title">
							{m.title}
						</dd>
						<dt>Message</dt>
						<dd dir="auto">{m.body || '–'}</dd>
						<dt>Link</dt>
						<dd class="break">{m.url ?? 'The page each subscriber last visited'}</dd>
						{m.image && (
							<>
								<dt>Image</dt>
								<dd class="break">{m.image}</dd>
							</>
						)}
						{m.actions && m.actions.length > 0 && (
							<>
								<dt>Buttons</dt>
								<dd dir="auto">{m.actions.map((a) => a.title).join(' · ')}</dd>
							</>
						)}
						<dt>Audience</dt>
						<dd class="break">{describeAudience(n.audience)}</dd>
						<dt>Status</dt>
						<dd data-testid="report-status">
							<StatusBadge status={n.status} />
						</dd>
						<dt>Created</dt>
						<dd>{when(n.createdAt)}</dd>
						<dt>Finished</dt>
						<dd>{when(n.finishedAt)}</dd>
					</dl>
				</section>
				<section class="card" aria-labelledby="counts-title">
					<h2 id="counts-title">Delivery</h2>
					<Progress
						label="Handled recipients"
						done={handled(n)}
						total={c.targeted}
						finished={n.status === 'done'}
					/>
					<dl class="figures-grid" data-testid="report-counts">
						{figures.map(([label, v, hint]) => (
							<div key={label} class="figure">
								<dt class="figure-label">
									{label}
									{hint && <span class="sr-only"> ({hint})</span>}
								</dt>
								<dd class="figure-n" data-figure={label.toLowerCase()}>
									{v}
								</dd>
							</div>
						))}
					</dl>
					<h3>Failures by reason</h3>
					{failures.length === 0 ? (
						<p class="muted">None.</p>
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
