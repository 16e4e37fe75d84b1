import type { ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api-error';
import { HostContext } from '../context';
import { englishPlural } from '../hosts/host';
import { sprintf } from './format';

const untranslated = (text: string) => text;

/** The host's translation of a text: `t('Save')`; with values `sprintf(t('Sent %1$s of %2$s'), a, b)`. */
export function useT(): (text: string) => string {
	return useContext(HostContext)?.t ?? untranslated;
}

/** The host's translation of a text whose wording depends on a count: `sprintf(tn('%d day', '%d days', n), n)`. */
export function useTn(): (single: string, plural: string, n: number) => string {
	return useContext(HostContext)?.tn ?? englishPlural;
}

/** An error message, announced. Renders nothing without an error. */
export function ErrorNote({ error }: { error: unknown }) {
	const t = useT();
	if (!error) return null;
	return (
		<p class="notice notice-error" role="alert">
			{typeof error === 'string' ? error : messageOf(error, t)}
		</p>
	);
}

let firstScreen = true;

/** A screen's frame: heading and content. After a navigation the heading takes focus, so a screen reader says where. */
export function Screen(props: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
	const t = useT();
	const host = useContext(HostContext);
	useEffect(() => {
		// Only the standalone console owns its page; inside wp-admin or Shopify admin the host's title stays.
		if (host?.kind === 'standalone') document.title = sprintf(t('%s · Beckon console'), props.title);
	}, [props.title]);
	useEffect(() => {
		if (!firstScreen) document.getElementById('screen-title')?.focus();
		firstScreen = false;
	}, []);
	return (
		<section class="screen" aria-labelledby="screen-title">
			<header class="screen-head">
				<h1 id="screen-title" tabIndex={-1}>
					{props.title}
				</h1>
				{props.actions && <div class="screen-actions">{props.actions}</div>}
			</header>
			{props.children}
		</section>
	);
}

/** A progress bar of handled (sent + failed + gone) over targeted. */
export function Progress(props: { label: string; done: number; total: number; finished: boolean }) {
	const pct = props.finished
		? 100
		: props.total > 0
			? Math.min(100, Math.round((props.done / props.total) * 100))
			: 0;
	return (
		<div class="progress">
			<div
				class="progress-track"
				role="progressbar"
				aria-label={props.label}
				aria-valuemin={0}
				aria-valuemax={100}
				aria-valuenow={pct}
			>
				<i style={{ width: `${pct}%` }} />
			</div>
		</div>
	);
}

/** Loads data with the API; returns [data, error, reload]. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [T | null, unknown, () => void] {
	const [data, setData] = useState<T | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [n, setN] = useState(0);
	useEffect(() => {
		let stale = false;
		load().then(
			(d) => {
				if (stale) return;
				setData(d);
				setError(null);
			},
			(e) => {
				if (!stale) setError(e);
			},
		);
		return () => {
			stale = true;
		};
	}, [...deps, n]);
	return [data, error, () => setN((x) => x + 1)];
}

/** Calls `refresh` every `ms` while the page is in view (a background tab skips it). */
export function useEvery(refresh: () => void, ms: number): void {
	useEffect(() => {
		const timer = setInterval(() => {
			if (!document.hidden) refresh();
		}, ms);
		return () => clearInterval(timer);
	}, [ms]);
}

/** A two-step button: the first press asks (`confirm`), the second (`yes`) does it. */
export function ConfirmButton(props: {
	label: string;
	confirm: string;
	yes: string;
	onConfirm: () => Promise<void> | void;
	danger?: boolean;
	disabled?: boolean;
	/** Why it is disabled (a viewer's role). */
	title?: string;
}) {
	const t = useT();
	const [asking, setAsking] = useState(false);
	const [busy, setBusy] = useState(false);
	if (!asking)
		return (
			<button
				type="button"
				class={props.danger ? 'danger' : ''}
				disabled={props.disabled}
				title={props.title}
				onClick={() => setAsking(true)}
			>
				{props.label}
			</button>
		);
	return (
		<span class="confirm">
			<span class="confirm-q">{props.confirm}</span>
			<button
				type="button"
				class={props.danger ? 'danger primary' : 'primary'}
				disabled={busy}
				ref={(el) => el?.focus()}
				onClick={async () => {
					setBusy(true);
					try {
						await props.onConfirm();
					} finally {
						setBusy(false);
						setAsking(false);
					}
				}}
			>
				{props.yes}
			</button>
			<button type="button" onClick={() => setAsking(false)}>
				{t('Cancel')}
			</button>
		</span>
	);
}
