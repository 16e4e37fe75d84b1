import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type { StoreLink } from './types';

/** Search-as-you-type over the shop's products and collections; picking one fills the link (and image). */
export function LinkPicker({ onPick }: { onPick: (link: StoreLink) => void }) {
	const [q, setQ] = useState('');
	const [open, setOpen] = useState(false);
	const [links, setLinks] = useState<StoreLink[]>([]);
	const [error, setError] = useState('');

	useEffect(() => {
		if (!open) return;
		let stale = false;
		const timer = setTimeout(() => {
			api<{ links: StoreLink[] }>(`/links?q=${encodeURIComponent(q)}`).then(
				(r) => {
					if (stale) return;
					setLinks(r.links);
					setError('');
				},
				(e: Error) => {
					if (!stale) setError(e.message);
				},
			);
		}, 200);
		return () => {
			stale = true;
			clearTimeout(timer);
		};
	}, [q, open]);

	return (
		<div class="picker">
			<input
				type="search"
				placeholder="Find a product or collection…"
				aria-label="Find a product or collection"
				value={q}
				onFocus={() => setOpen(true)}
				onInput={(e) => setQ((e.target as HTMLInputElement).value)}
			/>
			{open && (links.length > 0 || error) && (
				<ul class="picker-results" data-testid="link-results">
					{error && <li class="error">{error}</li>}
					{links.map((link) => (
						<li key={link.url}>
							<button
								type="button"
								onClick={() => {
									onPick(link);
									setOpen(false);
								}}
							>
								{link.image ? <img src={link.image} alt="" width={28} height={28} /> : <span class="thumb" />}
								<span>{link.title}</span>
								<span class="muted small">{link.type}</span>
							</button>
						</li>
					))}
				</ul>
			)}
		</div>
	);
}
