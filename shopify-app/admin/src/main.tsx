// Beckon's embedded admin page inside Shopify admin: subscribers, growth, sending and the subscribe prompt.
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { Composer } from './composer';
import { DataRequests } from './data-requests';
import { GrowthChart } from './growth-chart';
import { PromptSettings } from './prompt-settings';
import { RecentNotifications } from './recent';
import { SubscriberCounts } from './subscribers';
import type { Overview } from './types';

function App() {
	const [overview, setOverview] = useState<Overview | null>(null);
	const [error, setError] = useState('');

	const load = useCallback(() => {
		api<Overview>('/overview').then(
			(o) => {
				setOverview(o);
				setError('');
			},
			(e: Error) => setError(e.message),
		);
	}, []);

	useEffect(() => {
		load();
		// Refresh the figures while the page is in view; a background tab skips the reload.
		const timer = setInterval(() => {
			if (!document.hidden) load();
		}, 30_000);
		return () => clearInterval(timer);
	}, [load]);

	if (!overview) {
		return (
			<main class="page">
				{error ? (
					<p class="card error" role="alert">
						{error}
					</p>
				) : (
					<p class="card muted">Loading…</p>
				)}
			</main>
		);
	}
	return (
		<main class="page">
			<header class="title">
				<h1>Beckon web push</h1>
				<span class="muted">{overview.shop.name}</span>
			</header>
			<div class="grid">
				<SubscriberCounts stats={overview.stats} />
				<GrowthChart daily={overview.stats.daily} />
			</div>
			<div class="grid">
				<Composer categories={overview.prompt.categories} onSent={load} />
				<RecentNotifications notifications={overview.notifications} />
			</div>
			<PromptSettings prompt={overview.prompt} onSaved={(prompt) => setOverview({ ...overview, prompt })} />
			<DataRequests />
		</main>
	);
}

const root = document.getElementById('app');
if (root) render(<App />, root);
