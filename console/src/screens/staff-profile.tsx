import { useEffect, useMemo, useState } from 'preact/hooks';
import type { StaffView, TeamView } from '#wire';
import { useConsole } from '../context';
import { value } from '../ui/format';
import { ErrorNote, useLoad, useT } from '../ui/parts';
import { browserZone, isTimeZone, timeZones } from './schedule-form';

/**
 * The signed-in member's own profile: name, email (where unread reminders go) and time zone (the times in those
 * emails), and the teams an admin put them in. A name they set here stays, whatever name their host signs them in with.
 */
export function ProfileCard() {
	const { api, host, me: signedIn, setMe } = useConsole();
	const t = useT();
	// The member as the console loaded them when it started (and as saved since); read here only if that failed.
	const [loaded, loadError] = useLoad(
		() =>
			Promise.all([
				signedIn ? null : api.call<StaffView>('/staff/me'),
				api.call<{ teams: TeamView[] }>('/teams'),
			]),
		[],
	);
	const [name, setName] = useState('');
	const [email, setEmail] = useState('');
	const [zone, setZone] = useState('');
	const [zoneError, setZoneError] = useState('');
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);
	const zones = useMemo(timeZones, []);
	const me = signedIn ?? loaded?.[0] ?? null;
	useEffect(() => {
		if (!me) return;
		setName(me.name ?? '');
		setEmail(me.email ?? '');
		setZone(me.timezone ?? '');
	}, [me]);
	const teamNames = new Map((loaded?.[1].teams ?? []).map((team) => [team.teamId, team.name]));

	const save = async (e: Event) => {
		e.preventDefault();
		setError(null);
		if (zone.trim() && !isTimeZone(zone.trim())) {
			setZoneError(t('Use a time zone name such as Europe/Berlin or America/New_York.'));
			return;
		}
		setZoneError('');
		setBusy(true);
		try {
			const saved = await api.call<StaffView>('/staff/me', {
				method: 'PATCH',
				body: { name: name.trim() || null, email: email.trim() || null, timezone: zone.trim() || null },
			});
			setMe(saved);
			host.toast(t('Profile saved'));
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};

	return (
		<form class="card form" onSubmit={save} aria-labelledby="profile-title" data-testid="profile">
			<h2 id="profile-title">{t('Your profile')}</h2>
			<ErrorNote error={error ?? loadError} />
			<div class="row">
				<label class="grow">
					{t('Name')}
					<input
						id="profile-name"
						maxLength={100}
						dir="auto"
						autoComplete="name"
						value={name}
						disabled={!me}
						onInput={(e) => setName(value(e))}
					/>
				</label>
				<label class="grow">
					{t('Email')} <span class="hint">{t('unread reminders go here')}</span>
					<input
						id="profile-email"
						type="email"
						maxLength={254}
						autoComplete="email"
						value={email}
						disabled={!me}
						onInput={(e) => setEmail(value(e))}
					/>
				</label>
				<label class="grow">
					{t('Time zone')} <span class="hint">{t('for the times in your emails')}</span>
					<input
						id="profile-timezone"
						list="profile-zones"
						spellcheck={false}
						autoComplete="off"
						placeholder={browserZone()}
						aria-invalid={zoneError ? 'true' : undefined}
						aria-describedby={zoneError ? 'profile-timezone-error' : undefined}
						value={zone}
						disabled={!me}
						onInput={(e) => {
							setZone(value(e));
							setZoneError('');
						}}
					/>
					<datalist id="profile-zones">
						{zones.map((z) => (
							<option key={z} value={z} />
						))}
					</datalist>
					{zoneError && (
						<span class="field-error" id="profile-timezone-error" role="alert">
							{zoneError}
						</span>
					)}
				</label>
			</div>
			{me && (
				<p data-testid="profile-teams">
					<strong>{t('Your teams:')}</strong>{' '}
					{me.teams.length === 0
						? t('none yet (admins set teams under Teams)')
						: me.teams.map((id) => teamNames.get(id) ?? id).join(', ')}
				</p>
			)}
			<div class="row">
				<button type="submit" class="primary" disabled={!me || busy}>
					{busy ? t('Saving…') : t('Save profile')}
				</button>
			</div>
		</form>
	);
}
