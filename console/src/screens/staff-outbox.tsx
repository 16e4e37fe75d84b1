import { useRef } from 'preact/hooks';
import type { OutboxAddress, OutboxMessage } from '#wire';
import { messageOf } from '../api-error';
import { useConsole } from '../context';
import { LIVE_MS } from '../staff/inbox-feed';
import { loadOutbox } from '../staff/outbox';
import { StaffTabs } from '../staff/staff-tabs';
import { sprintf, when } from '../ui/format';
import { ErrorNote, Screen, useEvery, useLoad, useT } from '../ui/parts';

const addressText = (a: OutboxAddress) => (a.name ? `${a.name} <${a.address}>` : a.address);

/** One caught message: who it went to, its subject and time; the text body opens below. */
function Message(props: { message: OutboxMessage }) {
	const t = useT();
	const m = props.message;
	const to = m.to.length > 0 ? m.to.map(addressText) : m.envelope.to;
	return (
		<li class="outbox-item" data-message={m.id}>
			<details>
				<summary>
					<span class="outbox-subject" dir="auto">
						{m.subject || t('(no subject)')}
					</span>
					<span class="outbox-meta">
						<span data-testid="outbox-to">{sprintf(t('To %s'), to.join(', '))}</span>{' '}
						<time class="hint" dateTime={m.receivedAt}>
							{when(m.receivedAt)}
						</time>
					</span>
				</summary>
				{m.from && <p class="hint">{sprintf(t('From %s'), addressText(m.from))}</p>}
				<pre class="outbox-text" dir="auto" data-testid="outbox-text">
					{m.text || t('(no text part)')}
				</pre>
			</details>
		</li>
	);
}

/**
 * The local outbox (`npm start`): the mail the local SMTP sink caught, such as unread reminders, newest first and
 * refreshed live. A deployment sends real email and has none: the screen says so.
 */
export function StaffOutbox() {
	const { api } = useConsole();
	const t = useT();
	const [state, loadError, reload] = useLoad(() => loadOutbox(api), []);
	// Live while there is an outbox; a deployment's 404 is not asked again and again.
	const absent = useRef(false);
	absent.current = state?.kind === 'absent';
	useEvery(() => {
		if (!absent.current) reload();
	}, LIVE_MS);
	return (
		<Screen
			title={t('Outbox')}
			actions={
				state?.kind === 'messages' && (
					<button type="button" onClick={reload}>
						{t('Refresh')}
					</button>
				)
			}
		>
			<StaffTabs />
			<ErrorNote error={loadError} />
			{state?.kind === 'absent' && (
				<p class="notice notice-info" data-testid="outbox-absent">
					{t(
						'There is no outbox here. The outbox belongs to local development: npm start runs a mail catcher and shows here what Beckon would have emailed. This deployment sends its email (unread reminders) through its email provider.',
					)}
				</p>
			)}
			{state?.kind === 'down' && (
				<div class="notice notice-error" role="alert" data-testid="outbox-down">
					<p>{t('The local mail catcher cannot be read right now.')}</p>
					<p>{messageOf(state.error, t)}</p>
				</div>
			)}
			{state?.kind === 'messages' && (
				<>
					<p class="muted">
						{t(
							'Local development only: the email Beckon sent while npm start runs is caught here instead of being delivered, newest first. Open one to read its text.',
						)}
					</p>
					{state.messages.length === 0 ? (
						<p class="card muted" data-testid="outbox-empty">
							{t('Nothing caught yet. Unread reminders appear here once they are sent.')}
						</p>
					) : (
						<ul class="card outbox-list" data-testid="outbox">
							{state.messages.map((m) => (
								<Message key={m.id} message={m} />
							))}
						</ul>
					)}
				</>
			)}
		</Screen>
	);
}
