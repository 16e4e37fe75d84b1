import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { SubscriberView } from '#wire';
import { isStatus } from '../api';
import { can, useConsole } from '../context';
import { go } from '../router';
import { when } from '../ui/format';
import { subscriberStatusLabel } from '../ui/labels';
import { ConfirmButton, ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { rememberTestSubscriber, testSubscriber } from './test-send';

/** Every field of one subscriber, erase (GDPR) behind a confirm, and "use for test sends". */
export function SubscriberDetail({ id }: { id: string }) {
	const { api, host, token } = useConsole();
	const t = useT();
	const [s, loadError] = useLoad(
		() => api.call<SubscriberView>(`/subscribers/${encodeURIComponent(id)}`),
		[id],
	);
	const [error, setError] = useState<unknown>(null);
	const [isTest, setIsTest] = useState(testSubscriber() === id);

	const erase = async () => {
		setError(null);
		try {
			await api.call(`/subscribers/${encodeURIComponent(id)}`, { method: 'DELETE' });
			host.toast(t('Subscriber erased'));
			go('/subscribers');
		} catch (e) {
			setError(e);
		}
	};

	const rows: Array<[string, string]> = s
		? [
				[t('Subscriber id'), s.subscriberId],
				[t('Status'), subscriberStatusLabel(t, s.status)],
				[t('Push service'), s.pushService ?? '–'],
				[t('Browser'), s.browser],
				[t('Operating system'), s.os],
				[t('Topics'), s.categories.join(', ') || '–'],
				[t('User id'), s.externalUserId ?? '–'],
				[t('Time zone'), s.timezone ?? '–'],
				[t('Language'), s.locale ?? '–'],
				[t('Last page'), s.lastUrl ?? '–'],
				[t('Last seen'), when(s.lastSeenAt)],
				[t('Subscribed since'), when(s.createdAt)],
			]
		: [];
	return (
		<Screen title={t('Subscriber')} actions={<a href="#/subscribers">{t('Back to subscribers')}</a>}>
			{isStatus(loadError, 404) ? (
				<p class="notice notice-info" role="alert">
					{t('This subscriber does not exist (any more).')}
				</p>
			) : (
				<ErrorNote error={loadError} />
			)}
			{s && (
				<section class="card" aria-label={t('Details')}>
					<dl class="facts" data-testid="subscriber">
						{rows.map(([k, v]) => (
							<Fragment key={k}>
								<dt>{k}</dt>
								<dd dir="auto" class="break">
									{v}
								</dd>
							</Fragment>
						))}
					</dl>
					<ErrorNote error={error} />
					<div class="actions">
						<button
							type="button"
							aria-pressed={isTest}
							onClick={() => {
								rememberTestSubscriber(s.subscriberId);
								setIsTest(true);
								host.toast(t('Test sends will go to this subscriber'));
							}}
						>
							{isTest ? t('Used for test sends') : t('Use for test sends')}
						</button>
						<ConfirmButton
							label={t('Delete (erase)')}
							yes={t('Yes, delete (erase)')}
							confirm={t('Erase this subscriber and everything stored about them?')}
							danger
							disabled={!can(token.role, 'editor')}
							onConfirm={erase}
						/>
					</div>
				</section>
			)}
		</Screen>
	);
}
