import { useEffect, useState } from 'preact/hooks';
import type { SubscriberPage, SubscriberStatus, SubscriberView } from '#wire';
import { query } from '../api';
import { useConsole } from '../context';
import { value, when } from '../ui/format';
import { BROWSERS, subscriberStatusLabel } from '../ui/labels';
import { ErrorNote, Screen, useT } from '../ui/parts';
import { saveFile } from '../ui/save-file';
import { useSegments } from './segments';
import { TesterLinkCard } from './tester-link';
import { userHref } from './user';

const STATUSES: SubscriberStatus[] = ['allowed', 'ask', 'blocked', 'unsupported', 'suspended'];

interface Filters {
	q: string;
	status: string;
	browser: string;
	category: string;
	userId: string;
	segment: string;
}

const NONE: Filters = { q: '', status: '', browser: '', category: '', userId: '', segment: '' };

/** Searchable, filterable, paged list of subscribers with a CSV export; `segment` preselects a saved segment. */
export function Subscribers(props: { segment: string }) {
	const { api, site } = useConsole();
	const t = useT();
	const [segments] = useSegments();
	const initial = { ...NONE, segment: props.segment };
	const [draft, setDraft] = useState<Filters>(initial);
	const [filters, setFilters] = useState<Filters>(initial);
	const [rows, setRows] = useState<SubscriberView[] | null>(null);
	const [cursor, setCursor] = useState<string | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);

	const load = async (after: string | null) => {
		setBusy(true);
		setError(null);
		try {
			const page = await api.call<SubscriberPage>(
				`/subscribers${query({ ...filters, cursor: after, limit: 50 })}`,
			);
			setRows((old) => (after && old ? [...old, ...page.subscribers] : page.subscribers));
			setCursor(page.nextCursor);
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	};

	useEffect(() => {
		void load(null);
	}, [filters]);

	const exportCsv = async () => {
		setError(null);
		try {
			const response = await api.raw(`/subscribers/export.csv${query({ ...filters })}`);
			saveFile(
				await response.blob(),
				`beckon-subscribers-${site.siteId}-${new Date().toISOString().slice(0, 10)}.csv`,
			);
		} catch (e) {
			setError(e);
		}
	};

	const field = (key: keyof Filters) => ({
		value: draft[key],
		onInput: (e: Event) => setDraft({ ...draft, [key]: value(e) }),
	});

	return (
		<Screen
			title={t('Subscribers')}
			actions={
				<button type="button" onClick={exportCsv} data-testid="export">
					{t('Export CSV')}
				</button>
			}
		>
			<form
				class="card filters"
				aria-label={t('Find subscribers')}
				onSubmit={(e) => {
					e.preventDefault();
					setFilters({ ...draft });
				}}
			>
				<label class="grow">
					{t('Search')} <span class="hint">{t('id, user id, page')}</span>
					<input id="sub-q" type="search" {...field('q')} />
				</label>
				<label>
					{t('Status')}
					<select
						id="sub-status"
						value={draft.status}
						onChange={(e) => setDraft({ ...draft, status: value(e) })}
					>
						<option value="">{t('Any')}</option>
						{STATUSES.map((s) => (
							<option key={s} value={s}>
								{subscriberStatusLabel(t, s)}
							</option>
						))}
					</select>
				</label>
				<label>
					{t('Browser')}
					<select
						id="sub-browser"
						value={draft.browser}
						onChange={(e) => setDraft({ ...draft, browser: value(e) })}
					>
						<option value="">{t('Any')}</option>
						{BROWSERS.map(([id, label]) => (
							<option key={id} value={id}>
								{t(label)}
							</option>
						))}
					</select>
				</label>
				<label>
					{t('Topic')}
					<select
						id="sub-category"
						value={draft.category}
						onChange={(e) => setDraft({ ...draft, category: value(e) })}
					>
						<option value="">{t('Any')}</option>
						{site.settings.prompt.categories.map((c) => (
							<option key={c.id} value={c.id}>
								{c.label}
							</option>
						))}
					</select>
				</label>
				<label>
					{t('User id')}
					<input id="sub-user" spellcheck={false} {...field('userId')} />
				</label>
				<label>
					{t('Segment')}
					<select
						id="sub-segment"
						value={draft.segment}
						onChange={(e) => setDraft({ ...draft, segment: value(e) })}
					>
						<option value="">{t('Any')}</option>
						{draft.segment && !segments?.some((x) => x.segmentId === draft.segment) && (
							<option value={draft.segment}>{draft.segment}</option>
						)}
						{(segments ?? []).map((x) => (
							<option key={x.segmentId} value={x.segmentId}>
								{x.name}
							</option>
						))}
					</select>
				</label>
				<div class="filter-actions">
					<button type="submit" class="primary">
						{t('Apply')}
					</button>
					<button
						type="button"
						onClick={() => {
							setDraft(NONE);
							setFilters(NONE);
						}}
					>
						{t('Clear')}
					</button>
				</div>
			</form>
			<ErrorNote error={error} />
			{rows === null ? (
				!error && <p class="loading">{t('Loading…')}</p>
			) : rows.length === 0 ? (
				<p class="card muted" data-testid="no-subscribers">
					{t('No subscribers match.')}
				</p>
			) : (
				<div class="card table-wrap">
					<table class="table" data-testid="subscribers">
						<thead>
							<tr>
								<th scope="col">{t('Subscriber')}</th>
								<th scope="col">{t('Status')}</th>
								<th scope="col">{t('Browser')}</th>
								<th scope="col">{t('User id')}</th>
								<th scope="col">{t('Topics')}</th>
								<th scope="col">{t('Last seen')}</th>
							</tr>
						</thead>
						<tbody>
							{rows.map((s) => (
								<tr key={s.subscriberId}>
									<td>
										<a href={`#/subscribers/${s.subscriberId}`} class="mono break">
											{s.subscriberId}
										</a>
										{s.test && (
											<>
												{' '}
												<span class="badge badge-test">{t('Tester')}</span>
											</>
										)}
									</td>
									<td data-label={t('Status')}>
										<span class={`badge badge-${s.status}`}>{subscriberStatusLabel(t, s.status)}</span>
									</td>
									<td data-label={t('Browser')}>
										{s.browser} <span class="muted small">{s.os}</span>
									</td>
									<td data-label={t('User id')} dir="auto" class="break">
										{s.externalUserId ? <a href={userHref(s.externalUserId)}>{s.externalUserId}</a> : '–'}
									</td>
									<td data-label={t('Topics')} class="break">
										{s.categories.join(', ') || '–'}
									</td>
									<td data-label={t('Last seen')} class="nowrap">
										{when(s.lastSeenAt)}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			{cursor && (
				<div class="actions">
					<button type="button" disabled={busy} onClick={() => load(cursor)}>
						{busy ? t('Loading…') : t('Load more')}
					</button>
				</div>
			)}
			<TesterLinkCard />
		</Screen>
	);
}
