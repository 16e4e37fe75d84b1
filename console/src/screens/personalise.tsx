import { useState } from 'preact/hooks';
import type { SubscriberPage, SubscriberView, UserDetail } from '#wire';
import { isStatus, query } from '../api';
import { useConsole } from '../context';
import { sprintf, value } from '../ui/format';
import { ErrorNote, useT } from '../ui/parts';

// A preview of a personalised message for one subscriber. The send renders full Liquid (worker/src/sending/
// liquid.ts); the console only fills the simple `{{ user.x }}`, `{{ subscriber.x }}` and
// `{{ path | default: "x" }}` forms, without bundling a Liquid engine.

/** What the simple variables read: the shape of the send's render context. */
export interface PreviewContext {
	subscriber: Record<string, unknown>;
	user: Record<string, unknown> | null;
}

const VARIABLE =
	/\{\{-?\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*(?:\|\s*default\s*:\s*(?:"([^"]*)"|'([^']*)'|(-?\d+(?:\.\d+)?)))?\s*-?\}\}/g;

/** Fills `{{ path }}` and `{{ path | default: "x" }}` from the context; any other Liquid stays as written. */
export function fillTemplate(template: string, ctx: PreviewContext | null): string {
	if (!ctx || !template.includes('{{')) return template;
	return template.replace(VARIABLE, (_m, path: string, d1?: string, d2?: string, d3?: string) => {
		let v: unknown = ctx;
		for (const part of path.split('.'))
			v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
		const fallback = d1 ?? d2 ?? d3;
		// Liquid's default applies to nil, false and empty strings/arrays.
		const empty = v === undefined || v === null || v === false || v === '' || (Array.isArray(v) && !v.length);
		if (empty) return fallback ?? '';
		return Array.isArray(v) ? v.join('') : String(v);
	});
}

/** The render context of a subscriber and its user (dates as ISO strings, as the send has them). */
export function previewContext(s: SubscriberView, user: UserDetail | null): PreviewContext {
	const attributes: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(user?.attributes ?? {}))
		attributes[k] = typeof v === 'object' && v !== null ? v.date : v;
	return {
		subscriber: {
			id: s.subscriberId,
			browser: s.browser,
			os: s.os,
			locale: s.locale,
			timezone: s.timezone,
			last_url: s.lastUrl,
			categories: s.categories,
		},
		user: user ? { ...attributes, id: user.userId } : null,
	};
}

/** Picks a subscriber (search) to preview the message for; reports its render context. */
export function PreviewFor(props: {
	onContext: (ctx: PreviewContext | null, who: string) => void;
	who: string;
}) {
	const { api } = useConsole();
	const t = useT();
	const [q, setQ] = useState('');
	const [found, setFound] = useState<SubscriberView[] | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);

	const search = async (e: Event) => {
		e.preventDefault();
		setError(null);
		setBusy(true);
		try {
			const page = await api.call<SubscriberPage>(`/subscribers${query({ q: q.trim(), limit: 8 })}`);
			setFound(page.subscribers);
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};

	const pick = async (s: SubscriberView) => {
		setError(null);
		let user: UserDetail | null = null;
		if (s.externalUserId)
			try {
				user = await api.call<UserDetail>(`/users/${encodeURIComponent(s.externalUserId)}`);
			} catch (err) {
				if (!isStatus(err, 404)) setError(err);
			}
		setFound(null);
		props.onContext(previewContext(s, user), s.externalUserId ?? s.subscriberId);
	};

	return (
		<section class="card" aria-labelledby="preview-for-title" data-testid="preview-for">
			<h2 id="preview-for-title">{t('Preview for a subscriber')}</h2>
			<p class="muted small">
				{t(
					'The preview fills simple variables such as {{ user.first_name | default: "there" }} and {{ subscriber.last_url }}; the send renders full Liquid for each recipient.',
				)}
			</p>
			{props.who && (
				<p class="small" data-testid="preview-who">
					{sprintf(t('Previewing for %s.'), props.who)}{' '}
					<button type="button" class="link" onClick={() => props.onContext(null, '')}>
						{t('Stop')}
					</button>
				</p>
			)}
			<form class="row" aria-label={t('Find a subscriber to preview for')} onSubmit={search}>
				<label class="grow">
					<span class="sr-only">{t('Subscriber or user id')}</span>
					<input
						id="preview-q"
						type="search"
						spellcheck={false}
						placeholder={t('Subscriber or user id')}
						value={q}
						onInput={(e) => setQ(value(e))}
					/>
				</label>
				<button type="submit" disabled={busy}>
					{t('Find')}
				</button>
			</form>
			{found && found.length === 0 && <p class="muted small">{t('No subscribers match.')}</p>}
			{found && found.length > 0 && (
				<ul class="plain pick-list" data-testid="preview-results">
					{found.map((s) => (
						<li key={s.subscriberId}>
							<button type="button" class="link" onClick={() => pick(s)}>
								<span class="mono">{s.subscriberId}</span>
								{s.externalUserId && <span dir="auto"> · {s.externalUserId}</span>}
							</button>
						</li>
					))}
				</ul>
			)}
			<ErrorNote error={error} />
		</section>
	);
}
