import { useConsole } from '../context';
import { sprintf, when } from '../ui/format';
import { ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { saveFile } from '../ui/save-file';

/** One export made for a Shopify customers/data_request webhook. */
interface DataRequest {
	id: string;
	customerId: string;
	createdAt: string;
	export: unknown;
}

function download(request: DataRequest): void {
	saveFile(
		new Blob([JSON.stringify(request.export, null, 2)], { type: 'application/json' }),
		`beckon-customer-${request.customerId}-${request.id}.json`,
	);
}

/**
 * Customer data requests (Shopify's customers/data_request): what Beckon holds about each customer who asked, for
 * the store owner to send them. Admins only: the exports hold personal data.
 */
export function DataRequests() {
	const { api } = useConsole();
	const t = useT();
	const [data, error] = useLoad(() => api.call<{ dataRequests: DataRequest[] }>('/data-requests'), []);
	return (
		<Screen title={t('Customer data requests')}>
			<ErrorNote error={error} />
			<section class="card" aria-labelledby="data-requests-title">
				<h2 id="data-requests-title">{t('Exports to hand over')}</h2>
				<p class="muted">
					{t(
						'When a customer asks your store what it holds about them, Beckon prepares its part here. Download it and send it to them.',
					)}
				</p>
				{data === null && !error ? <p class="loading">{t('Loading…')}</p> : null}
				{data && data.dataRequests.length === 0 ? <p>{t('No customer has asked yet.')}</p> : null}
				{data && data.dataRequests.length > 0 ? (
					<ul class="plain" data-testid="data-requests">
						{data.dataRequests.map((r) => (
							<li key={r.id}>
								<span dir="auto">
									{sprintf(t('Customer %1$s, asked %2$s'), r.customerId, when(r.createdAt))}
								</span>{' '}
								<button type="button" onClick={() => download(r)}>
									{t('Download JSON')}
								</button>
							</li>
						))}
					</ul>
				) : null}
			</section>
		</Screen>
	);
}
