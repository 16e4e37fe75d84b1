import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Output of a command that may fail. */
export interface CommandRun {
	code: number;
	stdout: string;
	stderr: string;
}

/** Runs a command to completion (never rejects). */
export function runCommand(
	command: string,
	args: string[],
	env: Record<string, string> = {},
	timeoutMs = 120_000,
): Promise<CommandRun> {
	return new Promise((resolve) => {
		execFile(
			command,
			args,
			{ env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024, timeout: timeoutMs },
			(error, stdout, stderr) => {
				const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
				resolve({ code, stdout, stderr });
			},
		);
	});
}

/** Every `.php` file under the directories, recursively. */
export function phpFiles(...dirs: string[]): string[] {
	return dirs.flatMap((dir) =>
		readdirSync(dir, { withFileTypes: true, recursive: true })
			.filter((entry) => entry.isFile() && entry.name.endsWith('.php'))
			.map((entry) => join(entry.parentPath, entry.name)),
	);
}

/** PHPUnit's closing line: `OK (47 tests, 231 assertions)` or `Tests: 47, Assertions: 230, Failures: 1.` */
export function phpunitCounts(output: string): { tests: number; assertions: number; ok: boolean } {
	const ok = /^OK \((\d+) tests?, (\d+) assertions?\)$/m.exec(output);
	if (ok) return { tests: Number(ok[1]), assertions: Number(ok[2]), ok: true };
	const failed = /^Tests: (\d+), Assertions: (\d+)/m.exec(output);
	return { tests: Number(failed?.[1] ?? 0), assertions: Number(failed?.[2] ?? 0), ok: false };
}
