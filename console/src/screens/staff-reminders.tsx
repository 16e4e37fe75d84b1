import { useState } from 'preact/hooks';
import type { SiteView } from '#wire';
import { can, useConsole } from '../context';
import { sprintf, value } from '../ui/format';
import { roleLabel } from '../ui/labels';
import { ErrorNote, useT, useTn } from '../ui/parts';
import { useSettingsPatch } from '../ui/settings-patch';

/** Minutes between unread reminders until an admin changes them (the worker's default). */
export const DEFAULT_REMINDER_MINUTES = 5;
const MAX_MINUTES = 1440;

/** The site's interval between unread reminders, its default filled in. */
export const reminderMinutesOf = (site: SiteView) =>
	site.settings.staff?.reminderMinutes ?? DEFAULT_REMINDER_MINUTES;

/** The site-wide staff alert settings (`settings.staff`): how often unread reminders go out. Admins change them. */
export function StaffAlertSettings() {
	const { site, token } = useConsole();
	const t = useT();
	const tn = useTn();
	const current = reminderMinutesOf(site);
	const [minutes, setMinutes] = useState(String(current));
	const { save: patch, busy, error } = useSettingsPatch();
	const admin = can(token.role, 'admin');

	const save = async (e: Event) => {
		e.preventDefault();
		await patch({ staff: { reminderMinutes: Number(minutes) } }, t('Staff alert settings saved'));
	};

	return (
		<form
			class="card form"
			onSubmit={save}
			aria-labelledby="staff-settings-title"
			data-testid="staff-settings"
		>
			<h2 id="staff-settings-title">{t('Staff alert settings')}</h2>
			<p class="muted" data-testid="reminder-every">
				{sprintf(
					tn(
						'For everyone on this site: unread visitor messages are emailed as one reminder every %s minute, to each member who chose email and is not active in the console.',
						'For everyone on this site: unread visitor messages are emailed as one reminder every %s minutes, to each member who chose email and is not active in the console.',
						current,
					),
					current,
				)}
			</p>
			{!admin && (
				<p class="notice notice-info">
					{sprintf(t('Only admins change this; your role is %s.'), roleLabel(t, token.role))}
				</p>
			)}
			<ErrorNote error={error} />
			<div class="row retention-row">
				<label>
					{t('Send unread reminders every (minutes)')}
					<input
						id="reminder-minutes"
						type="number"
						min={1}
						max={MAX_MINUTES}
						step={1}
						required
						disabled={!admin}
						value={minutes}
						onInput={(e) => setMinutes(value(e))}
					/>
				</label>
				<button type="submit" class="primary" disabled={!admin || busy || Number(minutes) === current}>
					{busy ? t('Saving…') : t('Save')}
				</button>
			</div>
		</form>
	);
}
