// npm test: static checks, then every test suite (workerd, Node, real browsers), then one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAssets } from './build.mjs';
import { root } from './local.mjs';
import { ensureSystemPackages } from './system-deps.mjs';

const bin = (name) => join(root, 'node_modules', '.bin', name);
const step = (label, cmd, args) => {
	console.log(`\n▶ ${label}`);
	const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
	if (r.status !== 0) {
		console.error(`✖ ${label} failed`);
		process.exit(r.status ?? 1);
	}
};

const problems = ensureSystemPackages();
if (problems.length > 0) {
	for (const p of problems) console.error(`✖ ${p}`);
	process.exit(1);
}
step('format and lint (biome)', bin('biome'), ['check', '.']);
for (const project of [
	'tsconfig.json',
	'tsconfig.node.json',
	'widget/tsconfig.json',
	'widget/sw/tsconfig.json',
	'console/tsconfig.json',
	'console/sw/tsconfig.json',
]) {
	step(`typecheck ${project}`, bin('tsc'), ['-p', project, '--noEmit']);
}
console.log('\n▶ build assets');
await buildAssets();

const report = join(tmpdir(), `beckon-vitest-${process.pid}.json`);
console.log('\n▶ tests (vitest: worker in workerd, Node, real Firefox and Chromium)');
const run = spawnSync(
	bin('vitest'),
	['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
	{
		cwd: root,
		stdio: 'inherit',
	},
);
let summary = 'no test report was written';
if (existsSync(report)) {
	const r = JSON.parse(readFileSync(report, 'utf8'));
	summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`;
	// Skipped tests carry their reason in their names (e.g. "… (skipped: BECKON_VENDOR_DIR is not set)"): list them.
	const skipped = r.testResults.flatMap((file) =>
		(file.assertionResults ?? []).filter(
			(t) => t.status === 'skipped' || t.status === 'pending' || t.status === 'todo',
		),
	);
	if (skipped.length > 0) {
		console.log(`\nskipped (${skipped.length}):`);
		for (const t of skipped) console.log(`  - ${t.fullName}`);
	}
	rmSync(report, { force: true });
	if (r.numTotalTests === 0) {
		console.error('✖ no tests ran');
		process.exit(1);
	}
}
console.log(`\ntests: ${summary}`);
process.exit(run.status ?? 1);
