import { runInNewContext } from 'node:vm';

// The rendered "Notify me when available" block, read the way a browser would: its wrapper's attributes, its JSON,
// and its inline script run against a stub DOM and a stand-in for window.Beckon (the real ones run in the e2e test).

/** The block's wrapper: its data attributes (HTML-decoded) and whether it starts hidden. */
export function wrapper(html: string): { hidden: boolean; data: Record<string, string> } {
	const tag = /<div\s+class="beckon-notify"([^>]*)>/.exec(html)?.[1];
	if (tag === undefined) throw new Error('no block wrapper');
	const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', amp: '&' };
	const decode = (s: string) =>
		s.replace(/&(?:#(\d+)|(\w+));/g, (_, n?: string, name?: string) =>
			n ? String.fromCharCode(Number(n)) : (named[name ?? ''] ?? ''),
		);
	const data = Object.fromEntries(
		[...tag.matchAll(/data-([\w-]+)="([^"]*)"/g)].map((m) => [m[1], decode(m[2] ?? '')]),
	);
	return { hidden: /\shidden(\s|$)/.test(tag), data };
}

/** The JSON the block's script reads. */
export function blockJson(html: string): {
	product_id: string;
	variant_id: string;
	editor: boolean;
	available: object;
} {
	const json = /<script type="application\/json">([\s\S]*?)<\/script>/.exec(html)?.[1];
	if (!json) throw new Error('no JSON data');
	return JSON.parse(json);
}

/** A stand-in for window.Beckon: its state, and what the block asked of it. */
export interface FakeBeckon {
	state: string;
	/** What subscribe() resolves to. */
	answer: string;
	calls: unknown[][];
}

/** window.Beckon for a fake: reports its state, resolves subscribe() to its answer and records the calls. */
export function widgetOf(b: FakeBeckon) {
	return {
		getState: () => b.state,
		subscribe: () => {
			b.calls.push(['subscribe']);
			b.state = b.answer;
			return Promise.resolve(b.state);
		},
		track: (name: string, props: unknown) => {
			b.calls.push(['track', name, props]);
		},
	};
}

/**
 * Runs the block's inline script against a stub DOM: a product form whose `id` field holds `field.value`, the URL's
 * query, a sessionStorage and window.Beckon (absent when `beckon` is null). Returns the elements to press and read.
 */
export function mount(
	html: string,
	options: { beckon: FakeBeckon | null; field?: { value: string }; search?: string },
) {
	const code = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
	if (!code) throw new Error('no inline script');
	const json = /<script type="application\/json">([\s\S]*?)<\/script>/.exec(html)?.[1];
	const listeners: Record<string, () => void> = {};
	const button = {
		attrs: {} as Record<string, string>,
		click: () => undefined as unknown,
		addEventListener: (_: string, cb: () => void) => {
			button.click = cb;
		},
		setAttribute: (k: string, v: string) => {
			button.attrs[k] = v;
		},
	};
	const status = { textContent: '' };
	const form = { elements: { namedItem: () => options.field ?? null } };
	const root = {
		...wrapper(html),
		dataset: wrapper(html).data,
		closest: () => ({ querySelector: () => form }),
		querySelector: (s: string) =>
			s.includes('json') ? { textContent: json } : s === 'button' ? button : status,
	};
	const store = new Map<string, string>();
	const window = {
		addEventListener: () => undefined,
		Beckon: options.beckon && widgetOf(options.beckon),
	};
	runInNewContext(code, {
		document: {
			currentScript: { parentNode: root },
			addEventListener: (type: string, cb: () => void) => {
				listeners[type] = cb;
			},
		},
		window,
		location: { search: options.search ?? '' },
		URLSearchParams,
		sessionStorage: {
			getItem: (k: string) => store.get(k) ?? null,
			setItem: (k: string, v: string) => store.set(k, v),
		},
		JSON,
		Promise,
		String,
		// The script only waits for the widget with it: no real waiting here.
		setTimeout: (cb: () => void) => setTimeout(cb, 0),
	});
	const settle = () => new Promise((r) => setTimeout(r, 10));
	return {
		root,
		button,
		status,
		window,
		change: () => listeners.change?.(),
		press: () => {
			button.click();
			return settle();
		},
	};
}
