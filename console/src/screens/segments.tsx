import { useEffect, useRef, useState } from 'preact/hooks';
import type { Filter, SegmentView } from '#wire';
import { ApiError, isStatus } from '../api';
import { messageOf } from '../api-error';
import { can, useConsole } from '../context';
import { go } from '../router';
import { fmt, value, when } from '../ui/format';
import { ConfirmButton, ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { EventRetention } from './event-retention';
import { childrenOf, isGroup } from './filter-tree';
import { Reach, useEstimate } from './reach';
import { FilterBuilder } from './segment-builder';

/** The site's saved segments, by name (GET /segments). */
export function useSegments(): [SegmentView[] | null, unknown, () => void] {
	const { api } = useConsole();
	return useLoad(async () => (await api.call<{ segments: SegmentView[] }>('/segments')).segments, []);
}

/** The subscribers screen, filtered by a segment. */
export const subscribersOf = (segmentId: string) => `#/subscribers?segment=${encodeURIComponent(segmentId)}`;

/** A segment's reachable count, fetched once the row is on screen. */
function SegmentCount({ segmentId }: { segmentId: string }) {
	const t = useT();
	const ref = useRef<HTMLSpanElement>(null);
	const [seen, setSeen] = useState(false);
	useEffect(() => {
		const el = ref.current;
		if (!el || typeof IntersectionObserver === 'undefined') {
			setSeen(true);
			return;
		}
		const io = new IntersectionObserver((entries) => {
			if (entries.some((e) => e.isIntersecting)) {
				setSeen(true);
				io.disconnect();
			}
		});
		io.observe(el);
		return () => io.disconnect();
	}, []);
	const { data, error } = useEstimate(seen ? { segment: segmentId } : null, 0);
	return (
		<span ref={ref} class="num" data-testid="segment-reach">
			{data ? fmt(data.reachable) : error ? <span title={messageOf(error, t)}>{t('n/a')}</span> : '…'}
		</span>
	);
}

/** The list of saved segments with their live reach; create, edit, delete. */
export function Segments() {
	const { api, token, host } = useConsole();
	const t = useT();
	const [segments, loadError, reload] = useSegments();
	const [errors, setErrors] = useState<Record<string, unknown>>({});
	const mayEdit = can(token.role, 'editor');

	const remove = async (s: SegmentView) => {
		setErrors({ ...errors, [s.segmentId]: null });
		try {
			await api.call(`/segments/${encodeURIComponent(s.segmentId)}`, { method: 'DELETE' });
			host.toast(t('Segment deleted'));
			reload();
		} catch (e) {
			setErrors({ ...errors, [s.segmentId]: e });
		}
	};

	return (
		<Screen
			title={t('Segments')}
			actions={
				mayEdit && (
					<a class="button primary" href="#/segments/new" data-testid="new-segment">
						{t('New segment')}
					</a>
				)
			}
		>
			<p class="muted">
				{t(
					'A segment is a saved filter of subscribers: send to it, exclude it, or open its subscribers. Counts are the subscribers a send would reach now.',
				)}
			</p>
			<ErrorNote error={loadError} />
			{segments === null ? (
				!loadError && <p class="loading">{t('Loading…')}</p>
			) : segments.length === 0 ? (
				<p class="card muted" data-testid="no-segments">
					{t('No segments yet.')}
				</p>
			) : (
				<div class="card table-wrap">
					<table class="table" data-testid="segments">
						<thead>
							<tr>
								<th scope="col">{t('Segment')}</th>
								<th scope="col" class="num">
									{t('Reachable')}
								</th>
								<th scope="col">{t('Updated')}</th>
								<th scope="col">{t('Actions')}</th>
							</tr>
						</thead>
						<tbody>
							{segments.map((s) => (
								<tr key={s.segmentId} data-segment={s.segmentId}>
									<td class="cell-title">
										<a href={`#/segments/${encodeURIComponent(s.segmentId)}`} dir="auto">
											<b>{s.name}</b>
										</a>
										{s.description && (
											<span class="muted small block" dir="auto">
												{s.description}
											</span>
										)}
										<ErrorNote error={errors[s.segmentId]} />
									</td>
									<td data-label={t('Reachable')} class="num">
										<SegmentCount segmentId={s.segmentId} />
									</td>
									<td data-label={t('Updated')} class="nowrap">
										{when(s.updatedAt)}
									</td>
									<td data-label={t('Actions')}>
										<span class="row-actions">
											<a href={subscribersOf(s.segmentId)}>{t('View subscribers')}</a>
											<ConfirmButton
												label={t('Delete')}
												yes={t('Yes, delete')}
												confirm={t('Delete this segment?')}
												danger
												disabled={!mayEdit}
												onConfirm={() => remove(s)}
											/>
										</span>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			<EventRetention />
		</Screen>
	);
}

const NEW_FILTER: Filter = { all: [{ status: ['allowed'] }] };

/** Whether a filter has something to count (an empty group is a 400 the builder explains itself). */
const countable = (f: Filter) => !isGroup(f) || childrenOf(f).length > 0;

/** Creates or edits a segment: name, description, the filter builder and its live reach. */
export function SegmentEdit({ id }: { id: string }) {
	const { api, site, token, host } = useConsole();
	const t = useT();
	const isNew = id === 'new';
	const [segments] = useSegments();
	const [loaded, loadError] = useLoad(
		() => (isNew ? Promise.resolve(null) : api.call<SegmentView>(`/segments/${encodeURIComponent(id)}`)),
		[id],
	);
	const [name, setName] = useState('');
	const [description, setDescription] = useState('');
	const [filter, setFilter] = useState<Filter>(NEW_FILTER);
	const [ready, setReady] = useState(isNew);
	const [saveError, setSaveError] = useState<unknown>(null);
	const [saving, setSaving] = useState(false);
	const mayEdit = can(token.role, 'editor');

	useEffect(() => {
		if (!loaded) return;
		setName(loaded.name);
		setDescription(loaded.description);
		setFilter(loaded.filter);
		setReady(true);
	}, [loaded]);

	const estimate = useEstimate(ready && countable(filter) ? { filter } : null);
	const builderError =
		saveError instanceof ApiError && saveError.status === 400
			? saveError.message
			: estimate.error instanceof ApiError && estimate.error.status === 400
				? estimate.error.message
				: '';

	const save = async (e: Event) => {
		e.preventDefault();
		setSaveError(null);
		setSaving(true);
		try {
			const body = { name: name.trim(), description: description.trim(), filter };
			if (isNew) {
				const created = await api.call<SegmentView>('/segments', { method: 'POST', body });
				host.toast(t('Segment saved'));
				go(`/segments/${encodeURIComponent(created.segmentId)}`);
			} else {
				await api.call<SegmentView>(`/segments/${encodeURIComponent(id)}`, { method: 'PATCH', body });
				host.toast(t('Segment saved'));
			}
		} catch (err) {
			setSaveError(err);
		} finally {
			setSaving(false);
		}
	};

	return (
		<Screen
			title={isNew ? t('New segment') : t('Edit segment')}
			actions={<a href="#/segments">{t('Back to segments')}</a>}
		>
			{isStatus(loadError, 404) ? (
				<p class="notice notice-info" role="alert">
					{t('This segment does not exist (any more).')}
				</p>
			) : (
				<ErrorNote error={loadError} />
			)}
			{!mayEdit && <p class="notice notice-info">{t('Your role can read segments but not change them.')}</p>}
			{ready && (
				<div class="split">
					<form
						class="card form"
						aria-labelledby="segment-form-title"
						onSubmit={save}
						data-testid="segment-form"
					>
						<h2 id="segment-form-title">{t('Segment')}</h2>
						<div class="row">
							<label>
								{t('Name')}
								<input
									id="segment-name"
									required
									maxLength={100}
									dir="auto"
									value={name}
									onInput={(e) => setName(value(e))}
								/>
							</label>
							<label class="grow">
								{t('Description')} <span class="hint">{t('optional')}</span>
								<input
									id="segment-description"
									maxLength={500}
									dir="auto"
									value={description}
									onInput={(e) => setDescription(value(e))}
								/>
							</label>
						</div>
						<fieldset class="builder-set">
							<legend>{t('Conditions')}</legend>
							<FilterBuilder
								filter={filter}
								onChange={setFilter}
								categories={site.settings.prompt.categories}
								segments={(segments ?? []).filter((s) => s.segmentId !== id)}
								error={builderError}
							/>
						</fieldset>
						<ErrorNote error={saveError} />
						<div class="actions">
							{!isNew && (
								<a href={subscribersOf(id)} data-testid="view-subscribers">
									{t('View subscribers')}
								</a>
							)}
							<button type="submit" class="primary" disabled={!mayEdit || saving}>
								{saving ? t('Saving…') : t('Save segment')}
							</button>
						</div>
					</form>
					<div class="side sticky">
						<div class="card">
							<Reach estimate={estimate} id="segment-reach" />
							{!countable(filter) && <p class="muted small">{t('Add a condition to count.')}</p>}
						</div>
					</div>
				</div>
			)}
		</Screen>
	);
}
