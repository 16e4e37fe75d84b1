import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ConsoleToken, SiteView, StaffView } from '#wire';
import { Api } from './api';
import { ApiError, messageOf } from './api-error';
import { type Console, ConsoleContext, HostContext } from './context';
import { HandoffEnded } from './handoff-ended';
import { HandoffError, type HandoffFrom, type HandoffProblem } from './hosts/handoff';
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

/** A handed-off sign-in that ended, and the host it came from. */
interface Ended {
	reason: HandoffProblem;
	from: HandoffFrom | null;
}

/** Why a handed-off token was refused, if it was (the worker's 401s: expired, or not valid; 403: another site). */
function refusal(error: unknown): HandoffProblem | null {
	if (error instanceof HandoffError) return error.reason;
	if (error instanceof ApiError && error.status === 401)
		return error.code === 'token_expired' ? 'expired' : 'damaged';
	if (error instanceof ApiError && error.status === 403 && error.code === 'forbidden') return 'damaged';
	return null;
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
	const [ended, setEnded] = useState<Ended | null>(null);

	const start = useCallback(async () => {
		setError('');
		const session = host.kind === 'standalone' ? loadSession() : null;
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
			const problem = session?.kind === 'token' ? refusal(e) : null;
			if (problem) {
				clearSession();
				setEnded({ reason: problem, from: session?.from ?? null });
				return;
			}
			setError(messageOf(e, host.t));
			// A hand-off that failed for another reason (the network) is kept: a reload tries it again.
			if (host.kind === 'standalone' && session?.kind !== 'token') {
				clearSession();
				setSignedIn(false);
			}
		}
	}, [host, props.api, props.onSite]);

	useEffect(() => {
		if (signedIn && !state && !ended) void start();
	}, [signedIn, state, ended, start]);

	// A handed-off token cannot be renewed here: when it expires, the console says where to get a new one.
	useEffect(() => {
		const session = state && host.kind === 'standalone' ? loadSession() : null;
		if (!state || session?.kind !== 'token') return;
		const timer = setTimeout(
			() => {
				clearSession();
				setState(null);
				setEnded({ reason: 'expired', from: session.from ?? null });
			},
			Math.max(0, Date.parse(state.token.expiresAt) - Date.now()),
		);
		return () => clearTimeout(timer);
	}, [state, host]);

	const signOut = () => {
		clearSession();
		setState(null);
		setSignedIn(false);
		setError('');
		setEnded(null);
		history.replaceState(null, '', location.pathname);
	};

	let content: preact.ComponentChildren;
	if (ended) content = <HandoffEnded {...ended} onSignIn={signOut} />;
	else if (!signedIn) content = <SignIn api={props.api} error={error} onSignedIn={() => setSignedIn(true)} />;
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
