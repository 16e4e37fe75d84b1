import { useState } from 'preact/hooks';
import { ApiError, api, toast } from './api';
import { LinkPicker } from './link-picker';
import type { Category, NotificationView } from './types';

interface Sending {
	id: string;
	status: NotificationView['status'];
	done: number;
	targeted: number;
}

const newKey = () => crypto.randomUUID();

/** Writes and sends a notification, then shows its progress until every recipient is handled. */
export function Composer(props: { categories: Category[]; onSent: () => void }) {
	const [title, setTitle] = useState('');
	const [body, setBody] = useState('');
	const [url, setUrl] = useState('');
	const [image, setImage] = useState('');
	const [audience, setAudience] = useState('all');
	const [error, setError] = useState('');
	const [sending, setSending] = useState<Sending | null>(null);
	const [key, setKey] = useState(newKey);
	const [sentCount, setSentCount] = useState(0);

	const watch = async (id: string) => {
		for (;;) {
			const n = await api<NotificationView>(`/notifications/${id}`);
			const c = n.counts;
			setSending({ id, status: n.status, done: c.sent + c.failed + c.gone, targeted: c.targeted });
			if (n.status === 'done') return;
			await new Promise((r) => setTimeout(r, 1500));
		}
	};

	const submit = async (event: Event) => {
		event.preventDefault();
		setError('');
		const payload: Record<string, unknown> = {
			title,
			body,
			audience: audience === 'all' ? { all: true } : { categories: [audience] },
		};
		if (url) payload.url = url;
		if (image) payload.image = image;
		let id: string;
		try {
			const sent = await api<{ notificationId: string }>('/notifications', {
				method: 'POST',
				body: JSON.stringify(payload),
				idempotencyKey: key,
			});
			id = sent.notificationId;
		} catch (e) {
			setError(e instanceof ApiError ? e.message : 'Could not send; try again');
			return;
		}
		setSending({ id, status: 'queued', done: 0, targeted: 0 });
		setKey(newKey());
		try {
			await watch(id);
		} catch {
			// The notification is on its way; only its progress could not be read. Free the form again.
			setSending(null);
			setError('Sent, but its progress could not be loaded; see Recent notifications');
			props.onSent();
			return;
		}
		toast('Notification sent');
		setTitle('');
		setBody('');
		setUrl('');
		setImage('');
		setSentCount((n) => n + 1);
		props.onSent();
	};

	const busy = sending !== null && sending.status !== 'done';
	const pct = sending && sending.targeted > 0 ? Math.round((sending.done / sending.targeted) * 100) : 0;
	return (
		<section class="card" aria-labelledby="composer-title">
			<h2 id="composer-title">Send a notification</h2>
			<form onSubmit={submit} class="form">
				<label>
					Title
					<input id="title" required maxLength={200} value={title} onInput={(e) => setTitle(value(e))} />
				</label>
				<label>
					Message
					<textarea id="body" rows={3} maxLength={1000} value={body} onInput={(e) => setBody(value(e))} />
				</label>
				<div class="label">
					<span>
						Link <span class="hint">where a click goes; empty = the page each shopper last visited</span>
					</span>
					<LinkPicker
						key={sentCount}
						onPick={(link) => {
							setUrl(link.url);
							if (link.image && !image) setImage(link.image);
							if (!title) setTitle(link.title);
						}}
					/>
					<input id="url" type="url" placeholder="https://" value={url} onInput={(e) => setUrl(value(e))} />
				</div>
				<label>
					<span>
						Image <span class="hint">optional; shown large in Chrome and Edge</span>
					</span>
					<input
						id="image"
						type="url"
						placeholder="https://"
						value={image}
						onInput={(e) => setImage(value(e))}
					/>
				</label>
				{props.categories.length > 0 && (
					<label>
						Send to
						<select id="audience" value={audience} onChange={(e) => setAudience(value(e))}>
							<option value="all">All subscribers</option>
							{props.categories.map((c) => (
								<option key={c.id} value={c.id}>
									Subscribers of “{c.label}”
								</option>
							))}
						</select>
					</label>
				)}
				{error && (
					<p class="error" role="alert">
						{error}
					</p>
				)}
				{sending && (
					<div class="progress" data-testid="progress" data-status={sending.status}>
						<div class="progress-track">
							<i style={{ width: `${sending.status === 'done' ? 100 : pct}%` }} />
						</div>
						<span class="small">
							{sending.status === 'done'
								? `Done: ${sending.done} of ${sending.targeted} handled`
								: `Sending… ${sending.done} of ${sending.targeted || '…'}`}
						</span>
					</div>
				)}
				<div class="actions">
					<button type="submit" class="primary" disabled={busy || !title}>
						{busy ? 'Sending…' : 'Send now'}
					</button>
				</div>
			</form>
		</section>
	);
}

function value(e: Event): string {
	return (e.target as HTMLInputElement).value;
}
