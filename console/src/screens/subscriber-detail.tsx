import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { SubscriberView } from '#wire';
import { isStatus } from '../api';
import { can, useConsole } from '../context';
import { go } from '../router';
import { when } from '../ui/format';
import { ConfirmButton, ErrorNote, Screen, useLoad } from '../ui/parts';
import { rememberTestSubscriber, testSubscriber } from './test-send';

/** Every field of one subscriber, erase (GDPR) behind a confirm, and "use for test sends". */
export function SubscriberDetail({ id }: { id: string }) {
	const { api, host, token } = useConsole();
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
			host.toast('Subscriber erased');
			go('/subscribers');
		} catch (e) {
			setError(e);
		}
	};

	const rows: Array<[string, string]> = s
		? [
				['Subscriber id', s.subscriberId],
				['Status', s.status],
				['Push service', s.pushService ?? '–'],
				['Browser', s.browser],
				['Operating system', s.os],
				['Topics', s.categories.join(', ') || '–'],
				['User id', s.externalUserId ?? '–'],
				['Time zone', s.timezone ?? '–'],
				['Language', s.locale ?? '–'],
				['Last page', s.lastUrl ?? '–'],
				['Last seen', when(s.lastSeenAt)],
				['Subscribed since', when(s.createdAt)],
			]
		: [];
	return (
		<Screen title="Subscriber" actions={<a href="#/subscribers">Back to subscribers</a>}>
			{isStatus(loadError, 404) ? (
				<p class="notice notice-info" role="alert">
					This subscriber does not exist (any more).
				</p>
			) : (
				<ErrorNote error={loadError} />
			)}
			{s && (
				<section class="card" aria-label="Details">
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
								host.toast('Test sends will go to this subscriber');
							}}
						>
							{isTest ? 'Used for test sends' : 'Use for test sends'}
						</button>
						<ConfirmButton
							label="Delete (erase)"
							confirm="Erase this subscriber and everything stored about them?"
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
