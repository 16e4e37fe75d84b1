// Entry point of `npm start`, `npm test` and `npm run bench`. Runs on whatever Node the machine has (20+):
// installs the project's dependencies when they are missing or stale (including Node 22 itself, from the npm
// registry package `node`), then runs the real script under that Node 22. See README "Why Node 22 from npm".
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const task = process.argv[2];
const scripts = { start: 'start.mjs', test: 'test.mjs', bench: 'bench.mjs' };
if (!scripts[task]) {
	console.error(`usage: node scripts/run.mjs ${Object.keys(scripts).join('|')}`);
	process.exit(2);
}

// The README's commands must leave a checkout as they found it (no rewritten lock file, no stray outputs).
const gitStatus = () =>
	spawnSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).stdout ?? '';
const statusBefore = gitStatus();

const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.beckon-installed');
const wanted = createHash('sha256').update(readFileSync(lock)).digest('hex');
const node22 = join(root, 'node_modules', '.bin', 'node');
if (!existsSync(node22) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
	// `npm ci` installs exactly the lock file and never writes it, so the README's commands leave the checkout
	// clean. The lock lists every platform's optional packages (test/node/setup/lockfile.test.ts checks it).
	console.log('Installing dependencies (npm ci)…');
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const install = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: root,
		stdio: 'inherit',
	});
	if (install.status !== 0) process.exit(install.status ?? 1);
	writeFileSync(stamp, wanted);
}

const env = {
	...process.env,
	PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`,
	WRANGLER_SEND_METRICS: 'false',
	CLOUDFLARE_CF_FETCH_ENABLED: 'false',
};
const result = spawnSync(node22, [join(root, 'scripts', scripts[task]), ...process.argv.slice(3)], {
	cwd: root,
	stdio: 'inherit',
	env,
});
if (task === 'test' && gitStatus() !== statusBefore) {
	console.error(`✖ npm test changed the checkout; git status now says:\n${gitStatus()}`);
	process.exit(1);
}
process.exit(result.status ?? (result.signal ? 1 : 0));
