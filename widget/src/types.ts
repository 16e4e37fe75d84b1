import type { Prompt, SubscriberStatus, Texts } from '#wire';

export type { Prompt, PublicConfig, Texts } from '#wire';

/** Permission state of this browser for the site (seed 001). */
export type BeckonState = SubscriberStatus;

/** Properties of a tracked event (`Beckon.track`): at most 20, 2 KB of JSON. */
export type EventProperties = Record<string, string | number | boolean>;

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
