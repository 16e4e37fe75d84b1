/** Permission state of this browser for the site (seed 001). */
export type BeckonState = 'unsupported' | 'ask' | 'allowed' | 'blocked' | 'suspended';

/** Texts the widget shows (see worker/src/settings/prompt.ts for the defaults). */
export interface Texts {
	title: string;
	text: string;
	subscribe: string;
	later: string;
	save: string;
	bellSubscribe: string;
	bellSubscribed: string;
	bellUnsubscribe: string;
	bellBlocked: string;
	iosHint: string;
}

/** Prompt settings as the public config serves them. */
export interface Prompt {
	variant: 'simple' | 'categories';
	texts: Texts;
	translations: Record<string, Partial<Texts>>;
	image: string | null;
	categories: Array<{ id: string; label: string; translations: Record<string, string> }>;
	trigger: { type: 'seconds' | 'pageviews' | 'scroll' | 'manual'; value: number };
	laterDays: number;
	bell: { enabled: boolean; position: 'bottom-right' | 'bottom-left' };
	theme: { accent: string; background: string; text: string; radius: number };
	dir: 'auto' | 'ltr' | 'rtl';
}

/** GET /v1/sites/:siteId/config */
export interface PublicConfig {
	siteId: string;
	vapidPublicKey: string;
	prompt: Prompt;
}

/** What the UI chunk draws: one view at a time, plus the bell. */
export interface View {
	prompt: null | 'prompt' | 'ios';
	bell: boolean;
	panel: boolean;
	state: BeckonState;
	chosen: string[];
	texts: Texts;
	labels: Record<string, string>;
	config: Prompt;
	dir: 'ltr' | 'rtl';
}

/** What the UI chunk can ask the core to do. */
export interface Actions {
	subscribe(categories: string[]): void;
	later(): void;
	togglePanel(): void;
	unsubscribe(): void;
	saveCategories(categories: string[]): void;
}
