import { useEffect, useState } from 'preact/hooks';
import type { NotificationView, SiteStats, SubscriberStatus } from '#wire';
import { useConsole } from '../context';
import { fmt, sprintf, translatable } from '../ui/format';
import { browserLabel, notificationStatusLabel } from '../ui/labels';
import { ErrorNote, Progress, Screen, useEvery, useLoad, useT } from '../ui/parts';
import { GrowthChart } from './growth-chart';

const STATUS_LABELS: Array<[SubscriberStatus, string]> = [
	['allowed', translatable('Subscribed')],
	['ask', translatable('Not decided')],
	['blocked', translatable('Blocked')],
	['unsupported', translatable('Unsupported')],
	['suspended', translatable('Signed out')],
];

/** Counts by status and browser, growth, and the sends that are running now. */
export function Overview() {
	const { api } = useConsole();
	const t = useT();
	const [stats, error, reload] = useLoad(() => api.call<SiteStats>('/stats'), []);
	// New subscribers show up without a reload (the counters are O(1) to read).
	useEvery(reload, 10_000);
	return (
		<Screen title={t('Overview')}>
			<ErrorNote error={error} />
			{stats ? (
				<>
					<div class="grid">
						<Counts stats={stats} />
						<GrowthChart daily={stats.daily} />
					</div>
					<RunningSends />
				</>
			) : (
				!error && <p class="loading">{t('Loading…')}</p>
			)}
		</Screen>
	);
}

function Counts({ stats }: { stats: SiteStats }) {
	const t = useT();
	const total = Object.values(stats.byStatus).reduce((a, b) => a + b, 0);
	const browsers = Object.entries(stats.byBrowser)
		.filter(([, n]) => n > 0)
		.sort((a, b) => b[1] - a[1]);
	const top = Math.max(1, ...browsers.map(([, n]) => n));
	return (
		<section class="card" aria-labelledby="counts-title">
			<h2 id="counts-title">{t('Subscribers')}</h2>
			<div class="figures">
				<div class="figure big" data-testid="active">
					<b class="figure-n">{fmt(stats.active)}</b>
					<span class="figure-label">{t('active subscribers')}</span>
				</div>
				<div class="figure" data-testid="total">
					<b class="figure-n">{fmt(total)}</b>
					<span class="figure-label">{t('browsers seen')}</span>
				</div>
			</div>
			<h3>{t('By status')}</h3>
			<ul class="statuses" data-testid="by-status">
				{STATUS_LABELS.map(([key, label]) => (
					<li key={key} data-status={key}>
						<span class="status-label">{t(label)}</span>
						<b class="status-n">{fmt(stats.byStatus[key] ?? 0)}</b>
					</li>
				))}
			</ul>
			<h3>{t('By browser')}</h3>
			{browsers.length === 0 ? (
				<p class="muted">{t('No subscribed browsers yet.')}</p>
			) : (
				<ul class="bars" data-testid="by-browser">
					{browsers.map(([name, n]) => (
						<li key={name}>
							<span class="bar-label" dir="auto">
								{browserLabel(t, name)}
							</span>
							<span class="bar" aria-hidden="true">
								<i style={{ width: `${(n / top) * 100}%` }} />
							</span>
							<b class="bar-n">{fmt(n)}</b>
						</li>
					))}
				</ul>
			)}
		</section>
	);
}

/** Sends in progress (queued or sending): polled every 2 s while any runs, every 15 s otherwise. */
function RunningSends() {
	const { api } = useConsole();
	const t = useT();
	const [running, setRunning] = useState<NotificationView[]>([]);
	const [error, setError] = useState<unknown>(null);
	useEffect(() => {
		let stop = false;
		let timer: ReturnType<typeof setTimeout> | undefined;
		const tick = async () => {
			try {
				const { notifications } = await api.call<{ notifications: NotificationView[] }>(
					'/notifications?limit=20',
				);
				if (stop) return;
				const now = notifications.filter((n) => n.status !== 'done');
				setRunning(now);
				setError(null);
				timer = setTimeout(tick, now.length > 0 ? 2000 : 15_000);
			} catch (e) {
				if (!stop) setError(e);
			}
		};
		void tick();
		return () => {
			stop = true;
			clearTimeout(timer);
		};
	}, [api]);
	return (
		<section class="card" aria-labelledby="running-title">
			<h2 id="running-title">{t('Sending now')}</h2>
			<ErrorNote error={error} />
			{running.length === 0 ? (
				<p class="muted">
					{t('Nothing is being sent right now.')} <a href="#/send">{t('Send a notification')}</a>
				</p>
			) : (
				<ul class="running" data-testid="running">
					{running.map((n) => {
						const c = n.counts;
						const done = c.sent + c.failed + c.gone;
						return (
							<li key={n.notificationId}>
								<a href={`#/notifications/${n.notificationId}`} class="title-text" dir="auto">
									{n.message.title}
								</a>
								<Progress
									label={sprintf(t('Progress of %s'), n.message.title)}
									done={done}
									total={c.targeted}
									finished={false}
								/>
								<span class="muted small">
									{sprintf(
										t('%1$s: %2$s of %3$s handled'),
										notificationStatusLabel(t, n.status),
										fmt(done),
										c.targeted ? fmt(c.targeted) : '…',
									)}
								</span>
							</li>
						);
					})}
				</ul>
			)}
		</section>
	);
}
