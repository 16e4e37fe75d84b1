import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Shopify's own gates, run offline: Theme Check on the theme app extension, `shopify app build` (which runs Theme
// Check again and bundles the extension) and `shopify app doctor` (the CLI's security scan). Neither command needs
// a Partners login. The CLI runs on a copy (it writes .shopify/ into the app folder) with a private home.

const root = process.cwd();
const app = join(root, 'shopify-app');
const work = mkdtempSync(join(tmpdir(), 'beckon-shopify-checks-'));
const copy = join(work, 'app');
const home = join(work, 'home');

/** Keeps the CLI and Theme Check off the network; every lookup they would make has a local answer. */
const offline: Record<string, string> = {
	SHOPIFY_CLI_NO_ANALYTICS: '1',
	// The startup notice fetch goes to a closed loopback port instead of cdn.shopify.com.
	SHOPIFY_CLI_NOTIFICATIONS_URL: 'http://127.0.0.1:9/notifications.json',
	// Theme Check's Liquid docs: no download from GitHub; it falls back to the copy bundled in its package.
	SHOPIFY_TLD_ROOT: join(home, 'no-docs'),
	XDG_CACHE_HOME: join(home, 'cache'),
	XDG_CONFIG_HOME: join(home, 'config'),
};

/** The app copy without its web pixel (see the doctor tests). */
const themeOnly = join(work, 'theme-only');

interface DoctorReport {
	scan: {
		issues: unknown[];
		score: { grade: string } | null;
		scan: {
			coverage_complete: boolean;
			coverage_gaps: Array<{ check_id: string; code: string }>;
			checks_executed: Array<{ id: string; status: string }>;
		};
	};
}

/** `shopify app doctor --json --blocking low` on a folder: its report (fails on a non-zero exit). */
async function doctor(path: string): Promise<DoctorReport> {
	const { code, stdout, stderr } = await shopify(
		'app',
		'doctor',
		'--path',
		path,
		'--json',
		'--blocking',
		'low',
	);
	expect(code, stderr).toBe(0);
	return JSON.parse(stdout) as DoctorReport;
}

/** Runs the repo's Shopify CLI in the app copy; resolves with its exit code and output. */
async function shopify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const cli = join(root, 'node_modules/@shopify/cli/bin/run.js');
		const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], {
			cwd: copy,
			env: { ...process.env, ...offline, CI: '1', FORCE_COLOR: '0' },
			timeout: 90_000,
			maxBuffer: 32 * 1024 * 1024,
		});
		return { code: 0, stdout, stderr };
	} catch (error) {
		const e = error as { code?: number; stdout?: string; stderr?: string };
		return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
	}
}

beforeAll(() => {
	// What `shopify app deploy` ships: the app configuration and the extension (the console is built into the
	// worker). A copy, so the build state the CLI writes never lands in the tracked folder.
	cpSync(app, copy, { recursive: true });
	cpSync(app, themeOnly, { recursive: true, filter: (from) => !from.includes('beckon-pixel') });
	// The CLI looks for a newer version of itself on npm at most once a day: the cached answer says it is current.
	mkdirSync(join(home, 'config/shopify-cli-kit-nodejs'), { recursive: true });
	writeFileSync(
		join(home, 'config/shopify-cli-kit-nodejs/config.json'),
		JSON.stringify({ cache: { 'npm-package-@shopify/cli': { value: '0.0.0', timestamp: Date.now() } } }),
	);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('shopify platform checks (offline)', () => {
	it('Theme Check finds no offense in the theme app extension', async () => {
		Object.assign(process.env, offline);
		const { themeCheckRun } = await import('@shopify/theme-check-node');
		const run = await themeCheckRun(join(app, 'extensions/beckon-embed'), undefined, () => undefined);
		expect(run.config.context).toBe('app');
		expect(run.theme.map((f) => f.uri.replace(/^.*\/extensions\//, '')).sort()).toEqual([
			'beckon-embed/blocks/beckon.liquid',
			'beckon-embed/blocks/notify.liquid',
			'beckon-embed/locales/en.default.json',
		]);
		expect(run.offenses.map((o) => `${o.check}: ${o.message} (${o.uri})`)).toEqual([]);
	});

	it('`shopify app build` builds the app and its theme app extension', async () => {
		const { code, stdout, stderr } = await shopify('app', 'build', '--path', copy);
		expect(code, `${stdout}\n${stderr}`).toBe(0);
		expect(`${stdout}${stderr}`).toContain('beckon-web-push built!');
		expect(`${stdout}${stderr}`).not.toMatch(/offense/i);
	});

	// The doctor scores an app whose only code is a theme app extension. A web pixel extension makes it classify the
	// app as "mixed" source and leave the app-backend rules unrun (they need a React Router app; Beckon's backend is
	// the worker, outside this folder), which also leaves it without a grade. So the grade and the full rule run are
	// checked on the app without its pixel, and the app as shipped is checked for findings, with the gaps named.
	it('`shopify app doctor` reports no finding, with every applicable rule run (theme extension)', async () => {
		const report = await doctor(themeOnly);
		expect(report.scan.issues).toEqual([]);
		expect(report.scan.score?.grade).toBe('EXCELLENT');
		expect(report.scan.scan.coverage_complete).toBe(true);
		const ran = report.scan.scan.checks_executed.filter((c) => c.status === 'executed').map((c) => c.id);
		expect(ran).toEqual(expect.arrayContaining(['UNSAFE_INNERHTML', 'LIQUID_UNSAFE_RENDER']));
	});

	it('`shopify app doctor` reports no finding on the app as shipped (with its web pixel)', async () => {
		const report = await doctor(copy);
		expect(report.scan.issues).toEqual([]);
		const gaps = report.scan.scan.coverage_gaps.map((g) => g.check_id).sort();
		expect(gaps).toEqual(
			[
				'APP_PROXY_LIQUID_INJECTION',
				'CREDENTIAL_BROWSER_LEAKAGE',
				'CREDENTIAL_LOG_LEAKAGE',
				'DEPRECATED_SCRIPT_TAG_SCOPE',
				'EOL_API_VERSION',
				'EXPIRING_OFFLINE_TOKEN',
				'REQUEST_CONTROLLED_ADMIN_CONTEXT',
				'UNAUTHENTICATED_ENDPOINT',
				'UNSAFE_INNERHTML',
			].sort(),
		);
		const ran = report.scan.scan.checks_executed.filter((c) => c.status === 'executed').map((c) => c.id);
		expect(ran).toEqual(expect.arrayContaining(['MISSING_COMPLIANCE_WEBHOOKS']));
	});
});
