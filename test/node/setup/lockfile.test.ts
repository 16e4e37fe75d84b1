import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockPackage {
	version?: string;
	optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8')) as {
	packages: Record<string, LockPackage>;
};

describe('package-lock.json', () => {
	// npm writes a lock with only this machine's platform packages when it creates one, and adds the others on the
	// next `npm install`: then the README's commands would dirty a fresh clone, and `npm ci` would refuse the lock.
	it('lists every optional (platform) dependency of every package, so installs never rewrite it', () => {
		const missing: string[] = [];
		for (const [path, pkg] of Object.entries(lock.packages)) {
			for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
				const nested = `${path}/node_modules/${name}`;
				if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`])
					missing.push(`${path} → ${name}`);
			}
		}
		expect(missing).toEqual([]);
	});
});
