import type { ConsoleToken } from '#wire';
import { ApiError, readError } from '../api-error';
import { englishPlural, type Host, homeAddress, type NoticeBoard, tokenCache } from './host';

/** What the WordPress plugin prints for the console page. */
interface WpBoot {
	token: ConsoleToken;
	refreshUrl: string;
	nonce: string;
}

declare global {
	interface Window {
		beckonConsoleWp?: WpBoot;
		wp?: {
			i18n?: {
				__?: (text: string, domain: string) => string;
				_n?: (single: string, plural: string, n: number, domain: string) => string;
			};
		};
	}
}

/** The plugin's text domain: wp.i18n looks the console's texts up in its translations. */
const DOMAIN = 'beckon-web-push';

/** The WordPress host: the first token comes with the page; refreshes go through the plugin's REST route. */
export function wordpressHost(notices: NoticeBoard): Host {
	const boot = window.beckonConsoleWp;
	let first: ConsoleToken | undefined = boot?.token;
	const t = (text: string) => window.wp?.i18n?.__?.(text, DOMAIN) ?? text;
	return {
		kind: 'wordpress',
		token: tokenCache(async () => {
			if (!boot)
				throw new ApiError(0, 'not_configured', t('The Beckon plugin did not provide a console token'));
			if (first && Date.parse(first.expiresAt) > Date.now() + 10_000) {
				const token = first;
				first = undefined;
				return token;
			}
			first = undefined;
			const response = await fetch(boot.refreshUrl, {
				method: 'POST',
				credentials: 'same-origin',
				headers: { 'X-WP-Nonce': boot.nonce },
			});
			if (!response.ok) throw await readError(response);
			return (await response.json()) as ConsoleToken;
		}),
		toast: (message, isError) => notices.push(message, isError),
		// The plugin's console page in wp-admin (its cookie signs the member in there).
		consoleHome: () => homeAddress(location.href),
		t,
		tn: (single, plural, n) =>
			window.wp?.i18n?._n?.(single, plural, n, DOMAIN) ?? englishPlural(single, plural, n),
	};
}
