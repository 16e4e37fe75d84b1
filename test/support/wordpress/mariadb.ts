import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A private MariaDB server on a unix socket (no TCP), owned by one test file. */
export interface MariaDb {
	socket: string;
	/** Runs SQL with the `mariadb` client as root. */
	sql(statement: string): Promise<string>;
	stop(): Promise<void>;
}

/** Whether we run as root: mariadbd then needs `--user=root` (CI runs as root). */
const asRoot = () => process.getuid?.() === 0;

/**
 * Initialises a data directory under `dir` and starts `mariadbd` on `dir/mysql.sock` with grant tables off
 * (the socket is only reachable from this machine and the directory is removed afterwards).
 */
export async function startMariaDb(dir: string, timeoutMs = 30_000): Promise<MariaDb> {
	const datadir = join(dir, 'data');
	const socket = join(dir, 'mysql.sock');
	const errorLog = join(dir, 'mariadb.err');
	mkdirSync(datadir, { recursive: true });
	const user = asRoot() ? ['--user=root'] : [];
	await run('mariadb-install-db', [
		'--no-defaults',
		`--datadir=${datadir}`,
		...user,
		'--auth-root-authentication-method=normal',
		'--skip-test-db',
		'--skip-name-resolve',
	]);
	const child: ChildProcess = spawn(
		'mariadbd',
		[
			'--no-defaults',
			`--datadir=${datadir}`,
			`--socket=${socket}`,
			`--pid-file=${join(dir, 'mariadb.pid')}`,
			`--log-error=${errorLog}`,
			...user,
			'--skip-networking',
			'--skip-grant-tables',
			'--skip-log-bin',
			'--innodb-buffer-pool-size=64M',
			'--innodb-log-file-size=16M',
			'--innodb-flush-log-at-trx-commit=0',
			'--innodb-doublewrite=0',
			'--character-set-server=utf8mb4',
		],
		{ stdio: 'ignore', detached: true },
	);
	const stop = () => stopProcess(child);
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const log = existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '';
		if (existsSync(socket) && log.includes('ready for connections')) break;
		if (child.exitCode !== null || Date.now() > deadline) {
			await stop();
			throw new Error(`mariadbd did not start (exit ${child.exitCode}):\n${log.slice(-2000)}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		socket,
		sql: async (statement) =>
			(await run('mariadb', ['--no-defaults', '-S', socket, '-u', 'root', '-N', '-e', statement])).stdout,
		stop,
	};
}

/** Sends SIGTERM to a detached child's process group, SIGKILL after 5 s; resolves when it exited. */
export function stopProcess(child: ChildProcess): Promise<void> {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null || !child.pid) return resolve();
		const pid = child.pid;
		const timer = setTimeout(() => signal(pid, 'SIGKILL'), 5_000);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		signal(pid, 'SIGTERM');
	});
}

function signal(pid: number, name: NodeJS.Signals): void {
	for (const target of [-pid, pid]) {
		try {
			process.kill(target, name);
			return;
		} catch {
			// not a group leader, or gone already
		}
	}
}
