import type { Api } from '../api';

/** How often a visible, used console says so (the worker counts a member active for 75 s after a beat). */
export const BEAT_MS = 30_000;
/** A tab left untouched this long no longer counts as in use. */
export const IDLE_MS = 120_000;

const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'focus', 'wheel', 'touchstart'] as const;

/**
 * Reports the signed-in staff member's console presence (`POST /staff/me/presence`): `{active: true}` every 30 s
 * while the tab is visible and was used in the last 2 minutes, `{active: false}` once when it is hidden, closed or
 * left idle, so pushes and emails resume at once. Returns the function that stops it.
 */
export function startPresence(api: Api, beatMs = BEAT_MS): () => void {
	let lastUse = Date.now();
	let said: boolean | null = null;

	const report = (active: boolean, keepalive = false) => {
		said = active;
		// A missed beat only shortens the active window: the next beat says it again.
		api.call('/staff/me/presence', { method: 'POST', body: { active }, keepalive }).catch(() => undefined);
	};
	const visible = () => document.visibilityState === 'visible';
	const beat = () => {
		if (visible() && Date.now() - lastUse < IDLE_MS) report(true);
		else if (said !== false) report(false);
	};
	const onUse = () => {
		lastUse = Date.now();
		// Back from idle: say so now rather than at the next beat.
		if (said !== true && visible()) report(true);
	};
	const onVisibility = () => {
		if (visible()) onUse();
		else if (said !== false) report(false, true);
	};
	const onHide = () => {
		if (said !== false) report(false, true);
	};

	for (const type of ACTIVITY) addEventListener(type, onUse, { passive: true, capture: true });
	document.addEventListener('visibilitychange', onVisibility);
	addEventListener('pagehide', onHide);
	const timer = setInterval(beat, beatMs);
	beat();
	return () => {
		clearInterval(timer);
		for (const type of ACTIVITY) removeEventListener(type, onUse, { capture: true });
		document.removeEventListener('visibilitychange', onVisibility);
		removeEventListener('pagehide', onHide);
		onHide();
	};
}
