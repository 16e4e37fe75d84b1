// Small preferences the console keeps in localStorage (e.g. the subscriber test sends go to). Inside Shopify admin
// the console is a third-party frame: where the browser blocks storage there (third-party cookies off, Incognito),
// touching localStorage throws, and the preference then lives in memory for the page's lifetime.

const memory = new Map<string, string>();

/** A stored preference, or null. */
export function readPref(key: string): string | null {
	try {
		return localStorage.getItem(key);
	} catch {
		return memory.get(key) ?? null;
	}
}

/** Stores a preference (in memory when storage is blocked). */
export function writePref(key: string, value: string): void {
	try {
		localStorage.setItem(key, value);
	} catch {
		memory.set(key, value);
	}
}
