import { useEffect } from 'preact/hooks';
import type { CampaignDetail, CampaignRunView, ConversionReport } from '#wire';
import { isStatus } from '../api';
import { useConsole } from '../context';
import { fmt, percent, sprintf, when } from '../ui/format';
import { skipReasonLabel } from '../ui/labels';
import { ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { Conversions, Variants } from './campaign-variants';
import { campaignHref, campaignPath } from './campaign-words';
import { StatusBadge } from './history';

/** GET …/campaigns/:id/runs/:run/report. */
export interface RunReport {
	run: CampaignRunView;
	conversions: ConversionReport | null;
}

/** Targeted → sent → shown → clicked (→ converted) as bars, each a share of the targeted. */
function Funnel({ r }: { r: RunReport }) {
	const t = useT();
	const c = r.run.counts;
	const steps: Array<[string, string, number]> = [
		['targeted', t('Targeted'), c.targeted],
		['sent', t('Sent'), c.sent],
		['shown', t('Shown'), c.shown],
		['clicked', t('Clicked'), c.clicked],
	];
	if (r.conversions) steps.push(['converted', t('Converted'), r.conversions.converted]);
	const top = Math.max(c.targeted, 1);
	return (
		<section class="card" aria-labelledby="funnel-title">
			<h2 id="funnel-title">{t('Funnel')}</h2>
			<ol class="funnel" data-testid="funnel">
				{steps.map(([key, label, n]) => (
					<li key={key} data-step={key}>
						<span class="funnel-label">{label}</span>
						<span class="funnel-bar" aria-hidden="true">
							<i style={{ width: `${n > 0 ? Math.max(1, Math.min(100, (n / top) * 100)) : 0}%` }} />
						</span>
						<span class="funnel-n">
							<b data-figure={key}>{fmt(n)}</b>{' '}
							{key !== 'targeted' && (
								<span class="muted small">
									{c.targeted > 0 ? sprintf(t('%s of targeted'), percent(n / c.targeted)) : ''}
								</span>
							)}
						</span>
					</li>
				))}
			</ol>
			{r.conversions && (
				<p class="hint">
					{t(
						'Converted counts people (all the devices of a signed-in user once); the other steps count devices.',
					)}
				</p>
			)}
		</section>
	);
}

/** Recipients left out on purpose, by reason, and failures by reason. */
function LeftOut({ run }: { run: CampaignRunView }) {
	const t = useT();
	const skipped = Object.entries(run.counts.skipped ?? {}).filter(([, n]) => n > 0);
	const failures = Object.entries(run.counts.failures ?? {}).filter(([, n]) => n > 0);
	const list = (items: Array<[string, number]>, label: (k: string) => string, testid: string) =>
		items.length === 0 ? (
			<p class="muted">{t('None.')}</p>
		) : (
			<dl class="facts" data-testid={testid}>
				{items.map(([key, n]) => (
					<div key={key} class="fact" data-reason={key}>
						<dt>{label(key)}</dt>
						<dd class="num">{fmt(n)}</dd>
					</div>
				))}
			</dl>
		);
	return (
		<section class="card" aria-labelledby="left-out-title">
			<h2 id="left-out-title">{t('Not delivered')}</h2>
			<h3>{t('Left out on purpose')}</h3>
			{list(skipped, (k) => skipReasonLabel(t, k), 'skipped')}
			<h3>{t('Failures by reason')}</h3>
			{list(failures, (k) => k, 'failures')}
			<p class="hint">
				{sprintf(t('Gone (unsubscribed in the browser): %s.'), fmt(run.counts.gone))}{' '}
				{sprintf(t('Closed without a click: %s.'), fmt(run.counts.closed))}
			</p>
		</section>
	);
}

/** How often the report is read again: while the run sends, and while its conversion window is open. */
function refreshMs(r: RunReport): number | null {
	if (r.run.status !== 'done') return 3000;
	return r.conversions && !r.conversions.final ? 30_000 : null;
}

/** One run of a campaign: its funnel, who was left out and why, variants side by side, conversions and lift. */
export function CampaignRunReport({ id, run }: { id: string; run: string }) {
	const { api } = useConsole();
	const t = useT();
	const [campaign, campaignError] = useLoad(() => api.call<CampaignDetail>(campaignPath(id)), [id]);
	const [r, error, reload] = useLoad(
		() => api.call<RunReport>(`${campaignPath(id)}/runs/${encodeURIComponent(run)}/report`),
		[id, run],
	);
	useEffect(() => {
		const ms = r && refreshMs(r);
		if (!ms) return;
		const timer = setTimeout(() => {
			if (!document.hidden) reload();
		}, ms);
		return () => clearTimeout(timer);
	}, [r]);

	const back = <a href={campaignHref(id)}>{t('Back to the campaign')}</a>;
	if (!r || !campaign) {
		const failed = error ?? campaignError;
		return (
			<Screen title={sprintf(t('Run %s'), `#${run}`)} actions={back}>
				{isStatus(failed, 404) ? (
					<p class="notice notice-info" role="alert">
						{t('This run does not exist (any more).')}
					</p>
				) : (
					<ErrorNote error={failed} />
				)}
				{!failed && <p class="loading">{t('Loading…')}</p>}
			</Screen>
		);
	}
	const title = sprintf(t('%1$s: run %2$s'), campaign.name, `#${run}`);
	const names = (campaign.experiment.variants ?? []).map((v) => v.name);
	return (
		<Screen title={title} actions={back}>
			<ErrorNote error={error} />
			<section class="card" aria-labelledby="run-title">
				<h2 id="run-title" class="sr-only">
					{t('Run')}
				</h2>
				<dl class="facts" data-testid="run-summary">
					<dt>{t('Status')}</dt>
					<dd>
						<StatusBadge status={r.run.status} />
					</dd>
					<dt>{t('Scheduled for')}</dt>
					<dd>{when(r.run.scheduledFor)}</dd>
					<dt>{t('Started')}</dt>
					<dd>{when(r.run.startedAt)}</dd>
					<dt>{t('Delivery report')}</dt>
					<dd>
						<a href={`#/notifications/${encodeURIComponent(r.run.notificationId)}`}>
							{t('Message, audience and delivery of this run')}
						</a>
					</dd>
				</dl>
			</section>
			<div class="grid">
				<Funnel r={r} />
				<LeftOut run={r.run} />
			</div>
			{r.conversions ? (
				<Conversions c={r.conversions} />
			) : (
				<p class="card muted" data-testid="no-goal">
					{t(
						'This campaign has no conversion goal; set one in the editor’s Experiment step to measure conversions.',
					)}
				</p>
			)}
			<Variants counts={r.run.counts} conversions={r.conversions} names={names} />
		</Screen>
	);
}
