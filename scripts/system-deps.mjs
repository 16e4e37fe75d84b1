// The system programs the browser tests need, from Debian's packages. Installed when missing and we may
// (root with apt-get); otherwise the test run stops with the exact command to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian package → the program the tests run. */
export const SYSTEM_PACKAGES = {
	'firefox-esr': '/usr/bin/firefox-esr',
	chromium: '/usr/bin/chromium',
	'fonts-dejavu-core': '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
	// The WordPress plugin's suite (test/e2e/wordpress.test.ts): a real WordPress on MariaDB and php -S.
	wordpress: '/usr/share/wordpress/wp-settings.php',
	'wordpress-theme-twentytwentyone': '/usr/share/wordpress/wp-content/themes/twentytwentyone/style.css',
	'mariadb-server': '/usr/sbin/mariadbd',
	'php-cli': '/usr/bin/php',
	'php-mysql': '/usr/share/doc/php-mysql/copyright',
	phpunit: '/usr/bin/phpunit',
	// PHP_CodeSniffer 3.13 with the WordPress Coding Standards comes from $BECKON_VENDOR_DIR; it needs PHP's XML.
	'php-xml': '/usr/share/doc/php-xml/copyright',
	gettext: '/usr/bin/xgettext',
};

/** Makes sure the packages are installed; returns a list of problems (empty when all is well). */
export function ensureSystemPackages() {
	const missing = Object.entries(SYSTEM_PACKAGES)
		.filter(([, path]) => !existsSync(path))
		.map(([name]) => name);
	if (missing.length === 0) return [];
	const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
	const canInstall = process.getuid?.() === 0 && spawnSync('which', ['apt-get']).status === 0;
	if (!canInstall)
		return [`missing system packages: ${missing.join(', ')}. Install them with: sudo ${command}`];
	console.log(`Installing system packages: ${missing.join(', ')}`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const run = spawnSync('sh', ['-c', command], { stdio: 'inherit', env });
	if (run.status !== 0) return [`could not install ${missing.join(', ')} (exit ${run.status})`];
	return [];
}
