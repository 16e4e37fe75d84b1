import { useEffect, useState } from 'preact/hooks';
import {
	CONVERSATION_KINDS,
	STAFF_ALERT_KINDS,
	STAFF_SCOPES,
	type StaffAlertKind,
	type StaffPreferences,
	type StaffScope,
	type StaffView,
} from '#wire';
import { useConsole } from '../context';
import { StaffTabs } from '../staff/staff-tabs';
import { kindText, scopeText } from '../staff/words';
import { sprintf, sprintfNodes } from '../ui/format';
import { ErrorNote, Screen, useLoad, useT, useTn } from '../ui/parts';
import { reminderMinutesOf } from './staff-reminders';

const isConversation = (kind: StaffAlertKind) => CONVERSATION_KINDS.includes(kind);

/** A checkbox in a matrix cell, named for screen readers by its row and column. */
function Cell(props: { label: string; checked: boolean; onChange: (on: boolean) => void; name: string }) {
	return (
		<label class="matrix-cell">
			<input
				type="checkbox"
				data-cell={props.name}
				checked={props.checked}
				onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)}
			/>
			<span class="sr-only">{props.label}</span>
		</label>
	);
}

/** The signed-in member's preferences: per alert kind, whose conversations (scopes) and which channels. */
export function StaffPreferencesScreen() {
	const { api, host, site } = useConsole();
	const t = useT();
	const tn = useTn();
	const minutes = reminderMinutesOf(site);
	const [loaded, loadError] = useLoad(
		() =>
			Promise.all([api.call<StaffPreferences>('/staff/me/preferences'), api.call<StaffView>('/staff/me')]),
		[],
	);
	const [prefs, setPrefs] = useState<StaffPreferences | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);
	useEffect(() => {
		if (loaded) setPrefs(loaded[0]);
	}, [loaded]);
	const me = loaded?.[1] ?? null;

	const change = (kind: StaffAlertKind, patch: Partial<StaffPreferences[StaffAlertKind]>) =>
		prefs && setPrefs({ ...prefs, [kind]: { ...prefs[kind], ...patch } });
	const toggleScope = (kind: StaffAlertKind, scope: StaffScope, on: boolean) => {
		if (!prefs) return;
		const scopes = prefs[kind].scopes.filter((s) => s !== scope);
		change(kind, { scopes: on ? [...scopes, scope] : scopes });
	};

	const save = async (e: Event) => {
		e.preventDefault();
		if (!prefs) return;
		setBusy(true);
		setError(null);
		try {
			setPrefs(await api.call<StaffPreferences>('/staff/me/preferences', { method: 'PUT', body: prefs }));
			host.toast(t('Preferences saved'));
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};

	return (
		<Screen title={t('Alert preferences')}>
			<StaffTabs />
			<div class="notice notice-info">
				<p>
					{t(
						'Nothing external reaches you while you are active here: while this console is open, visible and used in the last two minutes, you get no pushes and no emails; alerts still appear in the list.',
					)}
				</p>
				<p data-testid="reminder-note">
					{sprintf(
						tn(
							'Email is an unread reminder: every %s minute, unread visitor messages in the conversations you chose arrive in one email, and after it those conversations count as read.',
							'Email is an unread reminder: every %s minutes, unread visitor messages in the conversations you chose arrive in one email, and after it those conversations count as read.',
							minutes,
						),
						minutes,
					)}
				</p>
				{me && !me.email && (
					<p data-testid="no-email">
						{sprintfNodes(
							t('You have no email address on file, so no reminder can reach you. %s.'),
							<a href="#/alerts/settings">{t('Add one to your profile')}</a>,
						)}
					</p>
				)}
			</div>
			<ErrorNote error={error ?? loadError} />
			{prefs && (
				<form class="card" onSubmit={save} aria-labelledby="prefs-title">
					<h2 id="prefs-title">{t('What you hear about, and how')}</h2>
					<div class="table-wrap">
						<table class="table matrix" data-testid="preferences">
							<caption class="sr-only">{t('Alert kinds by whose conversations and by channel')}</caption>
							<thead>
								<tr>
									<th scope="col">{t('Alert')}</th>
									{STAFF_SCOPES.map((scope) => (
										<th scope="col" key={scope} class="center">
											{scopeText(scope, t)}
										</th>
									))}
									<th scope="col" class="center">
										{t('Push')}
									</th>
									<th scope="col" class="center">
										{t('Email')}
									</th>
								</tr>
							</thead>
							<tbody>
								{STAFF_ALERT_KINDS.map((kind) => {
									const pref = prefs[kind];
									const word = kindText(kind, t);
									const named = (column: string) => sprintf(t('%1$s: %2$s'), word, column);
									return (
										<tr key={kind} data-kind={kind}>
											<th scope="row">{word}</th>
											{isConversation(kind) ? (
												STAFF_SCOPES.map((scope) => (
													<td key={scope} class="center" data-label={scopeText(scope, t)}>
														<Cell
															name={scope}
															label={named(scopeText(scope, t))}
															checked={pref.scopes.includes(scope)}
															onChange={(on) => toggleScope(kind, scope, on)}
														/>
													</td>
												))
											) : (
												<td colSpan={4} class="center">
													<label class="matrix-on">
														<input
															type="checkbox"
															data-cell="on"
															checked={pref.scopes.length > 0}
															onChange={(e) =>
																change(kind, {
																	scopes: (e.target as HTMLInputElement).checked ? ['all'] : [],
																})
															}
														/>
														<span>{t('On')}</span>
														<span class="sr-only"> {word}</span>
													</label>
												</td>
											)}
											<td class="center" data-label={t('Push')}>
												<Cell
													name="push"
													label={named(t('Push'))}
													checked={pref.push}
													onChange={(on) => change(kind, { push: on })}
												/>
											</td>
											<td class="center" data-label={t('Email')}>
												{isConversation(kind) ? (
													<Cell
														name="email"
														label={named(t('Email'))}
														checked={pref.email}
														onChange={(on) => change(kind, { email: on })}
													/>
												) : (
													<span class="muted" title={t('Reminders are about conversations only')}>
														<span aria-hidden="true">—</span>
														<span class="sr-only">{t('No email for this kind')}</span>
													</span>
												)}
											</td>
										</tr>
									);
								})}
							</tbody>
						</table>
					</div>
					<p class="hint">
						{t(
							'Mine: assigned to you. My teams: routed to a team you are in. Unassigned: nobody’s yet. All: every conversation except those of teams you are not in.',
						)}
					</p>
					<div class="row">
						<button type="submit" class="primary" disabled={busy}>
							{t('Save preferences')}
						</button>
					</div>
				</form>
			)}
		</Screen>
	);
}
