import { useEffect } from 'preact/hooks';
import { type HandoffFrom, type HandoffProblem, handoffMessage } from './hosts/handoff';
import { sprintf } from './ui/format';
import { useT } from './ui/parts';

/**
 * A handed-off sign-in that expired or never worked: says so and where to open the console again, instead of a
 * screen of failed calls. Signing in with a site key is still offered.
 */
export function HandoffEnded(props: {
	reason: HandoffProblem;
	from: HandoffFrom | null;
	onSignIn: () => void;
}) {
	const t = useT();
	const title = props.reason === 'expired' ? t('Sign-in expired') : t('Sign-in link not valid');
	useEffect(() => {
		document.title = sprintf(t('%s · Beckon console'), title);
	}, [title]);
	return (
		<main class="signin" aria-labelledby="signin-title">
			<div class="card signin-card" data-testid="handoff-ended" data-reason={props.reason}>
				<p class="brand" aria-hidden="true">
					Beckon
				</p>
				<h1 id="signin-title">{title}</h1>
				<p class="notice notice-error" role="alert">
					{handoffMessage(props.reason, props.from, t)}
				</p>
				<button type="button" class="link" onClick={props.onSignIn}>
					{t('Sign in with a site API key instead')}
				</button>
			</div>
		</main>
	);
}
