import { useState } from 'preact/hooks';
import type { StaffDeviceView } from '#wire';
import { useConsole } from '../context';
import { type HandoffFrom, handoffUrl, hostName } from '../hosts/handoff';
import { loadSession } from '../hosts/standalone';
import { type PushOnResult, turnOffHere, turnOnPush } from '../staff/push-on';
import { StaffTabs } from '../staff/staff-tabs';
import { clockTime, sprintf, when } from '../ui/format';
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

/** The console is a top-level page on the worker's origin: staff pushes can be turned on right here. */
function TurnOn(props: { onDone: () => void }) {
	const { api, site, host, token } = useConsole();
	const session = host.kind === 'standalone' ? loadSession() : null;
	const t = useT();
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	const turnOn = async () => {
		setBusy(true);
		setError('');
		const result = await turnOnPush(api, site.vapidPublicKey, host.consoleHome?.() ?? null);
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
			{session?.kind === 'token' && (
				<p class="hint" data-testid="handoff-until">
					{sprintf(
						t('Signed in from %1$s as %2$s until %3$s.'),
						hostName(session.from ?? null, t),
						token.staff.name ?? token.staff.id,
						clockTime(token.expiresAt),
					)}
				</p>
			)}
			<div class="row">
				<button type="button" class="primary" disabled={busy} onClick={turnOn} data-testid="push-on">
					{busy ? t('Turning on…') : t('Turn on push in this browser')}
				</button>
			</div>
			<ErrorNote error={error} />
		</div>
	);
}

/**
 * The console runs on another origin (wp-admin) or in a frame (Shopify admin): push belongs to a top-level page of
 * the worker's origin. The host mints a fresh console token for the signed-in member, and the console there opens
 * in a new tab signed in with it (hosts/handoff.ts), so the device is saved as this same member's.
 */
function HandOff(props: { workerOrigin: string; from: HandoffFrom }) {
	const { host } = useConsole();
	const t = useT();
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<unknown>(null);
	const open = async () => {
		setBusy(true);
		setError(null);
		try {
			const token = await host.token(true);
			const back = host.consoleHome?.() ?? null;
			window.open(handoffUrl(props.workerOrigin, token, props.from, back), '_blank', 'noopener,noreferrer');
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	};
	return (
		<div class="card" data-testid="push-handoff">
			<p>
				{t(
					'Staff pushes come from your Beckon backend’s own address, not from this admin page. The button opens the Beckon console there in a new tab, signed in as you for a few minutes (no API key needed): turn push on in it.',
				)}
			</p>
			<div class="row">
				<button type="button" class="primary" disabled={busy} onClick={open} data-testid="push-handoff-open">
					{t('Open the Beckon console to turn on push')}
				</button>
			</div>
			<ErrorNote error={error} />
		</div>
	);
}

/** A standalone console served from another origin than its API: a plain link (it holds a key, not a host). */
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
	// A push subscription needs a top-level page: browsers refuse notification permission to frames (Shopify admin).
	const here = workerOrigin === location.origin && window.top === window;
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
			{here ? (
				<TurnOn onDone={reload} />
			) : host.kind === 'standalone' ? (
				<ElsewhereNote consoleUrl={`${workerOrigin}/console/`} />
			) : (
				<HandOff workerOrigin={workerOrigin} from={host.kind} />
			)}
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
