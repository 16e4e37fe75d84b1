import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'acorn';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { sprintf, sprintfNodes } from '../../../console/src/ui/format.ts';

// Every user-visible text of the admin console goes through the host's t() (WordPress: wp.i18n). This check
// compiles each console source with esbuild (JSX → `__jsx(tag, props, ...children)` calls, types stripped), parses
// the result with acorn and reports the literal texts that reach the page without t():
// - JSX text with letters (`<button>Save</button>`),
// - string literals in text attributes (label, placeholder, aria-label, title, alt, data-label, confirm, …),
// - literals that a child or text attribute expression renders (`{busy ? 'Saving…' : t('Save')}`, template
//   literals, `a || 'None'`), but not literals consumed by other calls (`list.join(', ')`, `fmt(n)`),
// - literal toasts (`host.toast('Saved')`), `document.title = '…'` and the console's own ApiError messages.

const ROOT = join(import.meta.dirname, '../../..');
const SRC = join(ROOT, 'console/src');

/** Attributes and component props whose value is read or heard by people. */
const TEXT_ATTRS = new Set([
	'label',
	'placeholder',
	'title',
	'alt',
	'summary',
	'confirm',
	'yes',
	'data-label',
	'aria-label',
	'aria-description',
	'aria-roledescription',
	'aria-placeholder',
	'aria-valuetext',
]);

/** Calls whose string argument is the text to translate. */
const TRANSLATORS = new Set(['t', 'tn', '__', '_n', '_x']);
/** Calls that put values into a (translated) format: all their arguments are rendered. */
const FORMATTERS = new Set(['sprintf', 'sprintfNodes']);

/** Literal texts that are not language: names and a URL scheme shown as is. */
const ALLOWED = new Set([
	'Beckon', // the brand
	'Google Chrome', // the app name Chrome prints on Windows notifications (preview)
	'https://', // URL field placeholder
	'UTC', // a time zone id (the automation editor's zone placeholder)
	'value', // the default revenue property's name, code (the automation editor's goal placeholder)
	// hosts/shopify.ts is another engineer's file; the Shopify host's t() returns the text as is anyway.
	'App Bridge did not load; open Beckon from your Shopify admin',
]);

interface AstNode {
	type: string;
	[key: string]: unknown;
}

interface Untranslated {
	file: string;
	line: number;
	text: string;
}

const isNode = (v: unknown): v is AstNode =>
	typeof v === 'object' && v !== null && typeof (v as AstNode).type === 'string';

/** The name a call is made by: `t(…)` → t, `host.toast(…)` → toast. */
function calleeName(callee: unknown): string {
	if (!isNode(callee)) return '';
	if (callee.type === 'Identifier') return callee.name as string;
	if (callee.type === 'MemberExpression' && isNode(callee.property) && callee.property.type === 'Identifier')
		return callee.property.name as string;
	return '';
}

/** The untranslated literal texts in one source file (TS or TSX). */
function untranslated(source: string, file = 'inline.tsx'): Untranslated[] {
	const js = transformSync(source, {
		loader: file.endsWith('.tsx') ? 'tsx' : 'ts',
		jsx: 'transform',
		jsxFactory: '__jsx',
		jsxFragment: '__Fragment',
		target: 'es2022',
	}).code;
	const ast = parse(js, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as AstNode;
	const found: Untranslated[] = [];

	const report = (text: string) => {
		const trimmed = text.replace(/\s+/g, ' ').trim();
		if (!/\p{L}/u.test(trimmed) || ALLOWED.has(trimmed)) return;
		// The line: where the text stands as JSX text or as a quoted literal, else where it first occurs.
		const head = trimmed.slice(0, 24);
		const at = [`>${head}`, `"${head}`, `'${head}`, `\`${head}`, head]
			.map((s) => source.indexOf(s))
			.find((i) => i >= 0);
		const line = at === undefined ? 0 : source.slice(0, at).split('\n').length;
		found.push({ file, line, text: trimmed });
	};

	/** Reports the literals an expression would put on the page. */
	const rendered = (node: unknown): void => {
		if (!isNode(node)) return;
		switch (node.type) {
			case 'Literal':
				if (typeof node.value === 'string') report(node.value);
				return;
			case 'TemplateLiteral':
				report((node.quasis as Array<{ value: { cooked: string } }>).map((q) => q.value.cooked).join(' '));
				for (const e of node.expressions as unknown[]) rendered(e);
				return;
			case 'ConditionalExpression':
				rendered(node.consequent);
				rendered(node.alternate);
				return;
			case 'LogicalExpression':
				if (node.operator !== '&&') rendered(node.left);
				rendered(node.right);
				return;
			case 'BinaryExpression':
				if (node.operator === '+') {
					rendered(node.left);
					rendered(node.right);
				}
				return;
			case 'ArrayExpression':
				for (const e of node.elements as unknown[]) rendered(e);
				return;
			case 'SequenceExpression':
				rendered((node.expressions as unknown[]).at(-1));
				return;
			case 'CallExpression': {
				const name = calleeName(node.callee);
				if (FORMATTERS.has(name)) for (const a of node.arguments as unknown[]) rendered(a);
				// t('…') is translated; __jsx(…) is visited on its own; other calls consume their strings.
				return;
			}
			default:
				return;
		}
	};

	const visit = (node: unknown): void => {
		if (Array.isArray(node)) {
			for (const n of node) visit(n);
			return;
		}
		if (!isNode(node)) return;
		if (node.type === 'CallExpression') {
			const name = calleeName(node.callee);
			const args = node.arguments as AstNode[];
			if (name === '__jsx') {
				const props = args[1];
				if (props?.type === 'ObjectExpression')
					for (const p of props.properties as AstNode[]) {
						if (p.type !== 'Property' || !isNode(p.key)) continue;
						const key = p.key.type === 'Identifier' ? p.key.name : p.key.value;
						if (TEXT_ATTRS.has(String(key))) rendered(p.value);
					}
				for (const child of args.slice(2)) rendered(child);
			} else if (name === 'toast') rendered(args[0]);
		}
		if (node.type === 'NewExpression' && calleeName(node.callee) === 'ApiError')
			rendered((node.arguments as unknown[])[2]);
		if (
			node.type === 'AssignmentExpression' &&
			isNode(node.left) &&
			node.left.type === 'MemberExpression' &&
			calleeName(node.left) === 'title' &&
			isNode(node.left.object) &&
			node.left.object.type === 'Identifier' &&
			node.left.object.name === 'document'
		)
			rendered(node.right);
		for (const [key, value] of Object.entries(node)) if (key !== 'type') visit(value);
	};
	visit(ast);
	return found;
}

/** The literal texts passed to t()/tn(): what translators get. */
function msgids(source: string, file = 'inline.tsx'): string[] {
	const js = transformSync(source, { loader: file.endsWith('.tsx') ? 'tsx' : 'ts', jsx: 'transform' }).code;
	const ids: string[] = [];
	const visit = (node: unknown): void => {
		if (Array.isArray(node)) {
			for (const n of node) visit(n);
			return;
		}
		if (!isNode(node)) return;
		if (node.type === 'CallExpression' && TRANSLATORS.has(calleeName(node.callee)))
			for (const a of (node.arguments as unknown[]).slice(0, calleeName(node.callee) === 't' ? 1 : 2))
				if (isNode(a) && a.type === 'Literal' && typeof a.value === 'string') ids.push(a.value);
		for (const [key, value] of Object.entries(node)) if (key !== 'type') visit(value);
	};
	visit(parse(js, { ecmaVersion: 'latest', sourceType: 'module' }));
	return ids;
}

const sources = (dir: string): string[] =>
	readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory()
			? sources(join(dir, e.name))
			: /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')
				? [join(dir, e.name)]
				: [],
	);

