import type { ComponentChildren } from 'preact';
import type { Message, SiteView } from '#wire';
import { BROWSERS, type BrowserSupport, cutText } from '../../../worker/src/wire/browsers';
import { sprintf } from '../ui/format';
import { useT, useTn } from '../ui/parts';
import { dropsText } from './resource-words';

/** The look a browser's preview borrows: its notification centre's. */
function lookOf(b: BrowserSupport): string {
	if (b.family === 'firefox') return 'firefox';
	if (b.platform === 'windows' || b.platform === 'linux') return 'chrome-windows';
	return b.platform;
}

/** The host a click opens: the link's, else (none, Liquid, or one without a host) the site's. */
function originOf(m: Message, site: SiteView): string {
	try {
		return new URL(m.url || site.homeUrl).host || new URL(site.homeUrl).host;
	} catch {
		return new URL(site.homeUrl).host;
	}
}

function Img({ src, class: cls }: { src: string | null | undefined; class: string }) {
	return src ? <img class={cls} src={src} alt="" /> : <span class={`${cls} icon-blank`} aria-hidden="true" />;
}

/** One browser's notification: only the parts it shows, its texts cut where it cuts them. */
function BrowserCard({ b, m, site }: { b: BrowserSupport; m: Message; site: SiteView }) {
	const t = useT();
	const look = lookOf(b);
	const shows = (field: (typeof b.shows)[number]) => b.shows.includes(field);
	const title = cutText(m.title || t('Your title'), b.titleLength);
	const body = cutText(m.body ?? '', b.bodyLength);
	const origin = originOf(m, site);
	// Safari shows the site's icon (its web app's) whatever the notification says.
	const icon = shows('icon') ? m.icon || site.iconUrl : null;
	const image = shows('image') ? m.image : undefined;
	const actions = shows('actions') ? (m.actions ?? []).slice(0, b.maxActions) : [];
	const app = b.family === 'edge' ? 'Microsoft Edge' : 'Google Chrome';
	const text = (
		<>
			<b dir="auto">{title}</b>
			{body && (
				<span dir="auto" class="pv-body">
					{body}
				</span>
			)}
		</>
	);
	const buttons = actions.length > 0 && (
		<div class={look === 'android' ? 'pv-actions pv-actions-text' : 'pv-actions'}>
			{actions.map((a, i) => (
				<span key={i} dir="auto">
					{a.title}
				</span>
			))}
		</div>
	);
	switch (look) {
		case 'chrome-windows':
			return (
				<>
					<div class="pv-app">
						<span class={`pv-logo pv-logo-${b.family}`} aria-hidden="true" /> {app}
					</div>
					{image && <img class="pv-image" src={image} alt="" />}
					<div class="pv-row">
						<Img src={icon} class="pv-icon" />
						<div class="pv-text">
							{text}
							<span class="pv-origin">{origin}</span>
						</div>
					</div>
					{buttons}
				</>
			);
		case 'firefox':
			return (
				<div class="pv-row">
					<Img src={icon} class="pv-icon" />
					<div class="pv-text">
						{text}
						<span class="pv-origin">{sprintf(t('via %s'), origin)}</span>
					</div>
				</div>
			);
		case 'android':
			return (
				<>
					<div class="pv-app">
						{m.badge && shows('badge') ? (
							<img class="pv-badge" src={m.badge} alt="" />
						) : (
							<span class="pv-logo pv-logo-chrome" aria-hidden="true" />
						)}{' '}
						{sprintf(t('Chrome · %s · now'), origin)}
					</div>
					<div class="pv-row">
						<div class="pv-text">{text}</div>
						{icon && <img class="pv-thumb round" src={icon} alt="" />}
					</div>
					{image && <img class="pv-image" src={image} alt="" />}
					{buttons}
				</>
			);
		case 'ios':
			return (
				<>
					<div class="pv-app">
						<Img src={site.iconUrl} class="pv-appicon-small" />
						<span dir="auto" class="pv-appname">
							{site.name}
						</span>
						<span class="pv-now">{t('now')}</span>
					</div>
					<div class="pv-text">{text}</div>
				</>
			);
		default:
			// macOS: the app's icon (Chrome's, or the site's under Safari), texts, the notification's icon on the right.
			return (
				<div class="pv-row">
					{b.family === 'safari' ? (
						<Img src={site.iconUrl} class="pv-appicon" />
					) : (
						<span class="pv-logo pv-logo-chrome pv-appicon" aria-hidden="true" />
					)}
					<div class="pv-text">
						{text}
						<span class="pv-origin">{origin}</span>
						{actions.length > 0 && <span class="pv-options">{t('Options')}</span>}
					</div>
					{icon && <img class="pv-thumb" src={icon} alt="" />}
				</div>
			);
	}
}

/**
 * A message as each browser of the support table would show it, each with what it drops and cuts and the
 * browser's note: approximations drawn in markup, not screenshots. Every text is rendered as text.
 */
export function BrowserPreviews(props: {
	message: Message;
	site: SiteView;
	heading: string;
	/** Under the heading (a language switch). */
	children?: ComponentChildren;
}) {
	const t = useT();
	const tn = useTn();
	const { message: m, site } = props;
	return (
		<section class="card preview browser-previews" aria-labelledby="browser-previews-title">
			<h2 id="browser-previews-title">{props.heading}</h2>
			{props.children}
			<div class="previews" data-testid="browser-previews">
				{BROWSERS.map((b) => (
					<figure key={b.id} class={`pv pv-${lookOf(b)} pv-family-${b.family}`} data-browser={b.id}>
						<figcaption>{t(b.label)}</figcaption>
						<div class="pv-card">
							<BrowserCard b={b} m={m} site={site} />
						</div>
						<p class="pv-drops" data-testid="drops">
							{dropsText(b, m, t, tn)}
						</p>
						{b.note && (
							<p class="pv-note muted" data-testid="browser-note">
								{t(b.note)}
							</p>
						)}
					</figure>
				))}
			</div>
		</section>
	);
}
