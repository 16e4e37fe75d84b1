import { useEffect, useState } from 'preact/hooks';
import type { Notice, NoticeBoard } from '../hosts/host';
import { useT } from './parts';

/** The in-app notices (standalone, WordPress): a polite live region, errors as alerts. */
export function Toasts({ notices }: { notices: NoticeBoard }) {
	const t = useT();
	const [list, setList] = useState<Notice[]>([]);
	useEffect(() => notices.subscribe(setList), [notices]);
	return (
		<div class="toasts" aria-live="polite" data-testid="toasts">
			{list.map((n) => (
				<div
					key={n.id}
					class={`toast notice ${n.isError ? 'notice-error' : 'notice-success'}`}
					role={n.isError ? 'alert' : 'status'}
				>
					<span>{n.message}</span>
					<button type="button" class="link" aria-label={t('Dismiss')} onClick={() => notices.dismiss(n.id)}>
						×
					</button>
				</div>
			))}
		</div>
	);
}
