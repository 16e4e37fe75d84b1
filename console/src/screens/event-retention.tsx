import { useState } from 'preact/hooks';
import type { SiteView } from '#wire';
import { can, useConsole } from '../context';
import { value } from '../ui/format';
import { ErrorNote, useT } from '../ui/parts';

const DEFAULT_DAYS = 90;

/** How long the site keeps users' and subscribers' events (segments look back at most that far); editors change it. */
export function EventRetention() {
	const { api, site, setSite, token, host } = useConsole();
	const t = useT();
	const current = site.settings.events?.retentionDays ?? DEFAULT_DAYS;
	const [days, setDays] = useState(String(current));
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);
	const mayEdit = can(token.role, 'editor');

	const save = async (e: Event) => {
		e.preventDefault();
		setError(null);
		setBusy(true);
		try {
			const saved = await api.call<{ settings: SiteView['settings'] }>('/settings', {
				method: 'PATCH',
				body: { events: { retentionDays: Number(days) } },
			});
			setSite({ ...site, settings: saved.settings });
			host.toast(t('Event history setting saved'));
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};

	return (
		<form class="card form" onSubmit={save} aria-labelledby="retention-title" data-testid="event-retention">
			<h2 id="retention-title">{t('Event history')}</h2>
			<p class="muted">
				{t(
					'Events (page views, clicks, your own events) are kept this long, then deleted. Segments can look back at most this far.',
				)}
			</p>
			<ErrorNote error={error} />
			<div class="row retention-row">
				<label>
					{t('Keep events for (days)')}
					<input
						id="retention-days"
						type="number"
						min={1}
						max={730}
						required
						disabled={!mayEdit}
						value={days}
						onInput={(e) => setDays(value(e))}
					/>
				</label>
				<button type="submit" class="primary" disabled={!mayEdit || busy || Number(days) === current}>
					{busy ? t('Saving…') : t('Save')}
				</button>
			</div>
		</form>
	);
}
