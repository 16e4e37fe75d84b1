import type { NotificationView } from '#wire';
import type { Api } from '../api';
import { sleep } from './format';

/**
 * Polls a notification every `every` ms until it is done (or `stopped()` says so), reporting each view.
 * Returns the last view.
 */
export async function watchNotification(
	api: Api,
	id: string,
	onUpdate: (n: NotificationView) => void,
	stopped: () => boolean = () => false,
	every = 1500,
): Promise<NotificationView | null> {
	for (;;) {
		const n = await api.call<NotificationView>(`/notifications/${encodeURIComponent(id)}`);
		if (stopped()) return null;
		onUpdate(n);
		if (n.status === 'done') return n;
		await sleep(every);
		if (stopped()) return null;
	}
}

/** Handled recipients: delivered, failed or gone. */
export const handled = (n: NotificationView) => n.counts.sent + n.counts.failed + n.counts.gone;
