import { useEffect, useState } from 'preact/hooks';
import { useConsole } from '../context';
import { useRoute } from '../router';
import { useT } from '../ui/parts';
import { hasOutbox } from './outbox';

/**
 * The staff alert screens' own links: the list, preferences, profile and settings, this browser's push, teams, and
 * in local development the outbox.
 */
export function StaffTabs() {
	const { api } = useConsole();
	const { id } = useRoute();
	const t = useT();
	const [outbox, setOutbox] = useState(false);
	useEffect(() => {
		let live = true;
		void hasOutbox(api).then((has) => {
			if (live && has) setOutbox(true);
		});
		return () => {
			live = false;
		};
	}, [api]);
	const tabs: Array<[string | null, string]> = [
		[null, t('Alerts')],
		['preferences', t('Preferences')],
		['settings', t('Profile & settings')],
		['devices', t('Push on this browser')],
		['teams', t('Teams')],
	];
	if (outbox) tabs.push(['outbox', t('Outbox')]);
	return (
		<nav class="subnav" aria-label={t('Staff alerts')}>
			{tabs.map(([key, label]) => (
				<a
					key={key ?? 'list'}
					href={key ? `#/alerts/${key}` : '#/alerts'}
					aria-current={id === key ? 'page' : undefined}
				>
					{label}
				</a>
			))}
		</nav>
	);
}
