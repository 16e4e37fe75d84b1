import { useState } from 'preact/hooks';
import type { Audience, NotificationView, SendResult } from '#wire';
import { useConsole } from '../context';
import { newKey, sprintf, value } from '../ui/format';
import { ErrorNote, useT, useTn } from '../ui/parts';
import { readPref, writePref } from '../ui/prefs';
import { watchNotification } from '../ui/watch';

const STORE = 'beckon.console.testSubscriber';

/** The subscriber id remembered for test sends. */
export const testSubscriber = () => readPref(STORE) ?? '';

/** Remembers a subscriber id for test sends. */
export const rememberTestSubscriber = (id: string) => writePref(STORE, id);

/**
 * "Send a test to yourself": to the browsers linked to the staff member's user id; when none is, asks for a
 * subscriber id (remembered in localStorage) and sends to that one.
 */
export function TestSend({ message, disabled }: { message: Record<string, unknown>; disabled: boolean }) {
	const { api, token, host } = useConsole();
	const t = useT();
	const tn = useTn();
	const [state, setState] = useState<'idle' | 'sending' | 'none' | 'sent'>('idle');
	const [subscriber, setSubscriber] = useState(testSubscriber);
	const [askId, setAskId] = useState(false);
	const [error, setError] = useState<unknown>(null);
	const [result, setResult] = useState<NotificationView | null>(null);

	const run = async (audience: Audience) => {
		setError(null);
		setState('sending');
		try {
			const sent = await api.call<SendResult>('/notifications', {
				method: 'POST',
				body: { ...message, audience },
				idempotencyKey: newKey(),
			});
			const n = await watchNotification(api, sent.notificationId, setResult, () => false, 1000);
			if (n && n.counts.targeted === 0) {
				setState('none');
				setAskId(true);
			} else {
				setState('sent');
				host.toast(t('Test sent'));
			}
		} catch (e) {
			setError(e);
			setState('idle');
		}
	};

	return (
		<section class="card" aria-labelledby="test-title" data-testid="test-send">
			<h2 id="test-title">{t('Send a test to yourself')}</h2>
			<p class="muted small">
				{sprintf(
					t('Goes to the browsers where you are signed in as “%s”.'),
					token.staff.name ?? token.staff.id,
				)}
			</p>
			<div class="actions">
				<button
					type="button"
					disabled={disabled || state === 'sending'}
					onClick={() => run({ userIds: [token.staff.id] })}
				>
					{state === 'sending' ? t('Sending test…') : t('Send a test')}
				</button>
			</div>
			{state === 'none' && (
				<p class="notice notice-warning" role="alert">
					{sprintf(
						t(
							'No subscribed browser is linked to you (user id “%s”); pick a subscriber to send the test to.',
						),
						token.staff.id,
					)}
				</p>
			)}
			{state === 'sent' && result && (
				<p class="notice notice-success" role="status">
					{sprintf(
						tn('Test sent to %d browser.', 'Test sent to %d browsers.', result.counts.targeted),
						result.counts.targeted,
					)}{' '}
					<a href={`#/notifications/${result.notificationId}`}>{t('Report')}</a>
				</p>
			)}
			{askId && (
				<form
					class="form"
					onSubmit={(e) => {
						e.preventDefault();
						rememberTestSubscriber(subscriber.trim());
						void run({ subscriberIds: [subscriber.trim()] });
					}}
				>
					<label>
						{t('Subscriber id')} <span class="hint">{t('from Subscribers; remembered in this browser')}</span>
						<input
							id="test-subscriber"
							required
							spellcheck={false}
							value={subscriber}
							onInput={(e) => setSubscriber(value(e))}
						/>
					</label>
					<div class="actions">
						<button type="submit" disabled={disabled || state === 'sending'}>
							{t('Send the test to this subscriber')}
						</button>
						<a href="#/subscribers">{t('Find a subscriber')}</a>
					</div>
				</form>
			)}
			{!askId && subscriber && (
				<button type="button" class="link" onClick={() => setAskId(true)}>
					{sprintf(t('Or send to subscriber %s'), subscriber)}
				</button>
			)}
			<ErrorNote error={error} />
		</section>
	);
}
