import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

function sources(dir: string, ext: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile() && e.name.endsWith(ext) && e.name !== 'uninstall.php')
		.map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
		.sort();
}

/**
 * The plugin's translation template, extracted with GNU xgettext from the PHP and the editor/admin scripts
 * (WordPress's own `wp i18n make-pot` is not available here). Lines that change on every run are left out.
 */
export async function extractPot(pluginDir: string): Promise<string> {
	const common = [
		'--from-code=UTF-8',
		'--add-comments=translators:',
		'--omit-header',
		'--sort-by-file',
		'--package-name=beckon-web-push',
		'-o',
		'-',
		...KEYWORDS.map((k) => `--keyword=${k}`),
	];
	const php = await runCommand('xgettext', [
		'--language=PHP',
		'-D',
		pluginDir,
		...common,
		...sources(pluginDir, '.php'),
	]);
	const js = await runCommand('xgettext', [
		'--language=JavaScript',
		'-D',
		pluginDir,
		...common,
		...sources(pluginDir, '.js'),
	]);
	if (php.code !== 0 || js.code !== 0) throw new Error(`xgettext failed:\n${php.stderr}\n${js.stderr}`);
	const header = `# Translation template of the Beckon Web Push WordPress plugin. Regenerate with:
#   node test/support/wordpress/pot.ts
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"X-Domain: beckon-web-push\\n"
`;
	return `${header}\n${php.stdout}${js.stdout ? `\n${js.stdout}` : ''}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const plugin = join(process.cwd(), 'plugin-wordpress');
	writeFileSync(join(plugin, 'languages', 'beckon-web-push.pot'), await extractPot(plugin));
	console.log('wrote plugin-wordpress/languages/beckon-web-push.pot');
}
