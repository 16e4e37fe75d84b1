import { useState } from 'preact/hooks';
import type { SiteView } from '#wire';
import { useConsole } from '../context';

/**
 * Saves part of the site's settings (`PATCH /settings`) for a settings card: keeps the site in the console up to
 * date and says so in a toast; returns the saved settings, or null after a failure (then in `error`).
 */
export function useSettingsPatch() {
	const { api, site, setSite, host } = useConsole();
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);
	const save = async (body: Record<string, unknown>, savedMessage: string) => {
		setError(null);
		setBusy(true);
		try {
			const saved = await api.call<{ settings: SiteView['settings'] }>('/settings', {
				method: 'PATCH',
				body,
			});
			setSite({ ...site, settings: saved.settings });
			host.toast(savedMessage);
			return saved.settings;
		} catch (err) {
			setError(err);
			return null;
		} finally {
			setBusy(false);
		}
	};
	return { save, busy, error };
}
