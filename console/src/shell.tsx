import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { can, useConsole } from './context';
import { useRoute } from './router';
import { useUnread } from './staff/inbox-feed';
import { startPresence } from './staff/presence';
import { fmt, sprintf, translatable } from './ui/format';
import { roleLabel } from './ui/labels';

const NAV: Array<[string, string]> = [
	['overview', translatable('Overview')],
	['send', translatable('Send')],
	['campaigns', translatable('Campaigns')],
	['automations', translatable('Automations')],
	['messages', translatable('Saved messages')],
	['notifications', translatable('History')],
	['subscribers', translatable('Subscribers')],
	['segments', translatable('Segments')],
	['settings/prompt', translatable('Prompt & widget')],
	['settings/api-keys', translatable('API keys')],
	['settings/webhooks', translatable('Webhooks')],
	['settings/data', translatable('Import & export')],
	['alerts', translatable('Staff alerts')],
];

/** The signed-in frame: site and staff, navigation, and the current screen. */
export function Shell(props: { onSignOut?: () => void; children: ComponentChildren }) {
	const { site, token, host, api, me } = useConsole();
	const { t, tn } = host;
	// While the console is open, visible and used, the member counts as active: nothing external goes to them.
	useEffect(() => startPresence(api), [api]);
	const unread = useUnread(api);
	const route = useRoute();
	const [menuOpen, setMenuOpen] = useState(false);
	const current = route.screen;
	// A Shopify shop gets customers' data requests to hand over (admins only: they hold personal data).
	const nav =
		site.platform === 'shopify' && can(token.role, 'admin')
			? [...NAV, ['data-requests', translatable('Data requests')] as [string, string]]
			: NAV;
	return (
		<div class="shell">
			<button type="button" class="skip" onClick={() => document.getElementById('screen-title')?.focus()}>
				{t('Skip to content')}
			</button>
			<header class="topbar">
				<button
					type="button"
					class="menu-button"
					aria-expanded={menuOpen}
					aria-controls="console-nav"
					onClick={() => setMenuOpen(!menuOpen)}
				>
					<span aria-hidden="true">☰</span> {t('Menu')}
					{unread !== null && unread > 0 && (
						<span class="nav-count" data-testid="menu-unread-count">
							<span aria-hidden="true">{fmt(unread)}</span>
							<span class="sr-only">
								{sprintf(tn('%s unread alert', '%s unread alerts', unread), fmt(unread))}
							</span>
						</span>
					)}
				</button>
				<span class="brand">Beckon</span>
				<span class="site-name" dir="auto" data-testid="site-name">
					{site.name}
				</span>
				<span class="staff">
					<span dir="auto" data-testid="staff-name">
						{me?.name ?? token.staff.name ?? token.staff.id}
					</span>{' '}
					<span class={`role role-${token.role}`}>{roleLabel(t, token.role)}</span>
				</span>
				{props.onSignOut && (
					<button type="button" class="signout" onClick={props.onSignOut}>
						{t('Sign out')}
					</button>
				)}
			</header>
			<div class="body">
				<nav id="console-nav" class={`nav${menuOpen ? ' open' : ''}`} aria-label={t('Console')}>
					<ul>
						{nav.map(([path, label]) => {
							const active =
								current === path ||
								(path !== 'overview' && current.startsWith(path)) ||
								(path === 'subscribers' && current === 'users');
							return (
								<li key={path}>
									<a
										href={`#/${path}`}
										aria-current={active ? 'page' : undefined}
										onClick={() => setMenuOpen(false)}
									>
										{t(label)}
										{path === 'alerts' && unread !== null && unread > 0 && (
											<span class="nav-count" data-testid="unread-count">
												<span aria-hidden="true">{fmt(unread)}</span>
												<span class="sr-only">
													{sprintf(tn('%s unread alert', '%s unread alerts', unread), fmt(unread))}
												</span>
											</span>
										)}
									</a>
								</li>
							);
						})}
					</ul>
				</nav>
				<main class="main">{props.children}</main>
			</div>
		</div>
	);
}
