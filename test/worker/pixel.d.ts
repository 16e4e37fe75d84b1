// The Shopify web pixel (plain JavaScript, bundled by Shopify's CLI), as the tests run it.
declare module '*/beckon-pixel/src/index.js' {
	export function toBeckonEvent(
		event: unknown,
		shopOrigin: string | undefined,
	): { name: string; id?: string; time?: string; properties: Record<string, string | number> } | null;
	export function render(api: {
		analytics: { subscribe(name: string, fn: (event: unknown) => Promise<void>): unknown };
		browser: { localStorage: { getItem(key: string): Promise<string | null> } };
		settings: Record<string, string>;
		init: unknown;
	}): void;
}
