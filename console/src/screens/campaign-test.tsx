import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useConsole } from '../context';
import { ErrorNote, useT } from '../ui/parts';

/**
 * "Send test": the saved campaign's message now to the subscribers marked as testers (POST …/test), a
 * notification of its own that is not a run. Nobody marked is a 409 `no_testers`, explained with where to mark one.
 */
export function CampaignTest(props: {
	campaignId: string | null;
	disabled: boolean;
	/** Why the button is disabled. */
	why?: string | undefined;
	/** What the test sends, under the heading. */
	note: string;
}) {
	const { api, host } = useConsole();
	const t = useT();
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<unknown>(null);
	const [sent, setSent] = useState<string | null>(null);

	const send = async () => {
		if (!props.campaignId) return;
		setError(null);
		setSent(null);
		setBusy(true);
		try {
			const { notificationId } = await api.call<{ notificationId: string }>(
				`/campaigns/${encodeURIComponent(props.campaignId)}/test`,
				{ method: 'POST', body: {} },
			);
			setSent(notificationId);
			host.toast(t('Test sent to the testers'));
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	};

	const noTesters = error instanceof ApiError && error.code === 'no_testers';
	return (
		<section class="card campaign-test" aria-labelledby="campaign-test-title" data-testid="campaign-test">
			<h2 id="campaign-test-title">{t('Send a test')}</h2>
			<p class="muted small">{props.note}</p>
			<button
				type="button"
				disabled={props.disabled || !props.campaignId || busy}
				title={props.why}
				onClick={send}
				data-testid="send-test"
			>
				{busy ? t('Sending test…') : t('Send test')}
			</button>
			{noTesters ? (
				<p class="notice notice-warning" role="alert" data-testid="no-testers">
					{t('Nobody is marked as a tester yet, so the test went nowhere.')}{' '}
					<a href="#/subscribers">
						{t('Mark a subscriber as a tester in Subscribers, or add a tester browser there')}
					</a>
					.
				</p>
			) : (
				<ErrorNote error={error} />
			)}
			{sent && (
				<p class="notice notice-success" role="status">
					{t('Test sent to the testers.')} <a href={`#/notifications/${sent}`}>{t('See its report')}</a>
				</p>
			)}
		</section>
	);
}
