import { useEffect, useState } from 'preact/hooks';
import type { SiteSummary } from '#wire';
import { messageOf } from './api-error';
import { listSites, saveSession } from './hosts/standalone';
import { sprintf, value } from './ui/format';
import { useT } from './ui/parts';

/**
 * The standalone console's sign-in: a site id and one of its API keys, or the operator token and then a site
 * from the operator's list. The secret stays in this tab's sessionStorage.
 */
export function SignIn(props: { api: string; error: string; onSignedIn: () => void }) {
	const t = useT();
	const [mode, setMode] = useState<'key' | 'operator'>('key');
	const [siteId, setSiteId] = useState('');
	const [apiKey, setApiKey] = useState('');
	const [operator, setOperator] = useState('');
	const [sites, setSites] = useState<SiteSummary[] | null>(null);
	const [error, setError] = useState(props.error);
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		document.title = sprintf(t('%s · Beckon console'), sites ? t('Pick a site') : t('Sign in'));
	}, [sites]);

	const withKey = (e: Event) => {
		e.preventDefault();
		saveSession({ siteId: siteId.trim(), secret: apiKey.trim(), kind: 'key' });
		props.onSignedIn();
	};

	const withOperator = async (e: Event) => {
		e.preventDefault();
		setBusy(true);
		setError('');
		try {
			setSites(await listSites(props.api, operator.trim()));
		} catch (err) {
			setError(messageOf(err, t));
		} finally {
			setBusy(false);
		}
	};

	const pick = (site: SiteSummary) => {
		saveSession({ siteId: site.siteId, secret: operator.trim(), kind: 'operator' });
		props.onSignedIn();
	};

	if (sites) {
		return (
			<main class="signin" aria-labelledby="signin-title">
				<div class="card signin-card">
					<h1 id="signin-title">{t('Pick a site')}</h1>
					{sites.length === 0 ? (
						<p class="muted">{t('This deployment has no sites yet; create one with POST /v1/sites.')}</p>
					) : (
						<ul class="site-list" data-testid="site-list">
							{sites.map((s) => (
								<li key={s.siteId}>
									<button type="button" class="site-pick" disabled={s.disabled} onClick={() => pick(s)}>
										<b dir="auto">{s.name}</b>
										<span class="muted small">
											{s.siteId} · {s.platform}
											{s.disabled ? ` · ${t('disabled')}` : ''}
										</span>
										<span class="muted small" dir="auto">
											{s.origins.join(', ')}
										</span>
									</button>
								</li>
							))}
						</ul>
					)}
					<button type="button" class="link" onClick={() => setSites(null)}>
						{t('Back')}
					</button>
				</div>
			</main>
		);
	}

	return (
		<main class="signin" aria-labelledby="signin-title">
			<div class="card signin-card">
				<p class="brand" aria-hidden="true">
					Beckon
				</p>
				<h1 id="signin-title">{t('Sign in to the console')}</h1>
				<fieldset class="segmented">
					<legend class="sr-only">{t('Sign in with')}</legend>
					<button type="button" aria-pressed={mode === 'key'} onClick={() => setMode('key')}>
						{t('Site API key')}
					</button>
					<button type="button" aria-pressed={mode === 'operator'} onClick={() => setMode('operator')}>
						{t('Operator token')}
					</button>
				</fieldset>
				{error && (
					<p class="notice notice-error" role="alert">
						{error}
					</p>
				)}
				{mode === 'key' ? (
					<form class="form" onSubmit={withKey} data-testid="signin-key">
						<label>
							{t('Site id')}
							<input
								id="signin-site"
								required
								autoComplete="username"
								spellcheck={false}
								value={siteId}
								onInput={(e) => setSiteId(value(e))}
							/>
						</label>
						<label>
							{t('API key')}
							<input
								id="signin-key"
								type="password"
								required
								autoComplete="current-password"
								value={apiKey}
								onInput={(e) => setApiKey(value(e))}
							/>
						</label>
						<button type="submit" class="primary">
							{t('Sign in')}
						</button>
					</form>
				) : (
					<form class="form" onSubmit={withOperator} data-testid="signin-operator">
						<label>
							{t('Operator token')} <span class="hint">{t('ADMIN_TOKEN of this deployment')}</span>
							<input
								id="signin-operator"
								type="password"
								required
								autoComplete="current-password"
								value={operator}
								onInput={(e) => setOperator(value(e))}
							/>
						</label>
						<button type="submit" class="primary" disabled={busy}>
							{busy ? t('Loading sites…') : t('Show sites')}
						</button>
					</form>
				)}
				<p class="muted small">
					{t('The key is kept in this browser tab only and forgotten when you sign out.')}
				</p>
			</div>
		</main>
	);
}
