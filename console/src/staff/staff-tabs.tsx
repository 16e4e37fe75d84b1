import { useRoute } from '../router';
import { useT } from '../ui/parts';

/** The staff alert screens' own links: the list, preferences, this browser's push, and teams. */
export function StaffTabs() {
	const { id } = useRoute();
	const t = useT();
	const tabs: Array<[string | null, string]> = [
		[null, t('Alerts')],
		['preferences', t('Preferences')],
		['devices', t('Push on this browser')],
		['teams', t('Teams')],
	];
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
