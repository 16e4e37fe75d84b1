import { useState } from 'preact/hooks';
import { can, useConsole } from '../context';
import { sprintf, when } from '../ui/format';
import { ErrorNote, useT } from '../ui/parts';

interface TesterLink {
	link: string;
	token: string;
	expiresAt: string;
}

/**
 * "Add a tester browser": a 15-minute link to the site whose page marks the browser opening it as a tester (after
 * asking for notifications if it has not yet). Works in this browser or on a phone, on every host.
 */
export function TesterLinkCard() {
	const { api, host, token } = useConsole();
	const t = useT();
	const [made, setMade] = useState<TesterLink | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);
	const [copied, setCopied] = useState(false);
	if (!can(token.role, 'editor')) return null;

	const make = async () => {
		setError(null);
		setBusy(true);
		try {
			setMade(await api.call<TesterLink>('/testers/link', { method: 'POST', body: {} }));
			setCopied(false);
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	};

	return (
		<section class="card" aria-labelledby="tester-link-title" data-testid="tester-link">
			<h2 id="tester-link-title">{t('Test browsers')}</h2>
			<p class="muted">
				{t(
					'Testers receive sends to "Testers only". Open a tester link in any browser or phone: the site asks for notifications if needed and the browser is marked as a tester.',
				)}
			</p>
			<ErrorNote error={error} />
			{made ? (
				<>
					<div class="row">
						<input
							id="tester-link-value"
							class="mono"
							readOnly
							aria-label={t('Tester link')}
							value={made.link}
							onFocus={(e) => (e.target as HTMLInputElement).select()}
						/>
						<button
							type="button"
							onClick={async () => {
								try {
									await navigator.clipboard.writeText(made.link);
									setCopied(true);
								} catch {
									host.toast(t('Copy failed; select the link and copy it by hand'), true);
								}
							}}
						>
							{copied ? t('Copied') : t('Copy')}
						</button>
						<a
							class="button"
							href={made.link}
							target="_blank"
							rel="noopener noreferrer"
							data-testid="open-tester-link"
						>
							{t('Open in a new tab')}
						</a>
					</div>
					<p class="hint">{sprintf(t('The link works until %s.'), when(made.expiresAt))}</p>
				</>
			) : (
				<button type="button" disabled={busy} onClick={make} data-testid="make-tester-link">
					{busy ? t('Making a link…') : t('Add a tester browser')}
				</button>
			)}
		</section>
	);
}
