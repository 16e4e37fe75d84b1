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
import { userHref } from './user';

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
	const [tester, setTester] = useState<boolean | null>(null);
	const [marking, setMarking] = useState(false);
	const mayEdit = can(token.role, 'editor');
	const isTester = tester ?? s?.test ?? false;

	const mark = async (test: boolean) => {
		setError(null);
		setMarking(true);
		try {
			const next = await api.call<SubscriberView>(`/subscribers/${encodeURIComponent(id)}`, {
				method: 'PATCH',
				body: { test },
			});
			setTester(next?.test ?? test);
			host.toast(test ? t('Marked as a tester') : t('No longer a tester'));
		} catch (e) {
			setError(e);
		} finally {
			setMarking(false);
		}
	};

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
						<dt>{t('User id')}</dt>
						<dd dir="auto" class="break" data-testid="subscriber-user">
							{s.externalUserId ? (
								<a href={userHref(s.externalUserId)}>{s.externalUserId}</a>
							) : (
								t('– (anonymous)')
							)}
						</dd>
						<dt>{t('Tester')}</dt>
						<dd data-testid="subscriber-tester">
							{isTester ? <span class="badge badge-test">{t('Tester')}</span> : t('no')}
						</dd>
					</dl>
					<ErrorNote error={error} />
					<div class="actions">
						<button
							type="button"
							data-testid="tester-toggle"
							disabled={!mayEdit || marking}
							title={mayEdit ? undefined : t('Editors and admins mark testers')}
							onClick={() => mark(!isTester)}
						>
							{isTester ? t('Unmark as tester') : t('Mark as tester')}
						</button>
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
							disabled={!mayEdit}
							onConfirm={erase}
						/>
					</div>
				</section>
			)}
		</Screen>
	);
}
