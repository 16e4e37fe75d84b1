import type { BeckonState, EventProperties } from '../../widget/src/types';

/** The page API (widget/src/beckon.ts) as tests call it inside pages. */
interface BeckonApi {
	init(options: {
		siteId: string;
		api?: string;
		serviceWorker?: string;
		scope?: string;
		identity?: string;
	}): Promise<void>;
	getState(): BeckonState;
	on(event: 'change', cb: (state: BeckonState) => void): () => void;
	subscribe(categories?: string[]): Promise<BeckonState>;
	unsubscribe(): Promise<void>;
	setCategories(categories: string[]): Promise<void>;
	identify(token: string): Promise<BeckonState>;
	showPrompt(): Promise<void>;
	track(name: string, properties?: EventProperties): void;
}

declare global {
	interface Window {
		Beckon: BeckonApi;
	}
}