describe('console i18n', () => {
	it('fills translated formats as WordPress sprintf does', () => {
		expect(sprintf('%d active', 3.7)).toBe('3 active');
		expect(sprintf('Sent %s of %s', '1,024', 2048)).toBe('Sent 1,024 of 2048');
		expect(sprintf('%2$s: %1$s', 'one', 'two')).toBe('two: one');
		expect(sprintf('after scrolling %s%% of a page', 50)).toBe('after scrolling 50% of a page');
		const link = { type: 'a', props: {} };
		expect(sprintfNodes('This page does not exist. %s.', link)).toEqual([
			'This page does not exist. ',
			link,
			'.',
		]);
		expect(sprintfNodes('%2$s to %1$s', 'all', link)).toEqual([link, ' to ', 'all']);
	});

	it('finds literal texts that bypass t()', () => {
		const sample = `
			export function Sample({ busy, host, n }) {
				const t = useT();
				host.toast('Saved');
				return (
					<form aria-label="Settings">
						<button>Save</button>
						<input placeholder="Your name" />
						<p>{busy ? 'Saving…' : t('Idle')}</p>
						<p>{\`\${n} left\`}</p>
						<Screen title="Overview" />
						<ConfirmButton label={t('Revoke')} yes={t('Yes, revoke')} confirm={sprintf('Revoke %s?', n)} />
					</form>
				);
			}`;
		expect(untranslated(sample).map((f) => f.text)).toEqual([
			'Saved',
			'Settings',
			'Save',
			'Your name',
			'Saving…',
			'left',
			'Overview',
			'Revoke %s?',
		]);
		expect(untranslated(sample).find((f) => f.text === 'Save')?.line).toBe(7);
	});

	it('accepts translated texts, values, data and symbols', () => {
		const sample = `
			export function Sample({ n, items, host, view }) {
				const t = useT();
				const tn = useTn();
				host.toast(t('Saved'));
				return (
					<form aria-label={t('Settings')} class="card form" data-testid="settings-form">
						<button type="submit" class={n ? 'primary' : 'link'}>{t('Save')}</button>
						<input id="name" placeholder="https://" autoComplete="username" />
						<p>{n === 'done' ? t('Done') : sprintf(tn('%d left', '%d left', n), n)}</p>
						<p>{sprintfNodes(t('Sent to %s'), <b>{view.name}</b>)}</p>
						<p>{items.join(', ') || '–'} · {fmt(n)}% <span aria-hidden="true">☰</span> ×</p>
						<a href={\`#/notifications/\${n}\`}>{view.title}</a>
						<span class="brand">Beckon</span>
					</form>
				);
			}`;
		expect(untranslated(sample)).toEqual([]);
		expect(msgids(sample)).toEqual(['Saved', 'Settings', 'Save', 'Done', '%d left', '%d left', 'Sent to %s']);
	});

	it('leaves no console text untranslated', () => {
		const files = sources(SRC);
		expect(files.length).toBeGreaterThan(30);
		const found = files.flatMap((f) => untranslated(readFileSync(f, 'utf8'), relative(ROOT, f)));
		expect(found.map((f) => `${f.file}:${f.line} ${JSON.stringify(f.text)}`)).toEqual([]);
		// The check is not vacuous: the console hands its texts to t() in every screen.
		const ids = new Set(files.flatMap((f) => msgids(readFileSync(f, 'utf8'), f)));
		expect(ids.size).toBeGreaterThan(200);
	});
});
