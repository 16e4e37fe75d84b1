import { useState } from 'preact/hooks';
import type { CampaignState, ResourceView } from '#wire';
import { can, useConsole } from '../context';
import { go } from '../router';
import { sprintf, value, when } from '../ui/format';
import { ConfirmButton, ErrorNote, useT } from '../ui/parts';
import { campaignHref } from './campaign-words';
import { StateBadge } from './campaigns';
import { resourceHref, resourcePath } from './resource-words';

/** The version history: the current version, and any earlier one to open read-only. */
export function ResourceHistory({ resource }: { resource: ResourceView }) {
	const t = useT();
	const earlier = Array.from({ length: resource.version - 1 }, (_, i) => resource.version - 1 - i);
	const [chosen, setPicked] = useState('');
	// A choice made before a save that added a version stays; none is the latest earlier one.
	const picked = chosen || String(earlier[0] ?? '');
	return (
		<section class="card form" aria-labelledby="resource-history-title" data-testid="resource-history">
			<h2 id="resource-history-title">{t('Versions')}</h2>
			<p data-testid="resource-current-version">
				{sprintf(t('Version %1$d, saved %2$s.'), resource.version, when(resource.updatedAt))}{' '}
				<span class="muted">{t('Each save adds a version; sends record the one they used.')}</span>
			</p>
			{earlier.length > 0 && (
				<div class="row">
					<label>
						{t('Earlier version')}
						<select id="resource-version" value={picked} onChange={(e) => setPicked(value(e))}>
							{earlier.map((v) => (
								<option key={v} value={v}>
									{sprintf(t('Version %d'), v)}
								</option>
							))}
						</select>
					</label>
					<a
						class="button"
						href={`${resourceHref(resource.resourceId)}/versions/${picked}`}
						data-testid="view-version"
					>
						{t('View')}
					</a>
				</div>
			)}
		</section>
	);
}

/** What sends the resource, and deleting it (refused while a scheduled, running or paused campaign uses it). */
export function ResourceUses({ resource }: { resource: ResourceView }) {
	const { api, token, host } = useConsole();
	const t = useT();
	const [error, setError] = useState<unknown>(null);
	const mayEdit = can(token.role, 'editor');
	const remove = async () => {
		setError(null);
		try {
			await api.call(resourcePath(resource.resourceId), { method: 'DELETE' });
			host.toast(t('Saved message deleted'));
			go('/messages');
		} catch (e) {
			setError(e);
		}
	};
	return (
		<section class="card form" aria-labelledby="resource-uses-title" data-testid="resource-uses">
			<h2 id="resource-uses-title">{t('Used by')}</h2>
			{resource.usedBy.length === 0 ? (
				<p class="muted">{t('No scheduled, running or paused campaign sends it.')}</p>
			) : (
				<ul class="plain uses">
					{resource.usedBy.map((u) => (
						<li key={u.id}>
							{u.type === 'campaign' ? (
								<a href={campaignHref(u.id)} dir="auto">
									{u.name}
								</a>
							) : (
								<span dir="auto">{u.name}</span>
							)}{' '}
							{u.type === 'campaign' ? <StateBadge state={u.state as CampaignState} /> : u.state}
						</li>
					))}
				</ul>
			)}
			<ErrorNote error={error} />
			<div class="actions campaign-actions" data-testid="resource-actions">
				<ConfirmButton
					label={t('Delete')}
					confirm={t('Delete this saved message? Sends that used it keep their text.')}
					yes={t('Yes, delete')}
					danger
					disabled={!mayEdit}
					title={mayEdit ? undefined : t('Editors and admins change saved messages')}
					onConfirm={remove}
				/>
			</div>
		</section>
	);
}
