import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ConsoleToken, SiteView, StaffView } from '#wire';
import { Api } from './api';
import { messageOf } from './api-error';
import { type Console, ConsoleContext, HostContext } from './context';
import type { Host, NoticeBoard } from './hosts/host';
import { clearSession, loadSession } from './hosts/standalone';
import { Routes } from './routes';
import { Shell } from './shell';
import { SignIn } from './sign-in';
import { Toasts } from './ui/toasts';

interface Signed {
	token: ConsoleToken;
	api: Api;
	site: SiteView;
	me: StaffView | null;
}

/** Signs in (standalone) or takes the host's token, loads the site, then shows the console. */
export function App(props: {
	host: Host;
	api: string;
	notices: NoticeBoard;
	onSite: (site: SiteView) => void;
}) {
	const { host } = props;
	const [signedIn, setSignedIn] = useState(host.kind !== 'standalone' || loadSession() !== null);
	const [state, setState] = useState<Signed | null>(null);
	const [error, setError] = useState('');

	const start = useCallback(async () => {
		setError('');
		try {
			const token = await host.token(true);
			const api = new Api(host, props.api, token.siteId);
			// The member (made on this first call as "me") with the name they chose, shown instead of the host's.
			const [site, me] = await Promise.all([
				api.call<SiteView>(''),
				api.call<StaffView>('/staff/me').catch(() => null),
			]);
			props.onSite(site);
			setState({ token, api, site, me });
		} catch (e) {
			setError(messageOf(e, host.t));
			if (host.kind === 'standalone') {
				clearSession();
				setSignedIn(false);
			}
		}
	}, [host, props.api, props.onSite]);

	useEffect(() => {
		if (signedIn && !state) void start();
	}, [signedIn, state, start]);

	const signOut = () => {
		clearSession();
		setState(null);
		setSignedIn(false);
		setError('');
		history.replaceState(null, '', location.pathname);
	};

	let content: preact.ComponentChildren;
	if (!signedIn) content = <SignIn api={props.api} error={error} onSignedIn={() => setSignedIn(true)} />;
	else if (!state)
		content = error ? (
			<p class="notice notice-error" role="alert">
				{error}
			</p>
		) : (
			<p class="loading" aria-live="polite">
				{host.t('Loading…')}
			</p>
		);
	else {
		const ctx: Console = {
			api: state.api,
			host,
			token: state.token,
			site: state.site,
			setSite: (site) => {
				props.onSite(site);
				setState({ ...state, site });
			},
			me: state.me,
			setMe: (me) => setState({ ...state, me }),
		};
		content = (
			<ConsoleContext.Provider value={ctx}>
				<Shell onSignOut={host.kind === 'standalone' ? signOut : undefined}>
					<Routes />
				</Shell>
			</ConsoleContext.Provider>
		);
	}
	return (
		<HostContext.Provider value={host}>
			{content}
			{host.kind !== 'shopify' && <Toasts notices={props.notices} />}
		</HostContext.Provider>
	);
}
