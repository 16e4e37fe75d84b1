// The page a notification click opens, kept apart from sw.ts so that it can be tested in Node without a
// service worker around it.

/** What the service worker stores on a notification for its click: the link and each action's link. */
export interface ClickData {
	url?: string;
	actions?: Record<string, string>;
}

/**
 * The URL to open for a click on a notification (or on one of its `action` buttons): the action's link, else the
 * notification's link, else the registration scope. Only http(s) is ever opened; a `javascript:`, `data:` or
 * unparsable target falls back to the scope.
 *
 * The host is deliberately not checked here: the link is the campaign's own, which the worker validated when it
 * was sent (an http(s) URL that may point at another site, such as a partner's page), or the subscriber's last
 * visited page, which the worker only records for the site's own origins. The service worker does not know the
 * site's origins, and nobody else can put a link into a payload: it is encrypted and authenticated with this
 * subscription's auth secret, which only the browser and the worker know.
 */
export function clickTarget(data: ClickData, action: string, scope: string): string {
	const chosen = (action && data.actions?.[action]) || data.url || scope;
	try {
		const url = new URL(chosen, scope);
		if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
	} catch {
		// Not a URL at all: open the scope instead.
	}
	return scope;
}
