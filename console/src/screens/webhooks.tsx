import { useState } from 'preact/hooks';
import {
	type NewWebhook,
	WEBHOOK_EVENT_TYPES,
	type WebhookDeliveryView,
	type WebhookEventType,
	type WebhookView,
} from '#wire';
import { can, useConsole } from '../context';
import { fmt, sprintf, value, when } from '../ui/format';
import { roleLabel } from '../ui/labels';
import { ConfirmButton, ErrorNote, Screen, useLoad, useT } from '../ui/parts';
import { ShownOnce } from '../ui/shown-once';

type T = (text: string) => string;

/** Each event type in words. */
function eventText(type: WebhookEventType | 'webhook.test', t: T): string {
	switch (type) {
		case 'subscriber.created':
			return t('Someone subscribed');
		case 'subscriber.unsubscribed':
			return t('Someone unsubscribed');
		case 'subscriber.gone':
			return t('Subscriptions gone (batched)');
		case 'notification.completed':
			return t('A send finished');
		case 'notification.clicked':
			return t('Notifications clicked (batched)');
		case 'conversion':
			return t('Automation conversions (batched)');
		case 'automation.entered':
			return t('Automation journeys started (batched)');
		case 'staff.alert':
			return t('Staff alerts raised (batched)');
		default:
			return t('Test event');
	}
}

function deliveryStatus(d: WebhookDeliveryView, t: T) {
	const label =
		d.status === 'delivered' ? t('Delivered') : d.status === 'failed' ? t('Failed') : t('Retrying');
	const badge = d.status === 'delivered' ? 'done' : d.status === 'failed' ? 'blocked' : 'queued';
	return <span class={`badge badge-${badge}`}>{label}</span>;
}

