import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { transform } from 'esbuild';
import { runCommand } from './static-checks.ts';

/** WordPress's translation functions, as xgettext keywords (context and plural arguments marked). */
const KEYWORDS = [
	'__',
	'_e',
	'_x:1,2c',
	'_n:1,2',
	'_nx:1,2,4c',
	'_n_noop:1,2',
	'esc_html__',
	'esc_html_e',
	'esc_html_x:1,2c',
	'esc_attr__',
	'esc_attr_e',
	'esc_attr_x:1,2c',
];

/** The console's translation functions (console/src/hosts/host.ts): `t(text)` and `tn(single, plural, n)`. */
const CONSOLE_KEYWORDS = ['t', 'tn:1,2', 'translatable'];

function sources(dir: string, ext: string | RegExp): string[] {
	const matches = (name: string) => (typeof ext === 'string' ? name.endsWith(ext) : ext.test(name));
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile() && matches(e.name) && e.name !== 'uninstall.php')
		.map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
		.sort();
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The `mappings` of a source map as, per generated line, its segments `[generated column, original line]`
 * (0-based; segments without an original position left out).
 */
function decodeMappings(mappings: string): Array<Array<[number, number]>> {
	let srcLine = 0;
	return mappings.split(';').map((line) => {
		let col = 0;
		const out: Array<[number, number]> = [];
		for (const segment of line.split(',')) {
			if (!segment) continue;
			const fields: number[] = [];
			let value = 0;
			let shift = 0;
			for (const ch of segment) {
				const digit = BASE64.indexOf(ch);
				value += (digit & 31) << shift;
				if (digit & 32) {
					shift += 5;
					continue;
				}
				fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
				value = 0;
				shift = 0;
			}
			col += fields[0] ?? 0;
			if (fields.length >= 4) {
				srcLine += fields[2] ?? 0;
				out.push([col, srcLine]);
			}
		}
		return out;
	});
}

/** A console file as esbuild transformed it: its JavaScript lines and where each part came from. */
interface Transformed {
	lines: string[];
	segments: Array<Array<[number, number]>>;
}

/** The line in the console's source of a text xgettext found on `line` (1-based) of its transformed JavaScript. */
function originalLine(file: Transformed, line: number, msgid: string): number {
	const text = file.lines[line - 1] ?? '';
	const segments = file.segments[line - 1] ?? [];
	const at = Math.max(0, text.indexOf(JSON.stringify(msgid)));
	const before = segments.filter(([col]) => col <= at).at(-1) ?? segments[0];
	return before ? before[1] + 1 : line;
}

/** Reads the C-style quoted parts of a PO field (`msgid "a" "b"` → `ab`). */
function poString(lines: string[], field: string): string {
	const start = lines.findIndex((l) => l.startsWith(`${field} "`));
	if (start < 0) return '';
	const parts = [lines[start]?.slice(field.length + 1) ?? ''];
	for (const l of lines.slice(start + 1)) {
		if (!l.startsWith('"')) break;
		parts.push(l);
	}
	return parts.map((p) => JSON.parse(p) as string).join('');
}

/** esbuild's output for one console file: its JavaScript lines, and where each part came from. */
async function transformConsoleFile(repoDir: string, file: string, tmp: string): Promise<Transformed> {
	const out = await transform(readFileSync(join(repoDir, file), 'utf8'), {
		loader: file.endsWith('.tsx') ? 'tsx' : 'ts',
		jsx: 'automatic',
		jsxImportSource: 'preact',
		charset: 'utf8',
		sourcemap: 'external',
		sourcefile: file,
		target: 'esnext',
	});
	mkdirSync(dirname(join(tmp, file)), { recursive: true });
	writeFileSync(join(tmp, file), out.code);
	const map = JSON.parse(out.map) as { mappings: string };
	return { lines: out.code.split('\n'), segments: decodeMappings(map.mappings) };
}

/** Byte order, as xgettext's `--sort-by-file` compares file names. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Maps each console reference of a PO entry back to its source line (see {@link extractPot}), and returns the
 * entry with its first reference, to sort by.
 */
