import { useEffect, useState } from 'preact/hooks';
import type { Audience, AudienceEstimate } from '#wire';
import { useConsole } from '../context';
import { fmt, sprintf } from '../ui/format';
import { browserLabel } from '../ui/labels';
import { ErrorNote, useT } from '../ui/parts';

/** An estimate being fetched: the last answer, the last error and whether a newer one is on its way. */
export interface Estimate {
	data: AudienceEstimate | null;
	error: unknown;
	busy: boolean;
}

/**
 * POST /audience/estimate for an audience, debounced (`ms`) while it changes; null skips (nothing to count yet).
 * Answers to an older audience are dropped.
 */
export function useEstimate(audience: Audience | null, ms = 400): Estimate {
	const { api } = useConsole();
	const [state, setState] = useState<Estimate>({ data: null, error: null, busy: false });
	const key = audience ? JSON.stringify(audience) : '';
	useEffect(() => {
		if (!audience) {
			setState({ data: null, error: null, busy: false });
			return;
		}
		let stale = false;
		setState((s) => ({ ...s, busy: true }));
		const timer = setTimeout(() => {
			api.call<AudienceEstimate>('/audience/estimate', { method: 'POST', body: { audience } }).then(
				(data) => {
					if (!stale) setState({ data, error: null, busy: false });
				},
				(error) => {
					if (!stale) setState({ data: null, error, busy: false });
				},
			);
		}, ms);
		return () => {
			stale = true;
			clearTimeout(timer);
		};
	}, [key]);
	return state;
}

/** The live reach of an audience: how many it selects, how many a send reaches, and those by browser. */
export function Reach({ estimate, id }: { estimate: Estimate; id?: string }) {
	const t = useT();
	const { data, error, busy } = estimate;
	const browsers = data ? Object.entries(data.byBrowser).sort((a, b) => b[1] - a[1]) : [];
	return (
		<section
			class="reach"
			aria-labelledby={id ? `${id}-title` : undefined}
			aria-label={id ? undefined : t('Reach')}
			data-testid="reach"
			data-busy={busy ? 'true' : 'false'}
		>
			{id && (
				<h2 id={`${id}-title`} class="reach-title">
					{t('Live reach')}
				</h2>
			)}
			<div aria-live="polite" aria-atomic="true">
				{data && (
					<p class="reach-figures">
						<span class="reach-n" data-testid="reach-reachable">
							{fmt(data.reachable)}
						</span>{' '}
						<span>{t('reachable')}</span>{' '}
						<span class="muted small" data-testid="reach-count">
							{sprintf(t('of %s matching'), fmt(data.count))}
						</span>
					</p>
				)}
				{busy && !data && !error && <p class="muted small">{t('Counting…')}</p>}
			</div>
			{browsers.length > 0 && (
				<ul class="reach-browsers" aria-label={t('Reachable by browser')}>
					{browsers.map(([b, n]) => (
						<li key={b}>
							{browserLabel(t, b)} <b>{fmt(n)}</b>
						</li>
					))}
				</ul>
			)}
			<div data-testid="reach-error">
				<ErrorNote error={error} />
			</div>
		</section>
	);
}
