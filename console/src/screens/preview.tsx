import type { ComponentChildren } from 'preact';
import type { Message } from '#wire';
import { sprintf, translatable } from '../ui/format';
import { useT } from '../ui/parts';

/** What the preview draws. */
export interface Draft extends Pick<Message, 'title' | 'body' | 'icon' | 'image'> {
	actions: Array<{ title: string }>;
	origin: string;
}

const PLATFORMS = [
	['chrome-windows', translatable('Chrome on Windows')],
	['firefox', translatable('Firefox')],
	['macos', translatable('macOS')],
	['android', translatable('Android')],
] as const;

function Icon({ src, class: cls }: { src?: string; class: string }) {
	return src ? <img class={cls} src={src} alt="" /> : <span class={`${cls} icon-blank`} aria-hidden="true" />;
}

/** Title, body and origin line, as Chrome on Windows and Firefox stack them beside the icon. */
function PreviewText(props: { title: string; body: string; origin: string }) {
	return (
		<div class="pv-text">
			<b dir="auto">{props.title}</b>
			<span dir="auto" class="pv-body">
				{props.body}
			</span>
			<span class="pv-origin">{props.origin}</span>
		</div>
	);
}

/** A notification's buttons as a platform draws them: boxes (Chrome on Windows), or text links (Android). */
function PreviewActions({ actions, asText = false }: { actions: Draft['actions']; asText?: boolean }) {
	const t = useT();
	if (actions.length === 0) return null;
	return (
		<div class={asText ? 'pv-actions pv-actions-text' : 'pv-actions'}>
			{actions.map((a, i) => (
				<span key={i} dir="auto">
					{a.title || t('Button')}
				</span>
			))}
		</div>
	);
}

/**
 * How four common platforms would show the notification: plain-markup approximations (sizes, truncation, which
 * parts each platform drops), not screenshots. Every text is rendered as text.
 */
export function NotificationPreview(props: {
	draft: Draft;
	/** The heading (default "Preview"). */
	heading?: string | undefined;
	/** Shown under the heading (a variant switch). */
	children?: ComponentChildren;
}) {
	const { draft } = props;
	const t = useT();
	const title = draft.title || t('Your title');
	const body = draft.body ?? '';
	return (
		<section class="card preview" aria-labelledby="preview-title">
			<h2 id="preview-title">{props.heading ?? t('Preview')}</h2>
			{props.children}
			<div class="previews" data-testid="previews">
				{PLATFORMS.map(([id, label]) => (
					<figure key={id} class={`pv pv-${id}`} data-platform={id}>
						<figcaption>{t(label)}</figcaption>
						<div class="pv-card">
							{id === 'chrome-windows' && (
								<>
									<div class="pv-app">
										<span class="pv-chrome" aria-hidden="true" /> Google Chrome
									</div>
									{draft.image && <img class="pv-image" src={draft.image} alt="" />}
									<div class="pv-row">
										<Icon src={draft.icon} class="pv-icon" />
										<PreviewText title={title} body={body} origin={draft.origin} />
									</div>
									<PreviewActions actions={draft.actions} />
								</>
							)}
							{id === 'firefox' && (
								<>
									<div class="pv-row">
										<Icon src={draft.icon} class="pv-icon" />
										<PreviewText title={title} body={body} origin={sprintf(t('via %s'), draft.origin)} />
									</div>
									{(draft.image || draft.actions.length > 0) && (
										<p class="pv-note">{t('Firefox shows no image and no buttons.')}</p>
									)}
								</>
							)}
							{id === 'macos' && (
								<div class="pv-row">
									<span class="pv-chrome pv-appicon" aria-hidden="true" />
									<div class="pv-text">
										<b dir="auto" class="pv-clamp1">
											{title}
										</b>
										<span class="pv-origin">{draft.origin}</span>
										<span dir="auto" class="pv-body pv-clamp2">
											{body}
										</span>
									</div>
									{draft.icon && <img class="pv-thumb" src={draft.icon} alt="" />}
								</div>
							)}
							{id === 'android' && (
								<>
									<div class="pv-app">
										<span class="pv-chrome" aria-hidden="true" />{' '}
										{sprintf(t('Chrome · %s · now'), draft.origin)}
									</div>
									<div class="pv-row">
										<div class="pv-text">
											<b dir="auto" class="pv-clamp1">
												{title}
											</b>
											<span dir="auto" class="pv-body pv-clamp2">
												{body}
											</span>
										</div>
										{draft.icon && <img class="pv-thumb round" src={draft.icon} alt="" />}
									</div>
									{draft.image && <img class="pv-image" src={draft.image} alt="" />}
									<PreviewActions actions={draft.actions} asText />
								</>
							)}
						</div>
					</figure>
				))}
			</div>
		</section>
	);
}
