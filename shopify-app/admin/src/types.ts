// The prompt settings are the widget's own shapes (widget/src/types.ts, types only): the overview and PATCH
// /settings return them whole, and the admin page edits a subset.
import type { Prompt } from '../../../widget/src/types';

export type { Prompt };

/** Subscriber statistics (the site API's GET /stats). */
export interface Stats {
	byStatus: Record<'ask' | 'allowed' | 'blocked' | 'unsupported' | 'suspended', number>;
	active: number;
	byBrowser: Record<string, number>;
	daily: Array<{ day: string; added: number; removed: number }>;
}

/** Delivery counts of a notification. */
export interface Counts {
	targeted: number;
	sent: number;
	failed: number;
	gone: number;
	shown: number;
	clicked: number;
	closed: number;
}

/** A notification as the site API lists it. */
export interface NotificationView {
	notificationId: string;
	status: 'queued' | 'sending' | 'done';
	message: { title: string; body: string; url?: string; image?: string };
	counts: Counts;
	createdAt: string;
}

/** A category subscribers can choose. */
export type Category = Prompt['categories'][number];

/** GET /shopify/api/overview. */
export interface Overview {
	shop: { domain: string; name: string; primaryUrl: string; siteId: string };
	stats: Stats;
	notifications: NotificationView[];
	prompt: Prompt;
}

/** A product or collection page to link to. */
export interface StoreLink {
	type: 'product' | 'collection';
	title: string;
	url: string;
	image: string | null;
}
