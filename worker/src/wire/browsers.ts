// What each browser does with a notification's fields: one table, read by the console's resource previews (which
// say what each browser drops), by the send validation (the most buttons any browser shows) and by the tests.
// Lengths are where the platform's notification centre cuts a line of text in its default layout (single-line
// title, a few lines of body), in characters of a Latin text; wider glyphs are cut sooner. They come from the
// browsers' documentation and the platforms' notification layouts, and are rounded down: a text within them shows
// whole everywhere listed.

/** A notification field a browser may show or drop. */
export type NotificationField = 'icon' | 'image' | 'badge' | 'actions' | 'requireInteraction';

export interface BrowserSupport {
	/** Stable key, also the preview's id in the console. */
	id: string;
	/** What people call it: "Chrome on Windows". */
	label: string;
	/** The engine family, for the preview's look. */
	family: 'chrome' | 'edge' | 'firefox' | 'safari';
	/** Platform shown around the preview. */
	platform: 'windows' | 'macos' | 'android' | 'ios' | 'linux';
	/** Fields this browser shows; the others it drops silently. */
	shows: readonly NotificationField[];
	/** Most action buttons shown (0 when `actions` is not shown). */
	maxActions: number;
	/** Characters of the title shown before it is cut with an ellipsis. */
	titleLength: number;
	/** Characters of the body shown before it is cut. */
	bodyLength: number;
	/** A note people should know about this target (shown under its preview). */
	note?: string;
}

/** Every browser the console previews, in the order it shows them. */
export const BROWSERS: readonly BrowserSupport[] = [
	{
		id: 'chrome-windows',
		label: 'Chrome on Windows',
		family: 'chrome',
		platform: 'windows',
		shows: ['icon', 'image', 'actions', 'requireInteraction'],
		maxActions: 2,
		titleLength: 60,
		bodyLength: 120,
	},
	{
		id: 'chrome-macos',
		label: 'Chrome on macOS',
		family: 'chrome',
		platform: 'macos',
		shows: ['icon', 'actions', 'requireInteraction'],
		maxActions: 2,
		titleLength: 40,
		bodyLength: 90,
		note: 'macOS notification banners have no room for a large image; buttons sit under "Options".',
	},
	{
		id: 'chrome-android',
		label: 'Chrome on Android',
		family: 'chrome',
		platform: 'android',
		shows: ['icon', 'image', 'badge', 'actions', 'requireInteraction'],
		maxActions: 2,
		titleLength: 50,
		bodyLength: 240,
		note: 'The badge is the small monochrome icon in the status bar.',
	},
	{
		id: 'edge-windows',
		label: 'Edge on Windows',
		family: 'edge',
		platform: 'windows',
		shows: ['icon', 'image', 'actions', 'requireInteraction'],
		maxActions: 2,
		titleLength: 60,
		bodyLength: 120,
	},
	{
		id: 'firefox',
		label: 'Firefox (Windows, macOS, Linux)',
		family: 'firefox',
		platform: 'windows',
		shows: ['icon', 'requireInteraction'],
		maxActions: 0,
		titleLength: 50,
		bodyLength: 120,
		note: 'Firefox shows neither images nor buttons on notifications.',
	},
	{
		id: 'safari-macos',
		label: 'Safari on macOS',
		family: 'safari',
		platform: 'macos',
		shows: [],
		maxActions: 0,
		titleLength: 40,
		bodyLength: 110,
		note: "Safari shows the site's own icon, not the notification's, and no image or buttons.",
	},
	{
		id: 'safari-ios',
		label: 'Safari on iOS (home-screen app)',
		family: 'safari',
		platform: 'ios',
		shows: [],
		maxActions: 0,
		titleLength: 45,
		bodyLength: 170,
		note: "Only a web app added to the home screen can receive pushes on iOS; it shows the app's icon.",
	},
];

/** The most action buttons any browser shows: sends, resources and campaigns accept up to this many. */
export const MAX_ACTIONS = Math.max(...BROWSERS.map((b) => b.maxActions));

/** The fields of a message a browser would not show, and the texts it would cut. */
export interface Dropped {
	/** Fields the message has that this browser drops (buttons beyond its count count as `actions`). */
	fields: NotificationField[];
	/** Buttons it drops (all of them when it shows none). */
	actionsDropped: number;
	titleCut: boolean;
	bodyCut: boolean;
}

/** The fields of a message (only those that matter here). */
export interface PreviewMessage {
	title: string;
	body?: string;
	icon?: string;
	image?: string;
	badge?: string;
	actions?: ReadonlyArray<unknown>;
	requireInteraction?: boolean;
}

/** What `browser` would drop or cut of `message`. Code points are counted, not UTF-16 units. */
export function droppedBy(browser: BrowserSupport, message: PreviewMessage): Dropped {
	const fields: NotificationField[] = [];
	const has: Record<NotificationField, boolean> = {
		icon: Boolean(message.icon),
		image: Boolean(message.image),
		badge: Boolean(message.badge),
		actions: (message.actions?.length ?? 0) > 0,
		requireInteraction: message.requireInteraction === true,
	};
	for (const field of Object.keys(has) as NotificationField[]) {
		if (has[field] && !browser.shows.includes(field)) fields.push(field);
	}
	const actions = message.actions?.length ?? 0;
	const shown = browser.shows.includes('actions') ? Math.min(actions, browser.maxActions) : 0;
	if (shown < actions && !fields.includes('actions')) fields.push('actions');
	return {
		fields,
		actionsDropped: actions - shown,
		titleCut: [...message.title].length > browser.titleLength,
		bodyCut: [...(message.body ?? '')].length > browser.bodyLength,
	};
}

/** Cuts a text to `length` code points with an ellipsis, as a notification centre would show it. */
export function cutText(text: string, length: number): string {
	const points = [...text];
	return points.length > length ? `${points.slice(0, Math.max(0, length - 1)).join('')}…` : text;
}
