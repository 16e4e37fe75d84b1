// Beckon's admin console: one preact app mounted into #beckon-console, standalone or inside WordPress/Shopify.

import { render } from 'preact';
import type { SiteView } from '#wire';
import { App } from './app';
import { type Host, type HostKind, NoticeBoard } from './hosts/host';
import { shopifyHost } from './hosts/shopify';
import { adoptHandoff, adoptHashLink, standaloneHost } from './hosts/standalone';
import { wordpressHost } from './hosts/wordpress';

const root = document.getElementById('beckon-console');
if (root) {
	const kind: HostKind =
		root.dataset.host === 'wordpress' || root.dataset.host === 'shopify' ? root.dataset.host : 'standalone';
	const api = (root.dataset.api ?? '').replace(/\/+$/, '');
	const notices = new NoticeBoard();
	let site: SiteView | null = null;
	let host: Host;
	if (kind === 'wordpress') host = wordpressHost(notices);
	else if (kind === 'shopify') host = shopifyHost(api, () => site);
	else {
		if (!adoptHandoff()) adoptHashLink();
		host = standaloneHost(api, notices);
	}
	root.dataset.host = kind;
	root.classList.add('beckon-console');
	render(
		<App
			host={host}
			api={api}
			notices={notices}
			onSite={(s) => {
				site = s;
			}}
		/>,
		root,
	);
}
