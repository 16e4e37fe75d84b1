import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

interface DataRequest {
	id: string;
	customerId: string;
	createdAt: string;
	export: unknown;
}

function download(request: DataRequest): void {
	const blob = new Blob([JSON.stringify(request.export, null, 2)], { type: 'application/json' });
	const a = document.createElement('a');
	a.href = URL.createObjectURL(blob);
	a.download = `beckon-customer-${request.customerId}-${request.id}.json`;
	a.click();
	setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Exports made for customers/data_request, for the store owner to send to the customer. Hidden when none. */
export function DataRequests() {
	const [requests, setRequests] = useState<DataRequest[]>([]);
	useEffect(() => {
		api<{ dataRequests: DataRequest[] }>('/data-requests').then(
			(r) => setRequests(r.dataRequests),
			() => undefined,
		);
	}, []);
	if (requests.length === 0) return null;
	return (
		<section class="card" aria-labelledby="privacy-title">
			<h2 id="privacy-title">Customer data requests</h2>
			<p class="muted small">What Beckon holds about each customer who asked; send it to them.</p>
			<ul class="plain">
				{requests.map((r) => (
					<li key={r.id}>
						Customer {r.customerId} · {new Date(r.createdAt).toLocaleDateString('en')}{' '}
						<button type="button" onClick={() => download(r)}>
							Download JSON
						</button>
					</li>
				))}
			</ul>
		</section>
	);
}
