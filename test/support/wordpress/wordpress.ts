import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../local-worker.ts';
import { type MariaDb, startMariaDb, stopProcess } from './mariadb.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** Where Debian's `wordpress` package installs WordPress core. */
export const WORDPRESS_CORE = '/usr/share/wordpress';
/** The table prefix installed as a multisite network (with `BECKON_WP_MULTISITE=1` when loading it). */
export const NETWORK_PREFIX = 'ms_';
/** The administrator `install.php` creates. */
export const WP_ADMIN = { user: 'admin', password: 'beckon-admin-pass' } as const;

/** Output of one PHP command-line run. */
export interface PhpRun {
	code: number;
	stdout: string;
	stderr: string;
}

/** A running WordPress: a copy of its core, a private MariaDB and `php -S`, all under one temp directory. */
export interface WordPress {
	/** `http://127.0.0.1:<port>` (home and site URL). */
	url: string;
	/** The document root (a copy of the core with our wp-config.php and wp-content). */
	docroot: string;
	/** The WP_DEBUG log file: PHP notices and warnings of every request land here. */
	debugLog: string;
	/** Evaluates PHP inside WordPress (as user 1, table prefix `prefix`) and returns its JSON result. */
	eval<T = unknown>(code: string, prefix?: string): Promise<T>;
	/** The last lines `php -S` logged. */
	serverLog(): string;
	stop(): Promise<void>;
}

/** Options for {@link startWordPress}. */
export interface StartWordPressOptions {
	/** WordPress core to copy: Debian's ({@link WORDPRESS_CORE}, the default) or an unpacked release. */
	core?: string;
	/** The plugin's source directory, linked as wp-content/plugins/<slug>. */
	pluginDir: string;
	slug: string;
	/**
	 * Table prefixes to install (each a separate WordPress in the same database); the first is served.
	 * {@link NETWORK_PREFIX} is installed as a multisite network.
	 */
	prefixes?: string[];
}

function php(args: string[], env: Record<string, string>, input?: string): Promise<PhpRun> {
	return new Promise((resolve) => {
		const child = execFile(
			'php',
			args,
			{ env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
			(error, stdout, stderr) => {
				const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
				resolve({ code, stdout, stderr });
			},
		);
		child.stdin?.end(input ?? '');
	});
}

function wpConfig(url: string, socket: string, debugLog: string): string {
	const salt = () => randomBytes(32).toString('base64');
	const keys = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY']
		.flatMap((k) => [k, k.replace('KEY', 'SALT')])
		.map((k) => `define('${k}', '${salt()}');`)
		.join('\n');
	return `<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:${socket}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
${keys}
$table_prefix = getenv('BECKON_WP_PREFIX') ?: 'wp_';
if (getenv('BECKON_WP_MULTISITE')) {
	// The network installed under NETWORK_PREFIX (PHPUnit only; never served over HTTP).
	define('MULTISITE', true);
	define('SUBDOMAIN_INSTALL', false);
	define('DOMAIN_CURRENT_SITE', '127.0.0.1');
	define('PATH_CURRENT_SITE', '/');
	define('SITE_ID_CURRENT_SITE', 1);
	define('BLOG_ID_CURRENT_SITE', 1);
} else {
	define('WP_HOME', '${url}');
	define('WP_SITEURL', '${url}');
}
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_DEBUG', true);
define('WP_DEBUG_LOG', '${debugLog}');
define('WP_DEBUG_DISPLAY', false);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('FS_METHOD', 'direct');
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
`;
}

async function waitForHttp(url: string, child: ChildProcess, log: () => string, timeoutMs = 20_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			const response = await fetch(url, { redirect: 'manual' });
			await response.arrayBuffer();
			if (response.status < 500) return;
		} catch {
			// not listening yet
		}
		if (child.exitCode !== null || Date.now() > deadline)
			throw new Error(`php -S did not answer on ${url}:\n${log()}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/**
 * Installs and serves a WordPress for tests: MariaDB with a private datadir and socket, a copy of the core
 * (Debian's own wp-config.php reads /etc/wordpress, which tests must not touch), the plugin linked in and activated
 * in every prefix, and `php -S` with a router on 127.0.0.1.
 */
export async function startWordPress(options: StartWordPressOptions): Promise<WordPress> {
	const dir = mkdtempSync(join(tmpdir(), 'beckon-wp-'));
	const docroot = join(dir, 'www');
	const debugLog = join(dir, 'debug.log');
	const prefixes = options.prefixes ?? ['wp_'];
	let db: MariaDb | undefined;
	let server: ChildProcess | undefined;
	const logTail: string[] = [];
	const stop = async () => {
		if (server) await stopProcess(server);
		if (db) await db.stop();
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		const port = await freePort();
		const url = `http://127.0.0.1:${port}`;
		[db] = await Promise.all([
			startMariaDb(join(dir, 'db')),
			(async () => {
				cpSync(options.core ?? WORDPRESS_CORE, docroot, {
					recursive: true,
					dereference: true,
					filter: (src) => !/\/wp-config\.php$|\/wp-content\/plugins\/akismet/.test(src),
				});
				mkdirSync(join(docroot, 'wp-content/mu-plugins'), { recursive: true });
				mkdirSync(join(docroot, 'wp-content/uploads'), { recursive: true });
				cpSync(join(here, 'mu-plugin.php'), join(docroot, 'wp-content/mu-plugins/beckon-test-env.php'));
				symlinkSync(options.pluginDir, join(docroot, 'wp-content/plugins', options.slug));
			})(),
		]);
		await db.sql('CREATE DATABASE wordpress CHARACTER SET utf8mb4');
		writeFileSync(join(docroot, 'wp-config.php'), wpConfig(url, db.socket, debugLog));
		const plugin = `${options.slug}/load.php`;
		for (const prefix of prefixes) {
			const network = prefix === NETWORK_PREFIX ? ['network'] : [];
			const run = await php([join(here, 'install.php'), docroot, plugin, ...network], {
				BECKON_WP_PREFIX: prefix,
			});
			if (run.code !== 0 || !run.stdout.includes('"active":true'))
				throw new Error(`WordPress install (${prefix}) failed:\n${run.stdout}\n${run.stderr}`);
		}
		const child = spawn(
			'php',
			['-d', 'opcache.enable_cli=1', '-S', `127.0.0.1:${port}`, '-t', docroot, join(here, 'router.php')],
			{
				env: { ...process.env, BECKON_WP_PREFIX: prefixes[0], PHP_CLI_SERVER_WORKERS: '4' },
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true,
			},
		);
		server = child;
		const keep = (chunk: Buffer) => {
			logTail.push(chunk.toString());
			if (logTail.length > 200) logTail.shift();
		};
		child.stdout?.on('data', keep);
		child.stderr?.on('data', keep);
		const serverLog = () => logTail.join('');
		await waitForHttp(`${url}/wp-login.php`, child, serverLog);
		return {
			url,
			docroot,
			debugLog,
			eval: async <T>(code: string, prefix = prefixes[0] as string) => {
				const run = await php([join(here, 'eval.php'), docroot], { BECKON_WP_PREFIX: prefix }, code);
				const last = run.stdout.trim().split('\n').pop() ?? '';
				if (run.code !== 0) throw new Error(`eval failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
				return JSON.parse(last) as T;
			},
			serverLog,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
