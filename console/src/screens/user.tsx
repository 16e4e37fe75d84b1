import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { AttributeValue, UserDetail } from '#wire';
import { isStatus } from '../api';
import { can, useConsole } from '../context';
import { go } from '../router';
import { fmt, locale, sprintf, when } from '../ui/format';
import { browserLabel, subscriberStatusLabel } from '../ui/labels';
import { ConfirmButton, ErrorNote, Screen, useLoad, useT } from '../ui/parts';

/** The page of a user: `#/users/<userId>`. */
export const userHref = (userId: string) => `#/users/${encodeURIComponent(userId)}`;

/** An attribute value for people: dates in the page's language, yes/no, grouped numbers. */
function AttributeText({ v }: { v: AttributeValue }) {
	const t = useT();
	if (typeof v === 'boolean') return <span class="badge">{v ? t('yes') : t('no')}</span>;
	if (typeof v === 'number') return <span class="num">{fmt(v)}</span>;
	if (typeof v === 'object' && v !== null)
		return (
			<time dateTime={v.date}>
				{/^\d{4}-\d{2}-\d{2}(T00:00(:00(\.0+)?)?Z)?$/.test(v.date) ? day(v.date.slice(0, 10)) : when(v.date)}
			</time>
		);
	return (
		<span dir="auto" class="break">
			{v}
		</span>
	);
}

/** A calendar day (no time) in the page's language. */
function day(iso: string): string {
	const d = new Date(`${iso}T00:00:00Z`);
	return d.toLocaleDateString(locale(), {
		year: 'numeric',
		month: 'short',
		day: 'numeric',
		timeZone: 'UTC',
	});
}

/** The type of an attribute value, as a short word. */
function typeLabel(t: (s: string) => string, v: AttributeValue): string {
	if (typeof v === 'boolean') return t('yes/no');
	if (typeof v === 'number') return t('number');
	if (typeof v === 'object' && v !== null) return t('date');
	return t('text');
}

/** A signed-in user: attributes, devices, recent events; erase behind a confirm. */
export function UserPage({ id }: { id: string }) {
	const { api, host, token } = useConsole();
	const t = useT();
	const [user, loadError] = useLoad(() => api.call<UserDetail>(`/users/${encodeURIComponent(id)}`), [id]);
	const [error, setError] = useState<unknown>(null);

	const erase = async () => {
		setError(null);
		try {
			await api.call(`/users/${encodeURIComponent(id)}`, { method: 'DELETE' });
			host.toast(t('User erased'));
			go('/subscribers');
		} catch (e) {
			setError(e);
		}
	};

	const attributes = user ? Object.entries(user.attributes).sort(([a], [b]) => a.localeCompare(b)) : [];
	return (
		<Screen title={t('User')} actions={<a href="#/subscribers">{t('Back to subscribers')}</a>}>
			{isStatus(loadError, 404) ? (
				<p class="notice notice-info" role="alert">
					{t('This user does not exist (any more).')}
				</p>
			) : (
				<ErrorNote error={loadError} />
			)}
			{user && (
				<>
					<section class="card" aria-labelledby="user-id-title">
						<h2 id="user-id-title" class="mono break" dir="auto" data-testid="user-id">
							{user.userId}
						</h2>
						<p class="muted small">
							{sprintf(t('Known since %1$s · updated %2$s'), when(user.createdAt), when(user.updatedAt))}
						</p>
						<ErrorNote error={error} />
						<div class="actions">
							<ConfirmButton
								label={t('Erase user')}
								yes={t('Yes, erase')}
								confirm={t('Erase this user, their devices and their events?')}
								danger
								disabled={!can(token.role, 'editor')}
								onConfirm={erase}
							/>
						</div>
					</section>
					<div class="grid">
						<section class="card" aria-labelledby="user-attrs-title">
							<h2 id="user-attrs-title">{t('Attributes')}</h2>
							{attributes.length === 0 ? (
								<p class="muted">{t('No attributes.')}</p>
							) : (
								<dl class="facts" data-testid="user-attributes">
									{attributes.map(([k, v]) => (
										<Fragment key={k}>
											<dt class="mono">
												{k} <span class="hint">{typeLabel(t, v)}</span>
											</dt>
											<dd data-attribute={k}>
												<AttributeText v={v} />
											</dd>
										</Fragment>
									))}
								</dl>
							)}
						</section>
						<section class="card" aria-labelledby="user-devices-title">
							<h2 id="user-devices-title">{t('Devices')}</h2>
							{user.subscribers.length === 0 ? (
								<p class="muted">{t('No devices.')}</p>
							) : (
								<ul class="plain devices" data-testid="user-devices">
									{user.subscribers.map((s) => (
										<li key={s.subscriberId}>
											<a href={`#/subscribers/${encodeURIComponent(s.subscriberId)}`} class="mono break">
												{s.subscriberId}
											</a>{' '}
											<span class={`badge badge-${s.status}`}>{subscriberStatusLabel(t, s.status)}</span>{' '}
											{s.test && <span class="badge badge-test">{t('Tester')}</span>}
											<span class="muted small block">
												{browserLabel(t, s.browser)} · {s.os} ·{' '}
												{sprintf(t('last seen %s'), when(s.lastSeenAt))}
											</span>
										</li>
									))}
								</ul>
							)}
						</section>
					</div>
					<section class="card" aria-labelledby="user-events-title">
						<h2 id="user-events-title">{t('Recent events')}</h2>
						{user.events.length === 0 ? (
							<p class="muted">{t('No events in the last 30 days.')}</p>
						) : (
							<ol class="timeline" data-testid="user-events">
								{user.events.map((e, i) => (
									<li key={`${e.time}-${i}`}>
										<span class="timeline-time">
											<time dateTime={e.time}>{when(e.time)}</time>
										</span>
										<span class="timeline-body">
											<b class="mono" dir="auto">
												{e.name}
											</b>
											{Object.keys(e.properties).length > 0 && (
												<span class="props-list">
													{Object.entries(e.properties).map(([k, v]) => (
														<span key={k} class="prop">
															<span class="muted">{k}</span>{' '}
															<span dir="auto">{typeof v === 'number' ? fmt(v) : String(v)}</span>
														</span>
													))}
												</span>
											)}
										</span>
									</li>
								))}
							</ol>
						)}
					</section>
				</>
			)}
		</Screen>
	);
}