/** The delivery log of one endpoint, newest first, with a way to send a test event. */
function DeliveryLog(props: { hook: WebhookView; onChange: () => void }) {
	const { api } = useConsole();
	const t = useT();
	const path = `/webhooks/${encodeURIComponent(props.hook.webhookId)}`;
	const [data, loadError, reload] = useLoad(
		() => api.call<{ deliveries: WebhookDeliveryView[] }>(`${path}/deliveries?limit=50`),
		[path],
	);
	const [error, setError] = useState<unknown>(null);
	const test = async () => {
		setError(null);
		try {
			await api.call(`${path}/test`, { method: 'POST' });
			// The call goes out through the queue within a moment.
			setTimeout(reload, 1500);
			reload();
			props.onChange();
		} catch (err) {
			setError(err);
		}
	};
	return (
		<section class="card" aria-labelledby="log-title" data-testid="delivery-log">
			<div class="row">
				<h2 id="log-title" class="grow break">
					{sprintf(t('Deliveries to %s'), props.hook.url)}
				</h2>
				<button type="button" onClick={test}>
					{t('Send test event')}
				</button>
				<button type="button" onClick={reload}>
					{t('Refresh')}
				</button>
			</div>
			<ErrorNote error={error ?? loadError} />
			{data && data.deliveries.length === 0 && <p class="muted">{t('Nothing sent to it yet.')}</p>}
			{data && data.deliveries.length > 0 && (
				<div class="table-wrap">
					<table class="table">
						<thead>
							<tr>
								<th scope="col">{t('Made')}</th>
								<th scope="col">{t('Event')}</th>
								<th scope="col">{t('Status')}</th>
								<th scope="col" class="num">
									{t('Attempts')}
								</th>
								<th scope="col" class="num">
									{t('HTTP')}
								</th>
								<th scope="col" class="num">
									{t('Time to answer')}
								</th>
								<th scope="col">{t('Last error')}</th>
							</tr>
						</thead>
						<tbody>
							{data.deliveries.map((d) => (
								<tr key={d.deliveryId} data-delivery={d.deliveryId} data-status={d.status}>
									<td class="nowrap">{when(d.createdAt)}</td>
									<td data-label={t('Event')}>
										{eventText(d.type, t)}
										{d.events > 1 && <span class="muted"> ({fmt(d.events)})</span>}
									</td>
									<td data-label={t('Status')}>
										{deliveryStatus(d, t)}
										{d.nextAttemptAt && (
											<span class="hint"> {sprintf(t('next try %s'), when(d.nextAttemptAt))}</span>
										)}
									</td>
									<td data-label={t('Attempts')} class="num">
										{fmt(d.attempts)}
									</td>
									<td data-label={t('HTTP')} class="num">
										{d.httpStatus ?? '—'}
									</td>
									<td data-label={t('Time to answer')} class="num nowrap">
										{d.latencyMs === null ? '—' : sprintf(t('%s ms'), fmt(d.latencyMs))}
									</td>
									<td data-label={t('Last error')} class="break" data-testid="last-error">
										{d.lastError ?? ''}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
		</section>
	);
}

/** Outbound webhooks: endpoints with their events, the secret shown once, on/off, rotate, delete, and the log. */
export function Webhooks() {
	const { api, token, host } = useConsole();
	const t = useT();
	const admin = can(token.role, 'admin');
	const [data, loadError, reload] = useLoad(
		() => (admin ? api.call<{ webhooks: WebhookView[] }>('/webhooks') : Promise.resolve({ webhooks: [] })),
		[admin],
	);
	const [url, setUrl] = useState('');
	const [description, setDescription] = useState('');
	const [events, setEvents] = useState<WebhookEventType[]>(['subscriber.created', 'subscriber.unsubscribed']);
	const [created, setCreated] = useState<NewWebhook | null>(null);
	const [open, setOpen] = useState<string | null>(null);
	const [error, setError] = useState<unknown>(null);

	if (!admin)
		return (
			<Screen title={t('Webhooks')}>
				<p class="notice notice-info">
					{sprintf(t('Only admins manage webhooks; your role is %s.'), roleLabel(t, token.role))}
				</p>
			</Screen>
		);

	const act = async (run: () => Promise<unknown>) => {
		setError(null);
		try {
			await run();
			reload();
		} catch (err) {
			setError(err);
		}
	};

	const create = (e: Event) => {
		e.preventDefault();
		return act(async () => {
			const hook = await api.call<NewWebhook>('/webhooks', {
				method: 'POST',
				body: { url: url.trim(), description: description.trim(), events },
			});
			setCreated(hook);
			setUrl('');
			setDescription('');
			setOpen(hook.webhookId);
		});
	};

	const path = (hook: WebhookView) => `/webhooks/${encodeURIComponent(hook.webhookId)}`;
	const hookOpen = data?.webhooks.find((h) => h.webhookId === open) ?? null;

	return (
		<Screen title={t('Webhooks')}>
			<p class="muted">
				{t(
					'Beckon posts your site’s events to these URLs, signed per the Standard Webhooks scheme. A call that fails is retried for about 24 hours; after that the endpoint is turned off and the reason shown here.',
				)}
			</p>
			<form class="card form" onSubmit={create} aria-labelledby="new-hook-title">
				<h2 id="new-hook-title">{t('Add an endpoint')}</h2>
				<div class="row">
					<label class="grow">
						{t('URL')} <span class="hint">{t('https, answering 2xx within 15 seconds')}</span>
						<input
							id="hook-url"
							type="url"
							required
							maxLength={2048}
							placeholder="https://"
							value={url}
							onInput={(e) => setUrl(value(e))}
						/>
					</label>
					<label class="grow">
						{t('Description')}
						<input
							id="hook-description"
							maxLength={200}
							dir="auto"
							value={description}
							onInput={(e) => setDescription(value(e))}
						/>
					</label>
				</div>
				<fieldset data-testid="hook-events">
					<legend>{t('Events')}</legend>
					{WEBHOOK_EVENT_TYPES.map((type) => (
						<label class="check" key={type}>
							<input
								type="checkbox"
								value={type}
								checked={events.includes(type)}
								onChange={(e) =>
									setEvents(
										(e.target as HTMLInputElement).checked
											? [...events, type]
											: events.filter((x) => x !== type),
									)
								}
							/>
							<span>
								{eventText(type, t)} <code class="muted">{type}</code>
							</span>
						</label>
					))}
				</fieldset>
				<div class="row">
					<button type="submit" class="primary" disabled={events.length === 0}>
						{t('Add endpoint')}
					</button>
				</div>
			</form>
			{created && (
				<ShownOnce
					key={created.secret}
					title={sprintf(t('Signing secret of %s'), created.url)}
					warning={t(
						'Copy this secret now: it is shown only once. Your receiver checks each call’s webhook-signature with it.',
					)}
					value={created.secret}
					label={t('The signing secret')}
					copyFailed={t('Copy failed; select the secret and copy it by hand')}
					ids={{ section: 'new-secret', title: 'secret-title', input: 'new-secret-value' }}
					onDone={() => setCreated(null)}
				/>
			)}
			<ErrorNote error={error ?? loadError} />
			{data && data.webhooks.length === 0 && (
				<p class="card muted">{t('No endpoints yet: add one above to stream events to your own systems.')}</p>
			)}
			{data && data.webhooks.length > 0 && (
				<div class="card table-wrap">
					<table class="table" data-testid="webhooks">
						<thead>
							<tr>
								<th scope="col">{t('Endpoint')}</th>
								<th scope="col">{t('Events')}</th>
								<th scope="col">{t('Status')}</th>
								<th scope="col">{t('Last 24 hours')}</th>
								<th scope="col">
									<span class="sr-only">{t('Actions')}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{data.webhooks.map((h) => (
								<tr key={h.webhookId} data-hook-id={h.webhookId}>
									<td class="break">
										<span class="mono">{h.url}</span>
										{h.description && (
											<div class="muted" dir="auto">
												{h.description}
											</div>
										)}
									</td>
									<td data-label={t('Events')}>{h.events.map((e) => eventText(e, t)).join(', ')}</td>
									<td data-label={t('Status')} data-testid="hook-status">
										{h.status === 'enabled' ? (
											<span class="badge badge-done">{t('On')}</span>
										) : (
											<>
												<span class="badge badge-blocked">{t('Off')}</span>
												{h.disabledReason && <div class="hint break">{h.disabledReason}</div>}
											</>
										)}
									</td>
									<td data-label={t('Last 24 hours')} class="nowrap">
										{sprintf(t('%s delivered, %s failed'), fmt(h.recent.delivered), fmt(h.recent.failed))}
									</td>
									<td class="nowrap">
										<button
											type="button"
											aria-expanded={open === h.webhookId}
											onClick={() => setOpen(open === h.webhookId ? null : h.webhookId)}
										>
											{t('Log')}
										</button>{' '}
										<button
											type="button"
											onClick={() =>
												act(() =>
													api.call(path(h), {
														method: 'PATCH',
														body: { enabled: h.status !== 'enabled' },
													}),
												)
											}
										>
											{h.status === 'enabled' ? t('Turn off') : t('Turn on')}
										</button>{' '}
										<ConfirmButton
											label={t('Rotate secret')}
											yes={t('Yes, rotate')}
											confirm={t('Rotate the secret? Calls signed with the old one fail your check at once.')}
											onConfirm={() =>
												act(async () => {
													setCreated(
														await api.call<NewWebhook>(`${path(h)}/rotate-secret`, { method: 'POST' }),
													);
												})
											}
										/>{' '}
										<ConfirmButton
											label={t('Delete')}
											yes={t('Yes, delete')}
											confirm={t('Delete this endpoint and its delivery log?')}
											danger
											onConfirm={() =>
												act(async () => {
													await api.call(path(h), { method: 'DELETE' });
													if (open === h.webhookId) setOpen(null);
													host.toast(t('Endpoint deleted'));
												})
											}
										/>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			{hookOpen && <DeliveryLog key={hookOpen.webhookId} hook={hookOpen} onChange={reload} />}
		</Screen>
	);
}
