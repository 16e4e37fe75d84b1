import { useState } from 'preact/hooks';
import { can, useConsole } from '../context';
import { value } from '../ui/format';
import { ErrorNote, useT } from '../ui/parts';
import { useSettingsPatch } from '../ui/settings-patch';

const DEFAULT_DAYS = 90;

/** How long the site keeps users' and subscribers' events (segments look back at most that far); editors change it. */
export function EventRetention() {
	const { site, token } = useConsole();
	const t = useT();
	const current = site.settings.events?.retentionDays ?? DEFAULT_DAYS;
	const [days, setDays] = useState(String(current));
	const { save: patch, busy, error } = useSettingsPatch();
	const mayEdit = can(token.role, 'editor');

	const save = async (e: Event) => {
		e.preventDefault();
		await patch({ events: { retentionDays: Number(days) } }, t('Event history setting saved'));
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
