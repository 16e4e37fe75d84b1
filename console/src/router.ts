import { useEffect, useState } from 'preact/hooks';

/** A screen and its parameter, from the hash (`#/notifications/ntf_1` → notifications, ntf_1). */
export interface Route {
	screen: string;
	id: string | null;
	/** What to do with it (`#/campaigns/cmp_1/edit` → edit). */
	sub: string | null;
	/** What the sub names (`#/campaigns/cmp_1/runs/3` → 3). */
	item: string | null;
	/** The hash's query (`#/subscribers?segment=seg_1`). */
	params: URLSearchParams;
}

/** Parses a hash such as `#/settings/prompt` or `#/subscribers/sub_1`. */
export function parseRoute(hash: string): Route {
	const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
	const params = new URLSearchParams(search);
	const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
	const [first = 'overview', second = null, third = null] = parts;
	if (first === 'settings')
		return { screen: `settings/${second ?? 'prompt'}`, id: null, sub: null, item: null, params };
	return { screen: first, id: second, sub: third, item: parts[3] ?? null, params };
}

/** The current route; follows hashchange and popstate. */
export function useRoute(): Route {
	const [route, setRoute] = useState(() => parseRoute(location.hash));
	useEffect(() => {
		const onChange = () => setRoute(parseRoute(location.hash));
		// popstate too: a host may move the hash with the History API (App Bridge's nav menu does), which fires
		// no hashchange.
		addEventListener('hashchange', onChange);
		addEventListener('popstate', onChange);
		return () => {
			removeEventListener('hashchange', onChange);
			removeEventListener('popstate', onChange);
		};
	}, []);
	return route;
}

/** Goes to a screen (`go('/subscribers')`). */
export function go(path: string): void {
	location.hash = `#${path}`;
}
