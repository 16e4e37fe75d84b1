import { useState } from 'preact/hooks';
import type { ResourceView } from '#wire';
import { query } from '../api';
import { can, useConsole } from '../context';
import { fmt, sprintf, value, when } from '../ui/format';
import { ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { LabelChips } from './campaigns';
import { resourceHref } from './resource-words';

/** The site's saved messages, most recently updated first (GET /resources), optionally searched and filtered. */
export function useResources(filter: { q: string; label: string } = { q: '', label: '' }) {
	const { api } = useConsole();
	return useLoad(
		async () =>
			(await api.call<{ resources: ResourceView[] }>(`/resources${query({ ...filter, limit: 50 })}`))
				.resources,
		[filter.q, filter.label],
	);
}

/** The saved messages: search by name, filter by label; each with its languages, version and uses. */
export function Resources() {
	const { token } = useConsole();
	const t = useT();
	const [q, setQ] = useState('');
	const [label, setLabel] = useState('');
	const [applied, setApplied] = useState({ q: '', label: '' });
	const [list, error, reload] = useResources(applied);
	const filtered = applied.q !== '' || applied.label !== '';
	const mayEdit = can(token.role, 'editor');
	return (
		<Screen
			title={t('Saved messages')}
			actions={
				<>
					<button type="button" onClick={reload}>
						{t('Refresh')}
					</button>
					{mayEdit && (
						<a class="button primary" href="#/messages/new" data-testid="new-resource">
							{t('New saved message')}
						</a>
					)}
				</>
			}
		>
			<p class="muted">
				{t(
					'A saved message is written once, with its own text for each language, and used by name in sends and campaigns. Each change is a new version; sends record the version they used.',
				)}
			</p>
			<form
				class="card filters"
				aria-label={t('Find saved messages')}
				onSubmit={(e) => {
					e.preventDefault();
					setApplied({ q: q.trim(), label: label.trim() });
				}}
			>
				<label class="grow">
					{t('Name')}
					<input id="resource-q" type="search" dir="auto" value={q} onInput={(e) => setQ(value(e))} />
				</label>
				<label>
					{t('Label')}
					<input
						id="resource-label-filter"
						type="search"
						dir="auto"
						value={label}
						onInput={(e) => setLabel(value(e))}
					/>
				</label>
				<div class="filter-actions">
					<button type="submit">{t('Search')}</button>
				</div>
			</form>
			<ErrorNote error={error} />
			{!list ? (
				!error && <p class="loading">{t('Loading…')}</p>
			) : list.length === 0 ? (
				<div class="card empty">
					<p class="muted" data-testid="no-resources">
						{filtered ? t('No saved message matches.') : t('No saved messages yet.')}
					</p>
					{!filtered && mayEdit && (
						<a class="button primary" href="#/messages/new">
							{t('Create a saved message')}
						</a>
					)}
				</div>
			) : (
				<div class="card table-wrap">
					<table class="table" data-testid="resources">
						<thead>
							<tr>
								<th scope="col">{t('Name')}</th>
								<th scope="col">{t('Labels')}</th>
								<th scope="col">{t('Languages')}</th>
								<th scope="col" class="num">
									{t('Version')}
								</th>
								<th scope="col">{t('Updated')}</th>
								<th scope="col" class="num">
									{t('Used by')}
								</th>
							</tr>
						</thead>
						<tbody>
							{list.map((r) => (
								<tr key={r.resourceId} data-resource={r.resourceId}>
									<td class="cell-title">
										<a href={resourceHref(r.resourceId)} dir="auto">
											<b>{r.name}</b>
										</a>
										<span class="muted small block title-text" dir="auto">
											{r.message.title}
										</span>
									</td>
									<td data-label={t('Labels')}>
										<LabelChips labels={r.labels} />
									</td>
									<td data-label={t('Languages')} data-testid="resource-languages">
										{[t('default'), ...Object.keys(r.locales)].join(', ')}
									</td>
									<td data-label={t('Version')} class="num" data-testid="resource-version">
										{sprintf(t('v%d'), r.version)}
									</td>
									<td data-label={t('Updated')} class="nowrap">
										{when(r.updatedAt)}
									</td>
									<td
										data-label={t('Used by')}
										class="num"
										data-testid="resource-used-by"
										title={r.usedBy?.map((u) => u.name).join(', ') || undefined}
									>
										{r.usedBy ? fmt(r.usedBy.length) : '–'}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
		</Screen>
	);
}
