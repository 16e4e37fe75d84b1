import { useState } from 'preact/hooks';
import type { StaffView, TeamView } from '#wire';
import { can, useConsole } from '../context';
import { StaffTabs } from '../staff/staff-tabs';
import { sprintf, value } from '../ui/format';
import { roleLabel } from '../ui/labels';
import { ConfirmButton, ErrorNote, Screen, useLoad, useT } from '../ui/parts';

const staffName = (s: StaffView | undefined, id: string) => s?.name ?? id;

/** The checkboxes that set a team's members, from the site's staff. */
function MembersForm(props: {
	team: TeamView;
	staff: StaffView[];
	onSave: (members: string[]) => Promise<void>;
	onCancel: () => void;
}) {
	const t = useT();
	const [members, setMembers] = useState(props.team.members);
	return (
		<form
			class="form members-form"
			data-testid="members-form"
			onSubmit={(e) => {
				e.preventDefault();
				void props.onSave(members);
			}}
		>
			<fieldset>
				<legend>{sprintf(t('Members of %s'), props.team.name)}</legend>
				{props.staff.map((s) => (
					<label class="check" key={s.staffId}>
						<input
							type="checkbox"
							value={s.staffId}
							checked={members.includes(s.staffId)}
							onChange={(e) =>
								setMembers(
									(e.target as HTMLInputElement).checked
										? [...members, s.staffId]
										: members.filter((m) => m !== s.staffId),
								)
							}
						/>
						<span dir="auto">
							{staffName(s, s.staffId)}
							{s.email && <span class="hint"> {s.email}</span>}
						</span>
					</label>
				))}
			</fieldset>
			<div class="row">
				<button type="submit" class="primary">
					{t('Save members')}
				</button>
				<button type="button" onClick={props.onCancel}>
					{t('Cancel')}
				</button>
			</div>
		</form>
	);
}

/** Teams (a conversation routed to a team reaches its members under "My teams"): admins add, staff and delete. */
export function StaffTeams() {
	const { api, token, host } = useConsole();
	const t = useT();
	const admin = can(token.role, 'admin');
	const [data, loadError, reload] = useLoad(
		() =>
			Promise.all([api.call<{ teams: TeamView[] }>('/teams'), api.call<{ staff: StaffView[] }>('/staff')]),
		[],
	);
	const [teamId, setTeamId] = useState('');
	const [name, setName] = useState('');
	const [editing, setEditing] = useState<string | null>(null);
	const [error, setError] = useState<unknown>(null);
	const teams = data?.[0].teams ?? [];
	const staff = data?.[1].staff ?? [];
	const byId = new Map(staff.map((s) => [s.staffId, s]));

	const act = async (run: () => Promise<unknown>) => {
		setError(null);
		try {
			await run();
			reload();
		} catch (err) {
			setError(err);
		}
	};
	const path = (team: TeamView) => `/teams/${encodeURIComponent(team.teamId)}`;

	const create = (e: Event) => {
		e.preventDefault();
		return act(async () => {
			await api.call('/teams', { method: 'POST', body: { teamId: teamId.trim(), name: name.trim() } });
			host.toast(t('Team added'));
			setEditing(teamId.trim());
			setTeamId('');
			setName('');
		});
	};

	return (
		<Screen title={t('Teams')}>
			<StaffTabs />
			<p class="muted">
				{t(
					'A conversation routed to a team alerts its members who chose “My teams”, and never staff outside it (unless it is assigned to them).',
				)}
			</p>
			{admin ? (
				<form class="card form" onSubmit={create} aria-labelledby="new-team-title">
					<h2 id="new-team-title">{t('Add a team')}</h2>
					<div class="row">
						<label class="grow">
							{t('Team id')} <span class="hint">{t('as your chat or helpdesk names it')}</span>
							<input
								id="team-id"
								required
								maxLength={100}
								pattern="[A-Za-z0-9_.:@\-]+"
								value={teamId}
								onInput={(e) => setTeamId(value(e))}
							/>
						</label>
						<label class="grow">
							{t('Name')}
							<input
								id="team-name"
								required
								maxLength={100}
								dir="auto"
								value={name}
								onInput={(e) => setName(value(e))}
							/>
						</label>
					</div>
					<div class="row">
						<button type="submit" class="primary">
							{t('Add team')}
						</button>
					</div>
				</form>
			) : (
				<p class="notice notice-info">
					{sprintf(t('Only admins change teams; your role is %s.'), roleLabel(t, token.role))}
				</p>
			)}
			<ErrorNote error={error ?? loadError} />
			{data && teams.length === 0 && <p class="card muted">{t('No teams yet.')}</p>}
			{teams.length > 0 && (
				<div class="card table-wrap">
					<table class="table" data-testid="teams">
						<thead>
							<tr>
								<th scope="col">{t('Team')}</th>
								<th scope="col">{t('Members')}</th>
								{admin && (
									<th scope="col">
										<span class="sr-only">{t('Actions')}</span>
									</th>
								)}
							</tr>
						</thead>
						<tbody>
							{teams.map((team) => (
								<tr key={team.teamId} data-team={team.teamId}>
									<td>
										<strong dir="auto">{team.name}</strong> <code class="muted">{team.teamId}</code>
									</td>
									<td data-label={t('Members')} data-testid="team-members">
										{team.members.length === 0
											? t('Nobody yet')
											: team.members.map((m) => staffName(byId.get(m), m)).join(', ')}
									</td>
									{admin && (
										<td class="nowrap">
											<button
												type="button"
												aria-expanded={editing === team.teamId}
												onClick={() => setEditing(editing === team.teamId ? null : team.teamId)}
											>
												{t('Set members')}
											</button>{' '}
											<ConfirmButton
												label={t('Delete')}
												yes={t('Yes, delete')}
												confirm={t('Delete this team? Its conversations stay, routed to nobody’s team.')}
												danger
												onConfirm={() =>
													act(async () => {
														await api.call(path(team), { method: 'DELETE' });
														host.toast(t('Team deleted'));
													})
												}
											/>
										</td>
									)}
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			{admin &&
				teams
					.filter((team) => team.teamId === editing)
					.map((team) => (
						<section class="card" key={team.teamId}>
							<MembersForm
								team={team}
								staff={staff}
								onCancel={() => setEditing(null)}
								onSave={(members) =>
									act(async () => {
										await api.call(path(team), { method: 'PATCH', body: { members } });
										host.toast(t('Members saved'));
										setEditing(null);
									})
								}
							/>
						</section>
					))}
		</Screen>
	);
}
