import { useState } from 'preact/hooks';
import type { StaffDeviceView } from '#wire';
import { useConsole } from '../context';
import { type PushOnResult, turnOffHere, turnOnPush } from '../staff/push-on';
import { StaffTabs } from '../staff/staff-tabs';
import { sprintf, when } from '../ui/format';
import { browserLabel } from '../ui/labels';
import { ConfirmButton, ErrorNote, Screen, useLoad, useT } from '../ui/parts';

type T = (text: string) => string;

/** Which device this browser added (device ids are the worker's; the subscription itself stays in the browser). */
const thisDeviceKey = (siteId: string) => `beckon.staff.device.${siteId}`;

function failure(result: Exclude<PushOnResult, { ok: true }>, t: T): string {
	switch (result.reason) {
		case 'unsupported':
			return t('This browser cannot receive web push. Try a current Firefox, Chrome, Edge or Safari.');
		case 'denied':
			return sprintf(
				t(
					'Push is not on: this browser blocks notifications or push for this page (%s). Allow them in the browser’s site settings, then try again.',
				),
				result.detail || t('permission denied'),
			);
		case 'subscribe_failed':
			return sprintf(
				t('Push is not on: this browser could not reach its push service (%s).'),
				result.detail || t('no reason given'),
			);
		default:
			return sprintf(t('The browser subscribed, but Beckon could not save it: %s'), result.detail);
	}
}

/** The console's origin is the worker's (standalone, Shopify): staff pushes can be turned on right here. */
function TurnOn(props: { onDone: () => void }) {
	const { api, site, host } = useConsole();
	const t = useT();
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	const turnOn = async () => {
		setBusy(true);
		setError('');
		const result = await turnOnPush(api, site.vapidPublicKey);
		setBusy(false);
		if (!result.ok) {
			setError(failure(result, t));
			return;
		}
		localStorage.setItem(thisDeviceKey(site.siteId), result.device.deviceId);
		host.toast(t('Push is on in this browser'));
		props.onDone();
	};
	return (
		<div class="card">
			<p>
				{t(
					'Get your alerts as notifications on this computer or phone, even with the console closed. Your browser asks for permission first.',
				)}
			</p>
			<div class="row">
				<button type="button" class="primary" disabled={busy} onClick={turnOn} data-testid="push-on">
					{busy ? t('Turning on…') : t('Turn on push in this browser')}
				</button>
			</div>
			<ErrorNote error={error} />
		</div>
	);
}

/** The console runs on another origin (inside wp-admin): push belongs to the worker's origin, in a new tab. */
function ElsewhereNote(props: { consoleUrl: string }) {
	const t = useT();
	return (
		<div class="card" data-testid="push-elsewhere">
			<p>
				{t(
					'Staff pushes come from your Beckon backend’s own address, not from this admin page. Open the Beckon console there, sign in, and turn push on in its “Push on this browser” tab.',
				)}
			</p>
			<p>
				<a href={`${props.consoleUrl}#/alerts/devices`} target="_blank" rel="noopener noreferrer">
					{t('Open the Beckon console in a new tab')}
				</a>
			</p>
		</div>
	);
}

/** Push on this browser: turn it on, and the member's browsers that get their pushes, each removable. */
export function StaffDevices() {
	const { api, site, host } = useConsole();
	const t = useT();
	const [data, loadError, reload] = useLoad(
		() => api.call<{ devices: StaffDeviceView[] }>('/staff/me/devices'),
		[],
	);
	const [error, setError] = useState<unknown>(null);
	const workerOrigin = new URL(api.base || location.origin, location.href).origin;
	const here = workerOrigin === location.origin;
	const mine = localStorage.getItem(thisDeviceKey(site.siteId));

	const remove = async (device: StaffDeviceView) => {
		setError(null);
		try {
			await api.call(`/staff/me/devices/${encodeURIComponent(device.deviceId)}`, { method: 'DELETE' });
			if (device.deviceId === mine) {
				localStorage.removeItem(thisDeviceKey(site.siteId));
				await turnOffHere().catch(() => undefined);
			}
			host.toast(t('Device removed'));
			reload();
		} catch (err) {
			setError(err);
		}
	};

	return (
		<Screen title={t('Push on this browser')}>
			<StaffTabs />
			{here ? <TurnOn onDone={reload} /> : <ElsewhereNote consoleUrl={`${workerOrigin}/console/`} />}
			<ErrorNote error={error ?? loadError} />
			<section class="card" aria-labelledby="devices-title">
				<h2 id="devices-title">{t('Your browsers that get pushes')}</h2>
				{data && data.devices.length === 0 && (
					<p class="muted" data-testid="devices-empty">
						{t('None yet: alerts only show in this console.')}
					</p>
				)}
				{data && data.devices.length > 0 && (
					<ul class="device-list" data-testid="devices">
						{data.devices.map((d) => (
							<li key={d.deviceId} data-device={d.deviceId}>
								<span class="grow">
									<strong>{browserLabel(t, d.browser)}</strong>
									{d.deviceId === mine && <span class="badge badge-done">{t('This browser')}</span>}{' '}
									<span class="hint">{sprintf(t('added %s'), when(d.createdAt))}</span>
								</span>
								<ConfirmButton
									label={t('Remove')}
									yes={t('Yes, remove')}
									confirm={t('Stop pushes to this browser?')}
									danger
									onConfirm={() => remove(d)}
								/>
							</li>
						))}
					</ul>
				)}
			</section>
		</Screen>
	);
}