function remapEntry(
	entry: string,
	transformed: Map<string, Transformed>,
): { first: [string, number]; text: string } {
	const lines = entry.split('\n');
	const msgid = poString(lines, 'msgid');
	const refs = lines
		.filter((l) => l.startsWith('#: '))
		.flatMap((l) => l.slice(3).split(' '))
		.map((ref): [string, number] => {
			const [file = '', line = '0'] = ref.split(/:(?=\d+$)/);
			const at = transformed.get(file);
			return [file, at ? originalLine(at, Number(line), msgid) : Number(line)];
		})
		.sort((a, b) => byName(a[0], b[0]) || a[1] - b[1]);
	const rest = lines.filter((l) => !l.startsWith('#: '));
	// References come after the translators' comments (`#.`) and before the flags (`#,`), as xgettext writes them.
	const at = rest.findIndex((l) => !l.startsWith('#.'));
	const where = refs.length ? [`#: ${refs.map(([f, l]) => `${f}:${l}`).join(' ')}`] : [];
	return { first: refs[0] ?? ['', 0], text: [...rest.slice(0, at), ...where, ...rest.slice(at)].join('\n') };
}

/**
 * The plugin's translation template, extracted with GNU xgettext (WordPress's own `wp i18n make-pot` is not
 * available here) from the plugin's PHP, its editor/admin scripts, and the console it embeds (console/src next to
 * the plugin, whose texts go through `t(text)` and `tn(single, plural, n)`, which are wp.i18n's `__` and `_n`
 * with this text domain in WordPress). The console's TypeScript and JSX are transformed to plain JavaScript
 * with esbuild (types gone, JSX turned into calls, string literals and `t(…)` / `tn(…)` calls as they were)
 * under their own names in a temp folder for xgettext, and each reference is mapped back to the line of the
 * source through esbuild's source map, so it reads `console/src/screens/composer.tsx:42`. All three go into
 * one catalogue, so a text used in several places is one entry. Lines that change on every run are left out.
 */
export async function extractPot(pluginDir: string): Promise<string> {
	const repoDir = dirname(pluginDir);
	const tmp = mkdtempSync(join(tmpdir(), 'beckon-pot-'));
	try {
		const out = join(tmp, 'beckon-web-push.pot');
		const common = [
			'--from-code=UTF-8',
			'--add-comments=translators:',
			'--sort-by-file',
			'--package-name=beckon-web-push',
			'-o',
			out,
		];
		const wordpress = KEYWORDS.map((k) => `--keyword=${k}`);
		const consoleFiles = sources(join(repoDir, 'console/src'), /\.tsx?$/).map((f) => `console/src/${f}`);
		const transformed = new Map<string, Transformed>();
		for (const file of consoleFiles) transformed.set(file, await transformConsoleFile(repoDir, file, tmp));
		const runs = [
			['--language=PHP', '-D', pluginDir, ...common, ...wordpress, ...sources(pluginDir, '.php')],
			['--language=JavaScript', '-D', pluginDir, '-j', ...common, ...wordpress, ...sources(pluginDir, '.js')],
			// `--keyword` alone drops xgettext's default JavaScript keywords (`_`, `gettext`, …).
			[
				'--language=JavaScript',
				'-D',
				tmp,
				'-j',
				...common,
				'--keyword',
				...CONSOLE_KEYWORDS.map((k) => `--keyword=${k}`),
				...consoleFiles,
			],
		];
		for (const args of runs) {
			const run = await runCommand('xgettext', args);
			if (run.code !== 0) throw new Error(`xgettext ${args.join(' ')} failed:\n${run.stderr}`);
		}
		const entries = readFileSync(out, 'utf8')
			.trim()
			.split('\n\n')
			.slice(1) // xgettext's header, with dates.
			.map((entry) => remapEntry(entry, transformed))
			.sort((a, b) => byName(a.first[0], b.first[0]) || a.first[1] - b.first[1]);
		const header = `# Translation template of the Beckon Web Push WordPress plugin. Regenerate with:
#   node_modules/.bin/node test/support/wordpress/pot.ts (Node 22 from npm: it runs TypeScript as is)
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"X-Domain: beckon-web-push\\n"
`;
		return `${header}\n${entries.map((e) => `${e.text}\n`).join('\n')}`;
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const plugin = join(process.cwd(), 'plugin-wordpress');
	writeFileSync(join(plugin, 'languages', 'beckon-web-push.pot'), await extractPot(plugin));
	console.log('wrote plugin-wordpress/languages/beckon-web-push.pot');
}
