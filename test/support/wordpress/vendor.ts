import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Third-party releases that neither Debian nor npm carries (WordPress 7.1, PHP_CodeSniffer 3.13 with the
 * WordPress Coding Standards), as tarballs in the folder named by `BECKON_VENDOR_DIR` (CI: `../shared/vendor`,
 * exported by `.ci/run`). A clone without it skips the tests that need them, saying why.
 */
export const VENDOR_ENV = 'BECKON_VENDOR_DIR';

/** The vendor folder, or undefined when `BECKON_VENDOR_DIR` is unset or names no folder. */
export function vendorDir(): string | undefined {
	const dir = process.env[VENDOR_ENV];
	return dir && existsSync(dir) ? dir : undefined;
}

/** Why a test needing the vendor folder is skipped ('' when it is there). */
export function vendorSkipReason(): string {
	if (vendorDir()) return '';
	const dir = process.env[VENDOR_ENV];
	return dir ? `${VENDOR_ENV}=${dir} does not exist` : `${VENDOR_ENV} is not set`;
}

/**
 * Unpacks `<name>.tar.gz` of the vendor folder (read-only in CI) into a cache under the temp directory, once
 * per tarball version, and returns the unpacked folder (`<cache>/<top folder of the tarball>`).
 */
export function unpackVendor(name: string, top = name): string {
	const dir = vendorDir();
	if (!dir) throw new Error(vendorSkipReason());
	const tarball = join(dir, `${name}.tar.gz`);
	const { size, mtimeMs } = statSync(tarball);
	const cache = join(tmpdir(), 'beckon-vendor', `${name}-${size}-${Math.trunc(mtimeMs)}`);
	const done = join(cache, '.unpacked');
	if (!existsSync(done)) {
		// Unpacked beside the cache and renamed into place, so a run that dies half-way leaves no half folder.
		const partial = `${cache}.${process.pid}`;
		rmSync(partial, { recursive: true, force: true });
		mkdirSync(partial, { recursive: true });
		execFileSync('tar', ['-xzf', tarball, '-C', partial]);
		writeFileSync(join(partial, '.unpacked'), '');
		rmSync(cache, { recursive: true, force: true });
		renameSync(partial, cache);
	}
	return join(cache, top);
}

/** `php phpcs …` with the WordPress Coding Standards installed, from the vendor tarballs. */
export function wpcsCommand(): { command: string; args: string[] } {
	const phpcs = unpackVendor('php-codesniffer-3.13.4');
	const standards = [
		unpackVendor('wpcs-3.1.0'),
		join(unpackVendor('phpcsutils-1.0.12'), 'PHPCSUtils'),
		unpackVendor('phpcsextra-1.2.1'),
	];
	return {
		command: 'php',
		args: [join(phpcs, 'bin/phpcs'), '--runtime-set', 'installed_paths', standards.join(',')],
	};
}
