import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useConsole } from '../context';
import { useT } from './parts';

/**
 * A secret the server shows this once (an API key, a webhook signing secret): a warning, the value selectable in a
 * read-only field, Copy and Done. `ids` keeps the screens' own element ids and test ids.
 */
export function ShownOnce(props: {
	title: ComponentChildren;
	warning: string;
	value: string;
	label: string;
	copyFailed: string;
	ids: { section: string; title: string; input: string };
	onDone(): void;
}) {
	const { host } = useConsole();
	const t = useT();
	const [copied, setCopied] = useState(false);
	return (
		<section class="card new-key" aria-labelledby={props.ids.title} data-testid={props.ids.section}>
			<h2 id={props.ids.title} class="break">
				{props.title}
			</h2>
			<p class="notice notice-warning" role="alert">
				{props.warning}
			</p>
			<div class="row">
				<input
					id={props.ids.input}
					class="mono"
					readOnly
					aria-label={props.label}
					value={props.value}
					onFocus={(e) => (e.target as HTMLInputElement).select()}
				/>
				<button
					type="button"
					onClick={async () => {
						try {
							await navigator.clipboard.writeText(props.value);
							setCopied(true);
						} catch {
							host.toast(props.copyFailed, true);
						}
					}}
				>
					{copied ? t('Copied') : t('Copy')}
				</button>
				<button type="button" onClick={props.onDone}>
					{t('Done')}
				</button>
			</div>
		</section>
	);
}
